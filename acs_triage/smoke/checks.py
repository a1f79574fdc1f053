"""The smoke gate's checks. Pure functions: reports in, :class:`SmokeResult` out.

Checks, in report order (``docs/smoke.md``):

``data-complete``
    pass when every query answered in full; inconclusive on a partial result;
    error when the data could not be obtained at all.
``min-volume``
    pass with at least ``min_legs`` considered legs, else inconclusive (never pass).
``failure-rate``
    fail above ``max_failure_rate``; inconclusive with too few legs or partial data.
``blocking-codes``
    fail on a single leg of a blocking pair or category, whatever the volume and
    even on partial data (the leg is proof); inconclusive when nothing was seen
    but the data is partial; skipped when no blocking rule is configured.
``regression``
    skipped without a baseline; inconclusive with too few legs in either window or
    partial data; fail when the rate rose by at least ``min_increase`` points AND a
    one-sided two-proportion z-test gives ``p < alpha``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.errors import AcsTriageError
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
from acs_triage.smoke.stats import two_proportion_z_test, wilson_interval
from acs_triage.triage.engine import build_report
from acs_triage.triage.report import Finding, TriageReport
from acs_triage.windows import Window, WindowPlan

__all__ = [
    "CHECK_NAMES",
    "error_result",
    "evaluate",
    "known_categories",
    "run_gate",
    "window_stats",
]

DATA, VOLUME, RATE, BLOCKING, REGRESSION = (
    "data-complete",
    "min-volume",
    "failure-rate",
    "blocking-codes",
    "regression",
)
#: Every check, in the order reports list them (stable: JUnit test names).
CHECK_NAMES = (DATA, VOLUME, RATE, BLOCKING, REGRESSION)
TOP_FAILURES = 5
S = CheckStatus


def known_categories(catalog: Catalog) -> set[str]:
    """Every category a finding can have: the catalog's, plus ``unknown``."""
    meanings = (
        [p.meaning for p in catalog.pairs]
        + [c.meaning for c in catalog.codes]
        + [c.meaning for c in catalog.classes]
    )
    return {m.category for m in meanings} | {"unknown"}


def window_stats(report: TriageReport, ignore: Iterable[str]) -> WindowStats:
    ignored_set = set(ignore)
    ignored: Counter[str] = Counter()
    for finding in report.findings:
        if finding.category in ignored_set:
            ignored[finding.category] += finding.legs
    return WindowStats(
        window=report.window,
        legs=report.totals.legs,
        failed_legs=report.totals.failed_legs,
        ignored_legs=sum(ignored.values()),
        ignored_by_category=tuple(sorted(ignored.items())),
        partial=report.partial,
    )


