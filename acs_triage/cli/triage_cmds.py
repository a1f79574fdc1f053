"""``triage``, ``call`` and ``legs``: from a source to an explained report.

The engine, the report views and the sources are imported when a command runs, so
registering these commands (and ``explain``, ``--help``) loads none of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from acs_triage.cli.groups import uses
from acs_triage.cli.options import (
    LegScope,
    Presentation,
    ScopeOpt,
    SourceRequest,
    presentation_options,
    source_options,
    window_options,
)
from acs_triage.cli.output import emit, say, warn_unless_shown
from acs_triage.cli.progress import querying
from acs_triage.errors import ExitCode, UsageError
from acs_triage.formats import OutputFormat
from acs_triage.masking import mask_text, quote
from acs_triage.records import LegFilter
from acs_triage.sources.workspace.limits import API_MAX_ROWS
from acs_triage.windows import Window, WindowRequest, resolve_window

if TYPE_CHECKING:
    from acs_triage.sources.base import Source

SHOWN = Presentation(False, None, OutputFormat.TABLE, None)  #: placeholder: the group supplies the value
#: Default window length on a workspace, per command (files are read whole).
LIVE_DEFAULTS = {"triage": timedelta(hours=24), "legs": timedelta(hours=24), "call": timedelta(days=30)}


def _window(source: Source, request: WindowRequest, command: str) -> Window:
    return resolve_window(request, default=LIVE_DEFAULTS[command] if source.live else None)


@uses(source=source_options, window=window_options, shown=presentation_options)
def triage(
    source: SourceRequest,
    window: WindowRequest,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 5 when any input row was rejected.")] = False,
    scope: ScopeOpt = LegScope.PSTN,
    details: Annotated[
        int,
        typer.Option(
            "--details",
            min=0,
            help="How many findings get their full actions in table/markdown.",
        ),
    ] = 5,
    shown: Presentation = SHOWN,
) -> int:
    """Which PSTN failures happened, how many, since when, who must act, what to do.

    --scope voip or all triages the other legs of the calls too (VoIP, Server, Bot, ...).
    Window: the last 24h on a workspace or storage account; files and the sample are read whole.
    """
    from acs_triage.formats.triage_view import report_view
    from acs_triage.triage.engine import build_report

    with source.open() as opened, querying(opened):
        (data,) = opened.triage([_window(opened, window, "triage")], scope=scope.value)
    report = build_report(data, show_pii=shown.show_pii, connectivity=shown.connectivity)
    emit(report_view(report, details=details), shown.fmt, shown.output)
    warn_unless_shown(report.warnings, shown.fmt, shown.output)
    if report.partial:
        return ExitCode.PARTIAL
    if strict and report.accounting is not None and report.accounting.rejected:
        say(f"acs-triage: error: {report.accounting.rejected} row(s) rejected (--strict)")
        return ExitCode.INPUT
    return ExitCode.OK


@uses(source=source_options, window=window_options, shown=presentation_options)
def call(
    correlation_id: Annotated[str, typer.Argument(help="The call's CorrelationId.")],
    source: SourceRequest,
    window: WindowRequest,
    shown: Presentation = SHOWN,
) -> int:
    """Every leg of one call, each with its end code explained, and its Call Automation requests.

    From a workspace, the call's requests in ACSCallAutomationIncomingOperations are shown
    beside the legs with their HTTP status explained (files hold none of them).
    Window: the last 30 days on a workspace or storage account; files and the sample are read whole.
    """
    from acs_triage.formats.leg_views import call_view
    from acs_triage.triage.legs import call_report

    correlation_id = correlation_id.strip()
    if not correlation_id:
        raise UsageError("the correlation id is empty")
    with source.open() as opened, querying(opened):
        resolved = _window(opened, window, "call")
        batch = opened.call_legs(correlation_id, resolved)
        operations = opened.call_automation_operations(correlation_id, resolved)
    report = call_report(
        correlation_id,
        batch,
        operations=operations,
        show_pii=shown.show_pii,
        connectivity=shown.connectivity,
    )
    emit(call_view(report), shown.fmt, shown.output)
    warn_unless_shown(report.warnings, shown.fmt, shown.output)
    if not report.legs:
        missing = mask_text(
            f"no legs found for correlation id {quote(correlation_id)}", show_pii=shown.show_pii
        )
        warn_unless_shown([missing], shown.fmt, shown.output)
    return ExitCode.PARTIAL if report.partial else ExitCode.OK


@uses(source=source_options, window=window_options, shown=presentation_options)
def legs(
    source: SourceRequest,
    window: WindowRequest,
    end_reason: Annotated[str, typer.Option("--end-reason", help="Only this ParticipantEndReason.")] = "",
    sub_code: Annotated[str, typer.Option("--sub-code", help="Only this ParticipantEndSubCode.")] = "",
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows",
            min=1,
            max=API_MAX_ROWS - 1,
            help="Row cap (the Logs API returns at most 500,000 rows and about 64 MB).",
        ),
    ] = 1000,
    scope: ScopeOpt = LegScope.PSTN,
    shown: Presentation = SHOWN,
) -> int:
    """Failed PSTN legs (--scope: or others), newest first and capped, each explained.

    Window: the last 24h on a workspace or storage account; files and the sample are read whole.
    """
    from acs_triage.formats.leg_views import legs_view
    from acs_triage.triage.legs import failed_legs_report

    wanted = LegFilter(end_reason.strip(), sub_code.strip(), max_rows, scope.value)
    with source.open() as opened, querying(opened):
        batch = opened.failed_legs(_window(opened, window, "legs"), wanted)
    report = failed_legs_report(batch, wanted, show_pii=shown.show_pii, connectivity=shown.connectivity)
    emit(legs_view(report), shown.fmt, shown.output)
    warn_unless_shown(report.warnings, shown.fmt, shown.output)
    return ExitCode.PARTIAL if report.partial else ExitCode.OK
