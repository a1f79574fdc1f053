"""The smoke gate's result as a :class:`View`: JSON ``acs-triage/smoke-result/v1``,
a checks table (the ``csv`` section) and human sections for table/markdown.

The markdown rendering is also what ``--summary`` and ``$GITHUB_STEP_SUMMARY`` get.
"""

from __future__ import annotations

from acs_triage.formats.base import View
from acs_triage.formats.blocks import Block, Column, Fields, Figures, Items, Section, Table
from acs_triage.formats.charts import pairs_chart, timeline_chart
from acs_triage.records import scope_legs
from acs_triage.smoke.result import SMOKE_SCHEMA, SmokeResult
from acs_triage.times import iso
from acs_triage.windows import Window

__all__ = ["SMOKE_SCHEMA", "smoke_view"]


def _window(window: Window | None) -> str:
    if window is None:
        return "none"
    if window.start is None and window.end is None:
        return "(no data)"
    return f"{iso(window.start) or '...'} -> {iso(window.end) or '...'}"


def _overview(result: SmokeResult) -> list[tuple[str, str]]:
    fields = [("Source", f"{result.source_kind} ({result.source_description})")]
    settle = f", settle {result.settle_seconds:g}s" if result.settle_seconds else ""
    anchor = f" (relative to {result.anchor}{settle})" if result.anchor else ""
    placed = " (calls placed in it, CallStartTime)" if result.window.column == "CallStartTime" else ""
    fields.append(("Window", f"{_window(result.window)}{placed}{anchor}"))
    if result.baseline_window is not None:
        fields.append(("Baseline", _window(result.baseline_window)))
    current = result.current
    if current is not None:
        rate = current.failure_rate
        ignored = (
            f", {current.ignored_legs} ignored "
            f"({', '.join(f'{k} {v}' for k, v in current.ignored_by_category)})"
            if current.ignored_legs
            else ""
        )
        fields.append(
            (
                scope_legs(result.config.scope).capitalize().replace("Pstn", "PSTN").replace("Voip", "VoIP"),
                f"{current.legs}, failed {current.failed_legs}{ignored}; counted failure rate {_pct(rate)}",
            )
        )
        fields.append(
            (
                "Unexpected",
                f"{_pct(current.unexpected_rate)} of legs ({current.unexpected_legs}): Microsoft's "
                "ResultCategory Unexpected*",
            )
        )
    baseline = result.baseline
    if baseline is not None:
        fields.append(
            ("Baseline legs", f"{baseline.legs}, counted failure rate {_pct(baseline.failure_rate)}")
        )
    fields.append(("Exit code", str(int(result.exit_code))))
    return fields


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.2f}%"


def _figures(result: SmokeResult) -> Figures:
    """The verdict, the failure rate the gate counts and Microsoft's unexpected rate."""
    items = [("Verdict", result.status.value.upper(), f"exit code {int(result.exit_code)}")]
    current = result.current
    if current is not None:
        items += [
            (
                "Failure rate (counted)",
                _pct(current.failure_rate),
                f"{current.counted_failures} of {current.considered_legs} legs judged",
            ),
            (
                "Unexpected rate",
                _pct(current.unexpected_rate),
                f"{current.unexpected_legs} legs: Microsoft's verdict",
            ),
        ]
    return Figures(items)


def _head(result: SmokeResult) -> list[Block]:
    """The figures, the overview and, with data, the window's failures over time."""
    blocks: list[Block] = [_figures(result), Fields(_overview(result))]
    chart = timeline_chart(result.timeline, title="Failures over time (every failed leg of the window)")
    if chart is not None:
        blocks.append(chart)
    return blocks


#: ``smoke --format csv``: one row per check, with the JSON field names.
CHECK_COLUMNS = tuple(
    Column(key, key)
    for key in ("name", "status", "observed", "observed_text", "threshold", "threshold_text", "message")
)
CHECK_HEADERS = tuple(c.key for c in CHECK_COLUMNS)
#: The checks as people read them.
_SHOWN_CHECK = (
    Column("name", "check"),
    Column("status", "status", show=lambda s: str(s).upper()),
    Column("observed_text", "observed", wrap=True, least=10),
    Column("threshold_text", "threshold", wrap=True, least=8),
    Column("message", "message", wrap=True, least=24),
)


def _title(result: SmokeResult) -> str:
    """The verdict; an error is said once, in the data-complete check."""
    if result.error is not None:
        return f"ERROR (exit {int(result.exit_code)}): the data could not be obtained (see data-complete)"
    return result.headline()


PAIR = Column("pair", "pair")
LEGS = Column("legs", "legs", right=True)
PAIR_TITLE = Column("title", "title", wrap=True, least=20)


def smoke_view(result: SmokeResult) -> View:
    """Render-ready view of a :class:`SmokeResult` (every ``--format`` works)."""
    checks = [
        (c.name, c.status.value, c.observed, c.observed_text, c.threshold, c.threshold_text, c.message)
        for c in result.checks
    ]
    shown = [(r[0], r[1], r[3], r[5], r[6]) for r in checks]
    sections = [
        Section(title=f"acs-triage smoke: {_title(result)}", blocks=_head(result)),
        Section(title="Checks", blocks=[Table(_SHOWN_CHECK, shown)]),
    ]
    if result.blocking_hits:
        sections.append(
            Section(
                title="Blocking failures",
                blocks=[
                    Table(
                        (
                            PAIR,
                            LEGS,
                            Column("calls", "calls", right=True, drop=4),
                            Column("category", "category", drop=3),
                            PAIR_TITLE,
                            Column("rule", "rule", drop=2),
                            Column("example", "example call", drop=5),
                        ),
                        [
                            (
                                f"{h.end_reason}/{h.end_sub_code}",
                                h.legs,
                                h.calls,
                                h.category,
                                h.title,
                                h.rule,
                                h.example_correlation_ids[0] if h.example_correlation_ids else "",
                            )
                            for h in result.blocking_hits
                        ],
                    )
                ],
            )
        )
    if result.top_failures:
        sections.append(
            Section(
                title="Most frequent failures in the window",
                blocks=[
                    pairs_chart(
                        (t.end_reason, t.end_sub_code, t.legs, t.category, t.title)
                        for t in result.top_failures
                    ),
                    Table(
                        (
                            PAIR,
                            LEGS,
                            Column("category", "category", drop=2),
                            Column("counted", "counted"),
                            PAIR_TITLE,
                        ),
                        [
                            (
                                f"{t.end_reason}/{t.end_sub_code}",
                                t.legs,
                                t.category,
                                "no (ignored)" if t.ignored else "yes",
                                t.title,
                            )
                            for t in result.top_failures
                        ],
                    ),
                ],
            )
        )
    if result.warnings:
        sections.append(Section(title="Warnings", blocks=[Items("", list(result.warnings))]))
    return View(document=result.to_dict(), sections=sections, csv=Table(CHECK_COLUMNS, checks))
