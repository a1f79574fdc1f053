"""Live triage end to end: CLI -> real LogsQueryClient -> real AzureCliCredential
(fake ``az`` on PATH) -> HTTPS emulator on 127.0.0.1 running the received KQL."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from acs_triage.errors import ExitCode
from tests.emulator import (
    LogAnalyticsEmulator,
    expected_pstn_pairs,
    expected_timeline,
    expected_totals,
    generate_call_summary,
    install_fake_az,
)
from tests.helpers import TOKEN, CliRunner, assert_numbers_hidden, raw_numbers, serve

ROOT = Path(__file__).resolve().parents[1]
WS = "7d3f7a5e-1c2b-4a8e-9d6f-0123456789ab"
OTHER_WS = "0b4c1e2d-3f4a-4b5c-8d6e-9f0a1b2c3d4e"
RESOURCE = (
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
    "Microsoft.Communication/CommunicationServices/acs1"
)
REPORT_SCHEMA = json.loads((ROOT / "docs" / "schemas" / "triage-report.v1.json").read_text())


@dataclass
class Live:
    emu: LogAnalyticsEmulator
    df: pd.DataFrame
    now: datetime
    bin_dir: Path

    def args(self, *extra: str) -> list[str]:
        assert self.emu.url is not None
        return ["--endpoint", self.emu.url, "--auth", "cli", "--timeout", "30", *extra]


@pytest.fixture(scope="module")
def dataset() -> tuple[pd.DataFrame, datetime]:
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
    df = generate_call_summary(6000, seed=7, now=now, resource_id=RESOURCE)
    return df, now


@pytest.fixture(scope="module")
def emulator(dataset: tuple[pd.DataFrame, datetime]) -> Iterator[LogAnalyticsEmulator]:
    """One emulator for the module; the ``azure`` fixture resets it for every test."""
    df, now = dataset
    with serve({"ACSCallSummary": df}, workspaces={WS, OTHER_WS}, now=now) as emu:
        yield emu


@pytest.fixture
def live(azure: LogAnalyticsEmulator, dataset: tuple[pd.DataFrame, datetime], fake_az: Path) -> Live:
    df, now = dataset
    return Live(azure, df, now, fake_az)


def _window(doc: dict[str, object]) -> tuple[datetime, datetime]:
    window = doc["window"]
    assert isinstance(window, dict)
    return (
        datetime.fromisoformat(window["start"].replace("Z", "+00:00")),
        datetime.fromisoformat(window["end"].replace("Z", "+00:00")),
    )


def test_triage_numbers_match_the_dataset(live: Live, cli: CliRunner) -> None:
    code, out, _ = cli("triage", "--workspace-id", WS, "--since", "24h", *live.args("-f", "json"))
    assert code == ExitCode.OK
    doc = json.loads(out)
    jsonschema.validate(doc, REPORT_SCHEMA)
    start, end = _window(doc)
    truth = expected_pstn_pairs(live.df, start, end)
    totals = expected_totals(live.df, start, end)
    failed_truth = {k: v for k, v in truth.items() if not (k[0] == "0" or k[0].startswith("2"))}
    assert doc["totals"]["legs"] == totals["legs"] > 1000
    assert doc["totals"]["calls"] == totals["calls"]
    assert doc["totals"]["failed_legs"] == sum(v["legs"] for v in failed_truth.values())
    got = {(f["end_reason"], f["end_sub_code"]): f for f in doc["findings"]}
    assert set(got) == set(failed_truth)
    for key, finding in got.items():
        assert finding["legs"] == failed_truth[key]["legs"], key
        assert finding["calls"] == failed_truth[key]["calls"], key
        assert 1 <= len(finding["example_correlation_ids"]) <= 3
        assert finding["actions"]
    legs = [f["legs"] for f in doc["findings"]]
    assert legs == sorted(legs, reverse=True)
    assert sum(f["share"] for f in doc["findings"]) == pytest.approx(1.0, abs=1e-3)
    undocumented = [f for f in doc["findings"] if not f["documented"]]
    assert undocumented and all("not documented" in f["note"] for f in undocumented)
    assert doc["source"]["query_requests"] == 4 and len(live.emu.requests) == 4
    assert all(r.has_bearer for r in live.emu.requests)


def test_timeline_bins_and_their_failures_by_category_match_the_dataset(live: Live, cli: CliRunner) -> None:
    """pstn-timeline's FailedByPair, run by the emulator, mapped to catalog categories by
    the engine: per bin, the counts pandas gives with the catalog applied here."""
    from acs_triage.catalog.loader import load_catalog

    code, out, _ = cli("triage", "--workspace-id", WS, "--since", "24h", *live.args("-f", "json"))
    assert code == ExitCode.OK
    doc = json.loads(out)
    start, end = _window(doc)
    truth = expected_timeline(live.df, start, end, "1h")  # 24 h: one-hour bins (auto_bin)
    catalog = load_catalog()
    got = {datetime.fromisoformat(p["start"].replace("Z", "+00:00")): p for p in doc["timeline"]}
    assert set(got) == set(truth) and len(got) >= 24
    categories_seen = set()
    for moment, point in got.items():
        expected: dict[str, int] = {}
        for (reason, sub), legs in truth[moment]["failed_by_pair"].items():  # type: ignore[attr-defined]
            category = catalog.explain(reason, sub).meaning.category
            expected[category] = expected.get(category, 0) + legs
        assert (point["legs"], point["failed_legs"]) == (truth[moment]["legs"], truth[moment]["failed_legs"])
        assert point["failed_by_category"] == expected, moment
        categories_seen |= set(expected)
    assert len(categories_seen) >= 4  # the dataset's failure mix spans several categories


def test_request_window_is_passed_as_timespan(live: Live, cli: CliRunner) -> None:
    code, _, _ = cli(
        "triage",
        "--workspace-id",
        WS,
        "--start",
        "2000-01-01T00:00:00Z",
        "--end",
        "2000-01-02T00:00:00Z",
        *live.args("-f", "json"),
    )
    assert code == ExitCode.OK
    assert live.emu.requests[0].timespan == "2000-01-01T00:00:00.000Z/2000-01-02T00:00:00.000Z"


def test_cost_does_not_grow_with_legs(live: Live, cli: CliRunner) -> None:
    """A fixed number of requests, and a response bounded by pairs and bins, not legs."""
    sizes = []
    for since in ("1h", "24h"):
        live.emu.requests.clear()
        code, out, _ = cli("triage", "--workspace-id", WS, "--since", since, *live.args("-f", "json"))
        assert code == 0
        sizes.append(
            (
                json.loads(out)["totals"]["legs"],
                sum(r.response_bytes for r in live.emu.requests),
                len(live.emu.requests),
            )
        )
    (few_legs, _, req_a), (many_legs, big_bytes, req_b) = sizes
    assert req_a == req_b == 4
    assert many_legs > 10 * max(few_legs, 1)
    assert big_bytes < 40_000  # ~6,000 legs: the naive download would be megabytes


def test_phone_numbers_are_masked_unless_asked(live: Live, cli: CliRunner) -> None:
    for fmt in ("json", "table", "csv", "markdown"):
        code, out, _ = cli("triage", "--workspace-id", WS, *live.args("-f", fmt))
        assert code == 0
        assert_numbers_hidden(out, raw_numbers(*live.df["Identifier"]))
    code, out, _ = cli("triage", "--workspace-id", WS, "--show-pii", *live.args("-f", "json"))
    identifiers = [i for f in json.loads(out)["findings"] for i in f["example_identifiers"]]
    assert any(re.fullmatch(r"4:\+\d{11}", i) for i in identifiers)


def test_resource_centric_query(live: Live, cli: CliRunner) -> None:
    code, out, _ = cli("triage", "--resource-id", RESOURCE, *live.args("-f", "json"))
    assert code == 0
    assert live.emu.requests[0].path.lower().startswith("/v1" + RESOURCE.lower())
    start, end = _window(json.loads(out))
    assert json.loads(out)["totals"]["legs"] == expected_totals(live.df, start, end)["legs"]


def test_environment_variable_names_the_workspace(
    live: Live, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACS_TRIAGE_WORKSPACE_ID", WS)
    code, _, _ = cli("triage", *live.args("-f", "json"))
    assert code == 0 and f"/v1/workspaces/{WS}/query" in live.emu.requests[0].path


def test_call_drill_down(live: Live, cli: CliRunner) -> None:
    pstn = live.df[
        (live.df["EndpointType"].str.lower() == "pstn") & (live.df["ParticipantEndSubCode"] == "560403")
    ]
    correlation = str(pstn.iloc[0]["CorrelationId"])
    code, out, _ = cli("call", correlation, "--workspace-id", WS, *live.args("-f", "json"))
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "acs-triage/call/v1"
    assert len(doc["legs"]) == int((live.df["CorrelationId"] == correlation).sum())
    failed = [leg for leg in doc["legs"] if leg["end_sub_code"] == "560403"]
    assert failed and failed[0]["documented"] and failed[0]["generated_by"] == "sbc-outbound"
    assert_numbers_hidden(out, raw_numbers(*live.df["Identifier"]))


# -- faults ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "kwargs", "exit_code", "needle"),
    [
        ("unauthorized", {}, ExitCode.AUTH_OR_CONFIG, "401"),
        ("forbidden", {}, ExitCode.AUTH_OR_CONFIG, "Log Analytics Reader"),
        ("bad_request", {}, ExitCode.QUERY, "rejected"),
        ("throttled", {}, ExitCode.QUERY, "throttled"),
        ("throttled", {"retry_after": 3600}, ExitCode.QUERY, "throttled"),
        ("server_error", {}, ExitCode.QUERY, "500"),
        ("bad_gateway", {}, ExitCode.QUERY, "502"),
        ("unavailable", {}, ExitCode.QUERY, "503"),
        ("gateway_timeout", {}, ExitCode.QUERY, "timed out"),
        ("malformed", {}, ExitCode.QUERY, "malformed"),
        ("drop", {}, ExitCode.QUERY, "no complete answer"),
    ],
)
def test_fault_gives_one_line_and_exit_code(
    live: Live,
    cli: CliRunner,
    fault: str,
    kwargs: dict[str, object],
    exit_code: int,
    needle: str,
) -> None:
    live.emu.inject(fault, times=10, **kwargs)
    code, out, err = cli("triage", "--workspace-id", WS, "--retries", "1", *live.args())
    assert code == exit_code, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("acs-triage: error:"), err
    assert needle in err


def test_retries_are_bounded(live: Live, cli: CliRunner) -> None:
    live.emu.inject("unavailable", times=50)
    code, _, _ = cli("triage", "--workspace-id", WS, "--retries", "2", *live.args())
    assert code == ExitCode.QUERY
    assert len(live.emu.requests) == 3  # first attempt + 2 retries, then it stops


@pytest.mark.parametrize(
    ("fault", "kwargs"),
    [
        ("throttled", {"retry_after": 1}),
        ("throttled", {}),
        ("unavailable", {}),
        ("bad_gateway", {}),
        ("gateway_timeout", {}),
    ],
)
def test_transient_faults_are_retried(
    live: Live, cli: CliRunner, fault: str, kwargs: dict[str, object]
) -> None:
    live.emu.inject(fault, times=1, **kwargs)
    code, out, err = cli("triage", "--workspace-id", WS, *live.args("-f", "json"))
    assert code == ExitCode.OK, err
    assert json.loads(out)["totals"]["legs"] > 0
    assert len(live.emu.requests) == 5  # four queries, one of them retried once


def test_timeout(live: Live, cli: CliRunner) -> None:
    live.emu.inject("delay", times=5, seconds=8)
    code, _, err = cli(
        "triage",
        "--workspace-id",
        WS,
        "--endpoint",
        live.emu.url,
        "--auth",
        "cli",
        "--timeout",
        "5",
        "--retries",
        "0",
    )
    assert code == ExitCode.QUERY and err.count("\n") == 1


def test_workspace_not_found(live: Live, cli: CliRunner) -> None:
    code, _, err = cli("triage", "--workspace-id", "99999999-9999-4999-8999-999999999999", *live.args())
    assert code == ExitCode.AUTH_OR_CONFIG and "not found" in err


def test_no_credential(live: Live, cli: CliRunner) -> None:
    install_fake_az(live.bin_dir, token=TOKEN, mode="not_logged_in")
    code, _, err = cli("triage", "--workspace-id", WS, *live.args())
    assert code == ExitCode.AUTH_OR_CONFIG
    assert (
        err.count("\n") == 1 and "AzureCliCredential" in err and "not signed in" in err and "az login" in err
    )


def test_connection_refused(live: Live, cli: CliRunner) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = cli(
        "triage",
        "--workspace-id",
        WS,
        "--endpoint",
        f"https://127.0.0.1:{port}",
        "--auth",
        "cli",
        "--retries",
        "0",
        "--timeout",
        "10",
    )
    assert code == ExitCode.QUERY and "cannot reach" in err


def test_plain_http_endpoint_is_refused(cli: CliRunner) -> None:
    code, _, err = cli("triage", "--workspace-id", WS, "--endpoint", "http://127.0.0.1:9", "--auth", "cli")
    assert code == ExitCode.AUTH_OR_CONFIG and "https" in err


def test_empty_workspace_204(live: Live, cli: CliRunner) -> None:
    live.emu.inject("no_content", times=3)
    code, out, _ = cli("triage", "--workspace-id", WS, *live.args("-f", "json"))
    assert code == ExitCode.OK
    doc = json.loads(out)
    assert doc["totals"]["legs"] == 0 and doc["findings"] == []


def test_partial_results_are_labelled(live: Live, cli: CliRunner) -> None:
    live.emu.inject("partial", times=3, keep_rows=2)
    code, out, err = cli("triage", "--workspace-id", WS, *live.args("-f", "json"))
    assert code == ExitCode.PARTIAL
    doc = json.loads(out)
    assert doc["partial"] is True and doc["warnings"]
    jsonschema.validate(doc, REPORT_SCHEMA)
    assert "partial" in err
    live.emu.inject("partial", times=3)
    code, out, _ = cli("triage", "--workspace-id", WS, *live.args())
    assert code == ExitCode.PARTIAL and "PARTIAL DATA" in out


def test_additional_workspace_is_sent(live: Live, cli: CliRunner) -> None:
    code, _, _ = cli(
        "triage", "--workspace-id", WS, "--additional-workspace", OTHER_WS, *live.args("-f", "json")
    )
    assert code == 0
    assert live.emu.requests[0].workspaces == [OTHER_WS]


def test_no_token_in_logs_at_any_verbosity(live: Live, cli: CliRunner) -> None:
    for verbosity in ([], ["-v"], ["-vv"], ["-vvv"]):
        code, _, err = cli(*verbosity, "triage", "--workspace-id", WS, *live.args("-f", "json"))
        assert code == 0
        if verbosity == ["-vv"]:
            assert "Authorization" in err and "REDACTED" in err  # the header is logged, redacted
    live.emu.inject("unauthorized")
    code, _, err = cli("-vv", "triage", "--workspace-id", WS, "--retries", "0", *live.args())
    assert code == ExitCode.AUTH_OR_CONFIG


def test_legs_detail_is_capped_and_says_so(live: Live, cli: CliRunner) -> None:
    day = ("--start", (live.now - timedelta(hours=24)).isoformat(), "--end", live.now.isoformat())
    code, out, err = cli("legs", "--workspace-id", WS, "--max-rows", "7", *day, *live.args("-f", "json"))
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "acs-triage/legs/v1"
    assert len(doc["legs"]) == 7 and doc["capped"] is True and "capped" not in err
    times = [leg["time_generated"] for leg in doc["legs"]]
    assert times == sorted(times, reverse=True)
    assert_numbers_hidden(out, raw_numbers(*live.df["Identifier"]))
    # MatchingLegs counts what an uncapped query returns
    code, out, _ = cli("legs", "--workspace-id", WS, "--max-rows", "100000", *day, *live.args("-f", "json"))
    everything = json.loads(out)
    assert everything["capped"] is False and len(everything["legs"]) == doc["matched_legs"] > 7
    code, text, _ = cli("legs", "--workspace-id", WS, "--max-rows", "7", *day, *live.args())
    assert f"showing the newest 7 of {doc['matched_legs']} failed PSTN legs" in " ".join(text.split())


def test_legs_filter_matches_the_dataset(live: Live, cli: CliRunner) -> None:
    code, out, _ = cli(
        "legs",
        "--workspace-id",
        WS,
        "--end-reason",
        "403",
        "--sub-code",
        "560403",
        "--since",
        "24h",
        *live.args("-f", "json"),
    )
    assert code == 0
    doc = json.loads(out)
    assert not doc["capped"]
    start = live.now - timedelta(hours=24)
    truth = expected_pstn_pairs(live.df, start, live.now + timedelta(minutes=5))
    assert len(doc["legs"]) == truth[("403", "560403")]["legs"]
    assert {(leg["end_reason"], leg["end_sub_code"]) for leg in doc["legs"]} == {("403", "560403")}


def _run_kql(emu: LogAnalyticsEmulator, text: str, workspace: str = WS) -> list[dict[str, object]]:
    from azure.identity import AzureCliCredential
    from azure.monitor.query import LogsQueryClient

    client = LogsQueryClient(AzureCliCredential(), endpoint=emu.url, connection_verify=emu.ca_path)
    result = client.query_workspace(workspace, text, timespan=None)
    table = result.tables[0]
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_annotated_query_explains_rows_inside_the_workspace(live: Live, cli: CliRunner) -> None:
    """`kql show --annotated` output, run as is, annotates like the Python catalog does."""
    from acs_triage.catalog.loader import load_catalog

    code, text, _ = cli("kql", "show", "pstn-failures-by-pair", "--annotated", "--since", "24h")
    assert code == 0
    rows = _run_kql(live.emu, text)
    catalog = load_catalog()
    assert rows
    for row in rows:
        explanation = catalog.explain(row["ParticipantEndReason"], row["ParticipantEndSubCode"])
        assert row["Title"] == explanation.title, row
        assert row["Documented"] == explanation.documented, row
        assert row["MatchLevel"] == explanation.level.value, row
        assert row["GeneratedBy"] == explanation.generated_by, row
    assert {row["MatchLevel"] for row in rows} >= {"pair", "code"}


def test_per_number_breakdown_is_masked_by_default(
    dataset: tuple[pd.DataFrame, datetime],
    fake_az: Path,
    cli: CliRunner,
) -> None:
    from tests.emulator import generate_billing_usage

    df, now = dataset
    tables = {"ACSCallSummary": df, "ACSBillingUsage": generate_billing_usage(df)}
    with serve(tables, workspaces={WS}, now=now) as emu:
        for show, masked in (("false", True), ("true", False)):
            code, text, _ = cli(
                "kql", "show", "pstn-failures-by-number", "--since", "24h", "-p", f"show_numbers={show}"
            )
            assert code == 0
            rows = _run_kql(emu, text)
            shown = " ".join(str(r["NumberA"]) + " " + str(r["NumberB"]) for r in rows)
            assert rows and sum(int(r["FailedLegs"]) for r in rows) > 0
            if masked:
                assert_numbers_hidden(shown, raw_numbers(*df["Identifier"]))
            else:
                assert raw_numbers(shown) & raw_numbers(*df["Identifier"])


def test_retries_are_bounded_in_total_time(live: Live, cli: CliRunner) -> None:
    """With Retry-After: 2 and 10 retries allowed, a 5 s budget stops after a few attempts."""
    live.emu.inject("unavailable", times=50, retry_after=2)
    code, _, err = cli(
        "triage",
        "--workspace-id",
        WS,
        "--endpoint",
        live.emu.url,
        "--auth",
        "cli",
        "--retries",
        "10",
        "--timeout",
        "5",
    )
    assert code == ExitCode.QUERY and err.count("\n") == 1
    assert 2 <= len(live.emu.requests) <= 4


ODD_PAIRS = [
    ("4ab", "x"),
    ("", ""),
    ("abc", "56040a"),
    ("699", "1"),
    ("486", "560484"),
    ("497", "560487"),
    ("0", "5000"),
    ("480", "10076"),
    ("502", "560502"),
    ("200", "0"),
    ("2", "0"),
    ("00", "0"),
    ("500", "511404"),  # a documented sub-code under another end reason
    ("0", "560403"),  # normal end reason, failure sub-code: no sub-code match
]


def test_kql_and_python_agree_on_every_rule(
    dataset: tuple[pd.DataFrame, datetime],
    fake_az: Path,
    cli: CliRunner,
) -> None:
    """The failure rule, the catalog lookup levels, the SIP class and the origin rule,
    executed as KQL in the emulator, give what the Python catalog gives."""
    from acs_triage.catalog.loader import load_catalog
    from acs_triage.codes import is_failure_end

    df, now = dataset
    odd = df[df["EndpointType"].str.lower() == "pstn"].head(len(ODD_PAIRS)).copy()
    odd["ParticipantEndReason"] = [r for r, _ in ODD_PAIRS]
    odd["ParticipantEndSubCode"] = [s for _, s in ODD_PAIRS]
    data = pd.concat([df, odd], ignore_index=True)
    catalog = load_catalog()
    with serve({"ACSCallSummary": data}, workspaces={WS}, now=now) as emu:
        code, text, _ = cli(
            "kql",
            "show",
            "pstn-failures-by-pair",
            "--annotated",
            "--since",
            "2d",
            "-p",
            "include_normal=true",
        )
        assert code == 0
        rows = _run_kql(emu, text)
        seen = {(r["ParticipantEndReason"], r["ParticipantEndSubCode"]) for r in rows}
        assert set(ODD_PAIRS) <= seen
        for row in rows:
            reason, sub = row["ParticipantEndReason"], row["ParticipantEndSubCode"]
            explanation = catalog.explain(reason, sub)
            assert (row["MatchLevel"], row["Title"], row["GeneratedBy"], row["Documented"]) == (
                explanation.level.value,
                explanation.title,
                explanation.generated_by,
                explanation.documented,
            ), (reason, sub)
        # The failure rule: the pairs query without include_normal lists exactly the failures.
        code, text, _ = cli("kql", "show", "pstn-failures-by-pair", "--since", "2d")
        failing = {(r["ParticipantEndReason"], r["ParticipantEndSubCode"]) for r in _run_kql(emu, text)}
        assert failing == {pair for pair in seen if is_failure_end(pair[0])}
        assert ("", "") in failing and ("00", "0") in failing and ("200", "0") not in failing
