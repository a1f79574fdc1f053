"""The gate's logic as a library: checks on hand-made aggregates, option parsing,
and ``collect_windows``/``run_gate`` on an exported file."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest

from acs_triage.errors import AuthError, ExitCode, QueryError, UsageError
from acs_triage.records import RowAccounting, TriageInput
from acs_triage.smoke.checks import (
    blocking_check,
    data_check,
    rate_check,
    regression_check,
    unexpected_check,
    volume_check,
)
from acs_triage.smoke.collect import GateWindows, collect_windows, plan_for
from acs_triage.smoke.config import GateConfig, parse_block_pair
from acs_triage.smoke.gate import error_result, run_gate
from acs_triage.smoke.result import BlockingHit, CheckResult, CheckStatus, GateStatus, WindowStats
from acs_triage.smoke.stats import two_proportion_z_test
from acs_triage.sources.files import FileSource
from acs_triage.triage.engine import build_report
from acs_triage.triage.report import TriageReport
from acs_triage.windows import Window, parse_span
from tests.smoke.helpers import BASELINE, CURRENT, CURRENT_WINDOW, NOW, gate, make_input

S = CheckStatus


def test_rate_threshold_boundary() -> None:
    assert gate(make_input(100, {("503", "560503"): 10})).check("failure-rate").status is (
        CheckStatus.PASS
    )  # exactly the maximum passes
    result = gate(make_input(100, {("503", "560503"): 11}))
    assert result.check("failure-rate").status is CheckStatus.FAIL
    assert result.exit_code == ExitCode.GATE_FAILED
    assert "503/560503 x11" in result.check("failure-rate").message


def test_ignored_categories_leave_numerator_and_denominator() -> None:
    # 487/560487 (canceled) and 486/560486 (busy) are callee outcomes: left out by default.
    data = make_input(100, {("487", "560487"): 12, ("486", "560486"): 8, ("503", "560503"): 8})
    result = gate(data)  # 8 / 80 = 10 %: passes
    assert result.current is not None
    assert (result.current.considered_legs, result.current.counted_failures) == (80, 8)
    assert dict(result.current.ignored_by_category) == {"canceled": 12, "callee-busy": 8}
    assert result.check("failure-rate").status is CheckStatus.PASS
    counted_all = gate(data, count_callee_outcomes=True)  # 28 / 100
    assert counted_all.check("failure-rate").observed == pytest.approx(28.0)
    assert counted_all.exit_code == ExitCode.GATE_FAILED
    more = gate(data, ignore_categories=frozenset({"service-error"}))  # 0 / 72
    assert more.current is not None and more.current.ignored_by_category == (
        ("callee-busy", 8),
        ("canceled", 12),
        ("service-error", 8),
    )
    assert more.check("failure-rate").observed == pytest.approx(0.0)


def test_min_legs_boundary() -> None:
    low = gate(make_input(19, {("503", "560503"): 10}))
    assert low.check("min-volume").status is CheckStatus.INCONCLUSIVE
    assert low.check("failure-rate").status is CheckStatus.INCONCLUSIVE
    assert low.exit_code == ExitCode.INCONCLUSIVE and low.status is GateStatus.INCONCLUSIVE
    enough = gate(make_input(20, {("503", "560503"): 1}))
    assert enough.exit_code == ExitCode.OK
    assert gate(make_input(0, {})).check("failure-rate").observed is None


def test_blocking_beats_low_volume_and_partial_data() -> None:
    result = gate(make_input(3, {("403", "511532"): 1}, partial=True))
    assert result.check("blocking-codes").status is CheckStatus.FAIL
    assert result.check("data-complete").status is CheckStatus.INCONCLUSIVE
    assert result.exit_code == ExitCode.GATE_FAILED
    clean_partial = gate(make_input(300, {("503", "560503"): 1}, partial=True))
    assert clean_partial.check("blocking-codes").status is CheckStatus.INCONCLUSIVE
    assert clean_partial.check("failure-rate").status is CheckStatus.INCONCLUSIVE
    assert clean_partial.exit_code == ExitCode.INCONCLUSIVE


def test_block_pair_parsing() -> None:
    assert str(parse_block_pair(" 403 / 511532 ")) == "403/511532"
    assert str(parse_block_pair("403.0/511532")) == "403/511532"
    wildcard = parse_block_pair("403/*")
    assert wildcard.matches("403", "560403") and not wildcard.matches("404", "560404")
    for bad in ("403", "403/", "/511532", "403/511/532", ""):
        with pytest.raises(UsageError):
            parse_block_pair(bad)


@pytest.mark.parametrize(
    ("current", "baseline", "expected"),
    [
        ((90, 1000), (450, 10000), CheckStatus.FAIL),  # 9 % vs 4.5 %: significant and large
        ((30, 200), (500, 5000), CheckStatus.PASS),  # +5 pp but p = 0.011 >= 0.01
        ((530, 10000), (450, 10000), CheckStatus.PASS),  # p tiny but only +0.8 pp
        ((40, 1000), (450, 10000), CheckStatus.PASS),  # decrease
        ((5, 10), (450, 10000), CheckStatus.INCONCLUSIVE),  # low current volume
        ((90, 1000), (1, 10), CheckStatus.INCONCLUSIVE),  # low baseline volume
    ],
)
def test_regression_decisions(
    current: tuple[int, int], baseline: tuple[int, int], expected: CheckStatus
) -> None:
    cur = make_input(current[1], {("503", "560503"): current[0]})
    base = make_input(
        baseline[1], {("503", "560503"): baseline[0]}, window=Window(NOW - CURRENT - BASELINE, NOW - CURRENT)
    )
    result = gate(cur, base, baseline=BASELINE, max_failure_rate=100.0)
    assert result.check("regression").status is expected, result.check("regression").message


def test_error_result_keeps_its_exit_code() -> None:
    for error, code in ((AuthError("denied"), ExitCode.AUTH_OR_CONFIG), (QueryError("boom"), ExitCode.QUERY)):
        result = error_result(error, GateConfig(), source_kind="workspace", source_description="workspace x")
        assert result.exit_code == code and result.status is GateStatus.ERROR
        assert [c.status for c in result.checks] == [CheckStatus.ERROR] + [CheckStatus.SKIPPED] * 5


def test_duration_options() -> None:
    assert parse_span("0", "--settle", allow_zero=True) == timedelta(0)
    assert parse_span("0m", "--settle", allow_zero=True) == timedelta(0)
    assert parse_span("90s", "--settle") == timedelta(seconds=90)
    with pytest.raises(UsageError):
        parse_span("0", "--since")


def test_library_gate_on_files(old_export: tuple[Path, pd.DataFrame]) -> None:
    path, df = old_export
    source = FileSource([str(path)])
    collected = collect_windows(source, plan_for(source, GateWindows(CURRENT, timedelta(0), BASELINE)))
    result = run_gate(collected, GateConfig(max_failure_rate=100.0))
    end = df["TimeGenerated"].max().to_pydatetime() + timedelta(microseconds=1)
    assert result.window == Window(end - CURRENT, end)
    assert result.baseline_window == Window(end - CURRENT - BASELINE, end - CURRENT)
    assert result.config.baseline == BASELINE  # taken from the collected windows
    assert result.check("regression").status is CheckStatus.FAIL  # BAD_MIX vs HEALTHY_MIX
    assert result.check("failure-rate").status is CheckStatus.PASS
    assert result.exit_code == ExitCode.GATE_FAILED


# -- each check as a function: the whole CheckResult, message included -------------------
# The expected results are written out by hand from docs/smoke.md's rules; the Wilson
# bounds come from :func:`_wilson_pct`, the textbook formula written here again.
def _stats(
    legs: int,
    failed: int,
    ignored: tuple[tuple[str, int], ...] = (),
    *,
    partial: bool = False,
    unexpected: int = 0,
    unclassified: int = 0,
) -> WindowStats:
    return WindowStats(
        window=CURRENT_WINDOW,
        legs=legs,
        failed_legs=failed,
        ignored_legs=sum(n for _, n in ignored),
        ignored_by_category=ignored,
        partial=partial,
        unexpected_legs=unexpected,
        unclassified_legs=unclassified,
    )


def _wilson_pct(x: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval in percent: (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    z = 1.959963984540054
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return 100 * (0.0 if x == 0 else centre - half), 100 * (1.0 if x == n else centre + half)


def _report(data: TriageInput, **changes: object) -> TriageReport:
    return dataclasses.replace(build_report(data), **changes)  # type: ignore[arg-type]


def test_data_check_complete_and_partial() -> None:
    complete = _report(make_input(50, {}))
    assert data_check(complete, None) == CheckResult(
        "data-complete", S.PASS, 1, 1, "complete", "complete", "1 window(s) read from file data"
    )
    rejected = _report(make_input(50, {}), accounting=RowAccounting(rows_read=52, triaged=50, rejected=2))
    assert data_check(rejected, complete).message == "2 window(s) read from file data; 2 row(s) rejected"
    workspace = _report(make_input(50, {}), source_kind="workspace", query_requests=3)
    assert data_check(workspace, complete).message == "every query answered in full (3 request(s))"

    partial = _report(
        make_input(50, {}), partial=True, warnings=("partial results from q1: cut", "not partial: other")
    )
    base_partial = _report(make_input(50, {}), partial=True, warnings=("partial results from q2: cut",))
    assert data_check(partial, base_partial) == CheckResult(
        "data-complete",
        S.INCONCLUSIVE,
        0,
        1,
        "partial",
        "complete",
        "partial results from q1: cut; baseline: partial results from q2: cut",
        {"partial_windows": 2},
    )
    # the baseline alone partial, and its warnings only: still inconclusive, one window
    only_base = data_check(complete, base_partial)
    assert (only_base.status, only_base.message, dict(only_base.details)) == (
        S.INCONCLUSIVE,
        "baseline: partial results from q2: cut",
        {"partial_windows": 1},
    )
    silent = data_check(_report(make_input(50, {}), partial=True, warnings=()), None)
    assert (silent.message, dict(silent.details)) == (
        "the service returned partial results",
        {"partial_windows": 1},
    )


def test_volume_check_results() -> None:
    config = GateConfig(min_legs=20)
    ignored = (("callee-busy", 1), ("canceled", 2))
    assert volume_check(_stats(23, 5, ignored), config) == CheckResult(
        "min-volume",
        S.PASS,
        20,
        20,
        "20 legs",
        ">= 20",
        "20 legs considered (3 leg(s) not counted: callee-busy 1, canceled 2)",
        {"legs": 23, "ignored_legs": 3},
    )
    assert volume_check(_stats(19, 0), config) == CheckResult(
        "min-volume",
        S.INCONCLUSIVE,
        19,
        20,
        "19 legs",
        ">= 20",
        "only 19 legs considered; at least 20 are needed for a verdict",
        {"legs": 19, "ignored_legs": 0},
    )
    one = volume_check(_stats(1, 0), GateConfig(min_legs=1))
    assert (one.status, one.observed_text, one.message) == (S.PASS, "1 leg", "1 leg considered")
    none = volume_check(_stats(0, 0), GateConfig(min_legs=1))
    assert (none.status, none.observed, none.observed_text) == (S.INCONCLUSIVE, 0, "0 legs")


def test_rate_check_results() -> None:
    config = GateConfig(max_failure_rate=10.0, min_legs=20)
    assert rate_check(_stats(0, 0), config, ()) == CheckResult(
        "failure-rate", S.INCONCLUSIVE, None, 10.0, "n/a", "<= 10%", "no PSTN legs in the window"
    )
    assert rate_check(_stats(0, 0), GateConfig(scope="voip"), ()).message == "no VoIP legs in the window"
    low, high = _wilson_pct(10, 100)
    assert (round(low, 2), round(high, 2)) == (5.52, 17.44)  # as published for 10/100
    assert rate_check(_stats(100, 10), config, ()) == CheckResult(
        "failure-rate",
        S.PASS,
        10.0,
        10.0,
        "10.00% (10/100)",
        "<= 10%",
        "10 of 100 legs failed (10.00%, 95% CI 5.52%-17.44%), within the 10% maximum",
        {
            "failed_legs": 10,
            "considered_legs": 100,
            "wilson95_low_pct": round(low, 4),
            "wilson95_high_pct": round(high, 4),
        },
    )
    # above the maximum: the three most frequent counted findings, ignored ones left out
    data = make_input(
        200,
        {
            ("503", "560503"): 9,
            ("487", "560487"): 8,
            ("500", "560500"): 7,
            ("480", "560480"): 6,
            ("404", "560404"): 5,
        },
    )
    findings = build_report(data).findings
    failed = rate_check(_stats(200, 35, (("canceled", 8), ("callee-no-answer", 6))), config, findings)
    low, high = _wilson_pct(21, 186)
    assert failed.status is S.FAIL and failed.observed == round(100 * 21 / 186, 4)
    assert failed.message == (
        f"21 of 186 legs failed (11.29%, 95% CI {low:.2f}%-{high:.2f}%), above the 10% maximum; "
        "most frequent: 503/560503 x9, 500/560500 x7, 404/560404 x5"
    )
    everything_ignored = GateConfig(max_failure_rate=0.0, ignore_categories=frozenset({"service-error"}))
    assert rate_check(
        _stats(100, 1), everything_ignored, build_report(make_input(100, {})).findings
    ).message == ("1 of 100 legs failed (1.00%, 95% CI 0.18%-5.45%), above the 0% maximum")
    few = rate_check(_stats(19, 19), config, ())
    assert (few.status, few.message.split("; ")[-1]) == (S.INCONCLUSIVE, "too few legs to judge (need 20)")
    partial = rate_check(_stats(100, 50, partial=True), config, ())
    assert (partial.status, partial.message.split("; ")[-1]) == (S.INCONCLUSIVE, "not judged on partial data")
    one = rate_check(_stats(1, 1), GateConfig(min_legs=1), ())
    assert (one.status, one.observed_text, one.message) == (
        S.FAIL,
        "100.00% (1/1)",
        "1 of 1 leg failed (100.00%, 95% CI 20.65%-100.00%), above the 10% maximum",
    )


def test_unexpected_check_results() -> None:
    stats = _stats(100, 10, unexpected=5, unclassified=2)
    details = {"unexpected_legs": 5, "unclassified_legs": 2, "legs": 100}
    assert unexpected_check(stats, GateConfig()) == CheckResult(
        "unexpected-rate",
        S.SKIPPED,
        5.0,
        None,
        "5.00% (5/100)",
        "",
        "Microsoft's unexpected rate 5.00% (5/100); 2 leg(s) unclassified; "
        "not gated (no --max-unexpected-rate)",
        details,
    )
    assert unexpected_check(stats, GateConfig(max_unexpected_rate=5.0)) == CheckResult(
        "unexpected-rate",
        S.PASS,
        5.0,
        5.0,
        "5.00% (5/100)",
        "<= 5%",
        "Microsoft's unexpected rate 5.00% (5/100); 2 leg(s) unclassified, within the 5% maximum",
        details,
    )
    above = unexpected_check(stats, GateConfig(max_unexpected_rate=4.99))
    assert (above.status, above.message) == (
        S.FAIL,
        "Microsoft's unexpected rate 5.00% (5/100); 2 leg(s) unclassified, above the 4.99% maximum",
    )
    empty = unexpected_check(_stats(0, 0), GateConfig(max_unexpected_rate=5.0))
    assert (empty.status, empty.observed, empty.observed_text, empty.message) == (
        S.INCONCLUSIVE,
        None,
        "n/a",
        "no PSTN legs in the window",
    )
    # min-volume counts every leg here (Microsoft's rate has no ignored legs): 20 of 20 is enough
    enough = unexpected_check(
        _stats(20, 20, (("canceled", 20),), unexpected=1), GateConfig(max_unexpected_rate=5.0)
    )
    assert (enough.status, enough.message) == (
        S.PASS,
        "Microsoft's unexpected rate 5.00% (1/20), within the 5% maximum",
    )
    few = unexpected_check(_stats(19, 0, unexpected=19), GateConfig(max_unexpected_rate=5.0))
    assert (few.status, few.message) == (
        S.INCONCLUSIVE,
        "Microsoft's unexpected rate 100.00% (19/19); too few legs to judge (need 20)",
    )
    partial = unexpected_check(
        _stats(100, 0, partial=True, unexpected=50), GateConfig(max_unexpected_rate=5.0)
    )
    assert (partial.status, partial.message) == (
        S.INCONCLUSIVE,
        "Microsoft's unexpected rate 50.00% (50/100); not judged on partial data",
    )


def _hit(reason: str, legs: int) -> BlockingHit:
    return BlockingHit(reason, "511532", legs, legs, "configuration", f"title {reason}", f"{reason}/*")


def test_blocking_check_results() -> None:
    pairs = tuple(parse_block_pair(f"40{i}/*") for i in range(5))
    config = GateConfig(block_pairs=pairs, block_categories=frozenset({"b-cat", "a-cat"}))
    rules = ["400/*", "401/*", "402/*", "403/*", "404/*", "category:a-cat", "category:b-cat"]
    hits = [_hit(str(400 + i), i + 1) for i in range(6)]  # 21 legs in all
    assert blocking_check(hits, _stats(100, 21), config) == CheckResult(
        "blocking-codes",
        S.FAIL,
        21,
        0,
        "21 legs",
        "0 legs",
        "blocking failure(s) seen: 400/511532 title 400 (1 leg); 401/511532 title 401 (2 legs); "
        "402/511532 title 402 (3 legs); 403/511532 title 403 (4 legs); "
        "404/511532 title 404 (5 legs); and 1 more",
        {"rules": rules},
    )
    five = blocking_check(hits[:5], _stats(100, 15), config)
    assert five.message.endswith("404/511532 title 404 (5 legs)")
    assert blocking_check([], _stats(100, 0), config) == CheckResult(
        "blocking-codes",
        S.PASS,
        0,
        0,
        "0 legs",
        "0 legs",
        "none of 7 blocking rule(s) seen in 100 legs "
        "(400/*, 401/*, 402/*, 403/*, 404/*, category:a-cat, ...)",
        {"rules": rules},
    )
    six = GateConfig(block_pairs=pairs[:4], block_categories=frozenset({"a-cat", "b-cat"}))
    assert blocking_check([], _stats(1, 0), six).message == (
        "none of 6 blocking rule(s) seen in 1 leg "
        "(400/*, 401/*, 402/*, 403/*, category:a-cat, category:b-cat)"
    )
    assert blocking_check([], _stats(100, 0, partial=True), config) == CheckResult(
        "blocking-codes",
        S.INCONCLUSIVE,
        0,
        0,
        "0 legs",
        "0 legs",
        "none seen, but the data is partial",
        {"rules": rules},
    )
    assert blocking_check([], _stats(100, 0), GateConfig(block_pairs=())) == CheckResult(
        "blocking-codes",
        S.SKIPPED,
        None,
        None,
        "",
        "",
        "no blocking pairs or categories configured",
        {"rules": []},
    )


def _regression(
    current: tuple[int, int], baseline: tuple[int, int] | None, *, partial: bool = False, **config: object
) -> CheckResult:
    cur = _stats(current[1], current[0])
    base = None if baseline is None else _stats(baseline[1], baseline[0], partial=partial)
    return regression_check(cur, base, GateConfig(**config))  # type: ignore[arg-type]


def test_regression_check_results() -> None:
    assert _regression((1, 100), None) == CheckResult(
        "regression",
        S.SKIPPED,
        None,
        2.0,
        "",
        ">= +2 pp and p < 0.01",
        "no baseline window (--baseline) given",
    )
    assert _regression((1, 19), (1, 100)) == CheckResult(
        "regression",
        S.INCONCLUSIVE,
        None,
        2.0,
        "n/a",
        ">= +2 pp and p < 0.01",
        "too few legs to compare: current 19, baseline 100 (need 20 in each)",
        {
            "current_legs": 19,
            "baseline_legs": 100,
            "current_rate_pct": 5.2632,
            "baseline_rate_pct": 1.0,
            "alpha": 0.01,
        },
    )
    assert (
        _regression((0, 20), (1, 19)).message
        == "too few legs to compare: current 20, baseline 19 (need 20 in each)"
    )
    empty = _regression((0, 0), (0, 0), min_legs=1)
    assert (empty.status, empty.details["current_rate_pct"], empty.details["baseline_rate_pct"]) == (
        S.INCONCLUSIVE,
        None,
        None,
    )
    # 9 % of 1000 vs 4.5 % of 10000: pooled 0.0491, SE 0.00717, z = 6.2798, p ~ 1.7e-10
    fail = _regression((90, 1000), (450, 10000))
    z = 0.045 / math.sqrt(540 / 11000 * (1 - 540 / 11000) * (1 / 1000 + 1 / 10000))
    p = 1.0 - NormalDist().cdf(z)
    assert fail.status is S.FAIL and fail.observed == 4.5
    assert fail.details["z"] == pytest.approx(z, abs=1e-6) and fail.details["p_value"] == pytest.approx(
        p, rel=1e-3
    )
    assert fail.observed_text == f"+4.50 pp (p={p:.2g})"
    assert fail.message == (
        f"failure rate rose: 4.50% in the baseline -> 9.00% now (+4.50 pp, z={z:.2f}, p={p:.2g})"
    )
    assert dict(fail.details) == {
        "current_legs": 1000,
        "baseline_legs": 10000,
        "current_rate_pct": 9.0,
        "baseline_rate_pct": 4.5,
        "alpha": 0.01,
        "z": round(fail.details["z"], 6),  # type: ignore[arg-type]
        "p_value": fail.details["p_value"],
        "increase_pp": 4.5,
    }
    # +5 pp with p = 0.011 (hand-computed in test_stats): large, not significant at 0.01
    weak = _regression((30, 200), (500, 5000))
    assert (weak.status, weak.observed_text) == (S.PASS, "+5.00 pp (p=0.0110)")
    assert weak.message.startswith(
        "not significant at alpha 0.01: 10.00% in the baseline -> 15.00% now (+5.00 pp"
    )
    small = _regression((530, 10000), (450, 10000))
    assert small.status is S.PASS and small.message.startswith("increase below +2 pp: 4.50% in the baseline")
    down = _regression((40, 1000), (450, 10000))
    assert down.status is S.PASS and down.message.startswith(
        "no increase: 4.50% in the baseline -> 4.00% now (-0.50 pp"
    )
    same = _regression((45, 1000), (450, 10000))
    assert (same.status, same.observed, same.message.split(":")[0]) == (S.PASS, 0.0, "no increase")
    partial = _regression((90, 1000), (450, 10000), partial=True)
    assert (partial.status, partial.observed) == (S.INCONCLUSIVE, 4.5)
    assert partial.message.endswith("; not judged on partial data") and "z=6.28, p=1.7e-10" in partial.message


def test_regression_boundaries() -> None:
    """``p < alpha`` (not <=) and ``increase >= min-increase`` (not >), each exactly at the boundary."""
    # 3/8 vs 1/8 of 800 legs each: +25 pp exactly in binary floating point, p tiny
    at_step = _regression((300, 800), (100, 800), min_increase=25.0)
    assert (at_step.status, at_step.observed) == (S.FAIL, 25.0)
    assert _regression((300, 800), (100, 800), min_increase=25.01).message.startswith(
        "increase below +25.01 pp"
    )
    # alpha set to the test's own p-value: p < alpha is false, so the rise is not significant
    p = two_proportion_z_test(30, 200, 500, 5000).p_value
    at_alpha = _regression((30, 200), (500, 5000), alpha=p)
    assert at_alpha.status is S.PASS and at_alpha.message.startswith(f"not significant at alpha {p:g}")
    assert _regression((30, 200), (500, 5000), alpha=math.nextafter(p, 1.0)).status is S.FAIL


def test_figures_are_rounded_to_four_decimals() -> None:
    """Rates of 7/30 and 2/21: the JSON figures keep four decimals, the text two."""
    config = GateConfig(min_legs=20, min_increase=50.0)
    current, baseline = _stats(30, 7), _stats(21, 2)
    details = {
        "current_legs": 30,
        "baseline_legs": 21,
        "current_rate_pct": 23.3333,
        "baseline_rate_pct": 9.5238,
        "alpha": 0.01,
    }
    test = two_proportion_z_test(7, 30, 2, 21)
    change = f"9.52% in the baseline -> 23.33% now (+13.81 pp, z={test.z:.2f}, p={test.p_value:.4f})"
    full = {**details, "z": round(test.z, 6), "p_value": test.p_value, "increase_pp": 13.8095}
    threshold = ">= +50 pp and p < 0.01"
    observed = f"+13.81 pp (p={test.p_value:.4f})"
    assert regression_check(current, baseline, config) == CheckResult(
        "regression", S.PASS, 13.8095, 50.0, observed, threshold, f"increase below +50 pp: {change}", full
    )
    partial = regression_check(current, _stats(21, 2, partial=True), config)
    assert partial == CheckResult(
        "regression",
        S.INCONCLUSIVE,
        13.8095,
        50.0,
        observed,
        threshold,
        f"{change}; not judged on partial data",
        full,
    )
    # 22 of 30 vs 2 of 21: +63.81 pp, p far below 0.01
    rose = two_proportion_z_test(22, 30, 2, 21)
    assert regression_check(_stats(30, 22), baseline, config) == CheckResult(
        "regression",
        S.FAIL,
        63.8095,
        50.0,
        f"+63.81 pp (p={rose.p_value:.2g})",
        threshold,
        "failure rate rose: 9.52% in the baseline -> 73.33% now "
        f"(+63.81 pp, z={rose.z:.2f}, p={rose.p_value:.2g})",
        {
            **details,
            "current_rate_pct": 73.3333,
            "z": round(rose.z, 6),
            "p_value": rose.p_value,
            "increase_pp": 63.8095,
        },
    )
    assert rose.p_value < 0.001 < test.p_value
    unexpected = unexpected_check(_stats(30, 0, unexpected=7), GateConfig(max_unexpected_rate=50.0))
    assert (unexpected.observed, unexpected.observed_text) == (23.3333, "23.33% (7/30)")


def test_regression_needs_min_legs_in_each_window_and_no_more() -> None:
    judged = _regression((2, 20), (1, 20))  # exactly --min-legs in each window: judged
    assert judged.status is S.PASS and judged.message.startswith("not significant")
    assert _regression((2, 19), (1, 20)).status is S.INCONCLUSIVE
    assert _regression((2, 20), (1, 19)).status is S.INCONCLUSIVE


def test_most_frequent_leaves_out_ignored_categories_and_keeps_three() -> None:
    pairs = {("503", "560503"): 9, ("500", "560500"): 8, ("404", "560404"): 7, ("408", "560408"): 6}
    pairs |= {("480", "560480"): 5, ("403", "560400"): 4, ("484", "560484"): 3, ("403", "560403"): 2}
    findings = build_report(make_input(200, pairs)).findings
    ignoring = GateConfig(ignore_categories=frozenset({"service-error"}))
    result = rate_check(_stats(200, 39), ignoring, findings)
    ignored = {
        f"{f.end_reason}/{f.end_sub_code}" for f in findings if ignoring.ignores(f.category, f.category_kind)
    }
    assert "503/560503" in ignored and "480/560480" in ignored  # service-error; callee no-answer
    shown = result.message.split("; most frequent: ")[1].split(", ")
    expected = [
        f"{f.end_reason}/{f.end_sub_code} x{f.legs}"
        for f in findings
        if f"{f.end_reason}/{f.end_sub_code}" not in ignored
    ]
    assert shown == expected[:3] and len(expected) >= 4
