"""The typer app. Commands parse options, call the library, format, map errors.

Data goes to stdout (or ``--output``); diagnostics, warnings and the spinner go to
stderr. Every :class:`~acs_triage.errors.AcsTriageError` and usage error ends as
one line on stderr and a documented exit code (``docs/exit-codes.md``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.26 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer with click installed
    from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found]

from acs_triage import __version__
from acs_triage.catalog.loader import load_catalog
from acs_triage.errors import AcsTriageError, ExitCode, InputError, UsageError
from acs_triage.formats import OutputFormat, View, render
from acs_triage.formats.views import (
    codes_view,
    explanation_view,
    queries_view,
    query_text_view,
    report_view,
)
from acs_triage.queries.annotate import annotate_query
from acs_triage.queries.literals import ParameterValueError, parse_datetime, parse_duration
from acs_triage.queries.render import coerce_parameters
from acs_triage.queries.render import render as render_query
from acs_triage.queries.store import get_query, load_queries
from acs_triage.records import TriageInput, Window
from acs_triage.sources.connection import AuthMethod, Cloud
from acs_triage.sources.exports import InputFormat
from acs_triage.triage.engine import build_report

app = typer.Typer(
    name="acs-triage",
    help="Explain Azure Communication Services PSTN call failures and what to do about them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
kql_app = typer.Typer(help="List the KQL library and print ready-to-paste queries.",
                      no_args_is_help=True, rich_markup_mode=None)
app.add_typer(kql_app, name="kql")

# -- shared options -------------------------------------------------------------------
FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", "-f", help="Output format.", case_sensitive=False)]
OutputOpt = Annotated[Optional[Path], typer.Option(  # noqa: UP045 - typer needs Optional
    "--output", "-o", help="Write the output to FILE instead of stdout.", dir_okay=False)]
SinceOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--since", help="Window ending now: 30m, 24h, 7d. Default 24h for workspaces.")]
StartOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--start", help="Window start, ISO-8601 (UTC unless an offset is given).")]
EndOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--end", help="Window end, ISO-8601; default now.")]
WorkspaceOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--workspace-id", envvar="ACS_TRIAGE_WORKSPACE_ID",
    help="Log Analytics workspace id (GUID).")]
ResourceOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--resource-id", envvar="ACS_TRIAGE_RESOURCE_ID",
    help="ACS resource id (/subscriptions/...): resource-centric query.")]
AdditionalOpt = Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
    "--additional-workspace", help="Another workspace to include (repeatable).")]
CloudOpt = Annotated[Cloud, typer.Option("--cloud", help="Azure cloud.", case_sensitive=False)]
EndpointOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--endpoint", envvar="ACS_TRIAGE_ENDPOINT",
    help="Logs query endpoint URL (https), overriding --cloud's.")]
AudienceOpt = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--audience", help="Token audience; default: the cloud's Log Analytics audience.")]
AuthOpt = Annotated[AuthMethod, typer.Option(
    "--auth", envvar="ACS_TRIAGE_AUTH", case_sensitive=False,
    help="Credential: default (DefaultAzureCredential, honours AZURE_TOKEN_CREDENTIALS), "
         "cli, env, managed-identity, workload-identity.")]
TimeoutOpt = Annotated[float, typer.Option(
    "--timeout", min=5, help="Seconds one query may take, retries included.")]
RetriesOpt = Annotated[int, typer.Option(
    "--retries", min=0, max=10, help="Retries for throttling and transient service errors.")]
FromFileOpt = Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
    "--from-file", help="Exported ACSCallSummary file (repeatable; '-' reads stdin).")]
InputFormatOpt = Annotated[InputFormat, typer.Option(
    "--input-format", case_sensitive=False, help="Format of --from-file; auto detects it.")]
SampleOpt = Annotated[bool, typer.Option(
    "--sample", help="Triage the bundled sample data (no Azure account needed).")]
ShowPiiOpt = Annotated[bool, typer.Option(
    "--show-pii", help="Show phone numbers unmasked.")]


def _emit(view: View, fmt: OutputFormat, output: Path | None) -> None:
    text = render(view, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {output}", err=True)


def _warn(message: str) -> None:
    typer.echo(f"acs-triage: warning: {message}", err=True)


def resolve_window(since: str | None, start: str | None, end: str | None, *,
                   default: timedelta | None, now: datetime | None = None) -> Window:
    """``--since`` or ``--start/--end`` to an absolute window (None ends allowed)."""
    now = now or datetime.now(timezone.utc)
    try:
        if since is not None and start is not None:
            raise UsageError("use either --since or --start/--end, not both")
        end_at = parse_datetime(end) if end else None
        if since is not None:
            return Window((end_at or now) - parse_duration(since), end_at or now)
        if start is not None:
            start_at = parse_datetime(start)
            end_at = end_at or now
            if start_at >= end_at:
                raise UsageError("--start must be before --end")
            return Window(start_at, end_at)
        if end_at is not None and default is None:
            return Window(None, end_at)
        if default is None:
            return Window(None, None)
        return Window((end_at or now) - default, end_at or now)
    except ParameterValueError as exc:
        raise UsageError(str(exc)) from None


# -- explain / codes ------------------------------------------------------------------
@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="ParticipantEndReason (e.g. 403), or a sub-code "
                                            "alone (e.g. 560403) to list every pair using it.")],
    sub_code: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="ParticipantEndSubCode (e.g. 560403).")] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """What an end reason / sub-code pair means, who must act and what to do."""
    catalog = load_catalog()
    if sub_code is None:
        pairs = catalog.pairs_with_sub_code(code)
        if pairs:
            items = [catalog.explain(p.end_reason, p.end_sub_code) for p in pairs]
            _emit(explanation_view(items, code), fmt, output)
            return
        generated_by, _note = catalog.origin(code)
        sub = code.strip()
        if generated_by.startswith("sbc-"):
            # Undocumented SBC sub-code: its last three digits are the SIP code sent.
            items = [catalog.explain(sub[3:], sub)]
            _emit(explanation_view(items, code), fmt, output)
            return
        if len(sub) > 3:
            raise UsageError(f"no documented pair uses sub-code {code.strip()!r}; "
                             "give the end reason too: acs-triage explain CODE SUBCODE")
    items = [catalog.explain(code, sub_code or "")]
    _emit(explanation_view(items, f"{code} {sub_code or ''}".strip()), fmt, output)


@app.command()
def codes(
    code: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--code", help="Only pairs whose end reason or sub-code is this.")] = None,
    category: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--category", help="Only this category (e.g. caller-configuration).")] = None,
    who_acts: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--who-acts", help="Only pairs this party must act on (sbc, acs-configuration, "
                           "callee, microsoft, ...).")] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """The catalog of documented PSTN end-code pairs."""
    catalog = load_catalog()
    categories = {p.meaning.category for p in catalog.pairs}
    parties = {w for p in catalog.pairs for w in p.meaning.who_acts}
    if category is not None and category not in categories:
        raise UsageError(f"unknown category {category!r}; valid: {', '.join(sorted(categories))}")
    if who_acts is not None and who_acts not in parties:
        raise UsageError(f"unknown --who-acts {who_acts!r}; valid: {', '.join(sorted(parties))}")
    entries = catalog.filter_pairs(code=code, category=category, who_acts=who_acts, scope="pstn")
    _emit(codes_view(catalog, entries), fmt, output)


# -- kql ------------------------------------------------------------------------------
@kql_app.command("list")
def kql_list(fmt: FormatOpt = OutputFormat.TABLE, output: OutputOpt = None) -> None:
    """The queries of the library, with their parameters."""
    _emit(queries_view(list(load_queries().values())), fmt, output)


@kql_app.command("show")
def kql_show(
    name: Annotated[str, typer.Argument(help="Query name (see 'acs-triage kql list').")],
    param: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--param", "-p", help="Parameter as name=value (repeatable).")] = None,
    since: SinceOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    annotated: Annotated[bool, typer.Option(
        "--annotated", help="Join the end-code catalog in the query itself.")] = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Print a ready-to-paste query, with typed parameter values."""
    query = get_query(name)
    raw: dict[str, object] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects name=value, got {item!r}")
        raw[key.strip()] = value
    if since is not None:
        raw["lookback"] = since
        if start is not None:
            raise UsageError("use either --since or --start/--end, not both")
    if start is not None:
        raw["start"] = start
    if end is not None:
        raw["end"] = end
    values = coerce_parameters(query, raw)
    text = render_query(query, values)
    if annotated:
        text = annotate_query(query, text)
    _emit(query_text_view(query, text, values, annotated), fmt, output)


