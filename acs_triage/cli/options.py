"""Options shared by every command: one ``--format``, one window, one source.

Commands live in small modules (``catalog_cmds``, ``kql_cmds``, ``triage_cmds``,
``smoke_cmd``) and only parse options, call the library and format; this module
holds what they share, so an option means the same thing everywhere. The source
options (14 of them) and the window options are *groups* (:mod:`.groups`): each
command receives one :class:`SourceRequest` and one
:class:`~acs_triage.windows.WindowRequest`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from acs_triage.cli.output import warn
from acs_triage.cli.output_options import FormatOpt, OutputOpt
from acs_triage.errors import UsageError
from acs_triage.formats import OutputFormat
from acs_triage.records import ALL_SCOPE, PSTN_SCOPE, VOIP_SCOPE
from acs_triage.sources.archive.client import StorageTarget
from acs_triage.sources.archive.layout import CONTAINER
from acs_triage.sources.connection import AuthMethod, Cloud
from acs_triage.sources.exports import InputFormat
from acs_triage.sources.spec import ConnectionOptions, SourceSpec, open_source
from acs_triage.windows import PLACED, WRITTEN, WindowRequest

if TYPE_CHECKING:
    from acs_triage.sources.base import Source

__all__ = ["Presentation", "SourceRequest", "presentation_options", "source_options", "window_options"]

#: ``--timeout`` when a command does not set its own default.
DEFAULT_TIMEOUT = 300.0

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Window ending now (or at --end): 30m, 24h, 7d.",
    ),
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
        "--workspace-id",
        envvar="ACS_TRIAGE_WORKSPACE_ID",
        help="Log Analytics workspace id (GUID).",
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
    float | None,
    typer.Option(
        "--timeout",
        min=5,
        max=3600,
        help="Seconds the command may spend querying, every query, retry and Retry-After wait "
        "included (default 300; smoke: 120, plus --wait).",
    ),
]
RetriesOpt = Annotated[
    int,
    typer.Option("--retries", min=0, max=10, help="Retries for throttling and transient service errors."),
]
FromFileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--from-file",
        help="Exported ACSCallSummary file, diagnostic records, or an archive folder copied from "
        "storage (repeatable; '-' reads stdin).",
    ),
]
StorageAccountOpt = Annotated[
    str | None,
    typer.Option(
        "--storage-account",
        envvar="ACS_TRIAGE_STORAGE_ACCOUNT",
        help="Storage account a diagnostic setting sends CallSummary to: https:// URL (a SAS in its "
        "query is used) or account name. Credential: AZURE_STORAGE_CONNECTION_STRING when set, "
        "else --auth (Storage Blob Data Reader).",
    ),
]
ContainerOpt = Annotated[
    str,
    typer.Option("--container", help="Container of --storage-account holding the CallSummary records."),
]
InputFormatOpt = Annotated[
    InputFormat,
    typer.Option("--input-format", case_sensitive=False, help="Format of --from-file; auto detects it."),
]


class DateOrder(str, Enum):
    DMY = "dmy"
    MDY = "mdy"


DateOrderOpt = Annotated[
    DateOrder | None,
    typer.Option(
        "--date-order",
        case_sensitive=False,
        help="How --from-file dates such as 05/11/2026 read: dmy (day first) or mdy (month first). "
        "Default: decided per file (a first field above 12 means day-first).",
    ),
]
SampleOpt = Annotated[
    bool, typer.Option("--sample", help="Triage the bundled sample data (no Azure account needed).")
]


class LegScope(str, Enum):
    PSTN = PSTN_SCOPE
    VOIP = VOIP_SCOPE
    ALL = ALL_SCOPE


class LegTable(str, Enum):
    SUMMARY = "summary"
    UPDATES = "updates"


class WindowOn(str, Enum):
    WRITTEN = "written"
    PLACED = "placed"


class ConnectivityChoice(str, Enum):
    AUTO = "auto"
    DIRECT_ROUTING = "direct-routing"
    MICROSOFT_NUMBERS = "microsoft-numbers"

    @property
    def override(self) -> str | None:
        """The connectivity to tell the engine; None lets it read the legs."""
        return None if self is ConnectivityChoice.AUTO else self.value


TableOpt = Annotated[
    LegTable,
    typer.Option(
        "--table",
        case_sensitive=False,
        help="Workspace table of call legs: summary (ACSCallSummary, written once a call record is "
        "complete) or updates (ACSCallSummaryUpdates: sooner, the latest version of each leg).",
    ),
]
WindowOnOpt = Annotated[
    WindowOn,
    typer.Option(
        "--window-on",
        case_sensitive=False,
        help="What the window selects: legs written in it (TimeGenerated) or calls placed in it "
        "(CallStartTime, however late their rows were written).",
    ),
]
ConnectivityOpt = Annotated[
    ConnectivityChoice,
    typer.Option(
        "--connectivity",
        case_sensitive=False,
        help="How your PSTN numbers connect, for SBC-generated failures: direct-routing (your own SBC) "
        "or microsoft-numbers (the carrier's SBC); auto reads PstnParticipantCallType and otherwise "
        "gives both sets of advice.",
    ),
]
ScopeOpt = Annotated[
    LegScope,
    typer.Option(
        "--scope",
        case_sensitive=False,
        help="Which legs: pstn (EndpointType PSTN), voip (every other endpoint type: VoIP, Server, "
        "Bot, ...) or all. Every documented end code is explained whatever the scope.",
    ),
]
ShowPiiOpt = Annotated[bool, typer.Option("--show-pii", help="Show phone numbers unmasked.")]


@dataclass(frozen=True)
class Presentation:
    """How a report is shown: masking, the SBC advice it tailors, the format and where."""

    show_pii: bool
    connectivity: str | None  #: None: read it from the legs
    fmt: OutputFormat
    output: Path | None


def presentation_options(
    show_pii: ShowPiiOpt = False,
    connectivity: ConnectivityOpt = ConnectivityChoice.AUTO,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> Presentation:
    """The options of every command that shows explained legs (triage, call, legs)."""
    return Presentation(show_pii, connectivity.override, fmt, output)


@dataclass(frozen=True)
class SourceRequest:
    """The source a command was asked to read, and how to open it."""

    spec: SourceSpec
    opener: Callable[[SourceSpec], Source] = open_source

    def open(self) -> Source:
        return self.opener(self.spec)


#: Options that only a workspace or resource uses (name -> flag).
_WORKSPACE_ONLY = {
    "additional_workspace": "--additional-workspace",
    "cloud": "--cloud",
    "endpoint": "--endpoint",
    "audience": "--audience",
    "auth": "--auth",
    "timeout": "--timeout",
    "retries": "--retries",
}


def _say_ignored(ctx: typer.Context, source: str, sample: bool) -> None:
    """Options given on the command line that the chosen source does not use."""
    names = dict(_WORKSPACE_ONLY, **({"input_format": "--input-format"} if sample else {}))
    for name, flag in names.items():
        given = ctx.get_parameter_source(name)
        if given is not None and given.name == "COMMANDLINE":
            warn(f"{flag} is ignored with {source} (it applies to a workspace or resource)")


def _once(files: list[str]) -> tuple[str, ...]:
    """The files to read, each once (a file named twice would count its rows twice)."""
    seen: dict[str, str] = {}
    for name in files:
        key = name if name == "-" else os.path.realpath(name)
        if key in seen:
            warn(f"{name} is given more than once (as {seen[key]}); it is read once")
            continue
        seen[key] = name
    return tuple(seen.values())


def _from_environment(ctx: typer.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "ENVIRONMENT"


def source_options(
    ctx: typer.Context,
    workspace_id: WorkspaceOpt = None,
    resource_id: ResourceOpt = None,
    additional_workspace: AdditionalOpt = None,
    from_file: FromFileOpt = None,
    input_format: InputFormatOpt = InputFormat.AUTO,
    date_order: DateOrderOpt = None,
    sample: SampleOpt = False,
    cloud: CloudOpt = Cloud.PUBLIC,
    endpoint: EndpointOpt = None,
    audience: AudienceOpt = None,
    auth: AuthOpt = AuthMethod.DEFAULT,
    timeout: TimeoutOpt = None,
    retries: RetriesOpt = 3,
    table: TableOpt = LegTable.SUMMARY,
    storage_account: StorageAccountOpt = None,
    container: ContainerOpt = CONTAINER,
) -> SourceRequest:
    """Which data to read: exactly one of a workspace, a resource, files, a storage
    account or the sample.

    A source named on the command line wins over the ``ACS_TRIAGE_WORKSPACE_ID`` /
    ``ACS_TRIAGE_RESOURCE_ID`` / ``ACS_TRIAGE_STORAGE_ACCOUNT`` environment variables
    (typical in CI), so ``--sample`` or ``--resource-id`` still work where another is
    set in the environment.
    """
    env_workspace = _from_environment(ctx, "workspace_id")
    env_resource = _from_environment(ctx, "resource_id")
    env_storage = _from_environment(ctx, "storage_account")
    given = {
        "workspace": bool(workspace_id) and not env_workspace,
        "resource": bool(resource_id) and not env_resource,
        "storage": bool(storage_account) and not env_storage,
        "offline": bool(sample or from_file),
    }
    if any(given.values()):  # the command line names the source: drop the environment's
        workspace_id = workspace_id if not env_workspace else None
        resource_id = resource_id if not env_resource else None
        storage_account = storage_account if not env_storage else None
    if not storage_account and container != CONTAINER:
        raise UsageError("--container applies to --storage-account")
    storage = None
    if storage_account:
        storage = StorageTarget(
            storage_account,
            container,
            connection_string=os.environ.get("AZURE_STORAGE_CONNECTION_STRING") or None,
            cloud=cloud,
        )
    if sample or from_file:
        _say_ignored(ctx, "--sample" if sample else "--from-file", sample)
    files = _once(from_file or [])
    spec = SourceSpec(
        workspace_id=workspace_id,
        resource_id=resource_id,
        additional_workspaces=tuple(additional_workspace or ()),
        files=files,
        input_format=InputFormat.AUTO if sample else input_format,
        date_order=None if date_order is None else date_order.value,
        sample=sample,
        table=table.value,
        storage=storage,
        connection=ConnectionOptions(
            cloud=cloud,
            endpoint=endpoint,
            audience=audience,
            auth=auth,
            timeout=timeout if timeout is not None else _command_timeout(ctx),
            retries=retries,
        ),
    )
    opener = getattr(ctx.obj, "open_source", None) or open_source
    return SourceRequest(spec, opener)


#: Commands whose ``--timeout`` default differs from :data:`DEFAULT_TIMEOUT`.
COMMAND_TIMEOUTS = {"smoke": 120.0}


def _command_timeout(ctx: typer.Context) -> float:
    return COMMAND_TIMEOUTS.get(ctx.info_name or "", DEFAULT_TIMEOUT)


def window_options(
    since: SinceOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    window_on: WindowOnOpt = WindowOn.WRITTEN,
) -> WindowRequest:
    """``--since`` or ``--start``/``--end``, parsed (the default length is the command's),
    on the column ``--window-on`` names."""
    return WindowRequest.parse(since, start, end, PLACED if window_on is WindowOn.PLACED else WRITTEN)
