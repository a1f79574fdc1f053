"""``triage``, ``call`` and ``legs``: from a source to an explained report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated

import typer

from acs_triage.cli.options import (
    AdditionalOpt,
    AudienceOpt,
    AuthOpt,
    CloudOpt,
    EndOpt,
    EndpointOpt,
    FormatOpt,
    FromFileOpt,
    InputFormatOpt,
    OutputOpt,
    ResourceOpt,
    RetriesOpt,
    SampleOpt,
    ShowPiiOpt,
    SinceOpt,
    StartOpt,
    TimeoutOpt,
    WorkspaceOpt,
    choose_source,
    emit,
    file_paths,
    open_runner,
    resolve_window,
    warn,
)
from acs_triage.errors import ExitCode, UsageError
from acs_triage.formats import OutputFormat
from acs_triage.formats.views import call_view, legs_view, report_view
from acs_triage.masking import mask_rejections
from acs_triage.records import Rejection, TriageInput
from acs_triage.sources.connection import AuthMethod, Cloud
from acs_triage.sources.exports import InputFormat
from acs_triage.sources.workspace import API_MAX_ROWS
from acs_triage.triage.engine import build_report


def triage(
    ctx: typer.Context,
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
    strict: Annotated[bool, typer.Option("--strict", help="Exit 5 when any input row was rejected.")] = False,
    show_pii: ShowPiiOpt = False,
    details: Annotated[
        int,
        typer.Option("--details", min=0, help="How many findings get their full actions in table/markdown."),
    ] = 5,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> int:
    """Which PSTN failures happened, how many, since when, who must act, what to do."""
    source = choose_source(
        sample=sample, from_file=from_file, workspace_id=workspace_id, resource_id=resource_id, ctx=ctx
    )
    data: TriageInput
    if source.kind == "workspace":
        from acs_triage.sources.workspace import fetch_triage_input

        window = resolve_window(since, start, end, default=timedelta(hours=24))
        assert window.start is not None and window.end is not None
        with open_runner(
            workspace_id=source.workspace_id,
            resource_id=source.resource_id,
            additional=additional_workspace,
            cloud=cloud,
            endpoint=endpoint,
            audience=audience,
            auth=auth,
            timeout=timeout,
            retries=retries,
        ) as runner:
            data = fetch_triage_input(runner, window.start, window.end)
    else:
        from acs_triage.sources.files import read_files

        # A file is triaged whole unless a window is asked for.
        window = resolve_window(since, start, end, default=None)
        data = read_files(
            file_paths(sample, from_file),
            InputFormat.AUTO if sample else input_format,
            window,
            source_kind=source.kind,
            description="bundled sample data" if sample else None,
        )
    report = build_report(data, show_pii=show_pii)
    emit(report_view(report, details=details), fmt, output)
    for warning in report.warnings:
        warn(warning)
    if report.partial:
        return ExitCode.PARTIAL
    if strict and report.accounting is not None and report.accounting.rejected:
        typer.echo(f"acs-triage: error: {report.accounting.rejected} row(s) rejected (--strict)", err=True)
        return ExitCode.INPUT
    return ExitCode.OK


def call(
    ctx: typer.Context,
    correlation_id: Annotated[str, typer.Argument(help="The call's CorrelationId.")],
    workspace_id: WorkspaceOpt = None,
    resource_id: ResourceOpt = None,
    additional_workspace: AdditionalOpt = None,
    from_file: FromFileOpt = None,
    input_format: InputFormatOpt = InputFormat.AUTO,
    sample: SampleOpt = False,
    since: Annotated[
        str | None,
        typer.Option("--since", help="How far back to search a workspace (default 30d)."),
    ] = None,
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
    from acs_triage.queries.store import get_query
    from acs_triage.triage.legs import annotate_legs, leg_row

    correlation_id = correlation_id.strip()
    if not correlation_id:
        raise UsageError("the correlation id is empty")
    source = choose_source(
        sample=sample, from_file=from_file, workspace_id=workspace_id, resource_id=resource_id, ctx=ctx
    )
    if source.kind != "workspace":
        from acs_triage.sources.files import legs_of_call

        found, rejected = legs_of_call(
            file_paths(sample, from_file),
            correlation_id,
            InputFormat.AUTO if sample else input_format,
            resolve_window(since, start, end, default=None),
        )
        warnings = [f"{len(rejected)} input row(s) rejected; see 'rejections'"] if rejected else []
        report = annotate_legs(
            correlation_id,
            [leg_row(leg) for leg in found],
            show_pii=show_pii,
            warnings=warnings,
            rejections=rejected,
        )
    else:
        window = resolve_window(since, start, end, default=timedelta(days=30))
        assert window.start is not None and window.end is not None
        with open_runner(
            workspace_id=source.workspace_id,
            resource_id=source.resource_id,
            additional=additional_workspace,
            cloud=cloud,
            endpoint=endpoint,
            audience=audience,
            auth=auth,
            timeout=timeout,
            retries=retries,
        ) as runner:
            result = runner.run(
                get_query("call-legs"),
                {"correlation_id": correlation_id, "start": window.start, "end": window.end},
                (window.start, window.end),
            )
        warnings = [f"partial results: {result.partial_message}"] if result.partial else []
        report = annotate_legs(
            correlation_id, result.rows, show_pii=show_pii, partial=result.partial, warnings=warnings
        )
    emit(call_view(report), fmt, output)
    for warning in report.warnings:
        warn(warning)
    if not report.legs:
        warn(f"no legs found for correlation id {correlation_id!r}")
    return ExitCode.PARTIAL if report.partial else ExitCode.OK


def legs(
    ctx: typer.Context,
    workspace_id: WorkspaceOpt = None,
    resource_id: ResourceOpt = None,
    additional_workspace: AdditionalOpt = None,
    from_file: FromFileOpt = None,
    input_format: InputFormatOpt = InputFormat.AUTO,
    sample: SampleOpt = False,
    since: SinceOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
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
    """Failed PSTN legs, newest first and capped, each explained (detail and export)."""
    from acs_triage.triage.legs import FailedLegsReport, annotate_rows, leg_row

    source = choose_source(
        sample=sample, from_file=from_file, workspace_id=workspace_id, resource_id=resource_id, ctx=ctx
    )
    filters = {"end_reason": end_reason.strip(), "sub_code": sub_code.strip()}
    warnings: list[str] = []
    partial = False
    rejected: list[Rejection] = []
    rows: Sequence[dict[str, object]]
    if source.kind == "workspace":
        from acs_triage.queries.store import get_query

        window = resolve_window(since, start, end, default=timedelta(hours=24))
        assert window.start is not None and window.end is not None
        with open_runner(
            workspace_id=source.workspace_id,
            resource_id=source.resource_id,
            additional=additional_workspace,
            cloud=cloud,
            endpoint=endpoint,
            audience=audience,
            auth=auth,
            timeout=timeout,
            retries=retries,
        ) as runner:
            # One row more than shown tells whether the cap cut anything off.
            result = runner.run(
                get_query("pstn-failed-legs"),
                {**filters, "max_rows": max_rows + 1, "start": window.start, "end": window.end},
                (window.start, window.end),
            )
        rows, partial = result.rows, result.partial
        if partial:
            warnings.append(f"partial results: {result.partial_message}")
    else:
        from acs_triage.sources.files import failed_legs

        window = resolve_window(since, start, end, default=None)
        found, rejected = failed_legs(
            file_paths(sample, from_file),
            InputFormat.AUTO if sample else input_format,
            window,
            end_reason=filters["end_reason"],
            sub_code=filters["sub_code"],
            max_rows=max_rows + 1,
        )
        rows = [leg_row(leg) for leg in found]
        if rejected:
            warnings.append(f"{len(rejected)} input row(s) rejected; see 'rejections'")
    capped = len(rows) > max_rows
    if capped:
        warnings.append(f"output capped at --max-rows {max_rows}; older legs are not shown")
    report = FailedLegsReport(
        filters,
        annotate_rows(rows[:max_rows], show_pii=show_pii),
        max_rows,
        capped,
        partial,
        tuple(warnings),
        not show_pii,
        mask_rejections(rejected, show_pii=show_pii),
    )
    emit(legs_view(report), fmt, output)
    for warning in warnings:
        warn(warning)
    return ExitCode.PARTIAL if partial else ExitCode.OK