def _pct(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{100.0 * fraction:.2f}%"


def _legs(n: int) -> str:
    return f"{n} leg{'' if n == 1 else 's'}"


def _p(value: float) -> str:
    return f"{value:.2g}" if value < 0.001 else f"{value:.4f}"


# -- the checks --------------------------------------------------------------------------
def _data_check(current: TriageReport, baseline: TriageReport | None) -> CheckResult:
    partial = [w for w in current.warnings if w.startswith("partial")]
    if baseline is not None:
        partial += [f"baseline: {w}" for w in baseline.warnings if w.startswith("partial")]
    partial_any = current.partial or (baseline is not None and baseline.partial)
    windows = 1 if baseline is None else 2
    if partial_any:
        return CheckResult(
            DATA,
            S.INCONCLUSIVE,
            0,
            1,
            "partial",
            "complete",
            "; ".join(partial) or "the service returned partial results",
            {"partial_windows": sum(r.partial for r in (current, baseline) if r is not None)},
        )
    if current.source_kind == "workspace":
        message = f"every query answered in full ({current.query_requests} request(s))"
    else:
        rejected = current.accounting.rejected if current.accounting else 0
        message = f"{windows} window(s) read from {current.source_kind} data" + (
            f"; {rejected} row(s) rejected" if rejected else ""
        )
    return CheckResult(DATA, S.PASS, 1, 1, "complete", "complete", message)


def _volume_check(stats: WindowStats, config: GateConfig) -> CheckResult:
    n, need = stats.considered_legs, config.min_legs
    ignored = (
        (f" ({stats.ignored_legs} ignored {'/'.join(sorted(config.ignore_categories))} leg(s) not counted)")
        if stats.ignored_legs
        else ""
    )
    details: dict[str, int | None] = {"legs": stats.legs, "ignored_legs": stats.ignored_legs}
    if n >= need:
        return CheckResult(
            VOLUME, S.PASS, n, need, _legs(n), f">= {need}", f"{_legs(n)} considered{ignored}", details
        )
    return CheckResult(
        VOLUME,
        S.INCONCLUSIVE,
        n,
        need,
        _legs(n),
        f">= {need}",
        f"only {_legs(n)} considered{ignored}; at least {need} are needed for a verdict",
        details,
    )


def _rate_check(stats: WindowStats, config: GateConfig, findings: tuple[Finding, ...]) -> CheckResult:
    limit = config.max_failure_rate
    threshold_text = f"<= {limit:g}%"
    rate = stats.failure_rate
    failed, considered = stats.counted_failures, stats.considered_legs
    if rate is None:
        return CheckResult(
            RATE, S.INCONCLUSIVE, None, limit, "n/a", threshold_text, "no PSTN legs in the window"
        )
    low, high = wilson_interval(failed, considered)
    observed = round(100.0 * rate, 4)
    observed_text = f"{_pct(rate)} ({failed}/{considered})"
    details: dict[str, float | int | None] = {
        "failed_legs": failed,
        "considered_legs": considered,
        "wilson95_low_pct": round(100.0 * low, 4),
        "wilson95_high_pct": round(100.0 * high, 4),
    }
    summary = f"{failed} of {_legs(considered)} failed ({_pct(rate)}, 95% CI {_pct(low)}-{_pct(high)})"
    if considered < config.min_legs:
        status, message = S.INCONCLUSIVE, f"{summary}; too few legs to judge (need {config.min_legs})"
    elif stats.partial:
        status, message = S.INCONCLUSIVE, f"{summary}; not judged on partial data"
    elif 100.0 * rate > limit:
        top = [f for f in findings if f.category not in config.ignore_categories][:3]
        worst = ", ".join(f"{f.end_reason}/{f.end_sub_code} x{f.legs}" for f in top)
        status = S.FAIL
        message = f"{summary}, above the {limit:g}% maximum" + (f"; most frequent: {worst}" if worst else "")
    else:
        status, message = S.PASS, f"{summary}, within the {limit:g}% maximum"
    return CheckResult(RATE, status, observed, limit, observed_text, threshold_text, message, details)


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


def _blocking_check(hits: list[BlockingHit], stats: WindowStats, config: GateConfig) -> CheckResult:
    rules = [str(p) for p in config.block_pairs] + [f"category:{c}" for c in sorted(config.block_categories)]
    legs = sum(h.legs for h in hits)
    details: dict[str, list[str]] = {"rules": rules}
    if hits:
        listed = "; ".join(f"{h.end_reason}/{h.end_sub_code} {h.title} ({_legs(h.legs)})" for h in hits[:5])
        more = f"; and {len(hits) - 5} more" if len(hits) > 5 else ""
        return CheckResult(
            BLOCKING,
            S.FAIL,
            legs,
            0,
            _legs(legs),
            "0 legs",
            f"blocking failure(s) seen: {listed}{more}",
            details,
        )
    if not rules:
        return CheckResult(
            BLOCKING, S.SKIPPED, None, None, "", "", "no blocking pairs or categories configured", details
        )
    if stats.partial:
        return CheckResult(
            BLOCKING, S.INCONCLUSIVE, 0, 0, "0 legs", "0 legs", "none seen, but the data is partial", details
        )
    shown = ", ".join(rules[:6]) + (", ..." if len(rules) > 6 else "")
    return CheckResult(
        BLOCKING,
        S.PASS,
        0,
        0,
        "0 legs",
        "0 legs",
        f"none of {len(rules)} blocking rule(s) seen in {_legs(stats.legs)} ({shown})",
        details,
    )


def _regression_check(current: WindowStats, baseline: WindowStats | None, config: GateConfig) -> CheckResult:
    step = config.min_increase
    threshold_text = f">= +{step:g} pp and p < {config.alpha:g}"
    if baseline is None:
        return CheckResult(
            REGRESSION, S.SKIPPED, None, step, "", threshold_text, "no baseline window (--baseline) given"
        )
    n1, n0 = current.considered_legs, baseline.considered_legs
    details: dict[str, float | int | None] = {
        "current_legs": n1,
        "baseline_legs": n0,
        "current_rate_pct": None if current.failure_rate is None else round(100.0 * current.failure_rate, 4),
        "baseline_rate_pct": None
        if baseline.failure_rate is None
        else round(100.0 * baseline.failure_rate, 4),
        "alpha": config.alpha,
    }
    if n1 < config.min_legs or n0 < config.min_legs:
        return CheckResult(
            REGRESSION,
            S.INCONCLUSIVE,
            None,
            step,
            "n/a",
            threshold_text,
            f"too few legs to compare: current {n1}, baseline {n0} (need {config.min_legs} in each)",
            details,
        )
    test = two_proportion_z_test(current.counted_failures, n1, baseline.counted_failures, n0)
    increase = 100.0 * test.increase
    details.update({"z": round(test.z, 6), "p_value": test.p_value, "increase_pp": round(increase, 4)})
    observed_text = f"{increase:+.2f} pp (p={_p(test.p_value)})"
    change = (
        f"{_pct(test.baseline_rate)} in the baseline -> {_pct(test.current_rate)} now "
        f"({increase:+.2f} pp, z={test.z:.2f}, p={_p(test.p_value)})"
    )
    if current.partial or baseline.partial:
        return CheckResult(
            REGRESSION,
            S.INCONCLUSIVE,
            round(increase, 4),
            step,
            observed_text,
            threshold_text,
            f"{change}; not judged on partial data",
            details,
        )
    significant = test.p_value < config.alpha
    large = increase >= step
    if significant and large:
        return CheckResult(
            REGRESSION,
            S.FAIL,
            round(increase, 4),
            step,
            observed_text,
            threshold_text,
            f"failure rate rose: {change}",
            details,
        )
    if increase <= 0:
        why = "no increase"
    elif not large:
        why = f"increase below +{step:g} pp"
    else:
        why = f"not significant at alpha {config.alpha:g}"
    return CheckResult(
        REGRESSION,
        S.PASS,
        round(increase, 4),
        step,
        observed_text,
        threshold_text,
        f"{why}: {change}",
        details,
    )


# -- assembling ----------------------------------------------------------------------------
def evaluate(
    current: TriageReport,
    baseline: TriageReport | None,
    config: GateConfig,
    plan: WindowPlan,
    *,
    generated_at: datetime | None = None,
) -> SmokeResult:
    """Run every check on the current (and baseline) report."""
    stats = window_stats(current, config.ignore_categories)
    base_stats = None if baseline is None else window_stats(baseline, config.ignore_categories)
    hits = blocking_hits(current.findings, config)
    checks = (
        _data_check(current, baseline),
        _volume_check(stats, config),
        _rate_check(stats, config, current.findings),
        _blocking_check(hits, stats, config),
        _regression_check(stats, base_stats, config),
    )
    warnings = list(current.warnings)
    if baseline is not None:
        warnings += [f"baseline: {w}" for w in baseline.warnings]
    top = tuple(
        TopFailure(
            f.end_reason, f.end_sub_code, f.legs, f.category, f.title, f.category in config.ignore_categories
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
    reason = f"not evaluated: {error.message}"
    checks = (
        CheckResult(
            DATA,
            S.ERROR,
            None,
            None,
            "error",
            "complete",
            str(error),
            {"exit_code": int(error.exit_code), "error_type": type(error).__name__},
        ),
        *(CheckResult(name, S.SKIPPED, None, None, "", "", reason) for name in CHECK_NAMES[1:]),
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
        error=str(error),
        error_exit=error.exit_code,
    )
