"""``explain`` and ``codes``: the end-code catalog from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from acs_triage.catalog.loader import load_catalog
from acs_triage.catalog.model import ALL_SCOPES, SCOPES
from acs_triage.cli.output import emit
from acs_triage.cli.output_options import FormatOpt, OutputOpt
from acs_triage.errors import UsageError
from acs_triage.formats import OutputFormat
from acs_triage.formats.catalog_views import codes_view, explanation_view


def explain(
    code: Annotated[
        str,
        typer.Argument(
            help="ParticipantEndReason (e.g. 403). Alone, an end reason lists every documented "
            "pair with it; a sub-code alone (e.g. 560403) lists every pair using it."
        ),
    ],
    sub_code: Annotated[
        str | None,
        typer.Argument(help="ParticipantEndSubCode (e.g. 560403)."),
    ] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """What an end reason / sub-code pair means, who must act and what to do."""
    catalog = load_catalog()
    items = catalog.explain_all(code, sub_code)
    if not items:
        raise UsageError(
            f"no documented pair uses sub-code {code.strip()!r}; "
            "give the end reason too: acs-triage explain CODE SUBCODE"
        )
    emit(explanation_view(items, f"{code} {sub_code or ''}".strip(), catalog), fmt, output)


def codes(
    code: Annotated[
        str | None,
        typer.Option("--code", help="Only pairs whose end reason or sub-code is this."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="Only this category (e.g. caller-configuration)."),
    ] = None,
    who_acts: Annotated[
        str | None,
        typer.Option(
            "--who-acts",
            help="Only pairs this party must act on (sbc, acs-configuration, callee, microsoft, ...).",
        ),
    ] = None,
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help=f"Which documented pairs: {', '.join(SCOPES)}, or {ALL_SCOPES} for every pair.",
        ),
    ] = "pstn",
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """The catalog of documented end-code pairs (PSTN unless --scope says otherwise)."""
    catalog = load_catalog()
    categories = {p.meaning.category for p in catalog.pairs}
    parties = {w for p in catalog.pairs for w in p.meaning.who_acts}
    scopes = [*SCOPES, ALL_SCOPES]
    # Names are lower-case in the catalog; people type SBC or Caller-Configuration too.
    scope = scope.strip().lower()
    category = None if category is None else category.strip().lower()
    who_acts = None if who_acts is None else who_acts.strip().lower()
    if scope not in scopes:
        raise UsageError(f"unknown --scope {scope!r}; valid: {', '.join(scopes)}")
    if category is not None and category not in categories:
        raise UsageError(f"unknown category {category!r}; valid: {', '.join(sorted(categories))}")
    if who_acts is not None and who_acts not in parties:
        raise UsageError(f"unknown --who-acts {who_acts!r}; valid: {', '.join(sorted(parties))}")
    entries = catalog.filter_pairs(
        code=code, category=category, who_acts=who_acts, scope=None if scope == ALL_SCOPES else scope
    )
    emit(codes_view(catalog, entries, scope), fmt, output)
