"""The view of a triage report: summary, findings table, explained findings, rejections."""

from __future__ import annotations

from acs_triage.catalog.loader import origin_label
from acs_triage.formats.base import Section, View
from acs_triage.formats.common import advice_lines, pct, short_origin
from acs_triage.records import ResourceTotals
from acs_triage.times import iso
from acs_triage.triage.report import Finding, TriageReport

__all__ = ["report_view", "resource_line", "timeline_line"]

# -- triage --------------------------------------------------------------------------
_BARS = "▁▂▃▄▅▆▇█"


def timeline_line(report: TriageReport, width: int = 48) -> str:
    """Failure rate per time bin as a one-line sparkline (the last ``width`` bins)."""
    points = [p for p in report.timeline if p.legs][-width:]
    if len(points) < 2:
        return ""
    rates = [p.failed_legs / p.legs for p in points]
    top = max(rates) or 1.0
    bars = "".join(_BARS[min(int(r / top * (len(_BARS) - 1) + 0.5), len(_BARS) - 1)] for r in rates)
    return (
        f"Rate:    {bars}  failure rate in {len(points)} bins from "
        f"{iso(points[0].start)} (peak {pct(top)}, last {pct(rates[-1])})"
    )


def resource_line(r: ResourceTotals) -> str:
    """One resource of a storage archive: its PSTN legs in the window and what was read."""
    rate = pct(r.failed_legs / r.legs if r.legs else None)
    return (
        f"Resource: {r.resource_id}: {r.legs} PSTN legs, {r.failed_legs} failed ({rate}); "
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


def _scope_lines(report: TriageReport) -> list[str]:
    """The legs of the window by endpoint type, and the failures the scope leaves out."""
    totals = report.totals
    lines = []
    if totals.legs_by_endpoint_type:
        by_count = sorted(totals.legs_by_endpoint_type.items(), key=lambda kv: (-kv[1], kv[0]))
        counts = ", ".join(f"{k or '(blank)'} {v}" for k, v in by_count)
        lines.append(f"Endpoints: {counts} (every leg of the window, by EndpointType)")
    if totals.failed_legs_out_of_scope:
        widen = "--scope all" if totals.scope != "all" else ""
        lines.append(
            f"Not shown: {totals.failed_legs_out_of_scope} failed leg(s) outside --scope {totals.scope}"
            + (f" ({widen} includes them)" if widen else "")
        )
    return lines


def report_view(report: TriageReport, *, details: int = 5) -> View:
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
    label = SCOPE_LABELS.get(totals.scope, totals.scope)
    summary = [
        f"Source:  {report.source_description} [{report.source_kind}, {status}]",
        f"Window:  {window} ({report.window.column}: calls {column})",
        f"{(label + ':').ljust(8)} {totals.legs} legs, {totals.calls} calls{approx}",
        f"Failed:  {totals.failed_legs} legs, failure rate {pct(totals.failure_rate)} "
        f"(acs-triage: end reason not 0 or 2xx{callee})",
        f"Unexpected: {totals.unexpected_legs} legs, unexpected rate {pct(totals.unexpected_rate)} "
        f"(Microsoft's ResultCategory, as Call Diagnostics counts it{unclassified})",
    ]
    summary += _scope_lines(report)
    trend_line = timeline_line(report)
    if trend_line:
        summary.append(trend_line)
    if report.accounting is not None:
        a = report.accounting
        other = ""
        if a.skipped_other_category:
            named = ", ".join(f"{k} x{v}" for k, v in sorted(a.other_categories.items()))
            other = f"{a.skipped_other_category} other log category ({named}) + "
        summary.append(
            f"Rows:    {a.rows_read} read = {a.triaged} triaged + {a.skipped_not_pstn} "
            f"outside scope + {a.skipped_outside_window} outside window + {other}"
            f"{a.rejected} rejected"
        )
    summary += [resource_line(r) for r in report.resources]
    if report.pii_masked:
        summary.append("Phone numbers are masked; --show-pii reveals them.")
    summary += [f"WARNING: {w}" for w in report.warnings]
    rows = []
    for rank, f in enumerate(report.findings, 1):
        rows.append(
            [
                rank,
                f.end_reason,
                f.end_sub_code,
                f.legs,
                f.calls,
                pct(f.share),
                f.trend,
                short_origin(f.generated_by),
                f.title
                + ("" if f.documented else " [undocumented]")
                + (" [callee outcome]" if f.category_kind == "callee-outcome" else ""),
                ", ".join(f.who_acts),
                f.retry,
            ]
        )
    sections = [
        Section(
            title=f"acs-triage: {'' if totals.scope == 'all' else label + ' '}failure triage", lines=summary
        ),
        Section(
            title="Failures by end reason / sub-code, by impact",
            headers=[
                "#",
                "reason",
                "sub-code",
                "legs",
                "calls",
                "share",
                "trend",
                "from",
                "title",
                "who acts",
                "retry",
            ],
            rows=rows,
        ),
    ]
    for rank, f in enumerate(report.findings[:details], 1):
        lines = [
            f"Generated by: {origin_label(f.generated_by)}. {f.generated_by_note}",
            f"Seen: {iso(f.first_seen)} .. {iso(f.last_seen)}; trend {f.trend} "
            f"({f.earlier_legs} legs in the first half, {f.recent_legs} in the second)",
            f"Retry: {f.retry}: {f.retry_advice}" if f.retry_advice else f"Retry: {f.retry}",
        ]
        if f.scope:
            lines.append(f"Documented among Microsoft's {f.scope} codes (catalog scope {f.scope}).")
        lines.append(_verdict_line(f))
        if f.result_category_disagreement:
            lines.append(f"DISAGREES: {f.result_category_disagreement}")
        lines += advice_lines(f.causes, f.actions, f.note)
        lines.append(f"Example calls: {', '.join(f.example_correlation_ids) or '(none)'}")
        if f.example_identifiers:
            lines.append(f"Example identifiers: {', '.join(f.example_identifiers)}")
        if f.source_url:
            lines.append(f"Source: {f.source_title} ({f.source_date}) {f.source_url}")
        sections.append(Section(title=f"#{rank} {f.end_reason}/{f.end_sub_code}: {f.title}", lines=lines))
    if len(report.findings) > details:
        sections.append(
            Section(
                title="",
                lines=[
                    f"{len(report.findings) - details} more finding(s): use --format json or "
                    "--details N for their actions."
                ],
            )
        )
    if report.rejections:
        shown = report.rejections[:20]
        sections.append(
            Section(
                title=f"Rejected rows ({len(report.rejections)})",
                headers=["file", "line", "reason"],
                rows=[[r.source, r.line, r.reason] for r in shown],
            )
        )
        if len(report.rejections) > len(shown):
            sections.append(
                Section(
                    title="",
                    lines=[
                        f"... and {len(report.rejections) - len(shown)} more (all listed in --format json)."
                    ],
                )
            )
    csv_rows = [
        [
            f.end_reason,
            f.end_sub_code,
            f.legs,
            f.calls,
            f"{f.share:.6f}",
            f.outcome,
            f.category,
            f.title,
            f.generated_by,
            f.documented,
            f.match_level,
            "; ".join(f.who_acts),
            f.retry,
            " | ".join(f.actions),
            f.source_url or "",
            iso(f.first_seen) or "",
            iso(f.last_seen) or "",
            f.trend,
            " ".join(f.example_correlation_ids),
            " ".join(f.example_identifiers),
        ]
        for f in report.findings
    ]
    sections.append(
        Section(
            title="",
            primary=True,
            human=False,
            headers=[
                "end_reason",
                "end_sub_code",
                "legs",
                "calls",
                "share",
                "outcome",
                "category",
                "title",
                "generated_by",
                "documented",
                "match_level",
                "who_acts",
                "retry",
                "actions",
                "source",
                "first_seen",
                "last_seen",
                "trend",
                "example_correlation_ids",
                "example_identifiers",
            ],
            rows=csv_rows,
        )
    )
    return View(document=report.to_dict(), sections=sections)
