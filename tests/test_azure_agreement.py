"""Agreeing with Azure: Microsoft's verdicts (ResultCategory) beside ours, callee outcomes
out of the gate, and calls judged by when they were placed, however late they arrive.

Expected figures are computed here with pandas from the generated rows and from the
result categories Microsoft publishes (written out below, from the reference notes),
never from the code under test.
"""

from __future__ import annotations

import csv
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.errors import ExitCode
from acs_triage.masking import mask_identifier
from tests.emulator import LogAnalyticsEmulator, generate_billing_usage, generate_call_summary
from tests.helpers import CliRunner, serve

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
WS = "bbbbbbbb-0000-4000-8000-000000000001"
WS_DIALER = "bbbbbbbb-0000-4000-8000-000000000002"
WS_DEPLOY = "bbbbbbbb-0000-4000-8000-000000000003"
WS_UPDATES = "bbbbbbbb-0000-4000-8000-000000000004"

#: Microsoft's published result categories for PSTN pairs (verdicts-and-codes.md).
PUBLISHED = {
    ("0", "0"): "Success",
    ("0", "560000"): "Success",
    ("0", "540000"): "Success",
    ("403", "510403"): "ExpectedError",
    ("404", "560404"): "ExpectedError",
    ("408", "500001"): "ExpectedError",
    ("403", "560403"): "UnexpectedClientError",
    ("480", "560480"): "UnexpectedServerError",
    ("503", "560503"): "UnexpectedServerError",
    ("486", "560486"): "Success",
    ("487", "540487"): "Success",
}


def pstn(df: pd.DataFrame, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    sel = df[df["EndpointType"].str.lower() == "pstn"]
    if start is not None:
        sel = sel[sel["TimeGenerated"] >= pd.Timestamp(start)]
    if end is not None:
        sel = sel[sel["TimeGenerated"] < pd.Timestamp(end)]
    return sel


def unexpected_by_rule(sel: pd.DataFrame) -> int:
    """Call Diagnostics' rule, with the published category standing in for a blank one."""
    count = 0
    for reason, sub, logged in sel[
        ["ParticipantEndReason", "ParticipantEndSubCode", "ResultCategory"]
    ].itertuples(index=False):
        category = logged or PUBLISHED.get((reason, sub), "")
        count += category.startswith("Unexpected")
    return count


def logged_by_pair(sel: pd.DataFrame) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (reason, sub, logged), n in (
        sel.groupby(["ParticipantEndReason", "ParticipantEndSubCode", "ResultCategory"]).size().items()
    ):
        out.setdefault((reason, sub), {})[logged or "none"] = int(n)
    return out


def workspace_args(emu: LogAnalyticsEmulator, workspace: str, *extra: str) -> list[str]:
    assert emu.url is not None
    return ["--workspace-id", workspace, "--endpoint", emu.url, "--auth", "cli", "--retries", "0", *extra]


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch, fake_az: Path) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    return monkeypatch


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return generate_call_summary(6000, seed=21, now=NOW)


