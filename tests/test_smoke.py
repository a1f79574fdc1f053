"""``acs-triage smoke``: the CI gate, end to end and piece by piece.

End-to-end tests drive ``acs_triage.cli.app.run([...])`` through the REAL
``LogsQueryClient`` and ``AzureCliCredential`` (a fake ``az`` on PATH) against the
Log Analytics emulator on 127.0.0.1 (its CA trusted via ``REQUESTS_CA_BUNDLE``).
Expected figures come from plain pandas over the generated data, never from the
code under test. Unit tests pin the statistics against hand-computed values, and
the JUnit file's structure by parsing it back.
"""

from __future__ import annotations

import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest

from acs_triage.cli.app import run
from acs_triage.errors import AuthError, ExitCode, QueryError, UsageError
from acs_triage.formats import OutputFormat, render
from acs_triage.formats.smoke_view import CHECK_HEADERS, smoke_view
from acs_triage.records import PairAggregate, TriageInput
from acs_triage.smoke.checks import CHECK_NAMES, error_result, evaluate, run_gate
from acs_triage.smoke.collect import collect_windows, plan_for
from acs_triage.smoke.config import GateConfig, parse_block_pair
from acs_triage.smoke.github import (
    annotation_lines,
    append_step_summary,
    escape_data,
    escape_property,
    workflow_command,
)
from acs_triage.smoke.junit import junit_xml
from acs_triage.smoke.result import SMOKE_SCHEMA, CheckStatus, GateStatus
from acs_triage.smoke.stats import normal_sf, two_proportion_z_test, wilson_interval
from acs_triage.sources.files import FileSource
from acs_triage.triage.engine import build_report
from acs_triage.windows import Window, parse_span, plan_windows

try:  # `python -m pytest` from the repo root puts the root on sys.path
    from tests.emulator import LogAnalyticsEmulator, generate_call_summary, install_fake_az
except ModuleNotFoundError:  # plain `pytest` (rootdir-relative imports)
    from emulator import (  # type: ignore[no-redef]
        LogAnalyticsEmulator,
        generate_call_summary,
        install_fake_az,
    )

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
END = "2026-01-15T12:00:00Z"
CURRENT = timedelta(minutes=30)  # --since 30m (the default)
BASELINE = timedelta(hours=2)  # --baseline 2h
TOKEN = "smoke-test-token-emulator-only"

WS_HEALTHY = "aaaaaaaa-0000-4000-8000-000000000001"
WS_RATE = "aaaaaaaa-0000-4000-8000-000000000002"
WS_BLOCK = "aaaaaaaa-0000-4000-8000-000000000003"
WS_REGRESS = "aaaaaaaa-0000-4000-8000-000000000004"
WS_LOW = "aaaaaaaa-0000-4000-8000-000000000005"
WS_LIVE = "aaaaaaaa-0000-4000-8000-000000000006"
RES_HEALTHY = (
    "/subscriptions/0000/resourceGroups/rg/providers/"
    "Microsoft.Communication/CommunicationServices/acs-healthy"
)
RES_OTHER = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-other"
)

#: Counted failure rate about 3/95 = 3.2 % (487 is "canceled": ignored by default).
HEALTHY_MIX = {
    ("0", "560000"): 0.62,
    ("0", "540000"): 0.30,
    ("487", "560487"): 0.05,
    ("486", "560486"): 0.02,
    ("408", "560408"): 0.01,
}
#: Counted failure rate about 25/95 = 26 %; no blocking pair.
BAD_MIX = {("0", "560000"): 0.70, ("486", "560486"): 0.15, ("503", "560503"): 0.10, ("487", "560487"): 0.05}
LOW_FAIL_MIX = {("0", "560000"): 0.98, ("486", "560486"): 0.02}
RAISED_MIX = {("0", "560000"): 0.93, ("486", "560486"): 0.07}  # 7 %: under the 10 % max


def _dataset(
    current_mix: dict[tuple[str, str], float],
    baseline_mix: dict[tuple[str, str], float],
    *,
    seed: int,
    current_legs: int = 1500,
    baseline_legs: int = 4000,
    now: datetime = NOW,
    resource_id: str = RES_OTHER,
) -> pd.DataFrame:
    """Baseline legs in [now-30m-2h, now-30m), current legs in [now-30m, now)."""
    base = generate_call_summary(
        baseline_legs,
        seed=seed,
        now=now - CURRENT,
        window=BASELINE,
        failure_mix=baseline_mix,
        resource_id=resource_id,
    )
    cur = generate_call_summary(
        current_legs, seed=seed + 1, now=now, window=CURRENT, failure_mix=current_mix, resource_id=resource_id
    )
    return pd.concat([base, cur], ignore_index=True)


