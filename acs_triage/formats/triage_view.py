"""The view of a triage report: summary, findings table, explained findings, rejections."""

from __future__ import annotations

from acs_triage.catalog.loader import load_catalog
from acs_triage.formats.base import View
from acs_triage.formats.blocks import Block, Column, Fields, Items, Section, Table, Text
from acs_triage.formats.catalog_views import origins_section
from acs_triage.formats.charts import pairs_chart, rate_figures, timeline_chart
from acs_triage.formats.common import (
    ORIGIN,
    REASON,
    RETRY,
    SUB_CODE,
    WHO_ACTS,
    advice_blocks,
    origin_text,
    pct,
)
from acs_triage.records import ResourceTotals, scope_legs
from acs_triage.times import iso
from acs_triage.triage.report import Finding, TriageReport

__all__ = ["FINDING_COLUMNS", "report_view", "resource_line"]


def resource_line(r: ResourceTotals) -> str:
    """One resource of a storage archive: its PSTN legs in the window and what was read."""
    rate = pct(r.failed_legs / r.legs if r.legs else None)
    return (
        f"{r.resource_id}: {r.legs} PSTN legs, {r.failed_legs} failed ({rate}); "
        f"{r.rows_read} rows from {r.blobs} blob(s), {r.bytes_read} bytes"
    )


def _verdict_line(f: Finding) -> str:
    """Microsoft's verdict beside ours: the categories logged, and the documented one."""
    logged = ", ".join(
        f"{k} x{v}" for k, v in sorted(f.logged_result_categories.items(), key=lambda kv: -kv[1])
    )
    documented = (
        f"documented {f.result_category} ({f.result_category_source})"
        if f.result_category
        else "no category documented for this pair"
    )
    return f"Microsoft's verdict (ResultCategory): logged {logged or 'nothing'}; {documented}"


#: How a scope is named in a report's title and summary.
SCOPE_LABELS = {"pstn": "PSTN", "voip": "VoIP", "all": "All"}


def _scope_fields(report: TriageReport) -> list[tuple[str, str]]:
    """The legs of the window by endpoint type, and the failures the scope leaves out."""
    totals = report.totals
    fields = []
    if totals.legs_by_endpoint_type:
        by_count = sorted(totals.legs_by_endpoint_type.items(), key=lambda kv: (-kv[1], kv[0]))
        counts = ", ".join(f"{k or '(blank)'} {v}" for k, v in by_count)
        fields.append(("Endpoints", f"{counts} (every leg of the window, by EndpointType)"))
    if totals.failed_legs_out_of_scope:
        widen = " (--scope all includes them)" if totals.scope != "all" else ""
        fields.append(
            (
                "Not shown",
                f"{totals.failed_legs_out_of_scope} failed leg(s) outside --scope {totals.scope}{widen}",
            )
        )
    return fields


def _lines(line: int, end_line: int) -> str:
    return str(line) if end_line <= line else f"{line}-{end_line}"


def _rejection_section(report: TriageReport) -> Section:
    """The first rejected rows (the lines each covers), and every rejection counted by reason."""
    shown = report.rejections[:20]
    total = report.accounting.rejected if report.accounting is not None else len(report.rejections)
    blocks: list[Block] = [
        Table(
            (
                Column("source", "file"),
                Column("lines", "lines", right=True),
                Column("reason", "reason", wrap=True),
            ),
            [
                [r.source, str(r.line) if r.end_line == r.line else f"{r.line}-{r.end_line}", r.reason]
                for r in shown
            ],
        )
    ]
    if total > len(shown):
        blocks.append(
            Text(f"... and {total - len(shown)} more (the first {len(report.rejections)} in --format json).")
        )
    by_reason = report.accounting.rejected_by_reason if report.accounting is not None else {}
    if len(by_reason) > 1:
        blocks.append(Items("By reason:", [f"{reason}: {count}" for reason, count in by_reason.items()]))
    return Section(title=f"Rejected rows ({total})", blocks=blocks)