def test_unexpected_legs_agree_with_an_independent_count_live(
    calls: pd.DataFrame, trusted: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    sel = pstn(calls, NOW - timedelta(days=1), NOW)
    assert (sel["ResultCategory"] == "").sum() > 0, "the data must hold blank categories"
    with serve({"ACSCallSummary": calls}, workspaces={WS}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        code, doc, _ = cli.json(
            "triage", *workspace_args(emu, WS, "--since", "1d", "--end", NOW.isoformat()), "-f", "json"
        )
    assert code == ExitCode.OK
    totals = doc["totals"]
    assert totals["legs"] == len(sel)
    assert totals["unexpected_legs"] == unexpected_by_rule(sel) > 0
    assert totals["unexpected_rate"] == pytest.approx(unexpected_by_rule(sel) / len(sel), abs=1e-6)
    expected = logged_by_pair(sel)
    for finding in doc["findings"]:
        key = (finding["end_reason"], finding["end_sub_code"])
        assert finding["logged_result_categories"] == expected[key], key


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    columns = [
        "TimeGenerated",
        "CallStartTime",
        "CorrelationId",
        "EndpointType",
        "ParticipantEndReason",
        "ParticipantEndSubCode",
        "ResultCategory",
        "PstnParticipantCallType",
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in df[columns].itertuples(index=False):
            values = list(row)
            for i in (0, 1):
                values[i] = values[i].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            writer.writerow(["" if v is None else v for v in values])
    return path


def test_unexpected_legs_agree_with_an_independent_count_from_files(
    calls: pd.DataFrame, tmp_path: Path, cli: CliRunner
) -> None:
    path = write_csv(calls, tmp_path / "calls.csv")
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK
    sel = pstn(calls)
    assert doc["totals"]["unexpected_legs"] == unexpected_by_rule(sel)
    expected = logged_by_pair(sel)
    assert {(f["end_reason"], f["end_sub_code"]): f["logged_result_categories"] for f in doc["findings"]} == {
        key: value for key, value in expected.items() if not (key[0] == "0" or key[0].startswith("2"))
    }


def test_disagreement_with_the_documented_category_is_flagged(cli: CliRunner, tmp_path: Path) -> None:
    """Microsoft documents Success for a busy callee (486/560486); a leg logged otherwise is shown."""
    rows = [
        ("2026-11-20T10:00:00Z", "c1", "PSTN", "486", "560486", "ExpectedError"),
        ("2026-11-20T10:01:00Z", "c2", "PSTN", "486", "560486", "Success"),
        ("2026-11-20T10:02:00Z", "c3", "PSTN", "486", "560486", ""),
        ("2026-11-20T10:03:00Z", "c4", "PSTN", "503", "560503", "UnexpectedServerError"),
    ]
    path = tmp_path / "busy.csv"
    path.write_text(
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,ResultCategory\n"
        + "".join(",".join(r) + "\n" for r in rows)
    )
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK
    busy = next(f for f in doc["findings"] if f["end_sub_code"] == "560486")
    assert busy["logged_result_categories"] == {"ExpectedError": 1, "Success": 1, "none": 1}
    assert busy["result_category"] == "Success" and busy["result_category_agrees"] is False
    assert "ExpectedError x1" in busy["result_category_disagreement"]
    assert busy["category_kind"] == "callee-outcome" and busy["unexpected_legs"] == 0
    service = next(f for f in doc["findings"] if f["end_sub_code"] == "560503")
    assert service["result_category_agrees"] is True and service["unexpected_legs"] == 1
    assert "queries/acscallsummary" in service["result_category_source"]
    code, out, _ = cli("triage", "--from-file", str(path), "--details", "2", "--wide")
    words = " ".join(out.split())
    assert "DISAGREES: Microsoft documents Success for 486/560486" in words
    assert "Unexpected: 1 legs, unexpected rate 25.00% (Microsoft's ResultCategory" in words


# -- the smoke gate on a dialer's normal day ------------------------------------------------
DIALER_MIX = {
    ("0", "560000"): 0.50,
    ("486", "560486"): 0.20,  # busy
    ("480", "560480"): 0.12,  # no answer (Microsoft: UnexpectedServerError, shown as logged)
    ("603", "560603"): 0.10,  # declined
    ("487", "560487"): 0.08,  # canceled
}


def test_a_dialer_window_passes_smoke_by_default(trusted: pytest.MonkeyPatch, cli: CliRunner) -> None:
    df = generate_call_summary(3000, seed=22, now=NOW, window=timedelta(minutes=30), failure_mix=DIALER_MIX)
    sel = pstn(df, NOW - timedelta(minutes=30), NOW)
    failed = sel["ParticipantEndReason"] != "0"
    assert failed.mean() > 0.4  # half the calls do not connect: a normal day for a dialer
    with serve({"ACSCallSummary": df}, workspaces={WS_DIALER}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        args = ["smoke", *workspace_args(emu, WS_DIALER, "--end", "2026-11-20T12:00:00Z"), "-f", "json"]
        code, doc, _ = cli.json(*args)
        assert code == ExitCode.OK, doc["headline"]
        current = doc["current"]
        assert current["legs"] == len(sel) and current["failed_legs"] == int(failed.sum())
        assert current["ignored_legs"] == int(failed.sum()) and current["counted_failed_legs"] == 0
        # counting callee outcomes as failures, the same window fails
        code, doc, _ = cli.json(*args, "--include-callee-outcomes")
        assert code == ExitCode.GATE_FAILED and doc["current"]["failure_rate_pct"] > 40
    # a blocking pair still fails the gate on one leg
    blocked = df.copy()
    blocked.loc[failed[failed].index[0], ["ParticipantEndReason", "ParticipantEndSubCode"]] = [
        "403",
        "511532",
    ]
    with serve({"ACSCallSummary": blocked}, workspaces={WS_DIALER}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        args = ["smoke", *workspace_args(emu, WS_DIALER, "--end", "2026-11-20T12:00:00Z"), "-f", "json"]
        code, doc, _ = cli.json(*args)
        assert code == ExitCode.GATE_FAILED
        assert [h["rule"] for h in doc["blocking_hits"]] == ["403/511532"]


# -- judging calls by when they were placed -------------------------------------------------
DEPLOYED = NOW - timedelta(minutes=40)


def placed_and_written(df: pd.DataFrame) -> pd.DataFrame:
    """Three kinds of PSTN legs: placed before the deployment and written before it;
    placed before but written after it (late rows: must not be judged); placed after."""
    df = df[df["EndpointType"].str.lower() == "pstn"].copy().reset_index(drop=True)
    third = len(df) // 3
    ts = pd.Timestamp
    df.loc[: third - 1, "CallStartTime"] = ts(DEPLOYED - timedelta(minutes=30))
    df.loc[: third - 1, "TimeGenerated"] = ts(DEPLOYED - timedelta(minutes=5))
    df.loc[third : 2 * third - 1, "CallStartTime"] = ts(DEPLOYED - timedelta(minutes=10))
    df.loc[third : 2 * third - 1, "TimeGenerated"] = ts(DEPLOYED + timedelta(minutes=20))
    df.loc[third : 2 * third - 1, ["ParticipantEndReason", "ParticipantEndSubCode"]] = ["503", "560503"]
    df.loc[2 * third :, "CallStartTime"] = ts(DEPLOYED + timedelta(minutes=5))
    df.loc[2 * third :, "TimeGenerated"] = ts(DEPLOYED + timedelta(minutes=25))
    return df


def expected_after_deployment(df: pd.DataFrame) -> tuple[int, int]:
    after = df[df["CallStartTime"] >= pd.Timestamp(DEPLOYED)]
    failed = after["ParticipantEndReason"] != "0"
    return len(after), int(failed.sum())


@pytest.fixture(scope="module")
def deployment() -> pd.DataFrame:
    mix = {("0", "560000"): 0.97, ("403", "560403"): 0.03}
    return placed_and_written(generate_call_summary(1500, seed=23, now=NOW, failure_mix=mix))


def test_deployed_at_judges_calls_placed_after_it_live(
    deployment: pd.DataFrame, trusted: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    legs, failed = expected_after_deployment(deployment)
    late = deployment[
        (deployment["CallStartTime"] < pd.Timestamp(DEPLOYED))
        & (deployment["TimeGenerated"] >= pd.Timestamp(DEPLOYED))
    ]
    assert len(late) > 100 and (late["ParticipantEndReason"] == "503").all()
    with serve({"ACSCallSummary": deployment}, workspaces={WS_DEPLOY}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        deployed = DEPLOYED.isoformat().replace("+00:00", "Z")
        code, doc, _ = cli.json(
            "smoke", *workspace_args(emu, WS_DEPLOY, "--deployed-at", deployed), "-f", "json"
        )
        assert (doc["current"]["legs"], doc["current"]["failed_legs"]) == (legs, failed)
        assert doc["window"]["start"] == deployed and doc["window"]["anchor"] == "--deployed-at"
        assert code == ExitCode.OK, doc["headline"]  # the late 503s belong to calls placed before it
        # the queries read rows written from the deployment on, however late, and filter placement
        assert all(r.timespan is None for r in emu.requests)
        assert all('let _time_column = "CallStartTime";' in (r.query or "") for r in emu.requests)
        # windowed on TimeGenerated, the late rows of calls placed before the deployment are judged
        code, doc, _ = cli.json(
            "smoke", *workspace_args(emu, WS_DEPLOY, "--end", NOW.isoformat(), "--since", "40m"), "-f", "json"
        )
        assert code == ExitCode.GATE_FAILED


def test_deployed_at_judges_calls_placed_after_it_from_files(
    deployment: pd.DataFrame, tmp_path: Path, cli: CliRunner
) -> None:
    legs, failed = expected_after_deployment(deployment)
    path = write_csv(deployment, tmp_path / "deploy.csv")
    deployed = DEPLOYED.isoformat().replace("+00:00", "Z")
    code, doc, _ = cli.json("smoke", "--from-file", str(path), "--deployed-at", deployed, "-f", "json")
    assert code == ExitCode.OK, doc["headline"]
    assert (doc["current"]["legs"], doc["current"]["failed_legs"]) == (legs, failed)
    code, doc, _ = cli.json(
        "triage",
        "--from-file",
        str(path),
        "--window-on",
        "placed",
        "--start",
        deployed,
        "--end",
        NOW.isoformat(),
        "-f",
        "json",
    )
    assert code == ExitCode.OK
    assert doc["totals"]["legs"] == legs and doc["window"]["column"] == "CallStartTime"


def test_deployed_at_and_since_are_exclusive(cli: CliRunner) -> None:
    code, _, err = cli("smoke", "--sample", "--deployed-at", "2026-11-01T12:00:00Z", "--since", "1h")
    assert code == ExitCode.USAGE and "either --deployed-at or --since" in err


def test_wait_turns_inconclusive_into_a_verdict_as_rows_arrive(
    trusted: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    """The emulator reveals a row only once its TimeGenerated has passed: the legs of calls
    placed after the deployment arrive a few seconds into the wait."""
    now = datetime.now(timezone.utc)
    deployed = now - timedelta(minutes=10)
    df = generate_call_summary(400, seed=24, now=now, failure_mix={("0", "560000"): 1.0})
    df = df[df["EndpointType"].str.lower() == "pstn"].reset_index(drop=True)
    df["CallStartTime"] = pd.Timestamp(deployed + timedelta(minutes=1))
    df["TimeGenerated"] = pd.Timestamp(now + timedelta(seconds=4))  # written in 4 s
    deployed_text = deployed.isoformat().replace("+00:00", "Z")
    with serve({"ACSCallSummary": df}, workspaces={WS_DEPLOY}, now=now, reveal_by_clock=True) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        base = ["smoke", *workspace_args(emu, WS_DEPLOY, "--deployed-at", deployed_text), "-f", "json"]
        code, doc, err = cli.json(*base)
        assert code == ExitCode.INCONCLUSIVE and doc["current"]["legs"] == 0  # nothing has arrived yet
        emu.requests.clear()
        started = time.monotonic()
        code, doc, err = cli.json(*base, "--wait", "60s", "--poll-every", "1s")
        assert time.monotonic() - started < 60  # it stopped waiting once the legs arrived
        assert code == ExitCode.OK, doc["headline"]
        assert doc["current"]["legs"] == len(df)
        polls = [r for r in emu.requests if "| summarize Legs = count()" in (r.query or "")]
        assert len(polls) >= 2  # at least one poll before the rows arrived, one after
        assert f"{len(df)} of 20 PSTN legs arrived" in err
        # a wait that runs out says so, with the numbers and a hint
        code, doc, err = cli.json(*base, "--wait", "2s", "--poll-every", "1s", "--min-legs", "100000")
        assert code == ExitCode.INCONCLUSIVE
        assert any(
            "post-deployment PSTN legs arrived" in w and "--table updates" in w for w in doc["warnings"]
        )


# -- ACSCallSummaryUpdates ------------------------------------------------------------------
def test_updates_table_keeps_the_highest_version_of_each_leg(
    trusted: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    df = generate_call_summary(
        800, seed=25, now=NOW, failure_mix={("0", "560000"): 0.9, ("503", "560503"): 0.1}
    )
    v1 = df.assign(CallUpdatesVersion=1, ParticipantEndReason="0", ParticipantEndSubCode="0")
    v2 = df.assign(CallUpdatesVersion=2)  # the final version carries the real end codes
    updates = pd.concat([v1, v2], ignore_index=True)
    sel = pstn(df, NOW - timedelta(days=1), NOW)
    with serve({"ACSCallSummaryUpdates": updates}, workspaces={WS_UPDATES}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        code, doc, _ = cli.json(
            "triage",
            *workspace_args(emu, WS_UPDATES, "--since", "1d", "--end", NOW.isoformat(), "--table", "updates"),
            "-f",
            "json",
        )
    assert code == ExitCode.OK
    assert doc["totals"]["legs"] == len(sel)  # one leg each, not two versions
    assert doc["totals"]["failed_legs"] == int((sel["ParticipantEndReason"] == "503").sum()) > 0
    assert doc["source"]["description"].endswith("(ACSCallSummaryUpdates)")


def test_table_updates_is_only_for_workspaces(cli: CliRunner) -> None:
    code, _, err = cli("triage", "--sample", "--table", "updates")
    assert code == ExitCode.USAGE and "--table applies to a workspace" in err


# -- the per-number query -------------------------------------------------------------------
def test_numbers_come_from_one_billing_record_and_are_masked_as_python_masks(
    trusted: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    df = generate_call_summary(
        1200, seed=26, now=NOW, failure_mix={("0", "560000"): 0.6, ("403", "560403"): 0.4}
    )
    billing = generate_billing_usage(df, seed=26)
    # A second, older billing record per leg with other numbers: only the latest may be used,
    # and both numbers must come from it.
    older = billing.copy()
    older["TimeGenerated"] = older["TimeGenerated"] - pd.Timedelta(minutes=1)
    older["UserIdA"] = "+19999999999"
    older["UserIdB"] = "+18888888888"
    tables = {"ACSCallSummary": df, "ACSBillingUsage": pd.concat([billing, older], ignore_index=True)}
    with serve(tables, workspaces={WS}, now=NOW) as emu:
        trusted.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_path))
        code, text, _ = cli("kql", "show", "pstn-failures-by-number", "--since", "2d")
        assert code == 0
        columns, rows = emu._execute(text, None, [WS.lower()], None)
    names = [c["name"] for c in columns]
    got = {(r[names.index("NumberA")], r[names.index("NumberB")]): r[names.index("FailedLegs")] for r in rows}
    # independently: failed PSTN legs; group calls by ParticipantId, P2P by CorrelationId
    failed = pstn(df, NOW - timedelta(days=2), NOW)
    failed = failed[failed["ParticipantEndReason"] != "0"]
    latest = billing.sort_values("TimeGenerated")
    by_participant = latest[latest["ParticipantId"].notna() & (latest["ParticipantId"] != "null")]
    # whole records (pandas' groupby().last() would mix columns of different records)
    by_participant = by_participant.drop_duplicates("ParticipantId", keep="last").set_index("ParticipantId")
    by_call = latest.drop_duplicates("CorrelationId", keep="last").set_index("CorrelationId")
    expected: dict[tuple[str, str], int] = {}
    for leg in failed.itertuples():
        found = by_call if leg.CallType == "P2P" else by_participant
        key_value = leg.CorrelationId if leg.CallType == "P2P" else leg.ParticipantId
        if key_value in found.index:
            record = found.loc[key_value]
            a, b = (None if pd.isna(record[c]) else str(record[c]) for c in ("UserIdA", "UserIdB"))
            key = (None if a is None else mask_identifier(a), None if b is None else mask_identifier(b))
        else:
            key = (None, None)
        expected[key] = expected.get(key, 0) + 1
    assert got == expected
    values = [v for pair in got for v in pair if v is not None]
    assert not any("9999999" in v or "8888888" in v for v in values)  # never the older record
    numbers = [v for v in values if v.startswith("+")]
    assert numbers and all(v[4:-2] == "*" * (len(v) - 6) for v in numbers)  # masked, as Python does