def truth(
    df: pd.DataFrame, start: datetime, end: datetime, ignore_reasons: tuple[str, ...] = ("487",)
) -> dict[str, float]:
    """The gate's figures computed independently with pandas."""
    tg = df["TimeGenerated"]
    sel = df[
        (df["EndpointType"].str.lower() == "pstn") & (tg >= pd.Timestamp(start)) & (tg < pd.Timestamp(end))
    ]
    reason = sel["ParticipantEndReason"].astype(str)
    failed = ~((reason == "0") | reason.str.startswith("2"))
    ignored = failed & reason.isin(ignore_reasons)
    considered = len(sel) - int(ignored.sum())
    counted = int(failed.sum()) - int(ignored.sum())
    return {
        "legs": len(sel),
        "failed": int(failed.sum()),
        "ignored": int(ignored.sum()),
        "considered": considered,
        "counted": counted,
        "rate_pct": 100.0 * counted / considered if considered else float("nan"),
    }


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    healthy = _dataset(HEALTHY_MIX, HEALTHY_MIX, seed=11, resource_id=RES_HEALTHY)
    block = _dataset(HEALTHY_MIX, HEALTHY_MIX, seed=31)
    # exactly one leg of the current window ends 403/511532 (no SIP trunk configured)
    cur = block.index[
        (block["EndpointType"].str.lower() == "pstn")
        & (block["TimeGenerated"] >= pd.Timestamp(NOW - CURRENT))
    ]
    block.loc[cur[len(cur) // 2], ["ParticipantEndReason", "ParticipantEndSubCode"]] = ["403", "511532"]
    live_now = datetime.now(timezone.utc)
    return {
        WS_HEALTHY: healthy,
        WS_RATE: _dataset(BAD_MIX, HEALTHY_MIX, seed=21),
        WS_BLOCK: block,
        WS_REGRESS: _dataset(RAISED_MIX, LOW_FAIL_MIX, seed=41),
        WS_LOW: generate_call_summary(20, seed=51, now=NOW, window=CURRENT, failure_mix=BAD_MIX),
        WS_LIVE: _dataset(HEALTHY_MIX, HEALTHY_MIX, seed=61, now=live_now + timedelta(minutes=1)),
    }


@pytest.fixture(scope="module")
def emu(data: dict[str, pd.DataFrame]):
    tables = {ws: {"ACSCallSummary": df} for ws, df in data.items()}
    with LogAnalyticsEmulator(tables, workspaces=set(tables), now=NOW, token=TOKEN) as e:
        yield e


@pytest.fixture
def azure(emu: LogAnalyticsEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LogAnalyticsEmulator:
    """A fake `az` first on PATH, the emulator's CA trusted, no queued faults."""
    bin_dir = tmp_path / "bin"
    install_fake_az(bin_dir, token=TOKEN)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert emu.ca_path is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_path)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    emu.clear_faults()
    emu.requests.clear()
    return emu


def live(emu: LogAnalyticsEmulator, workspace: str, *extra: str) -> list[str]:
    assert emu.url is not None
    return [
        "smoke",
        "--workspace-id",
        workspace,
        "--endpoint",
        emu.url,
        "--auth",
        "cli",
        "--retries",
        "0",
        "--end",
        END,
        *extra,
    ]


def invoke(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def invoke_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, object], str]:
    code, out, err = invoke(capsys, [*argv, "--format", "json"])
    document = json.loads(out)
    assert document["schema"] == SMOKE_SCHEMA
    assert document["exit_code"] == code
    return code, document, err


def statuses(document: dict[str, object]) -> dict[str, str]:
    checks = document["checks"]
    assert isinstance(checks, list)
    assert [c["name"] for c in checks] == list(CHECK_NAMES)
    return {c["name"]: c["status"] for c in checks}


def read_junit(path: Path) -> tuple[ET.Element, dict[str, ET.Element]]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = {c.get("name", ""): c for c in suites[0].findall("testcase")}
    return suites[0], cases


# -- end to end through the emulator --------------------------------------------------------
def test_pass_with_baseline(
    azure: LogAnalyticsEmulator,
    data: dict[str, pd.DataFrame],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    junit = tmp_path / "out" / "smoke.xml"
    code, doc, _ = invoke_json(capsys, live(azure, WS_HEALTHY, "--baseline", "2h", "--junit", str(junit)))
    assert code == ExitCode.OK
    assert doc["status"] == "pass"
    assert set(statuses(doc).values()) == {"pass"}
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
        "settle_seconds": 0.0,
        "anchor": "--end",
    }
    assert doc["baseline_window"] == {"start": "2026-01-15T09:30:00Z", "end": "2026-01-15T11:30:00Z"}
    # three aggregated queries per window, each restricted to its window
    assert len(azure.requests) == 6
    assert [r.timespan for r in azure.requests] == (
        ["2026-01-15T11:30:00.000Z/2026-01-15T12:00:00.000Z"] * 3
        + ["2026-01-15T09:30:00.000Z/2026-01-15T11:30:00.000Z"] * 3
    )
    suite, cases = read_junit(junit)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "5",
        "0",
        "0",
        "0",
    )
    assert list(cases) == list(CHECK_NAMES)


