"""``acs-triage smoke`` end to end, through ``acs_triage.cli.app.run``.

Workspaces: the REAL ``LogsQueryClient`` and ``AzureCliCredential`` (a fake ``az`` on
PATH) against the Log Analytics emulator on 127.0.0.1 (its CA trusted via
``REQUESTS_CA_BUNDLE``). Files, stdin and the bundled sample: the same gate on fixed
data, its window anchored at the newest row.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest

from acs_triage.cli.app import Services
from acs_triage.errors import ExitCode
from acs_triage.records import Leg, Rejection
from acs_triage.smoke.checks import CHECK_NAMES
from acs_triage.sources.memory import MemorySource
from tests.emulator import LogAnalyticsEmulator
from tests.helpers import CliRunner, put_fake_az_on_path
from tests.smoke.helpers import (
    BASELINE,
    CALLEE_OUTCOME_PAIRS,
    CURRENT,
    END,
    NOW,
    RES_HEALTHY,
    WS_BLOCK,
    WS_HEALTHY,
    WS_LIVE,
    WS_LOW,
    WS_RATE,
    WS_REGRESS,
    read_junit,
    smoke_args,
    smoke_json,
    statuses,
    truth,
)


# -- workspaces, through the emulator ----------------------------------------------------------
def test_pass_with_baseline(
    azure: LogAnalyticsEmulator,
    data: dict[str, pd.DataFrame],
    cli: CliRunner,
    tmp_path: Path,
) -> None:
    junit = tmp_path / "out" / "smoke.xml"
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--baseline", "2h", "--junit", str(junit)))
    assert code == ExitCode.OK
    assert doc["status"] == "pass"
    assert set(statuses(doc).values()) == {"pass", "skipped"}
    assert statuses(doc)["unexpected-rate"] == "skipped"  # reported, not gated by default
    expected = truth(data[WS_HEALTHY], NOW - CURRENT, NOW)
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == expected["legs"]
    assert current["failed_legs"] == expected["failed"]
    assert current["ignored_legs"] == expected["ignored"] > 0
    assert current["considered_legs"] == expected["considered"]
    assert current["failure_rate_pct"] == pytest.approx(expected["rate_pct"], abs=1e-3)
    base_truth = truth(data[WS_HEALTHY], NOW - CURRENT - BASELINE, NOW - CURRENT)
    baseline = doc["baseline"]
    assert isinstance(baseline, dict)
    assert baseline["legs"] == base_truth["legs"]
    assert doc["window"] == {
        "start": "2026-01-15T11:30:00Z",
        "end": END,
        "column": "TimeGenerated",
        "settle_seconds": 0.0,
        "anchor": "--end",
    }
    assert doc["baseline_window"] == {
        "start": "2026-01-15T09:30:00Z",
        "end": "2026-01-15T11:30:00Z",
        "column": "TimeGenerated",
    }
    # four aggregated queries per window, each restricted to its window
    assert len(azure.requests) == 8
    assert [r.timespan for r in azure.requests] == (
        ["2026-01-15T11:30:00.000Z/2026-01-15T12:00:00.000Z"] * 4
        + ["2026-01-15T09:30:00.000Z/2026-01-15T11:30:00.000Z"] * 4
    )
    suite, cases = read_junit(junit)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "6",
        "0",
        "0",
        "1",
    )
    assert list(cases) == list(CHECK_NAMES)


def test_failure_rate_fails(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_RATE))
    expected = truth(data[WS_RATE], NOW - CURRENT, NOW)
    assert expected["rate_pct"] > 10
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "fail",
        "unexpected-rate": "skipped",
        "blocking-codes": "pass",
        "regression": "skipped",
    }
    checks = {c["name"]: c for c in doc["checks"]}  # type: ignore[union-attr]
    assert checks["failure-rate"]["observed"] == pytest.approx(expected["rate_pct"], abs=1e-3)
    assert checks["failure-rate"]["threshold"] == 10.0
    # a higher maximum lets the same data pass
    code, doc, _ = smoke_json(
        cli, *smoke_args(azure, WS_RATE, "--max-failure-rate", f"{expected['rate_pct'] + 1:.1f}")
    )
    assert code == ExitCode.OK, doc["headline"]


def test_callee_outcomes_are_left_out_by_default(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    everything = truth(data[WS_HEALTHY], NOW - CURRENT, NOW, ignore_pairs=frozenset())
    for flag in ("--include-callee-outcomes", "--no-default-ignores"):  # the old name still works
        code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, flag, "--max-failure-rate", "5"))
        current = doc["current"]
        assert isinstance(current, dict)
        assert current["ignored_legs"] == 0
        assert current["failure_rate_pct"] == pytest.approx(everything["rate_pct"], abs=1e-3)
        assert doc["config"]["count_callee_outcomes"] is True  # type: ignore[index]
        assert code == ExitCode.GATE_FAILED
    assert everything["rate_pct"] > 5 > truth(data[WS_HEALTHY], NOW - CURRENT, NOW)["rate_pct"]
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--max-failure-rate", "5"))
    assert code == ExitCode.OK
    # --ignore-category adds to the callee outcomes
    expected = truth(
        data[WS_RATE], NOW - CURRENT, NOW, ignore_pairs=CALLEE_OUTCOME_PAIRS | {("503", "560503")}
    )
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_RATE, "--ignore-category", "service-error"))
    current = doc["current"]
    assert isinstance(current, dict)
    assert (current["ignored_legs"], current["considered_legs"]) == (
        expected["ignored"],
        expected["considered"],
    )
    assert current["failure_rate_pct"] == pytest.approx(expected["rate_pct"], abs=1e-3)
    assert doc["config"]["ignore_categories"] == ["service-error"]  # type: ignore[index]
    assert doc["config"]["count_callee_outcomes"] is False  # type: ignore[index]


def test_blocking_pair_fails_on_one_leg(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_BLOCK))
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc)["blocking-codes"] == "fail"
    assert statuses(doc)["failure-rate"] == "pass"
    hits = doc["blocking_hits"]
    assert isinstance(hits, list)
    assert [(h["end_reason"], h["end_sub_code"], h["legs"], h["rule"]) for h in hits] == [
        ("403", "511532", 1, "403/511532")
    ]
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_BLOCK, "--no-default-blocks"))
    assert code == ExitCode.OK
    assert statuses(doc)["blocking-codes"] == "skipped"


def test_custom_block_pair_and_category(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--block", "486/560486"))
    assert code == ExitCode.GATE_FAILED
    assert {h["rule"] for h in doc["blocking_hits"]} == {"486/560486"}  # type: ignore[union-attr]
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--block", "408/*"))
    assert code == ExitCode.GATE_FAILED
    assert {h["end_sub_code"] for h in doc["blocking_hits"]} == {"560408"}  # type: ignore[union-attr]
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--block-category", "callee-busy"))
    assert code == ExitCode.GATE_FAILED
    assert {h["rule"] for h in doc["blocking_hits"]} == {  # type: ignore[union-attr]
        "category:callee-busy"
    }


def test_regression_fails_only_when_significant_and_large(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    cur = truth(data[WS_REGRESS], NOW - CURRENT, NOW)
    base = truth(data[WS_REGRESS], NOW - CURRENT - BASELINE, NOW - CURRENT)
    assert cur["rate_pct"] < 10 and cur["rate_pct"] - base["rate_pct"] > 3
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_REGRESS, "--baseline", "2h"))
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "pass",
        "unexpected-rate": "skipped",
        "blocking-codes": "pass",
        "regression": "fail",
    }
    reg = next(c for c in doc["checks"] if c["name"] == "regression")  # type: ignore[union-attr]
    assert reg["observed"] == pytest.approx(cur["rate_pct"] - base["rate_pct"], abs=1e-3)
    # z and p-value against an independent computation
    n1, n0, x1, x0 = cur["considered"], base["considered"], cur["counted"], base["counted"]
    pooled = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / (pooled * (1 - pooled) * (1 / n1 + 1 / n0)) ** 0.5
    assert reg["details"]["z"] == pytest.approx(z, abs=1e-5)
    assert reg["details"]["p_value"] == pytest.approx(1 - NormalDist().cdf(z), abs=1e-9)
    # the same increase passes when the minimum increase is larger than it
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_REGRESS, "--baseline", "2h", "--min-increase", "20"))
    assert code == ExitCode.OK
    # without a baseline the check is skipped and the gate passes
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_REGRESS))
    assert code == ExitCode.OK
    assert statuses(doc)["regression"] == "skipped"


def test_regression_inconclusive_with_low_baseline_volume(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    # WS_LOW holds no leg before the current window: the baseline is empty
    expected = truth(data[WS_LOW], NOW - CURRENT, NOW)
    code, doc, _ = smoke_json(
        cli, *smoke_args(azure, WS_LOW, "--baseline", "2h", "--min-legs", str(expected["considered"]))
    )
    baseline = doc["baseline"]
    assert isinstance(baseline, dict) and baseline["legs"] == 0
    assert statuses(doc)["min-volume"] == "pass"
    assert statuses(doc)["regression"] == "inconclusive"
    rate_fails = expected["rate_pct"] > 10.0
    assert statuses(doc)["failure-rate"] == ("fail" if rate_fails else "pass")
    assert code == (ExitCode.GATE_FAILED if rate_fails else ExitCode.INCONCLUSIVE)


def test_low_volume_is_inconclusive_never_pass(
    azure: LogAnalyticsEmulator,
    data: dict[str, pd.DataFrame],
    cli: CliRunner,
    tmp_path: Path,
) -> None:
    expected = truth(data[WS_LOW], NOW - CURRENT, NOW)
    assert 0 < expected["considered"] < 20
    junit = tmp_path / "j.xml"
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_LOW, "--junit", str(junit)))
    assert code == ExitCode.INCONCLUSIVE
    result = statuses(doc)
    assert result["min-volume"] == "inconclusive"
    assert result["failure-rate"] == "inconclusive"  # whatever the (noisy) rate is
    suite, cases = read_junit(junit)
    assert suite.get("failures") == "0"
    skipped = cases["min-volume"].find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("inconclusive:")
    # lowering --min-legs makes the same data conclusive
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_LOW, "--min-legs", "1"))
    assert statuses(doc)["min-volume"] == "pass"
    assert code == (ExitCode.GATE_FAILED if expected["rate_pct"] > 10.0 else ExitCode.OK)


def test_partial_result_is_inconclusive(azure: LogAnalyticsEmulator, cli: CliRunner, tmp_path: Path) -> None:
    azure.inject("partial", message="Query exceeded the allowed limits (emulated)")
    junit = tmp_path / "partial.xml"
    code, doc, err = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--junit", str(junit)))
    assert code == ExitCode.INCONCLUSIVE
    assert doc["status"] == "inconclusive"
    result = statuses(doc)
    assert result["data-complete"] == "inconclusive"
    assert result["failure-rate"] == "inconclusive"
    assert "partial" in err
    suite, _ = read_junit(junit)
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    assert int(suite.get("skipped", "0")) >= 2


def test_partial_result_with_blocking_leg_still_fails(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    azure.inject("partial")  # the first query (pstn-summary) is partial
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_BLOCK))
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc)["blocking-codes"] == "fail"
    assert statuses(doc)["data-complete"] == "inconclusive"


@pytest.mark.parametrize(
    ("fault", "exit_code", "error_type"),
    [
        ("unauthorized", ExitCode.AUTH_OR_CONFIG, "AuthError"),
        ("forbidden", ExitCode.AUTH_OR_CONFIG, "AuthError"),
        ("not_found", ExitCode.AUTH_OR_CONFIG, "ConfigError"),
        ("throttled", ExitCode.QUERY, "ThrottledError"),
        ("server_error", ExitCode.QUERY, "ServiceError"),
        ("gateway_timeout", ExitCode.QUERY, "ServiceError"),
        ("bad_request", ExitCode.QUERY, "QueryError"),
        ("malformed", ExitCode.QUERY, "ServiceError"),
        ("drop", ExitCode.QUERY, "ServiceError"),
    ],
)
def test_fault_maps_to_exit_code_and_report_is_written(
    azure: LogAnalyticsEmulator,
    cli: CliRunner,
    tmp_path: Path,
    fault: str,
    exit_code: ExitCode,
    error_type: str,
) -> None:
    azure.inject(fault)
    junit, summary = tmp_path / "j.xml", tmp_path / "s.md"
    code, out, err = cli(*smoke_args(azure, WS_HEALTHY, "--junit", str(junit), "--summary", str(summary)))
    assert code == exit_code
    assert "acs-triage: error:" in err
    assert "Traceback" not in err
    assert "data-complete" in out and "ERROR" in out
    suite, cases = read_junit(junit)
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures"), suite.get("skipped")) == (
        "6",
        "1",
        "0",
        "5",
    )
    error = cases["data-complete"].find("error")
    assert error is not None and error.get("type") == error_type
    assert summary.read_text(encoding="utf-8").startswith("# acs-triage smoke: ERROR")


def test_fault_in_baseline_query_is_an_error_too(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    for _ in range(3):  # the current window's three queries succeed
        azure.inject("delay", seconds=0)
    azure.inject("server_error")
    code, doc, _ = smoke_json(cli, *smoke_args(azure, WS_HEALTHY, "--baseline", "2h"))
    assert code == ExitCode.QUERY
    assert doc["status"] == "error"
    assert statuses(doc)["data-complete"] == "error"


@pytest.mark.parametrize("mode", ["not_logged_in", "aadsts_error", "bad_json"])
def test_credential_failure_is_auth_error(
    azure: LogAnalyticsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: CliRunner,
    mode: str,
) -> None:
    put_fake_az_on_path(tmp_path / "bin-broken-az", monkeypatch, mode=mode)
    junit = tmp_path / "j.xml"
    code, _, err = cli(*smoke_args(azure, WS_HEALTHY, "--junit", str(junit)))
    assert code == ExitCode.AUTH_OR_CONFIG, err
    assert "credential" in err
    assert not any(r.has_bearer for r in azure.requests)  # no token, nothing answered
    _, cases = read_junit(junit)
    error = cases["data-complete"].find("error")
    assert error is not None and error.get("type") == "AuthError"


def test_config_errors_exit_3_with_a_report(
    azure: LogAnalyticsEmulator, tmp_path: Path, cli: CliRunner
) -> None:
    junit = tmp_path / "j.xml"
    code, _, err = cli(
        "smoke",
        "--workspace-id",
        WS_HEALTHY,
        "--auth",
        "cli",
        "--endpoint",
        "http://127.0.0.1:9",
        "--junit",
        str(junit),
    )
    assert code == ExitCode.AUTH_OR_CONFIG
    assert "https" in err
    assert read_junit(junit)[0].get("errors") == "1"
    assert azure.requests == []  # nothing was sent over plain http
    code, _, err = cli("smoke", "--resource-id", "acs1", "--auth", "cli")
    assert code == ExitCode.AUTH_OR_CONFIG
    assert "/subscriptions/" in err


def test_resource_centric_query(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    assert azure.url is not None
    code, doc, _ = smoke_json(
        cli, "smoke", "--resource-id", RES_HEALTHY, "--endpoint", azure.url, "--auth", "cli", "--end", END
    )
    assert code == ExitCode.OK
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == truth(data[WS_HEALTHY], NOW - CURRENT, NOW)["legs"]
    assert all("/subscriptions/" in r.path for r in azure.requests)


def test_default_window_ends_settle_before_now(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], cli: CliRunner
) -> None:
    assert azure.url is not None
    before = datetime.now(timezone.utc)
    code, doc, _ = smoke_json(
        cli, "smoke", "--workspace-id", WS_LIVE, "--endpoint", azure.url, "--auth", "cli"
    )
    after = datetime.now(timezone.utc)
    window = doc["window"]
    assert isinstance(window, dict)
    start = datetime.fromisoformat(window["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(window["end"].replace("Z", "+00:00"))
    assert before.replace(microsecond=0) - timedelta(minutes=5) <= end <= (after - timedelta(minutes=5))
    assert end.microsecond == 0  # whole seconds
    assert end - start == timedelta(minutes=30)
    assert (window["settle_seconds"], window["anchor"]) == (300.0, "now")
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == truth(data[WS_LIVE], start, end)["legs"] > 0
    assert code == ExitCode.OK
    code, doc, _ = smoke_json(
        cli,
        "smoke",
        "--workspace-id",
        WS_LIVE,
        "--endpoint",
        azure.url,
        "--auth",
        "cli",
        "--settle",
        "0",
        "--since",
        "10m",
    )
    window = doc["window"]
    assert isinstance(window, dict)
    end = datetime.fromisoformat(window["end"].replace("Z", "+00:00"))
    assert abs(end - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_usage_errors_exit_2_without_reports(
    azure: LogAnalyticsEmulator, tmp_path: Path, cli: CliRunner
) -> None:
    junit = tmp_path / "never.xml"
    cases = [
        ["smoke"],
        ["smoke", "--sample", "--workspace-id", WS_HEALTHY],
        ["smoke", "--workspace-id", WS_HEALTHY, "--resource-id", RES_HEALTHY],
        ["smoke", "--sample", "--block", "403-511532"],
        ["smoke", "--sample", "--ignore-category", "cancelled"],
        ["smoke", "--sample", "--block-category", "nope"],
        ["smoke", "--sample", "--since", "soon"],
        ["smoke", "--sample", "--baseline", "-1d"],
        ["smoke", "--sample", "--alpha", "0"],
        ["smoke", "--sample", "--max-failure-rate", "120"],
        ["smoke", "--sample", "--min-legs", "0"],
        ["smoke", "--sample", "--end", "yesterday"],
    ]
    for argv in cases:
        code, out, err = cli(*argv, "--junit", str(junit))
        assert code == ExitCode.USAGE, (argv, err)
        assert out == ""
        assert err.startswith("acs-triage: error:"), err
    assert not junit.exists()
    assert azure.requests == []


# -- files, stdin and the sample ---------------------------------------------------------------
def test_files_window_is_relative_to_newest_row(
    old_export: tuple[Path, pd.DataFrame], cli: CliRunner, tmp_path: Path
) -> None:
    path, df = old_export
    newest = df["TimeGenerated"].max().to_pydatetime()
    end = newest + timedelta(microseconds=1)
    code, doc, _ = smoke_json(cli, "smoke", "--from-file", str(path), "--baseline", "2h")
    window = doc["window"]
    assert isinstance(window, dict)
    assert window["anchor"] == "newest row" and window["settle_seconds"] == 0.0
    assert datetime.fromisoformat(window["end"].replace("Z", "+00:00")) == end
    expected = truth(df, end - CURRENT, end)
    current = doc["current"]
    assert isinstance(current, dict)
    assert (current["legs"], current["ignored_legs"], current["considered_legs"]) == (
        expected["legs"],
        expected["ignored"],
        expected["considered"],
    )
    base = doc["baseline"]
    assert isinstance(base, dict)
    assert base["legs"] == truth(df, end - CURRENT - BASELINE, end - CURRENT)["legs"]
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc)["failure-rate"] == "fail"
    assert statuses(doc)["regression"] == "fail"
    # --settle shifts the window back from the newest row
    code, doc, _ = smoke_json(cli, "smoke", "--from-file", str(path), "--settle", "10m")
    window = doc["window"]
    assert isinstance(window, dict)
    assert datetime.fromisoformat(window["end"].replace("Z", "+00:00")) == (end - timedelta(minutes=10))
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == truth(df, end - timedelta(minutes=40), end - timedelta(minutes=10))["legs"]


def test_files_from_stdin(
    old_export: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    path, df = old_export
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, doc, _ = smoke_json(cli, "smoke", "--from-file", "-", "--baseline", "2h")
    end = df["TimeGenerated"].max().to_pydatetime() + timedelta(microseconds=1)
    current, base = doc["current"], doc["baseline"]
    assert isinstance(current, dict) and isinstance(base, dict)
    assert current["legs"] == truth(df, end - CURRENT, end)["legs"]
    assert base["legs"] == truth(df, end - CURRENT - BASELINE, end - CURRENT)["legs"]
    assert code == ExitCode.GATE_FAILED


def test_unreadable_file_exits_5_with_report(tmp_path: Path, cli: CliRunner) -> None:
    junit = tmp_path / "j.xml"
    code, _, err = cli("smoke", "--from-file", str(tmp_path / "missing.csv"), "--junit", str(junit))
    assert code == ExitCode.INPUT
    assert "missing.csv" in err
    assert read_junit(junit)[0].get("errors") == "1"


def test_sample_dry_run(cli: CliRunner) -> None:
    """The bundled sample ends in an SBC 503 incident: the failure-rate check catches it."""
    code, doc, _ = smoke_json(cli, "smoke", "--sample", "--since", "3h")
    assert doc["source"] == {
        "kind": "sample",
        "description": "bundled sample data",  # type: ignore[comparison-overlap]
        "query_requests": 0,
    }
    current = doc["current"]
    assert isinstance(current, dict) and current["legs"] > 0
    assert statuses(doc)["failure-rate"] == "fail"
    assert code == ExitCode.GATE_FAILED
    code, doc, _ = smoke_json(
        cli, "smoke", "--sample", "--since", "3h", "--max-failure-rate", "60", "--no-default-blocks"
    )
    assert statuses(doc)["failure-rate"] == "pass" and code == ExitCode.OK


# -- an in-memory source, injected at the CLI's seam ------------------------------------------
def pstn_legs(at: datetime, counts: dict[tuple[str, str], int], prefix: str) -> list[Leg | Rejection]:
    """``counts[pair]`` PSTN legs ending with ``pair``, one call each, all at ``at``."""
    legs: list[Leg | Rejection] = []
    for (reason, sub), n in counts.items():
        legs += [
            Leg(at, f"{prefix}-{reason}-{i}", "PSTN", reason, sub, identifier="4:+14255550100")
            for i in range(n)
        ]
    return legs


def memory(items: list[Leg | Rejection], *, live: bool) -> Services:
    """``--from-file x`` still satisfies the options; the opener ignores the spec."""
    return Services(open_source=lambda spec: MemorySource(items, live=live))


#: Current window: 40 PSTN legs, 4 failed of which 2 canceled (487, ignored by default),
#: so 2 counted failures among 38 considered legs: 5.26 %.
CURRENT_COUNTS = {("0", "560000"): 36, ("503", "560503"): 2, ("487", "560487"): 2}


def test_live_memory_source_windows_end_settle_before_now(cli: CliRunner) -> None:
    now = datetime.now(timezone.utc)
    items = [
        *pstn_legs(now - timedelta(minutes=20), CURRENT_COUNTS, "cur"),
        Leg(now - timedelta(minutes=20), "voip-1", "VoIP", "0", "0"),  # not PSTN
        *pstn_legs(now - timedelta(hours=3), {("503", "560503"): 10}, "old"),  # before the window
        *pstn_legs(now - timedelta(minutes=2), {("503", "560503"): 10}, "new"),  # in the settle margin
    ]
    before = datetime.now(timezone.utc)
    code, doc, _ = smoke_json(cli, "smoke", "--from-file", "x", services=memory(items, live=True))
    after = datetime.now(timezone.utc)
    assert code == ExitCode.OK
    assert doc["source"] == {"kind": "memory", "description": "legs in memory", "query_requests": 0}
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "pass",
        "unexpected-rate": "skipped",
        "blocking-codes": "pass",
        "regression": "skipped",
    }
    window = doc["window"]
    assert (window["settle_seconds"], window["anchor"]) == (300.0, "now")
    start = datetime.fromisoformat(window["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(window["end"].replace("Z", "+00:00"))
    assert before.replace(microsecond=0) - timedelta(minutes=5) <= end <= after - timedelta(minutes=5)
    assert end - start == timedelta(minutes=30)
    current = doc["current"]
    assert (
        current["legs"],
        current["failed_legs"],
        current["ignored_legs"],
        current["considered_legs"],
        current["counted_failed_legs"],
    ) == (40, 4, 2, 38, 2)
    assert current["failure_rate_pct"] == pytest.approx(100 * 2 / 38, abs=1e-4)
    assert doc["baseline"] is None and doc["baseline_window"] is None


def test_live_memory_source_blocking_leg_and_baseline(cli: CliRunner) -> None:
    now = datetime.now(timezone.utc)
    items = [
        *pstn_legs(now - timedelta(minutes=20), CURRENT_COUNTS, "cur"),
        *pstn_legs(now - timedelta(minutes=20), {("403", "511532"): 1}, "blocked"),
        # --baseline 1h: the hour before the current window, [now-1h35m, now-35m)
        *pstn_legs(now - timedelta(minutes=65), {("0", "560000"): 99, ("503", "560503"): 1}, "base"),
    ]
    code, doc, _ = smoke_json(
        cli, "smoke", "--from-file", "x", "--baseline", "1h", services=memory(items, live=True)
    )
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "pass",  # 3 / 39 = 7.7 %
        "unexpected-rate": "skipped",
        "blocking-codes": "fail",
        "regression": "pass",  # +6.7 points, but p = 0.017 >= 0.01 with so few legs
    }
    assert [(h["end_reason"], h["end_sub_code"], h["legs"], h["rule"]) for h in doc["blocking_hits"]] == [
        ("403", "511532", 1, "403/511532")
    ]
    current, baseline = doc["current"], doc["baseline"]
    assert (current["legs"], current["failed_legs"], current["ignored_legs"], current["considered_legs"]) == (
        41,
        5,
        2,
        39,
    )
    assert (baseline["legs"], baseline["considered_legs"], baseline["counted_failed_legs"]) == (100, 100, 1)
    start = datetime.fromisoformat(doc["window"]["start"].replace("Z", "+00:00"))
    assert doc["baseline_window"]["end"] == doc["window"]["start"]
    assert doc["baseline_window"]["start"] == (start - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    # the z-test, computed independently: 3/39 now against 1/100 before
    pooled = (3 + 1) / (39 + 100)
    z = (3 / 39 - 1 / 100) / (pooled * (1 - pooled) * (1 / 39 + 1 / 100)) ** 0.5
    regression = next(c for c in doc["checks"] if c["name"] == "regression")
    assert regression["details"]["z"] == pytest.approx(z, abs=1e-5)
    assert regression["details"]["p_value"] == pytest.approx(1 - NormalDist().cdf(z), abs=1e-9)
    assert regression["observed"] == pytest.approx(100 * (3 / 39 - 1 / 100), abs=1e-3)
    code, doc, _ = smoke_json(
        cli,
        "smoke",
        "--from-file",
        "x",
        "--baseline",
        "1h",
        "--no-default-blocks",
        services=memory(items, live=True),
    )
    assert code == ExitCode.OK and statuses(doc)["blocking-codes"] == "skipped"


def test_fixed_memory_source_window_ends_at_its_newest_leg(cli: CliRunner) -> None:
    newest = datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc)
    items = [
        *pstn_legs(newest - timedelta(minutes=10), {("0", "560000"): 25, ("503", "560503"): 5}, "cur"),
        *pstn_legs(newest, {("0", "560000"): 1}, "last"),
        *pstn_legs(newest - timedelta(minutes=31), {("503", "560503"): 50}, "old"),  # before the window
    ]
    code, doc, _ = smoke_json(cli, "smoke", "--from-file", "x", services=memory(items, live=False))
    assert code == ExitCode.GATE_FAILED  # 5 / 31 = 16.1 % > 10 %
    assert doc["window"] == {
        "start": "2024-05-02T07:30:00.000001Z",
        "end": "2024-05-02T08:00:00.000001Z",
        "column": "TimeGenerated",
        "settle_seconds": 0.0,
        "anchor": "newest row",
    }
    current = doc["current"]
    assert (current["legs"], current["failed_legs"], current["considered_legs"]) == (31, 5, 31)
    assert current["failure_rate_pct"] == pytest.approx(100 * 5 / 31, abs=1e-4)
    assert statuses(doc)["failure-rate"] == "fail"