def _summary(report: TriageReport) -> list[Block]:
    totals = report.totals
    status = "PARTIAL DATA" if report.partial else "complete"
    window = f"{iso(report.window.start) or 'start of data'} .. {iso(report.window.end) or 'end of data'}"
    approx = " (estimated)" if totals.calls_approximate else ""
    column = "when written" if report.window.column == "TimeGenerated" else "when placed"
    callee = (
        f"; {totals.callee_outcome_legs} of them busy, no answer, declined or canceled"
        if totals.callee_outcome_legs
        else ""
    )
    unclassified = f", {totals.unclassified_legs} unclassified" if totals.unclassified_legs else ""
    fields = [
        ("Source", f"{report.source_description} [{report.source_kind}, {status}]"),
        ("Window", f"{window} ({report.window.column}: calls {column})"),
        (SCOPE_LABELS.get(totals.scope, totals.scope), f"{totals.legs} legs, {totals.calls} calls{approx}"),
        (
            "Failed",
            f"{totals.failed_legs} legs, failure rate {pct(totals.failure_rate)} "
            f"(acs-triage: end reason not 0 or 2xx{callee})",
        ),
        (
            "Unexpected",
            f"{totals.unexpected_legs} legs, unexpected rate {pct(totals.unexpected_rate)} "
            f"(Microsoft's ResultCategory, as Call Diagnostics counts it{unclassified})",
        ),
        *_scope_fields(report),
    ]
    if report.accounting is not None:
        a = report.accounting
        other = ""
        if a.skipped_other_category:
            named = ", ".join(f"{k} x{v}" for k, v in sorted(a.other_categories.items()))
            other = f"{a.skipped_other_category} other log category ({named}) + "
        fields.append(
            (
                "Rows",
                f"{a.rows_read} read = {a.triaged} triaged + {a.skipped_not_pstn} outside scope + "
                f"{a.skipped_outside_window} outside window + {other}{a.rejected} rejected",
            )
        )
        if a.lines_read is not None:
            fields.append(
                (
                    "Lines",
                    f"{a.lines_read} read = {a.lines_in_rows} in rows ({a.lines_rejected} of them in "
                    f"rejected rows) + {a.lines_blank} blank"
                    + ("" if a.balanced() else "  NOT BALANCED: please report it"),
                )
            )
    fields += [("Resource", resource_line(r)) for r in report.resources]
    blocks: list[Block] = [rate_figures(totals, scope_legs(totals.scope)), Fields(fields)]
    chart = timeline_chart(report.timeline)
    if chart is not None:
        blocks.append(chart)
    if report.pii_masked:
        blocks.append(Text("Phone numbers are masked; --show-pii reveals them."))
    if report.warnings:
        blocks.append(Items("Warnings:", list(report.warnings)))
    return blocks


def _flags(f: Finding) -> str:
    return ("" if f.documented else " [undocumented]") + (
        " [callee outcome]" if f.category_kind == "callee-outcome" else ""
    )


#: The findings table people read (the CSV has its own, with the JSON names).
_FINDINGS_TABLE = (
    Column("rank", "#", right=True),
    REASON,
    SUB_CODE,
    Column("legs", "legs", right=True),
    Column("calls", "calls", right=True, drop=7),
    Column("share", "share", show=pct, right=True),
    Column("trend", "trend", drop=6),
    ORIGIN,
    Column("title", "title", wrap=True),
    WHO_ACTS,
    RETRY,
)

#: ``triage --format csv``: one row per finding, JSON field names, machine values.
FINDING_COLUMNS = (
    REASON,
    SUB_CODE,
    *(
        Column(key, key)
        for key in (
            "legs",
            "calls",
            "share",
            "outcome",
            "category",
            "category_kind",
            "title",
            "generated_by",
            "documented",
            "match_level",
            "scope",
            "who_acts",
            "retry",
            "actions",
            "source",
            "result_category",
            "unexpected_legs",
            "first_seen",
            "last_seen",
            "trend",
            "example_correlation_ids",
            "example_identifiers",
        )
    ),
)


