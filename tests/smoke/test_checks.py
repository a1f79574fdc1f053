"""The gate's logic as a library: checks on hand-made aggregates, option parsing,
and ``collect_windows``/``run_gate`` on an exported file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.errors import AuthError, ExitCode, QueryError, UsageError
from acs_triage.smoke.collect import GateWindows, collect_windows, plan_for
from acs_triage.smoke.config import GateConfig, parse_block_pair
from acs_triage.smoke.gate import error_result, run_gate
from acs_triage.smoke.result import CheckStatus, GateStatus
from acs_triage.sources.files import FileSource
from acs_triage.windows import Window, parse_span
from tests.smoke.helpers import BASELINE, CURRENT, NOW, gate, make_input


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