def test_failure_rate_fails(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, _ = invoke_json(capsys, live(azure, WS_RATE))
    expected = truth(data[WS_RATE], NOW - CURRENT, NOW)
    assert expected["rate_pct"] > 10
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "fail",
        "blocking-codes": "pass",
        "regression": "skipped",
    }
    checks = {c["name"]: c for c in doc["checks"]}  # type: ignore[union-attr]
    assert checks["failure-rate"]["observed"] == pytest.approx(expected["rate_pct"], abs=1e-3)
    assert checks["failure-rate"]["threshold"] == 10.0
    # a higher maximum lets the same data pass
    code, doc, _ = invoke_json(
        capsys, live(azure, WS_RATE, "--max-failure-rate", f"{expected['rate_pct'] + 1:.1f}")
    )
    assert code == ExitCode.OK, doc["headline"]


def test_canceled_is_ignored_by_default(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    everything = truth(data[WS_HEALTHY], NOW - CURRENT, NOW, ignore_reasons=())
    code, doc, _ = invoke_json(
        capsys, live(azure, WS_HEALTHY, "--no-default-ignores", "--max-failure-rate", "5")
    )
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["ignored_legs"] == 0
    assert current["failure_rate_pct"] == pytest.approx(everything["rate_pct"], abs=1e-3)
    assert everything["rate_pct"] > 5 > truth(data[WS_HEALTHY], NOW - CURRENT, NOW)["rate_pct"]
    assert code == ExitCode.GATE_FAILED
    code, doc, _ = invoke_json(capsys, live(azure, WS_HEALTHY, "--max-failure-rate", "5"))
    assert code == ExitCode.OK
    # --ignore-category adds to the default
    expected = truth(data[WS_RATE], NOW - CURRENT, NOW, ignore_reasons=("487", "486"))
    code, doc, _ = invoke_json(
        capsys, live(azure, WS_RATE, "--ignore-category", "callee-unavailable-or-busy")
    )
    current = doc["current"]
    assert isinstance(current, dict)
    assert (current["ignored_legs"], current["considered_legs"]) == (
        expected["ignored"],
        expected["considered"],
    )
    assert current["failure_rate_pct"] == pytest.approx(expected["rate_pct"], abs=1e-3)
    assert doc["config"]["ignore_categories"] == [  # type: ignore[index]
        "callee-unavailable-or-busy",
        "canceled",
    ]


def test_blocking_pair_fails_on_one_leg(
    azure: LogAnalyticsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, _ = invoke_json(capsys, live(azure, WS_BLOCK))
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc)["blocking-codes"] == "fail"
    assert statuses(doc)["failure-rate"] == "pass"
    hits = doc["blocking_hits"]
    assert isinstance(hits, list)
    assert [(h["end_reason"], h["end_sub_code"], h["legs"], h["rule"]) for h in hits] == [
        ("403", "511532", 1, "403/511532")
    ]
    code, doc, _ = invoke_json(capsys, live(azure, WS_BLOCK, "--no-default-blocks"))
    assert code == ExitCode.OK
    assert statuses(doc)["blocking-codes"] == "skipped"


def test_custom_block_pair_and_category(
    azure: LogAnalyticsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, _ = invoke_json(capsys, live(azure, WS_HEALTHY, "--block", "486/560486"))
    assert code == ExitCode.GATE_FAILED
    assert {h["rule"] for h in doc["blocking_hits"]} == {"486/560486"}  # type: ignore[union-attr]
    code, doc, _ = invoke_json(capsys, live(azure, WS_HEALTHY, "--block", "408/*"))
    assert code == ExitCode.GATE_FAILED
    assert {h["end_sub_code"] for h in doc["blocking_hits"]} == {"560408"}  # type: ignore[union-attr]
    code, doc, _ = invoke_json(
        capsys, live(azure, WS_HEALTHY, "--block-category", "callee-unavailable-or-busy")
    )
    assert code == ExitCode.GATE_FAILED
    assert {h["rule"] for h in doc["blocking_hits"]} == {  # type: ignore[union-attr]
        "category:callee-unavailable-or-busy"
    }


def test_regression_fails_only_when_significant_and_large(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    cur = truth(data[WS_REGRESS], NOW - CURRENT, NOW)
    base = truth(data[WS_REGRESS], NOW - CURRENT - BASELINE, NOW - CURRENT)
    assert cur["rate_pct"] < 10 and cur["rate_pct"] - base["rate_pct"] > 3
    code, doc, _ = invoke_json(capsys, live(azure, WS_REGRESS, "--baseline", "2h"))
    assert code == ExitCode.GATE_FAILED
    assert statuses(doc) == {
        "data-complete": "pass",
        "min-volume": "pass",
        "failure-rate": "pass",
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
    code, doc, _ = invoke_json(capsys, live(azure, WS_REGRESS, "--baseline", "2h", "--min-increase", "20"))
    assert code == ExitCode.OK
    # without a baseline the check is skipped and the gate passes
    code, doc, _ = invoke_json(capsys, live(azure, WS_REGRESS))
    assert code == ExitCode.OK
    assert statuses(doc)["regression"] == "skipped"


def test_regression_inconclusive_with_low_baseline_volume(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    # WS_LOW holds no leg before the current window: the baseline is empty
    expected = truth(data[WS_LOW], NOW - CURRENT, NOW)
    code, doc, _ = invoke_json(
        capsys, live(azure, WS_LOW, "--baseline", "2h", "--min-legs", str(expected["considered"]))
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
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    expected = truth(data[WS_LOW], NOW - CURRENT, NOW)
    assert 0 < expected["considered"] < 20
    junit = tmp_path / "j.xml"
    code, doc, _ = invoke_json(capsys, live(azure, WS_LOW, "--junit", str(junit)))
    assert code == ExitCode.INCONCLUSIVE
    result = statuses(doc)
    assert result["min-volume"] == "inconclusive"
    assert result["failure-rate"] == "inconclusive"  # whatever the (noisy) rate is
    suite, cases = read_junit(junit)
    assert suite.get("failures") == "0"
    skipped = cases["min-volume"].find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("inconclusive:")
    # lowering --min-legs makes the same data conclusive
    code, doc, _ = invoke_json(capsys, live(azure, WS_LOW, "--min-legs", "1"))
    assert statuses(doc)["min-volume"] == "pass"
    assert code == (ExitCode.GATE_FAILED if expected["rate_pct"] > 10.0 else ExitCode.OK)


def test_partial_result_is_inconclusive(
    azure: LogAnalyticsEmulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    azure.inject("partial", message="Query exceeded the allowed limits (emulated)")
    junit = tmp_path / "partial.xml"
    code, doc, err = invoke_json(capsys, live(azure, WS_HEALTHY, "--junit", str(junit)))
    assert code == ExitCode.INCONCLUSIVE
    assert doc["status"] == "inconclusive"
    result = statuses(doc)
    assert result["data-complete"] == "inconclusive"
    assert result["failure-rate"] == "inconclusive"
    assert "partial" in err
    suite, _ = read_junit(junit)
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    assert int(suite.get("skipped", "0")) >= 2


def test_partial_result_with_blocking_leg_still_fails(
    azure: LogAnalyticsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    azure.inject("partial")  # the first query (pstn-summary) is partial
    code, doc, _ = invoke_json(capsys, live(azure, WS_BLOCK))
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
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fault: str,
    exit_code: ExitCode,
    error_type: str,
) -> None:
    azure.inject(fault)
    junit, summary = tmp_path / "j.xml", tmp_path / "s.md"
    code, out, err = invoke(capsys, live(azure, WS_HEALTHY, "--junit", str(junit), "--summary", str(summary)))
    assert code == exit_code
    assert "acs-triage: error:" in err
    assert "Traceback" not in err
    assert "data-complete" in out and "ERROR" in out
    suite, cases = read_junit(junit)
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures"), suite.get("skipped")) == (
        "5",
        "1",
        "0",
        "4",
    )
    error = cases["data-complete"].find("error")
    assert error is not None and error.get("type") == error_type
    assert summary.read_text(encoding="utf-8").startswith("# acs-triage smoke: ERROR")


def test_fault_in_baseline_query_is_an_error_too(
    azure: LogAnalyticsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):  # the current window's three queries succeed
        azure.inject("delay", seconds=0)
    azure.inject("server_error")
    code, doc, _ = invoke_json(capsys, live(azure, WS_HEALTHY, "--baseline", "2h"))
    assert code == ExitCode.QUERY
    assert doc["status"] == "error"
    assert statuses(doc)["data-complete"] == "error"


@pytest.mark.parametrize("mode", ["not_logged_in", "aadsts_error", "bad_json"])
def test_credential_failure_is_auth_error(
    azure: LogAnalyticsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mode: str,
) -> None:
    bin_dir = tmp_path / "bin-broken-az"
    install_fake_az(bin_dir, token=TOKEN, mode=mode)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    junit = tmp_path / "j.xml"
    code, _, err = invoke(capsys, live(azure, WS_HEALTHY, "--junit", str(junit)))
    assert code == ExitCode.AUTH_OR_CONFIG, err
    assert "credential" in err
    assert not any(r.has_bearer for r in azure.requests)  # no token, nothing answered
    _, cases = read_junit(junit)
    error = cases["data-complete"].find("error")
    assert error is not None and error.get("type") == "AuthError"


def test_config_errors_exit_3_with_a_report(
    azure: LogAnalyticsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "j.xml"
    code, _, err = invoke(
        capsys,
        [
            "smoke",
            "--workspace-id",
            WS_HEALTHY,
            "--auth",
            "cli",
            "--endpoint",
            "http://127.0.0.1:9",
            "--junit",
            str(junit),
        ],
    )
    assert code == ExitCode.AUTH_OR_CONFIG
    assert "https" in err
    assert read_junit(junit)[0].get("errors") == "1"
    assert azure.requests == []  # nothing was sent over plain http
    code, _, err = invoke(capsys, ["smoke", "--resource-id", "acs1", "--auth", "cli"])
    assert code == ExitCode.AUTH_OR_CONFIG
    assert "/subscriptions/" in err


def test_resource_centric_query(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    assert azure.url is not None
    code, doc, _ = invoke_json(
        capsys,
        ["smoke", "--resource-id", RES_HEALTHY, "--endpoint", azure.url, "--auth", "cli", "--end", END],
    )
    assert code == ExitCode.OK
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == truth(data[WS_HEALTHY], NOW - CURRENT, NOW)["legs"]
    assert all("/subscriptions/" in r.path for r in azure.requests)


def test_default_window_ends_settle_before_now(
    azure: LogAnalyticsEmulator, data: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    assert azure.url is not None
    before = datetime.now(timezone.utc)
    code, doc, _ = invoke_json(
        capsys, ["smoke", "--workspace-id", WS_LIVE, "--endpoint", azure.url, "--auth", "cli"]
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
    code, doc, _ = invoke_json(
        capsys,
        [
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
        ],
    )
    window = doc["window"]
    assert isinstance(window, dict)
    end = datetime.fromisoformat(window["end"].replace("Z", "+00:00"))
    assert abs(end - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_usage_errors_exit_2_without_reports(
    azure: LogAnalyticsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
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
        code, out, err = invoke(capsys, [*argv, "--junit", str(junit)])
        assert code == ExitCode.USAGE, (argv, err)
        assert out == ""
        assert err.startswith("acs-triage: error:"), err
    assert not junit.exists()
    assert azure.requests == []


# -- files and the sample ---------------------------------------------------------------------
OLD_NOW = datetime(2024, 5, 2, 8, 0, 0, 123000, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def old_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """An export from 2024 (a dry run on old data must still find a window)."""
    df = _dataset(BAD_MIX, HEALTHY_MIX, seed=71, current_legs=800, baseline_legs=2000, now=OLD_NOW)
    path = tmp_path_factory.mktemp("export") / "acscallsummary.jsonl"
    columns = [
        "TimeGenerated",
        "CorrelationId",
        "EndpointType",
        "ParticipantEndReason",
        "ParticipantEndSubCode",
        "ParticipantId",
        "Identifier",
    ]
    out = df[columns].copy()
    out["TimeGenerated"] = out["TimeGenerated"].map(lambda t: t.isoformat())
    out.to_json(path, orient="records", lines=True)
    return path, df


def test_files_window_is_relative_to_newest_row(
    old_export: tuple[Path, pd.DataFrame], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, df = old_export
    newest = df["TimeGenerated"].max().to_pydatetime()
    end = newest + timedelta(microseconds=1)
    code, doc, _ = invoke_json(capsys, ["smoke", "--from-file", str(path), "--baseline", "2h"])
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
    code, doc, _ = invoke_json(capsys, ["smoke", "--from-file", str(path), "--settle", "10m"])
    window = doc["window"]
    assert isinstance(window, dict)
    assert datetime.fromisoformat(window["end"].replace("Z", "+00:00")) == (end - timedelta(minutes=10))
    current = doc["current"]
    assert isinstance(current, dict)
    assert current["legs"] == truth(df, end - timedelta(minutes=40), end - timedelta(minutes=10))["legs"]


def test_files_from_stdin(
    old_export: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, df = old_export
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, doc, _ = invoke_json(capsys, ["smoke", "--from-file", "-", "--baseline", "2h"])
    end = df["TimeGenerated"].max().to_pydatetime() + timedelta(microseconds=1)
    current, base = doc["current"], doc["baseline"]
    assert isinstance(current, dict) and isinstance(base, dict)
    assert current["legs"] == truth(df, end - CURRENT, end)["legs"]
    assert base["legs"] == truth(df, end - CURRENT - BASELINE, end - CURRENT)["legs"]
    assert code == ExitCode.GATE_FAILED


def test_library_gate_on_files(old_export: tuple[Path, pd.DataFrame]) -> None:
    path, df = old_export
    source = FileSource([str(path)])
    collected = collect_windows(source, plan_for(source, CURRENT, timedelta(0), BASELINE))
    result = run_gate(collected, GateConfig(max_failure_rate=100.0))
    end = df["TimeGenerated"].max().to_pydatetime() + timedelta(microseconds=1)
    assert result.window == Window(end - CURRENT, end)
    assert result.baseline_window == Window(end - CURRENT - BASELINE, end - CURRENT)
    assert result.config.baseline == BASELINE  # taken from the collected windows
    assert result.check("regression").status is CheckStatus.FAIL  # BAD_MIX vs HEALTHY_MIX
    assert result.check("failure-rate").status is CheckStatus.PASS
    assert result.exit_code == ExitCode.GATE_FAILED


def test_unreadable_file_exits_5_with_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "j.xml"
    code, _, err = invoke(
        capsys, ["smoke", "--from-file", str(tmp_path / "missing.csv"), "--junit", str(junit)]
    )
    assert code == ExitCode.INPUT
    assert "missing.csv" in err
    assert read_junit(junit)[0].get("errors") == "1"


def test_sample_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled sample ends in an SBC 503 incident: the failure-rate check catches it."""
    code, doc, _ = invoke_json(capsys, ["smoke", "--sample", "--since", "3h"])
    assert doc["source"] == {
        "kind": "sample",
        "description": "bundled sample data",  # type: ignore[comparison-overlap]
        "query_requests": 0,
    }
    current = doc["current"]
    assert isinstance(current, dict) and current["legs"] > 0
    assert statuses(doc)["failure-rate"] == "fail"
    assert code == ExitCode.GATE_FAILED
    code, doc, _ = invoke_json(
        capsys, ["smoke", "--sample", "--since", "3h", "--max-failure-rate", "60", "--no-default-blocks"]
    )
    assert statuses(doc)["failure-rate"] == "pass" and code == ExitCode.OK


# -- output formats and CI integrations -----------------------------------------------------
@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders(
    azure: LogAnalyticsEmulator, fmt: OutputFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = invoke(capsys, live(azure, WS_RATE, "--format", fmt.value))
    assert code == ExitCode.GATE_FAILED
    if fmt is OutputFormat.JSON:
        assert json.loads(out)["status"] == "fail"
    elif fmt is OutputFormat.CSV:
        rows = out.strip().splitlines()
        assert rows[0] == ",".join(CHECK_HEADERS)
        assert [r.split(",")[0] for r in rows[1:]] == list(CHECK_NAMES)
        assert rows[1 + CHECK_NAMES.index("failure-rate")].split(",")[1] == "FAIL"
    elif fmt is OutputFormat.MARKDOWN:
        assert out.startswith("# acs-triage smoke: FAIL")
        assert "| failure-rate" in out
    else:
        assert out.startswith("acs-triage smoke: FAIL (exit 1): failure-rate")
    assert "::error" not in out  # not in GitHub Actions


def test_github_actions_annotations_and_step_summary(
    azure: LogAnalyticsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    code, out, _ = invoke(capsys, live(azure, WS_RATE))
    assert code == ExitCode.GATE_FAILED
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error title=acs-triage smoke%3A failure-rate fail::")
    assert commands[-1].startswith("::error title=acs-triage smoke::FAIL (exit 1)")
    assert all("\n" not in c and "\r" not in c for c in commands)
    # JSON on stdout stays pure JSON, even in GitHub Actions
    code, out, _ = invoke(capsys, live(azure, WS_HEALTHY, "--format", "json"))
    assert code == ExitCode.OK
    assert json.loads(out)["status"] == "pass"
    # ...unless the data goes to --output, then stdout carries only the annotations
    code, out, _ = invoke(
        capsys, live(azure, WS_HEALTHY, "--format", "json", "--output", str(tmp_path / "r.json"))
    )
    assert out.splitlines() == ["::notice title=acs-triage smoke::PASS: 4 check(s) passed, 1 skipped"]
    code, out, _ = invoke(capsys, live(azure, WS_HEALTHY, "--no-annotations"))
    assert "::" not in out
    text = step_summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# acs-triage smoke: FAIL")
    assert text.count("# acs-triage smoke:") == 4  # appended by every run


# -- unit: statistics -----------------------------------------------------------------------
def test_normal_sf_known_values() -> None:
    assert normal_sf(0.0) == pytest.approx(0.5, abs=1e-15)
    assert normal_sf(1.6448536269514722) == pytest.approx(0.05, abs=1e-12)
    assert normal_sf(2.3263478740408408) == pytest.approx(0.01, abs=1e-12)
    assert normal_sf(3.090232306167813) == pytest.approx(0.001, abs=1e-12)
    assert normal_sf(-1.959963984540054) == pytest.approx(0.975, abs=1e-12)
    reference = NormalDist()
    for z in (-4.0, -1.3, -0.2, 0.7, 1.1, 2.5, 5.0):
        assert normal_sf(z) == pytest.approx(1.0 - reference.cdf(z), abs=1e-12)


def test_z_test_hand_computed() -> None:
    # 30/200 = 15 % now vs 500/5000 = 10 %: pooled p = 530/5200,
    # SE = sqrt(p (1-p) (1/200 + 1/5000)) = 0.0218170, z = 0.05 / SE = 2.291793
    test = two_proportion_z_test(30, 200, 500, 5000)
    assert test.z == pytest.approx(2.291793, abs=1e-6)
    assert test.p_value == pytest.approx(0.010959, abs=1e-6)
    assert test.increase == pytest.approx(0.05)
    # one-sided: the mirrored comparison has the complementary p-value
    mirrored = two_proportion_z_test(500, 5000, 30, 200)
    assert mirrored.z == pytest.approx(-test.z)
    assert mirrored.p_value == pytest.approx(1.0 - test.p_value)
    # textbook-sized example: 72/900 (8 %) vs 48/2400 (2 %) -> z = 8.2003
    assert two_proportion_z_test(72, 900, 48, 2400).z == pytest.approx(8.200322, abs=1e-6)


def test_z_test_degenerate_and_invalid() -> None:
    same = two_proportion_z_test(0, 50, 0, 500)
    assert (same.z, same.p_value, same.increase) == (0.0, 0.5, 0.0)
    assert two_proportion_z_test(50, 50, 10, 10).p_value == 0.5
    for args in ((1, 0, 1, 10), (11, 10, 1, 10), (1, 10, -1, 10)):
        with pytest.raises(ValueError):
            two_proportion_z_test(*args)


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(10, 100)
    assert (low, high) == (pytest.approx(0.0552, abs=1e-4), pytest.approx(0.1744, abs=1e-4))
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson_interval(50, 50)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


# -- unit: gate logic on hand-made aggregates ---------------------------------------------
CURRENT_WINDOW = Window(NOW - CURRENT, NOW)


def make_input(
    legs: int, pairs: dict[tuple[str, str], int], *, partial: bool = False, window: Window = CURRENT_WINDOW
) -> TriageInput:
    aggregates = [
        PairAggregate(
            end_reason=r,
            end_sub_code=s,
            legs=n,
            calls=n,
            first_seen=NOW,
            last_seen=NOW,
            recent_legs=n,
            example_correlation_ids=(f"call-{r}-{s}",),
        )
        for (r, s), n in pairs.items()
    ]
    return TriageInput(
        pairs=aggregates,
        total_legs=legs,
        total_calls=legs,
        timeline=[],
        window=window,
        source_kind="file",
        source_description="unit",
        partial=partial,
        warnings=["partial results from unit: injected"] if partial else [],
    )


def gate(current: TriageInput, base: TriageInput | None = None, **config: object):
    cfg = GateConfig(**config)  # type: ignore[arg-type]
    plan = plan_windows(NOW, CURRENT, timedelta(0), cfg.baseline, anchor="--end")
    return evaluate(build_report(current), None if base is None else build_report(base), cfg, plan)


def test_rate_threshold_boundary() -> None:
    assert gate(make_input(100, {("486", "560486"): 10})).check("failure-rate").status is (
        CheckStatus.PASS
    )  # exactly the maximum passes
    result = gate(make_input(100, {("486", "560486"): 11}))
    assert result.check("failure-rate").status is CheckStatus.FAIL
    assert result.exit_code == ExitCode.GATE_FAILED
    assert "486/560486 x11" in result.check("failure-rate").message


def test_ignored_categories_leave_numerator_and_denominator() -> None:
    data = make_input(100, {("487", "560487"): 20, ("486", "560486"): 8})
    result = gate(data)  # 8 / 80 = 10 %: passes
    assert result.current is not None
    assert (result.current.considered_legs, result.current.counted_failures) == (80, 8)
    assert result.check("failure-rate").status is CheckStatus.PASS
    counted_all = gate(data, ignore_categories=frozenset())  # 28 / 100
    assert counted_all.check("failure-rate").observed == pytest.approx(28.0)
    assert counted_all.exit_code == ExitCode.GATE_FAILED


def test_min_legs_boundary() -> None:
    low = gate(make_input(19, {("486", "560486"): 10}))
    assert low.check("min-volume").status is CheckStatus.INCONCLUSIVE
    assert low.check("failure-rate").status is CheckStatus.INCONCLUSIVE
    assert low.exit_code == ExitCode.INCONCLUSIVE and low.status is GateStatus.INCONCLUSIVE
    enough = gate(make_input(20, {("486", "560486"): 1}))
    assert enough.exit_code == ExitCode.OK
    assert gate(make_input(0, {})).check("failure-rate").observed is None


def test_blocking_beats_low_volume_and_partial_data() -> None:
    result = gate(make_input(3, {("403", "511532"): 1}, partial=True))
    assert result.check("blocking-codes").status is CheckStatus.FAIL
    assert result.check("data-complete").status is CheckStatus.INCONCLUSIVE
    assert result.exit_code == ExitCode.GATE_FAILED
    clean_partial = gate(make_input(300, {("486", "560486"): 1}, partial=True))
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
    cur = make_input(current[1], {("486", "560486"): current[0]})
    base = make_input(
        baseline[1], {("486", "560486"): baseline[0]}, window=Window(NOW - CURRENT - BASELINE, NOW - CURRENT)
    )
    result = gate(cur, base, baseline=BASELINE, max_failure_rate=100.0)
    assert result.check("regression").status is expected, result.check("regression").message


def test_error_result_keeps_its_exit_code() -> None:
    for error, code in ((AuthError("denied"), ExitCode.AUTH_OR_CONFIG), (QueryError("boom"), ExitCode.QUERY)):
        result = error_result(error, GateConfig(), source_kind="workspace", source_description="workspace x")
        assert result.exit_code == code and result.status is GateStatus.ERROR
        assert [c.status for c in result.checks] == [CheckStatus.ERROR] + [CheckStatus.SKIPPED] * 4


def test_duration_options() -> None:
    assert parse_span("0", "--settle", allow_zero=True) == timedelta(0)
    assert parse_span("0m", "--settle", allow_zero=True) == timedelta(0)
    assert parse_span("90s", "--settle") == timedelta(seconds=90)
    with pytest.raises(UsageError):
        parse_span("0", "--since")


# -- unit: JUnit and GitHub output -------------------------------------------------------
def test_junit_structure_and_escaping() -> None:
    result = gate(make_input(10, {("403", "511532"): 1}))
    xml = junit_xml(result)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == list(CHECK_NAMES)
    assert {c.get("classname") for c in cases} == {"acs-triage.smoke"}
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    skipped = {c.get("name"): c.find("skipped") for c in cases if c.find("skipped") is not None}
    assert failed == ["blocking-codes"]
    assert set(skipped) == {"min-volume", "failure-rate", "regression"}
    assert skipped["min-volume"].get("message", "").startswith("inconclusive:")  # type: ignore[union-attr]
    assert skipped["regression"].get("message", "").startswith("skipped:")  # type: ignore[union-attr]
    for element in (root, suite):
        assert (
            element.get("tests"),
            element.get("failures"),
            element.get("errors"),
            element.get("skipped"),
        ) == ("5", "1", "0", "3")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["status"] == "fail" and props["exit_code"] == "1"

    # hostile text survives: markup, quotes, newlines; XML-illegal controls are dropped
    check = replace(result.checks[3], message='<b>&"x"</b>\nline2\x00\x1b]]>')
    weird = replace(
        result, checks=(*result.checks[:3], check, result.checks[4]), source_description="ws <&>\x07"
    )
    parsed = ET.fromstring(junit_xml(weird))
    failure = parsed.find("testsuite/testcase[@name='blocking-codes']/failure")
    assert failure is not None
    assert failure.get("message") == '<b>&"x"</b>\nline2]]>'
    assert '<b>&"x"</b>' in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in parsed.iter("property")}
    assert props["source"] == "ws <&>"


def test_workflow_command_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("error", "x: y, z", title="t:1,2") == "::error title=t%3A1%2C2::x: y, z"
    assert workflow_command("notice", "plain") == "::notice::plain"


def test_annotation_lines_per_status() -> None:
    low = gate(make_input(5, {("486", "560486"): 1}))
    lines = annotation_lines(low)
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::warning", "::warning"]
    assert "min-volume" in lines[0] and "failure-rate" in lines[1]
    ok = gate(make_input(100, {}))
    assert annotation_lines(ok) == ["::notice title=acs-triage smoke::PASS: 4 check(s) passed, 1 skipped"]


def test_step_summary_append(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    assert append_step_summary("# one", {}) is None
    assert append_step_summary("# one", {"GITHUB_STEP_SUMMARY": str(target)}) == target
    append_step_summary("# two\n", {"GITHUB_STEP_SUMMARY": str(target)})
    assert target.read_text(encoding="utf-8") == "# one\n# two\n"


def test_view_document_and_markdown() -> None:
    result = gate(make_input(100, {("486", "560486"): 30, ("403", "510403"): 2}))
    view = smoke_view(result)
    assert view.document["schema"] == SMOKE_SCHEMA
    assert view.document["status"] == "fail"
    markdown = render(view, OutputFormat.MARKDOWN)
    assert markdown.startswith("# acs-triage smoke: FAIL (exit 1): failure-rate, blocking-codes")
    assert "## Blocking failures" in markdown
    assert "| 403/510403" in markdown
    json.dumps(view.document)  # JSON-serialisable as is
