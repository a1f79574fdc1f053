"""The smoke gate's result as a :class:`View`: JSON ``acs-triage/smoke-result/v1``,
a checks table (the ``csv`` section) and human sections for table/markdown.

The markdown rendering is also what ``--summary`` and ``$GITHUB_STEP_SUMMARY`` get.
"""

from __future__ import annotations

from acs_triage.formats.base import Section, View
from acs_triage.records import scope_legs
from acs_triage.smoke.result import SMOKE_SCHEMA, SmokeResult
from acs_triage.times import iso
from acs_triage.windows import Window

__all__ = ["SMOKE_SCHEMA", "smoke_view"]

CHECK_HEADERS = ("check", "status", "observed", "threshold", "message")


def _window(window: Window | None) -> str:
    if window is None:
        return "none"
    if window.start is None and window.end is None:
        return "(no data)"
    return f"{iso(window.start) or '...'} -> {iso(window.end) or '...'}"


def _overview(result: SmokeResult) -> list[str]:
    lines = [f"Source: {result.source_kind} ({result.source_description})"]
    settle = f", settle {result.settle_seconds:g}s" if result.settle_seconds else ""
    anchor = f" (relative to {result.anchor}{settle})" if result.anchor else ""
    placed = " (calls placed in it, CallStartTime)" if result.window.column == "CallStartTime" else ""
    lines.append(f"Window: {_window(result.window)}{placed}{anchor}")
    if result.baseline_window is not None:
        lines.append(f"Baseline: {_window(result.baseline_window)}")
    current = result.current
    if current is not None:
        rate = current.failure_rate
        ignored = (
            f", {current.ignored_legs} ignored "
            f"({', '.join(f'{k} {v}' for k, v in current.ignored_by_category)})"
            if current.ignored_legs
            else ""
        )
        lines.append(
            f"{scope_legs(result.config.scope)}: {current.legs}, failed {current.failed_legs}{ignored}; "
            f"counted failure rate "
            f"{'n/a' if rate is None else f'{100 * rate:.2f}%'}"
        )
        unexpected = current.unexpected_rate
        lines.append(
            f"Microsoft's unexpected rate (ResultCategory Unexpected*): "
            f"{'n/a' if unexpected is None else f'{100 * unexpected:.2f}%'} ({current.unexpected_legs} legs)"
        )
    baseline = result.baseline
    if baseline is not None:
        rate = baseline.failure_rate
        lines.append(
            f"Baseline legs: {baseline.legs}, counted failure rate "
            f"{'n/a' if rate is None else f'{100 * rate:.2f}%'}"
        )
    lines.append(f"Exit code: {int(result.exit_code)}")
    return lines


def smoke_view(result: SmokeResult) -> View:
    """Render-ready view of a :class:`SmokeResult` (every ``--format`` works)."""
    sections = [
        Section(title=f"acs-triage smoke: {result.headline()}", lines=_overview(result)),
        Section(
            title="Checks",
            headers=CHECK_HEADERS,
            primary=True,
            rows=[
                (c.name, c.status.value.upper(), c.observed_text, c.threshold_text, c.message)
                for c in result.checks
            ],
        ),
    ]
    if result.blocking_hits:
        sections.append(
            Section(
                title="Blocking failures",
                headers=("pair", "legs", "calls", "category", "title", "rule", "example call"),
                rows=[
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
        )
    if result.top_failures:
        sections.append(
            Section(
                title="Most frequent failures in the window",
                headers=("pair", "legs", "category", "counted", "title"),
                rows=[
                    (
                        f"{t.end_reason}/{t.end_sub_code}",
                        t.legs,
                        t.category,
                        "no (ignored)" if t.ignored else "yes",
                        t.title,
                    )
                    for t in result.top_failures
                ],
            )
        )
    if result.warnings:
        sections.append(Section(title="Warnings", lines=[f"- {w}" for w in result.warnings]))
    return View(document=result.to_dict(), sections=sections)
