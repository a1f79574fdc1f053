"""The gate's option ranges: each bound accepted or refused, in the library and on the
command line (where typer checks the ranges it can and GateConfig the rest)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from acs_triage.errors import ExitCode, UsageError
from acs_triage.smoke.config import GateConfig
from tests.helpers import CliRunner


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_failure_rate": -0.01}, "--max-failure-rate must be within 0..100 (percent), got -0.01"),
        ({"max_failure_rate": 100.01}, "--max-failure-rate must be within 0..100 (percent), got 100.01"),
        ({"min_legs": 0}, "--min-legs must be at least 1, got 0"),
        ({"alpha": 0.0}, "--alpha must be within (0, 1), got 0"),
        ({"alpha": 1.0}, "--alpha must be within (0, 1), got 1"),
        ({"min_increase": -1.0}, "--min-increase must be within 0..100 (percentage points), got -1"),
        ({"min_increase": 100.5}, "--min-increase must be within 0..100 (percentage points), got 100.5"),
        ({"max_unexpected_rate": -1.0}, "--max-unexpected-rate must be within 0..100 (percent), got -1"),
        ({"max_unexpected_rate": 101.0}, "--max-unexpected-rate must be within 0..100 (percent), got 101"),
        ({"baseline": timedelta(0)}, "--baseline must be a positive duration"),
        ({"baseline": timedelta(minutes=-5)}, "--baseline must be a positive duration"),
    ],
)
def test_out_of_range_is_a_usage_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        GateConfig(**options)  # type: ignore[arg-type]
    assert str(raised.value) == message


def test_every_bound_itself_is_accepted() -> None:
    for options in (
        {"max_failure_rate": 0.0, "min_increase": 0.0, "max_unexpected_rate": 0.0, "min_legs": 1},
        {"max_failure_rate": 100.0, "min_increase": 100.0, "max_unexpected_rate": 100.0},
        {"alpha": 1e-9, "baseline": timedelta(microseconds=1)},
        {"alpha": 0.999999},
    ):
        config = GateConfig(**options)  # type: ignore[arg-type]
        assert all(getattr(config, k) == v for k, v in options.items())


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--alpha", "0"], "--alpha must be within (0, 1), got 0"),
        (["--alpha", "1"], "--alpha must be within (0, 1), got 1"),
        (["--alpha", "1.5"], "Invalid value for '--alpha'"),
        (["--max-failure-rate", "-1"], "Invalid value for '--max-failure-rate'"),
        (["--max-failure-rate", "100.5"], "Invalid value for '--max-failure-rate'"),
        (["--max-unexpected-rate", "101"], "Invalid value for '--max-unexpected-rate'"),
        (["--min-increase", "-0.5"], "Invalid value for '--min-increase'"),
        (["--min-legs", "0"], "Invalid value for '--min-legs'"),
        (["--baseline", "0"], "--baseline"),
    ],
)
def test_cli_refuses_out_of_range_options(cli: CliRunner, argv: list[str], needle: str) -> None:
    code, out, err = cli("smoke", "--sample", *argv)
    assert (code, out) == (ExitCode.USAGE, "")
    assert err.startswith("acs-triage: error: ") and needle in err and err.count("\n") == 1


def test_cli_accepts_the_bounds(cli: CliRunner) -> None:
    argv = [
        "--max-failure-rate",
        "100",
        "--max-unexpected-rate",
        "100",
        "--min-increase",
        "0",
        "--min-legs",
        "1",
    ]
    code, doc, err = cli.json("smoke", "--sample", "--since", "3h", *argv, "--format", "json")
    assert code in (ExitCode.OK, ExitCode.GATE_FAILED), err  # judged, not refused
    config = doc["config"]
    assert (config["max_failure_rate_pct"], config["min_legs"], config["min_increase_pp"]) == (100.0, 1, 0.0)