# -- triage ---------------------------------------------------------------------------
def _collect(
    *, sample: bool, from_file: Sequence[str] | None, input_format: InputFormat,
    workspace_id: str | None, resource_id: str | None, additional: Sequence[str] | None,
    cloud: Cloud, endpoint: str | None, audience: str | None, auth: AuthMethod,
    timeout: float, retries: int, since: str | None, start: str | None, end: str | None,
) -> TriageInput:
    """Pick the source from the options and let it produce a :class:`TriageInput`."""
    from acs_triage.cli.progress import spinner

    chosen = sum([bool(sample), bool(from_file), bool(workspace_id or resource_id)])
    if chosen == 0:
        raise UsageError("say what to triage: --workspace-id, --resource-id, --from-file "
                         "or --sample")
    if sample and from_file:
        raise UsageError("use either --sample or --from-file, not both")
    if sample or from_file:
        from acs_triage.sources.files import read_files
        from acs_triage.sources.sample import sample_path

        window = resolve_window(since, start, end, default=None)
        if window.start is None and window.end is None:
            window = Window(None, None)
        if sample:
            return read_files([str(sample_path())], InputFormat.AUTO, window,
                              source_kind="sample", description="bundled sample data")
        return read_files(list(from_file or []), input_format, window)
    from acs_triage.sources.connection import Connection, make_credential
    from acs_triage.sources.workspace import LogsRunner, RunnerOptions, Target, fetch_triage_input

    target = Target(workspace_id=workspace_id, resource_id=None if workspace_id else resource_id,
                    additional_workspaces=tuple(additional or ()))
    if workspace_id and resource_id:
        raise UsageError("give either --workspace-id or --resource-id, not both")
    connection = Connection.for_cloud(cloud, endpoint, audience)
    window = resolve_window(since, start, end, default=timedelta(hours=24))
    assert window.start is not None and window.end is not None
    options = RunnerOptions(retries=retries, total_timeout=timeout,
                            server_timeout=int(min(max(timeout - 10, 5), 600)))
    with LogsRunner(target, connection, make_credential(auth, connection), options) as runner, \
            spinner(f"querying {target.describe()}"):
        return fetch_triage_input(runner, window.start, window.end)


