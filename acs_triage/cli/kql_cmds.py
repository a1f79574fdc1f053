"""``kql list`` and ``kql show``: the query library, ready to paste (imported when they run)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from acs_triage.cli.groups import uses
from acs_triage.cli.options import LegScope, window_options
from acs_triage.cli.output import emit
from acs_triage.cli.output_options import FormatOpt, OutputOpt
from acs_triage.errors import UsageError
from acs_triage.formats import OutputFormat
from acs_triage.windows import WindowRequest, check_order

NO_WINDOW = WindowRequest()  # placeholder default: the window group supplies the value


def _scoped() -> str:
    from acs_triage.queries.store import load_queries

    return ", ".join(q.name for q in load_queries().values() if any(p.name == "scope" for p in q.parameters))


def kql_list(fmt: FormatOpt = OutputFormat.TABLE, output: OutputOpt = None) -> None:
    """The queries of the library, with their parameters."""
    from acs_triage.formats.kql_views import queries_view
    from acs_triage.queries.store import load_queries

    emit(queries_view(list(load_queries().values())), fmt, output)


@uses(window=window_options)
def kql_show(
    name: Annotated[str, typer.Argument(help="Query name (see 'acs-triage kql list').")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Parameter as name=value (repeatable)."),
    ] = None,
    window: WindowRequest = NO_WINDOW,
    scope: Annotated[
        LegScope | None,
        typer.Option(
            "--scope",
            case_sensitive=False,
            help="Which legs, for queries with a scope parameter: pstn, voip or all (same as -p scope=).",
        ),
    ] = None,
    annotated: Annotated[
        bool, typer.Option("--annotated", help="Join the end-code catalog in the query itself.")
    ] = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Print a ready-to-paste query, with typed parameter values."""
    from acs_triage.formats.kql_views import query_text_view
    from acs_triage.queries.annotate import annotate_query
    from acs_triage.queries.render import coerce_parameters
    from acs_triage.queries.render import render as render_query
    from acs_triage.queries.store import get_query

    query = get_query(name)
    raw: dict[str, object] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects name=value, got {item!r}")
        raw[key.strip()] = value
    given: dict[str, object] = {"lookback": window.since, "start": window.start, "end": window.end}
    options = {"lookback": "--since", "start": "--start", "end": "--end"}
    for key, option in options.items():
        if given[key] is not None and key in raw:
            raise UsageError(f"{option} and -p {key} both set the window: give one of them")
    if scope is not None:
        if not any(p.name == "scope" for p in query.parameters):
            raise UsageError(f"query {name!r} has no scope parameter; --scope applies to: {_scoped()}")
        given["scope"] = scope.value
    raw.update({key: value for key, value in given.items() if value is not None})
    values = coerce_parameters(query, raw)
    start, end = values.get("start"), values.get("end")
    if isinstance(start, datetime) and isinstance(end, datetime):
        check_order(start, end, ("start", "end"))
    text = render_query(query, values)
    if annotated:
        text = annotate_query(query, text)
    emit(query_text_view(query, text, values, annotated), fmt, output)
