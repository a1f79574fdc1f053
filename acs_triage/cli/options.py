"""Options and helpers shared by every command (one ``--format``, one window, one connection).

Commands live in small modules (``catalog_cmds``, ``kql_cmds``, ``triage_cmds``,
``smoke``) and only parse options, call the library and format; this module holds
what they share, so an option means the same thing everywhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from acs_triage.errors import InputError, UsageError
from acs_triage.formats import OutputFormat, View, render
from acs_triage.queries.literals import ParameterValueError, parse_datetime, parse_duration
from acs_triage.records import Window
from acs_triage.sources.connection import AuthMethod, Cloud
from acs_triage.sources.exports import InputFormat

if TYPE_CHECKING:
    from acs_triage.sources.workspace import LogsRunner, RunnerOptions

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the output to FILE instead of stdout.", dir_okay=False),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Window ending now (or at --end): 30m, 24h, 7d."),
]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", help="Window start, ISO-8601 (UTC unless an offset is given)."),
]
EndOpt = Annotated[
    str | None,
    typer.Option("--end", help="Window end, ISO-8601; default now."),
]
WorkspaceOpt = Annotated[
    str | None,
    typer.Option(
        "--workspace-id", envvar="ACS_TRIAGE_WORKSPACE_ID", help="Log Analytics workspace id (GUID)."
    ),
]
ResourceOpt = Annotated[
    str | None,
    typer.Option(
        "--resource-id",
        envvar="ACS_TRIAGE_RESOURCE_ID",
        help="ACS resource id (/subscriptions/...): resource-centric query.",
    ),
]
AdditionalOpt = Annotated[
    list[str] | None,
    typer.Option("--additional-workspace", help="Another workspace to include (repeatable)."),
]
CloudOpt = Annotated[Cloud, typer.Option("--cloud", help="Azure cloud.", case_sensitive=False)]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        envvar="ACS_TRIAGE_ENDPOINT",
        help="Logs query endpoint URL (https), overriding --cloud's.",
    ),
]
AudienceOpt = Annotated[
    str | None,
    typer.Option("--audience", help="Token audience; default: the cloud's Log Analytics audience."),
]
AuthOpt = Annotated[
    AuthMethod,
    typer.Option(
        "--auth",
        envvar="ACS_TRIAGE_AUTH",
        case_sensitive=False,
        help="Credential: default (DefaultAzureCredential, honours AZURE_TOKEN_CREDENTIALS), "
        "cli, env, managed-identity, workload-identity.",
    ),
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=5, max=3600, help="Seconds one query may take, retries included.")
]
RetriesOpt = Annotated[
    int, typer.Option("--retries", min=0, max=10, help="Retries for throttling and transient service errors.")
]
FromFileOpt = Annotated[
    list[str] | None,
    typer.Option("--from-file", help="Exported ACSCallSummary file (repeatable; '-' reads stdin)."),
]
InputFormatOpt = Annotated[
    InputFormat,
    typer.Option("--input-format", case_sensitive=False, help="Format of --from-file; auto detects it."),
]
SampleOpt = Annotated[
    bool, typer.Option("--sample", help="Triage the bundled sample data (no Azure account needed).")
]
ShowPiiOpt = Annotated[bool, typer.Option("--show-pii", help="Show phone numbers unmasked.")]


def emit(view: View, fmt: OutputFormat, output: Path | None) -> None:
    """Write the rendered view to stdout, or to ``--output``."""
    text = render(view, fmt)
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: drop the rest, keep the exit code.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    try:
        output.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {output}", err=True)


def warn(message: str) -> None:
    """A warning on stderr (never on stdout, which carries data)."""
    typer.echo(f"acs-triage: warning: {message}", err=True)


def resolve_window(
    since: str | None,
    start: str | None,
    end: str | None,
    *,
    default: timedelta | None,
    now: datetime | None = None,
) -> Window:
    """``--since`` or ``--start/--end`` to an absolute window (None ends allowed)."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
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
        if default is None:
            return Window(None, end_at)
        return Window((end_at or now) - default, end_at or now)
    except ParameterValueError as exc:
        raise UsageError(str(exc)) from None
    except OverflowError:
        raise UsageError("the window reaches outside the supported dates (years 1-9999)") from None


@dataclass(frozen=True)
class SourceChoice:
    kind: str  # "sample" | "file" | "workspace"
    workspace_id: str | None
    resource_id: str | None


def _from_environment(ctx: typer.Context | None, name: str) -> bool:
    if ctx is None:
        return False
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "ENVIRONMENT"


def choose_source(
    *,
    sample: bool,
    from_file: Sequence[str] | None,
    workspace_id: str | None,
    resource_id: str | None,
    ctx: typer.Context | None = None,
) -> SourceChoice:
    """Which data to read: ``sample``, ``file`` or ``workspace``; exactly one.

    A source named on the command line wins over the ``ACS_TRIAGE_WORKSPACE_ID`` /
    ``ACS_TRIAGE_RESOURCE_ID`` environment variables (typical in CI), so ``--sample``
    or ``--resource-id`` still work where the other is set in the environment.
    """
    env_workspace = _from_environment(ctx, "workspace_id")
    env_resource = _from_environment(ctx, "resource_id")
    if sample or from_file:
        workspace_id = None if env_workspace else workspace_id
        resource_id = None if env_resource else resource_id
    if workspace_id and resource_id and env_workspace != env_resource:
        if env_workspace:
            workspace_id = None
        else:
            resource_id = None
    live = bool(workspace_id or resource_id)
    chosen = sum([bool(sample), bool(from_file), live])
    if chosen == 0:
        raise UsageError("say which data: --workspace-id, --resource-id, --from-file or --sample")
    if chosen > 1:
        raise UsageError("use one source: --workspace-id/--resource-id, --from-file or --sample")
    if workspace_id and resource_id:
        raise UsageError("give either --workspace-id or --resource-id, not both")
    kind = "sample" if sample else "file" if from_file else "workspace"
    return SourceChoice(kind, workspace_id, resource_id)


def file_paths(sample: bool, from_file: Sequence[str] | None) -> list[str]:
    """The files to read: the bundled sample, or ``--from-file`` values."""
    if sample:
        from acs_triage.sources.sample import sample_path

        return [str(sample_path())]
    return list(from_file or [])


def runner_options(timeout: float, retries: int) -> RunnerOptions:
    """Retry and time budget for one query; the service may use all but 10 s of it."""
    from acs_triage.sources.workspace import RunnerOptions

    return RunnerOptions(
        retries=retries, total_timeout=timeout, server_timeout=int(min(max(timeout - 10, 5), 600))
    )


@contextmanager
def open_runner(
    *,
    workspace_id: str | None,
    resource_id: str | None,
    additional: Sequence[str] | None,
    cloud: Cloud,
    endpoint: str | None,
    audience: str | None,
    auth: AuthMethod,
    timeout: float,
    retries: int,
) -> Iterator[LogsRunner]:
    """A :class:`LogsRunner` for the connection options, with a spinner while it is used."""
    from acs_triage.cli.progress import spinner
    from acs_triage.sources.connection import Connection, make_credential
    from acs_triage.sources.workspace import LogsRunner, Target

    target = Target(
        workspace_id=workspace_id, resource_id=resource_id, additional_workspaces=tuple(additional or ())
    )
    connection = Connection.for_cloud(cloud, endpoint, audience)
    options = runner_options(timeout, retries)
    with (
        LogsRunner(target, connection, make_credential(auth, connection), options) as runner,
        spinner(f"querying {target.describe()}"),
    ):
        yield runner