@app.command()
def triage(
    workspace_id: WorkspaceOpt = None,
    resource_id: ResourceOpt = None,
    additional_workspace: AdditionalOpt = None,
    from_file: FromFileOpt = None,
    input_format: InputFormatOpt = InputFormat.AUTO,
    sample: SampleOpt = False,
    since: SinceOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    cloud: CloudOpt = Cloud.PUBLIC,
    endpoint: EndpointOpt = None,
    audience: AudienceOpt = None,
    auth: AuthOpt = AuthMethod.DEFAULT,
    timeout: TimeoutOpt = 300.0,
    retries: RetriesOpt = 3,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 5 when any input row was rejected.")] = False,
    show_pii: ShowPiiOpt = False,
    details: Annotated[int, typer.Option(
        "--details", min=0, help="How many findings get their full actions in table/markdown.")
    ] = 5,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> int:
    """Which PSTN failures happened, how many, since when, who must act, what to do."""
    data = _collect(sample=sample, from_file=from_file, input_format=input_format,
                    workspace_id=workspace_id, resource_id=resource_id,
                    additional=additional_workspace, cloud=cloud, endpoint=endpoint,
                    audience=audience, auth=auth, timeout=timeout, retries=retries,
                    since=since, start=start, end=end)
    report = build_report(data, show_pii=show_pii)
    _emit(report_view(report, details=details), fmt, output)
    for warning in report.warnings:
        _warn(warning)
    if report.partial:
        return ExitCode.PARTIAL
    if strict and report.accounting is not None and report.accounting.rejected:
        typer.echo(f"acs-triage: error: {report.accounting.rejected} row(s) rejected (--strict)",
                   err=True)
        return ExitCode.INPUT
    return ExitCode.OK


@app.command()
def call(
    correlation_id: Annotated[str, typer.Argument(help="The call's CorrelationId.")],
    workspace_id: WorkspaceOpt = None,
    resource_id: ResourceOpt = None,
    additional_workspace: AdditionalOpt = None,
    from_file: FromFileOpt = None,
    input_format: InputFormatOpt = InputFormat.AUTO,
    sample: SampleOpt = False,
    since: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--since", help="How far back to search (default 30d).")] = None,
    start: StartOpt = None,
    end: EndOpt = None,
    cloud: CloudOpt = Cloud.PUBLIC,
    endpoint: EndpointOpt = None,
    audience: AudienceOpt = None,
    auth: AuthOpt = AuthMethod.DEFAULT,
    timeout: TimeoutOpt = 300.0,
    retries: RetriesOpt = 3,
    show_pii: ShowPiiOpt = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> int:
    """Every leg of one call, each with its end code explained."""
    from acs_triage.formats.views import call_view
    from acs_triage.triage.call import annotate_legs, leg_row

    if not correlation_id.strip():
        raise UsageError("the correlation id is empty")
    if sample or from_file:
        from acs_triage.sources.files import legs_of_call
        from acs_triage.sources.sample import sample_path

        paths = [str(sample_path())] if sample else list(from_file or [])
        legs = legs_of_call(paths, correlation_id.strip(), input_format)
        report = annotate_legs(correlation_id, [leg_row(leg) for leg in legs], show_pii=show_pii)
    else:
        from acs_triage.cli.progress import spinner
        from acs_triage.sources.connection import Connection, make_credential
        from acs_triage.sources.workspace import LogsRunner, RunnerOptions, Target

        if not (workspace_id or resource_id):
            raise UsageError("say where to look: --workspace-id, --resource-id, --from-file "
                             "or --sample")
        if workspace_id and resource_id:
            raise UsageError("give either --workspace-id or --resource-id, not both")
        target = Target(workspace_id=workspace_id, resource_id=resource_id,
                        additional_workspaces=tuple(additional_workspace or ()))
        connection = Connection.for_cloud(cloud, endpoint, audience)
        window = resolve_window(since, start, end, default=timedelta(days=30))
        assert window.start is not None and window.end is not None
        options = RunnerOptions(retries=retries, total_timeout=timeout,
                                server_timeout=int(min(max(timeout - 10, 5), 600)))
        with LogsRunner(target, connection, make_credential(auth, connection),
                        options) as runner, spinner(f"querying {target.describe()}"):
            result = runner.run(get_query("call-legs"),
                                {"correlation_id": correlation_id.strip(),
                                 "start": window.start, "end": window.end},
                                (window.start, window.end))
        warnings = [f"partial results: {result.partial_message}"] if result.partial else []
        report = annotate_legs(correlation_id, result.rows, show_pii=show_pii,
                               partial=result.partial, warnings=warnings)
    _emit(call_view(report), fmt, output)
    for warning in report.warnings:
        _warn(warning)
    if not report.legs:
        _warn(f"no legs found for correlation id {correlation_id.strip()!r}")
    return ExitCode.PARTIAL if report.partial else ExitCode.OK


def _version(value: bool) -> None:
    if value:
        typer.echo(f"acs-triage {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True,
        help="Diagnostics on stderr: -v progress, -vv also Azure SDK HTTP logs "
             "(secrets redacted).")] = 0,
) -> None:
    """Explain Azure Communication Services PSTN call failures and what to do about them."""
    configure_logging(verbose)


