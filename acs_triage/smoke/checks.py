"""The smoke gate's checks. Pure functions: statistics in, :class:`CheckResult` out.

Checks, in report order (``docs/smoke.md``):

``data-complete``
    pass when every query answered in full; inconclusive on a partial result;
    error when the data could not be obtained at all.
``min-volume``
    pass with at least ``min_legs`` considered legs, else inconclusive (never pass).
``failure-rate``
    fail above ``max_failure_rate``; inconclusive with too few legs or partial data.
    Callee outcomes (busy, no answer, declined, canceled) are left out by default.
``unexpected-rate``
    Microsoft's verdict: legs whose ResultCategory is Unexpected* (as Call Diagnostics
    counts them), over every PSTN leg. Skipped unless ``max_unexpected_rate`` is set;
    then like ``failure-rate``.
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

from acs_triage.records import scope_legs
from acs_triage.smoke.config import GateConfig
from acs_triage.smoke.result import BlockingHit, CheckResult, CheckStatus, WindowStats
from acs_triage.smoke.stats import two_proportion_z_test, wilson_interval
from acs_triage.triage.report import Finding, TriageReport

__all__ = [
    "CHECK_NAMES",
    "blocking_check",
    "data_check",
    "rate_check",
    "regression_check",
    "unexpected_check",
    "volume_check",
]

DATA, VOLUME, RATE, UNEXPECTED, BLOCKING, REGRESSION = (
    "data-complete",
    "min-volume",
    "failure-rate",
    "unexpected-rate",
    "blocking-codes",
    "regression",
)
#: Every check, in the order reports list them (stable: JUnit test names).
CHECK_NAMES = (DATA, VOLUME, RATE, UNEXPECTED, BLOCKING, REGRESSION)
S = CheckStatus


def _pct(fraction: float) -> str:
    return f"{100.0 * fraction:.2f}%"


def _legs(n: int) -> str:
    return f"{n} leg{'' if n == 1 else 's'}"


def _p(value: float) -> str:
    return f"{value:.2g}" if value < 0.001 else f"{value:.4f}"


# -- the checks --------------------------------------------------------------------------
def data_check(current: TriageReport, baseline: TriageReport | None) -> CheckResult:
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


def volume_check(stats: WindowStats, config: GateConfig) -> CheckResult:
    n, need = stats.considered_legs, config.min_legs
    ignored = (
        f" ({stats.ignored_legs} leg(s) not counted: "
        f"{', '.join(f'{k} {v}' for k, v in stats.ignored_by_category)})"
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


def rate_check(stats: WindowStats, config: GateConfig, findings: tuple[Finding, ...]) -> CheckResult:
    limit = config.max_failure_rate
    threshold_text = f"<= {limit:g}%"
    rate = stats.failure_rate
    failed, considered = stats.counted_failures, stats.considered_legs
    if rate is None:
        return CheckResult(
            RATE,
            S.INCONCLUSIVE,
            None,
            limit,
            "n/a",
            threshold_text,
            f"no {scope_legs(config.scope)} in the window",
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
        top = [f for f in findings if not config.ignores(f.category, f.category_kind)][:3]
        worst = ", ".join(f"{f.end_reason}/{f.end_sub_code} x{f.legs}" for f in top)
        status = S.FAIL
        message = f"{summary}, above the {limit:g}% maximum" + (f"; most frequent: {worst}" if worst else "")
    else:
        status, message = S.PASS, f"{summary}, within the {limit:g}% maximum"
    return CheckResult(RATE, status, observed, limit, observed_text, threshold_text, message, details)


def unexpected_check(stats: WindowStats, config: GateConfig) -> CheckResult:
    """Microsoft's unexpected rate (ResultCategory Unexpected*), gated when a maximum is set."""
    limit = config.max_unexpected_rate
    rate, legs = stats.unexpected_rate, stats.legs
    observed = None if rate is None else round(100.0 * rate, 4)
    observed_text = "n/a" if rate is None else f"{_pct(rate)} ({stats.unexpected_legs}/{legs})"
    unclassified = f"; {stats.unclassified_legs} leg(s) unclassified" if stats.unclassified_legs else ""
    summary = f"Microsoft's unexpected rate {observed_text}{unclassified}"
    details: dict[str, float | int | None] = {
        "unexpected_legs": stats.unexpected_legs,
        "unclassified_legs": stats.unclassified_legs,
        "legs": legs,
    }
    if limit is None:
        return CheckResult(
            UNEXPECTED,
            S.SKIPPED,
            observed,
            None,
            observed_text,
            "",
            f"{summary}; not gated (no --max-unexpected-rate)",
            details,
        )
    threshold_text = f"<= {limit:g}%"
    if rate is None:
        status, message = S.INCONCLUSIVE, f"no {scope_legs(config.scope)} in the window"
    elif legs < config.min_legs:
        status, message = S.INCONCLUSIVE, f"{summary}; too few legs to judge (need {config.min_legs})"
    elif stats.partial:
        status, message = S.INCONCLUSIVE, f"{summary}; not judged on partial data"
    elif 100.0 * rate > limit:
        status, message = S.FAIL, f"{summary}, above the {limit:g}% maximum"
    else:
        status, message = S.PASS, f"{summary}, within the {limit:g}% maximum"
    return CheckResult(UNEXPECTED, status, observed, limit, observed_text, threshold_text, message, details)


def blocking_check(hits: list[BlockingHit], stats: WindowStats, config: GateConfig) -> CheckResult:
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


def regression_check(current: WindowStats, baseline: WindowStats | None, config: GateConfig) -> CheckResult:
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
