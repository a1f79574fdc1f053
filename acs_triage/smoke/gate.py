"""The gate: the collected windows explained, counted and judged into one :class:`SmokeResult`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.errors import AcsTriageError
from acs_triage.masking import mask_text, redact_urls
from acs_triage.smoke.checks import (
    CHECK_NAMES,
    blocking_check,
    data_check,
    rate_check,
    regression_check,
    unexpected_check,
    volume_check,
)
from acs_triage.smoke.collect import Collected
from acs_triage.smoke.config import GateConfig
from acs_triage.smoke.result import (
    BlockingHit,
    CheckResult,
    CheckStatus,
    SmokeResult,
    TopFailure,
    WindowStats,
)
from acs_triage.triage.engine import build_report
from acs_triage.triage.report import Finding, TriageReport
from acs_triage.windows import Window, WindowPlan

__all__ = ["blocking_hits", "error_result", "evaluate", "known_categories", "run_gate", "window_stats"]

#: How many of the most frequent failures the result lists.
TOP_FAILURES = 5


def known_categories(catalog: Catalog) -> set[str]:
    """Every category a finding can have: the catalog's, plus ``unknown``."""
    meanings = (
        [p.meaning for p in catalog.pairs]
        + [c.meaning for c in catalog.codes]
        + [c.meaning for c in catalog.classes]
    )
    return {m.category for m in meanings} | {"unknown"}


def window_stats(report: TriageReport, config: GateConfig) -> WindowStats:
    """The window's legs as the gate counts them: failed legs in an ignored category
    (callee outcomes by default) leave the failure rate's numerator and denominator."""
    ignored: Counter[str] = Counter()
    for finding in report.findings:
        if config.ignores(finding.category, finding.category_kind):
            ignored[finding.category] += finding.legs
    return WindowStats(
        window=report.window,
        legs=report.totals.legs,
        failed_legs=report.totals.failed_legs,
        ignored_legs=sum(ignored.values()),
        ignored_by_category=tuple(sorted(ignored.items())),
        partial=report.partial,
        unexpected_legs=report.totals.unexpected_legs,
        unclassified_legs=report.totals.unclassified_legs,
    )


def blocking_hits(findings: Iterable[Finding], config: GateConfig) -> list[BlockingHit]:
    hits = []
    for finding in findings:
        rule = next(
            (str(p) for p in config.block_pairs if p.matches(finding.end_reason, finding.end_sub_code)), None
        )
        if rule is None and finding.category in config.block_categories:
            rule = f"category:{finding.category}"
        if rule is not None and finding.legs > 0:
            hits.append(
                BlockingHit(
                    finding.end_reason,
                    finding.end_sub_code,
                    finding.legs,
                    finding.calls,
                    finding.category,
                    finding.title,
                    rule,
                    finding.example_correlation_ids,
                )
            )
    return hits


def evaluate(
    current: TriageReport,
    baseline: TriageReport | None,
    config: GateConfig,
    plan: WindowPlan,
    *,
    generated_at: datetime | None = None,
) -> SmokeResult:
    """Run every check on the current (and baseline) report."""
    stats = window_stats(current, config)
    base_stats = None if baseline is None else window_stats(baseline, config)
    hits = blocking_hits(current.findings, config)
    checks = (
        data_check(current, baseline),
        volume_check(stats, config),
        rate_check(stats, config, current.findings),
        unexpected_check(stats, config),
        blocking_check(hits, stats, config),
        regression_check(stats, base_stats, config),
    )
    warnings = list(current.warnings)
    if baseline is not None:
        warnings += [f"baseline: {w}" for w in baseline.warnings]
    top = tuple(
        TopFailure(
            f.end_reason,
            f.end_sub_code,
            f.legs,
            f.category,
            f.title,
            config.ignores(f.category, f.category_kind),
        )
        for f in current.findings[:TOP_FAILURES]
    )
    return SmokeResult(
        generated_at=generated_at or current.generated_at,
        source_kind=current.source_kind,
        source_description=current.source_description,
        window=current.window,
        baseline_window=None if baseline is None else baseline.window,
        settle_seconds=plan.settle.total_seconds(),
        anchor=plan.anchor,
        config=config,
        checks=checks,
        current=stats,
        baseline=base_stats,
        blocking_hits=tuple(hits),
        top_failures=top,
        warnings=tuple(warnings),
        query_requests=current.query_requests,
        timeline=current.timeline,
    )


def run_gate(
    collected: Collected,
    config: GateConfig,
    catalog: Catalog | None = None,
    *,
    generated_at: datetime | None = None,
) -> SmokeResult:
    """Explain the collected data with the catalog and evaluate the gate."""
    catalog = catalog or load_catalog()
    moment = generated_at or datetime.now(timezone.utc)
    base_window = collected.plan.baseline
    if (
        config.baseline is None
        and collected.baseline is not None
        and base_window is not None
        and base_window.start is not None
        and base_window.end is not None
    ):
        config = replace(config, baseline=base_window.end - base_window.start)
    current = build_report(collected.current, catalog, generated_at=moment)
    baseline = (
        None if collected.baseline is None else build_report(collected.baseline, catalog, generated_at=moment)
    )
    return evaluate(current, baseline, config, collected.plan, generated_at=moment)


def error_result(
    error: AcsTriageError,
    config: GateConfig,
    *,
    source_kind: str,
    source_description: str,
    plan: WindowPlan | None = None,
    generated_at: datetime | None = None,
) -> SmokeResult:
    """The result when the data could not be obtained: ``data-complete`` is an error,
    every other check is skipped, and the exit code is the error's own (3, 4 or 5)."""
    shown = redact_urls(mask_text(str(error)))  # quoted data masked, as every error message is
    reason = "not evaluated: the data could not be obtained (see data-complete)"
    checks = (
        CheckResult(
            CHECK_NAMES[0],
            CheckStatus.ERROR,
            None,
            None,
            "error",
            "complete",
            shown,
            {"exit_code": int(error.exit_code), "error_type": type(error).__name__},
        ),
        *(CheckResult(name, CheckStatus.SKIPPED, None, None, "", "", reason) for name in CHECK_NAMES[1:]),
    )
    empty = Window(None, None)
    return SmokeResult(
        generated_at=generated_at or datetime.now(timezone.utc),
        source_kind=source_kind,
        source_description=source_description,
        window=plan.current if plan else empty,
        baseline_window=plan.baseline if plan else None,
        settle_seconds=plan.settle.total_seconds() if plan else 0.0,
        anchor=plan.anchor if plan else "",
        config=config,
        checks=checks,
        error=shown,
        error_exit=error.exit_code,
    )