def configure_logging(verbose: int) -> None:
    """Log to stderr. Azure's HTTP logging policy redacts Authorization and other
    secret headers; its network trace (which would not) is never enabled."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("acs-triage: %(levelname)s %(name)s: %(message)s"))
    for name, level in (("acs_triage", logging.INFO if verbose >= 1 else logging.WARNING),
                        ("azure", logging.INFO if verbose >= 2 else logging.ERROR)):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def _register_smoke() -> None:
    try:
        from acs_triage.cli.smoke import smoke
    except ImportError:  # pragma: no cover - during development only
        return
    app.command()(smoke)


_register_smoke()


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (no traceback for user-facing errors)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(argv) if argv is not None else None,
                              prog_name="acs-triage", standalone_mode=False)
    except ClickException as exc:
        message = " ".join(exc.format_message().split())
        typer.echo(f"acs-triage: error: {message} (see --help)", err=True)
        return ExitCode.USAGE if exc.exit_code == 2 else exc.exit_code
    except typer.Abort:
        typer.echo("acs-triage: aborted", err=True)
        return 130
    except AcsTriageError as exc:
        typer.echo(f"acs-triage: error: {exc}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("acs-triage: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    if isinstance(result, int):
        return result
    return 0


def main() -> None:
    """Console-script entry point."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)