def _trend(f: Finding, report: TriageReport) -> str:
    """The trend, with the basis it is computed on: the pair's share of the legs of each half."""
    earlier, recent = report.totals.earlier_legs, report.totals.recent_legs
    label = SCOPE_LABELS.get(report.totals.scope, "").replace("All", "")
    legs = f"{label} legs".strip()
    if earlier and recent:
        basis = (
            f"{f.earlier_legs} of {earlier} {legs} in the first half ({pct(f.earlier_legs / earlier)}), "
            f"{f.recent_legs} of {recent} in the second ({pct(f.recent_legs / recent)})"
        )
    else:
        basis = f"{f.earlier_legs} legs in the first half, {f.recent_legs} in the second"
    return f"{f.trend}: {basis}"


def _finding(rank: int, f: Finding, report: TriageReport) -> Section:
    fields = [
        ("Generated by", origin_text(f.generated_by, f.end_sub_code, f.generated_by_note)),
        ("Seen", f"{iso(f.first_seen)} .. {iso(f.last_seen)}"),
        ("Trend", _trend(f, report)),
        ("Retry", f"{f.retry}: {f.retry_advice}" if f.retry_advice else f.retry),
    ]
    if f.scope:
        fields.append(("Documented", f"among Microsoft's {f.scope} codes (catalog scope {f.scope})"))
    fields.append(("Microsoft's verdict", _verdict_line(f).split(": ", 1)[1]))
    if f.result_category_disagreement:
        fields.append(("DISAGREES", f.result_category_disagreement))
    blocks: list[Block] = [Fields(fields), *advice_blocks(f.causes, f.actions, f.note)]
    examples = [("Example calls", ", ".join(f.example_correlation_ids) or "(none)")]
    if f.example_identifiers:
        examples.append(("Example identifiers", ", ".join(f.example_identifiers)))
    if f.source_url:
        examples.append(("Source", f"{f.source_title} ({f.source_date}) {f.source_url}"))
    blocks.append(Fields(examples))
    return Section(title=f"#{rank} {f.end_reason}/{f.end_sub_code}: {f.title}", blocks=blocks)


def report_view(report: TriageReport, *, details: int = 5) -> View:
    totals = report.totals
    label = SCOPE_LABELS.get(totals.scope, totals.scope)
    rows = [
        [
            rank,
            f.end_reason,
            f.end_sub_code,
            f.legs,
            f.calls,
            f.share,
            f.trend,
            f.generated_by,
            f.title + _flags(f),
            f.who_acts,
            f.retry,
        ]
        for rank, f in enumerate(report.findings, 1)
    ]
    sections = [
        Section(
            title=f"acs-triage: {'' if totals.scope == 'all' else label + ' '}failure triage",
            blocks=_summary(report),
        ),
        Section(
            title="Failures by end reason / sub-code, by impact",
            blocks=[
                pairs_chart(
                    (f.end_reason, f.end_sub_code, f.legs, f.category, f.title) for f in report.findings
                ),
                Table(_FINDINGS_TABLE, rows, empty="no failed legs"),
            ],
        ),
    ]
    sections += [_finding(rank, f, report) for rank, f in enumerate(report.findings[:details], 1)]
    if len(report.findings) > details:
        more = len(report.findings) - details
        sections.append(
            Section(
                title="",
                blocks=[Text(f"{more} more finding(s): --details N or --format json for their actions.")],
            )
        )
    origins = origins_section(load_catalog(), {f.generated_by for f in report.findings[:details]})
    if origins is not None:
        sections.append(origins)
    if report.rejections:
        sections.append(_rejection_section(report))
    csv_rows = [
        [
            f.end_reason,
            f.end_sub_code,
            f.legs,
            f.calls,
            round(f.share, 6),
            f.outcome,
            f.category,
            f.category_kind,
            f.title,
            f.generated_by,
            f.documented,
            f.match_level,
            f.scope,
            f.who_acts,
            f.retry,
            f.actions,
            f.source_url,
            f.result_category,
            f.unexpected_legs,
            f.first_seen,
            f.last_seen,
            f.trend,
            f.example_correlation_ids,
            f.example_identifiers,
        ]
        for f in report.findings
    ]
    return View(document=report.to_dict(), sections=sections, csv=Table(FINDING_COLUMNS, csv_rows))
