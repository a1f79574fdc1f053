"""The Log Analytics emulator, driven through the REAL azure-monitor-query client.

Every query goes ``LogsQueryClient(AzureCliCredential(), endpoint=emu.url,
connection_verify=emu.ca_path)`` -> azure-core pipeline -> fake ``az`` for the
token -> HTTPS on 127.0.0.1 -> duckdb-kql, so what these tests pin is what the
CLI will see in production (modulo the fidelity notes in tests/emulator/README.md).
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.identity import AzureCliCredential, CredentialUnavailableError
from azure.monitor.query import (
    LogsBatchQuery,
    LogsQueryClient,
    LogsQueryPartialResult,
    LogsQueryResult,
    LogsQueryStatus,
)

from tests.emulator import (
    CALL_SUMMARY_COLUMNS,
    DEFAULT_PSTN_FAILURE_MIX,
    UNDOCUMENTED_PSTN_PAIRS,
    LogAnalyticsEmulator,
    expected_pstn_pairs,
    expected_totals,
    generate_billing_usage,
    generate_call_summary,
    parse_timespan,
    read_az_calls,
)
from tests.emulator.kql_compat import inline_scalar_lets
from tests.helpers import TOKEN, put_fake_az_on_path

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
WS = "aaaaaaaa-1111-2222-3333-444444444444"
WS2 = "bbbbbbbb-1111-2222-3333-444444444444"
RES_A = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs1"
RES_B = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs2"

PAIRS_QUERY = """ACSCallSummary
| where EndpointType =~ "pstn"
| summarize Legs = count(), Calls = dcount(CorrelationId) by ParticipantEndReason, ParticipantEndSubCode
| order by Legs desc"""


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    df_a = generate_call_summary(3000, seed=7, now=NOW, resource_id=RES_A)
    df_b = generate_call_summary(500, seed=8, now=NOW, resource_id=RES_B.lower())
    return pd.concat([df_a, df_b], ignore_index=True)


@pytest.fixture(scope="module")
def emu(calls):
    tables = {"ACSCallSummary": calls, "ACSBillingUsage": generate_billing_usage(calls)}
    with LogAnalyticsEmulator(tables, workspaces={WS}, now=NOW, token=TOKEN) as e:
        yield e


@pytest.fixture(autouse=True)
def _clean(request):
    """Each test starts with no queued faults and an empty request log."""
    if "emu" in request.fixturenames:
        e = request.getfixturevalue("emu")
        e.clear_faults()
        e.requests.clear()
    yield


@pytest.fixture
def az_bin(fake_az, monkeypatch) -> Path:
    """A fake `az` (returning TOKEN) first on PATH; no CA bundle from the environment
    (these tests pass ``connection_verify`` themselves)."""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    return fake_az


def client_for(e: LogAnalyticsEmulator, **kw) -> LogsQueryClient:
    kw.setdefault("connection_verify", e.ca_path)
    return LogsQueryClient(AzureCliCredential(), endpoint=e.url, **kw)


def rows_as_pairs(table) -> dict:
    return {
        (r["ParticipantEndReason"], r["ParticipantEndSubCode"]): {"legs": r["Legs"], "calls": r["Calls"]}
        for r in table.rows
    }


# ---------------------------------------------------------------------------
# query results through the real client
# ---------------------------------------------------------------------------


def test_summarize_matches_ground_truth(emu, calls, az_bin):
    client = client_for(emu)
    result = client.query_workspace(WS, PAIRS_QUERY, timespan=timedelta(hours=6))
    assert isinstance(result, LogsQueryResult) and result.status == LogsQueryStatus.SUCCESS
    table = result.tables[0]
    assert table.name == "PrimaryResult"
    assert table.columns == ["ParticipantEndReason", "ParticipantEndSubCode", "Legs", "Calls"]
    assert table.columns_types == ["string", "string", "long", "long"]
    expected = expected_pstn_pairs(calls, NOW - timedelta(hours=6), NOW)
    assert rows_as_pairs(table) == expected
    assert [r["Legs"] for r in table.rows] == sorted((v["legs"] for v in expected.values()), reverse=True)
    # the request the SDK sent, as recorded
    rec = emu.requests[-1]
    assert rec.method == "POST" and rec.path == f"/v1/workspaces/{WS}/query"
    assert rec.timespan == "PT21600.0S" and rec.workspaces is None
    assert rec.has_bearer and rec.status == 200 and rec.response_bytes > 0
    assert rec.prefer == ""  # the SDK sends an empty Prefer header
    assert TOKEN not in repr(emu.requests)
    # AzureCliCredential asked the fake az for the emulator's own audience
    assert read_az_calls(az_bin)[0] == [
        "account",
        "get-access-token",
        "--output",
        "json",
        "--resource",
        emu.url,
    ]


@pytest.mark.parametrize(
    "timespan, start, end, wire",
    [
        (None, None, None, None),
        (timedelta(days=1), NOW - timedelta(days=1), NOW, "PT86400.0S"),
        (
            (NOW - timedelta(hours=10), NOW - timedelta(hours=4)),
            NOW - timedelta(hours=10),
            NOW - timedelta(hours=4),
            "2026-01-15T02:00:00.000Z/2026-01-15T08:00:00.000Z",
        ),
        (
            (NOW - timedelta(hours=20), timedelta(hours=3)),
            NOW - timedelta(hours=20),
            NOW - timedelta(hours=17),
            "2026-01-14T16:00:00.000Z/PT10800.0S",
        ),
    ],
    ids=["none", "duration", "start-end", "start-duration"],
)
def test_timespan_is_applied(emu, calls, az_bin, timespan, start, end, wire):
    client = client_for(emu)
    q = "ACSCallSummary | summarize Legs = count(), Calls = dcount(CorrelationId)"
    row = client.query_workspace(WS, q, timespan=timespan).tables[0].rows[0]
    assert {"legs": row["Legs"], "calls": row["Calls"]} == expected_totals(calls, start, end, pstn_only=False)
    assert emu.requests[-1].timespan == wire
    pstn = client.query_workspace(WS, PAIRS_QUERY, timespan=timespan).tables[0]
    assert rows_as_pairs(pstn) == expected_pstn_pairs(calls, start, end)


def test_ago_uses_the_emulator_clock(emu, calls, az_bin):
    q = "ACSCallSummary | where TimeGenerated > ago(2h) | count"
    n = client_for(emu).query_workspace(WS, q, timespan=None).tables[0].rows[0][0]
    assert n == int((calls["TimeGenerated"] > pd.Timestamp(NOW - timedelta(hours=2))).sum())


def test_resource_centric_query_filters_on_resource_id(emu, calls, az_bin):
    client = client_for(emu)
    q = "ACSCallSummary | summarize Legs = count(), Calls = dcount(CorrelationId)"
    # path case differs from the stored _ResourceId case on purpose
    row = client.query_resource(RES_B, q, timespan=None).tables[0].rows[0]
    only_b = calls[calls["_ResourceId"].str.lower() == RES_B.lower()]
    assert {"legs": row["Legs"], "calls": row["Calls"]} == expected_totals(
        only_b, None, None, pstn_only=False
    )
    assert emu.requests[-1].path.lower() == f"/v1{RES_B}/query".lower()
    pairs = client.query_resource(RES_A.upper(), PAIRS_QUERY, timespan=timedelta(hours=12)).tables[0]
    only_a = calls[calls["_ResourceId"] == RES_A]
    assert rows_as_pairs(pairs) == expected_pstn_pairs(only_a, NOW - timedelta(hours=12), NOW)


def test_resource_map_and_unknown_resource(calls, az_bin):
    tables = {"ACSCallSummary": calls}
    with LogAnalyticsEmulator(
        tables, workspaces={WS}, now=NOW, token=TOKEN, resources={"/subscriptions/x/rg/acs-alias": RES_A}
    ) as e:
        client = client_for(e)
        n = client.query_resource("/subscriptions/x/rg/acs-alias", "ACSCallSummary | count", timespan=None)
        assert n.tables[0].rows[0][0] == int((calls["_ResourceId"] == RES_A).sum())
        with pytest.raises(HttpResponseError) as err:
            client.query_resource(RES_B, "ACSCallSummary | count", timespan=None)
        assert err.value.status_code == 404 and err.value.error.code == "PathNotFoundError"


def test_additional_workspaces_union_their_data(az_bin):
    d1 = generate_call_summary(300, seed=1, now=NOW)
    d2 = generate_call_summary(200, seed=2, now=NOW)
    tables = {WS: {"ACSCallSummary": d1}, WS2.upper(): {"ACSCallSummary": d2}}
    with LogAnalyticsEmulator(tables, workspaces={WS, WS2}, now=NOW, token=TOKEN) as e:
        client = client_for(e)
        count = "ACSCallSummary | count"
        assert client.query_workspace(WS, count, timespan=None).tables[0].rows[0][0] == 300
        assert client.query_workspace(WS2, count, timespan=None).tables[0].rows[0][0] == 200
        both = client.query_workspace(WS, count, timespan=None, additional_workspaces=[WS2])
        assert both.tables[0].rows[0][0] == 500
        assert e.requests[-1].workspaces == [WS2]
        with pytest.raises(HttpResponseError) as err:
            client.query_workspace("cccccccc-0000-0000-0000-000000000000", count, timespan=None)
        assert err.value.status_code == 404 and err.value.error.code == "PathNotFoundError"


def test_shared_tables_are_not_duplicated_across_workspaces(calls, az_bin):
    with LogAnalyticsEmulator({"ACSCallSummary": calls}, workspaces={WS, WS2}, now=NOW, token=TOKEN) as e:
        r = client_for(e).query_workspace(
            WS, "ACSCallSummary | count", timespan=None, additional_workspaces=[WS2]
        )
        assert r.tables[0].rows[0][0] == len(calls)


def test_column_types_and_wire_values(emu, az_bin):
    q = """ACSCallSummary
| where TimeGenerated > ago(1d) and EndpointType =~ 'pstn'
| top 1 by TimeGenerated desc
| project TimeGenerated, CallDuration, ParticipantEndReason, TPE, _BilledSize,
          Dur = ParticipantDuration * 1s, Code = toint(ParticipantEndReason), Ratio = 0.5"""
    t = client_for(emu).query_workspace(WS, q, timespan=None).tables[0]
    assert t.columns_types == ["datetime", "long", "string", "bool", "real", "timespan", "int", "real"]
    row = t.rows[0]
    assert row["TimeGenerated"].tzinfo is not None and row["TimeGenerated"] < NOW
    assert isinstance(row["CallDuration"], int) and isinstance(row["ParticipantEndReason"], str)
    assert isinstance(row["TPE"], bool) and isinstance(row["_BilledSize"], float)
    assert isinstance(row["Dur"], str) and row["Dur"].count(":") == 2  # .NET "c" format, e.g. 00:01:05
    assert row["Code"] == int(row["ParticipantEndReason"]) and row["Ratio"] == 0.5


def test_make_set_is_dynamic_json_text_and_capped(emu, calls, az_bin):
    q = """ACSCallSummary
| where EndpointType =~ 'pstn'
| summarize Reasons = make_set(ParticipantEndReason), Few = make_set(CorrelationId, 3),
            Last = make_list(ParticipantEndSubCode, 2), Legs = count()
| extend NFew = array_length(Few)"""
    t = client_for(emu).query_workspace(WS, q, timespan=None).tables[0]
    assert t.columns_types == ["dynamic", "dynamic", "dynamic", "long", "long"]
    row = t.rows[0]
    # Log Analytics sends dynamic cells as JSON text; the Python SDK passes them through.
    assert isinstance(row["Reasons"], str)
    reasons = json.loads(row["Reasons"])
    pstn = calls[calls["EndpointType"].str.lower() == "pstn"]
    assert sorted(reasons) == sorted(pstn["ParticipantEndReason"].unique())
    assert len(json.loads(row["Few"])) == 3 and row["NFew"] == 3  # cap applied before extend
    assert len(json.loads(row["Last"])) == 2


def test_dynamic_as_json_mode(calls, az_bin):
    with LogAnalyticsEmulator(
        {"ACSCallSummary": calls}, workspaces={WS}, now=NOW, token=TOKEN, dynamic_as="json"
    ) as e:
        q = (
            "ACSCallSummary | summarize S = make_set(EndpointType, 10),"
            " L = make_list_if(CallType, CallType == 'P2P', 2)"
        )
        row = client_for(e).query_workspace(WS, q, timespan=None).tables[0].rows[0]
        assert isinstance(row["S"], list) and sorted(row["S"]) == sorted(calls["EndpointType"].unique())
        assert row["L"] == ["P2P", "P2P"]


def test_let_scalar_take_and_sort_workarounds(emu, calls, az_bin):
    client = client_for(emu)
    q = "let _n = long(4);\nACSCallSummary | take _n"
    assert len(client.query_workspace(WS, q, timespan=None).tables[0].rows) == 4
    q = "let _top = 3; ACSCallSummary | top _top by TimeGenerated asc | project TimeGenerated"
    got = [r[0] for r in client.query_workspace(WS, q, timespan=None).tables[0].rows]
    want = sorted(calls["TimeGenerated"])[:3]
    assert [g.timestamp() for g in got] == pytest.approx([w.timestamp() for w in want], abs=1e-6)
    # duckdb-kql's substring sort bug ("Description asc" sorted DESC) is patched
    q = (
        "ACSCallSummary | summarize Description = count() by ParticipantEndReason "
        "| order by Description asc | project Description"
    )
    got = [r[0] for r in client.query_workspace(WS, q, timespan=None).tables[0].rows]
    assert got == sorted(got)


def test_join_with_billing_usage_gives_phone_numbers(emu, calls, az_bin):
    q = """ACSCallSummary
| where EndpointType =~ 'pstn' and ParticipantEndReason != '0'
| join kind=inner (ACSBillingUsage | where UsageType == 'PSTN'
    | project ParticipantId, CorrelationId, UserIdA, UserIdB)
    on CorrelationId, ParticipantId
| summarize Legs = count() by UserIdB
| top 3 by Legs desc"""
    t = client_for(emu).query_workspace(WS, q, timespan=None).tables[0]
    assert t.rows and all(r["UserIdB"].startswith("+") for r in t.rows)


def test_unsupported_kql_surfaces_as_400_bad_argument(emu, az_bin):
    q = "ACSCallSummary | summarize percentiles(CallDuration, 50, 95)"
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, q, timespan=None)
    assert err.value.status_code == 400
    assert err.value.error.code == "BadArgumentError"
    assert "duckdb-kql cannot run this query" in str(err.value)
    assert "duckdb-kql" in emu.requests[-1].error


@pytest.mark.parametrize(
    ("query", "operator"),
    [
        ("ACSCallSumary | count", "'count' operator: "),
        ("ACSCallAutomationIncomingOperations\n| where CorrelationId == 'x'", "'where' operator: "),
    ],
)
def test_unknown_table_is_400_semantic_error_sem0100(emu, az_bin, query, operator):
    """A table the workspace does not hold (no rows ever ingested): the service's
    400 BadArgumentError > SemanticError > SEM0100 naming the table."""
    table = "ACSCallSumary" if "Sumary" in query else "ACSCallAutomationIncomingOperations"
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, query, timespan=None)
    assert err.value.status_code == 400 and err.value.error.code == "BadArgumentError"
    inner = err.value.error.innererror
    assert (inner["code"], inner["message"]) == ("SemanticError", "A semantic error occurred.")
    assert inner["innererror"] == {
        "code": "SEM0100",
        "message": f"{operator}Failed to resolve table or column expression named '{table}'",
    }
    assert emu.requests[-1].error == inner["innererror"]["message"]


def test_unknown_column_is_not_reported_as_a_missing_table(emu, az_bin):
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | where NoSuchColumn == 1", timespan=None)
    assert err.value.status_code == 400
    assert "Failed to resolve table" not in str(err.value)


def test_statistics_and_render_prefer_options(emu, az_bin):
    r = client_for(emu).query_workspace(
        WS,
        "ACSCallSummary | summarize count() by bin(TimeGenerated, 1h) | render timechart",
        timespan=timedelta(hours=3),
        include_statistics=True,
        include_visualization=True,
        server_timeout=60,
    )
    assert r.statistics["query"]["executionTime"] >= 0
    assert r.visualization == {"visualization": "timechart"}
    assert emu.requests[-1].prefer == "wait=60,include-statistics=true,include-render=true"


def test_batch(emu, calls, az_bin):
    q = [
        LogsBatchQuery(WS, "ACSCallSummary | count", timespan=None),
        LogsBatchQuery(WS, "ACSCallSumary | count", timespan=None),
    ]
    ok, bad = client_for(emu).query_batch(q)
    assert ok.tables[0].rows[0][0] == len(calls)
    assert bad.status == LogsQueryStatus.FAILURE and bad.code == "BadArgumentError"


def test_result_row_limit_becomes_partial_error(calls, az_bin):
    with LogAnalyticsEmulator(
        {"ACSCallSummary": calls}, workspaces={WS}, now=NOW, token=TOKEN, max_rows=10
    ) as e:
        r = client_for(e).query_workspace(WS, "ACSCallSummary | project CorrelationId", timespan=None)
        assert isinstance(r, LogsQueryPartialResult)
        assert len(r.partial_data[0].rows) == 10
        assert r.partial_error.code == "PartialError"
        assert "E_QUERY_RESULT_SET_TOO_LARGE" in str(r.partial_error.details)


# ---------------------------------------------------------------------------
# auth
# ---------------------------------------------------------------------------


def test_wrong_token_is_401(emu, tmp_path, monkeypatch):
    put_fake_az_on_path(tmp_path / "bin", monkeypatch, token="some-other-token")
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.status_code == 401 and err.value.error.code == "InvalidAuthenticationToken"
    assert len(emu.requests) == 1 and emu.requests[0].has_bearer


def test_missing_bearer_is_401(emu):
    resp = requests.post(
        f"{emu.url}/v1/workspaces/{WS}/query",
        json={"query": "ACSCallSummary | count"},
        verify=emu.ca_path,
        timeout=10,
    )
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "AuthenticationFailed"
    assert emu.requests[-1].has_bearer is False


def test_get_form_of_the_api(emu, calls):
    resp = requests.get(
        f"{emu.url}/v1/workspaces/{WS}/query",
        params={"query": "ACSCallSummary | count", "timespan": "PT1H"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        verify=emu.ca_path,
        timeout=10,
    )
    assert resp.status_code == 200
    assert (
        resp.json()["tables"][0]["rows"][0][0]
        == expected_totals(calls, NOW - timedelta(hours=1), NOW, pstn_only=False)["legs"]
    )


def test_fake_az_not_logged_in(emu, tmp_path, monkeypatch):
    put_fake_az_on_path(tmp_path / "bin", monkeypatch, mode="not_logged_in")
    # Finding: LogsQueryClient.query_* catch every HttpResponseError (credential
    # errors are ClientAuthenticationError, a subclass) and re-raise a *plain*
    # HttpResponseError with status_code None; the original is __context__.
    with pytest.raises(HttpResponseError, match="az login") as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert type(err.value) is HttpResponseError and err.value.status_code is None
    assert isinstance(err.value.__context__, CredentialUnavailableError)
    assert emu.requests == []  # never reached the service


@pytest.mark.parametrize(
    "mode, exc", [("aadsts_error", ClientAuthenticationError), ("bad_json", ClientAuthenticationError)]
)
def test_fake_az_failures(emu, tmp_path, monkeypatch, mode, exc):
    put_fake_az_on_path(tmp_path / "bin", monkeypatch, mode=mode)
    with pytest.raises(exc) as err:
        AzureCliCredential().get_token("https://api.loganalytics.io/.default")
    assert not isinstance(err.value, CredentialUnavailableError)


def test_fake_az_legacy_output_and_scope_form(tmp_path, monkeypatch):
    import subprocess

    bin_dir = put_fake_az_on_path(tmp_path / "bin", monkeypatch, mode="ok_legacy")
    tok = AzureCliCredential().get_token("https://api.loganalytics.io/.default")
    assert tok.token == TOKEN and tok.expires_on > time.time() + 3000
    out = json.loads(
        subprocess.check_output(
            [
                str(bin_dir / "az"),
                "account",
                "get-access-token",
                "--output",
                "json",
                "--scope",
                "https://api.loganalytics.io/.default",
            ]
        )
    )
    assert out["accessToken"] == TOKEN and out["tokenType"] == "Bearer"
    assert read_az_calls(bin_dir)[-1][-2:] == ["--scope", "https://api.loganalytics.io/.default"]


# ---------------------------------------------------------------------------
# faults -> what the SDK does with them
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault, status, code",
    [
        ("unauthorized", 401, "AuthenticationFailed"),
        ("forbidden", 403, "InsufficientAccessError"),
        ("not_found", 404, "PathNotFoundError"),
        ("bad_request", 400, "BadArgumentError"),
        ("throttled", 429, "ThrottledError"),  # no Retry-After -> not retried
        ("bad_gateway", 502, "BadGateway"),  # 502 is not in azure-core's POST retry list
    ],
)
def test_non_retried_error_faults(emu, az_bin, fault, status, code):
    emu.inject(fault)
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.status_code == status and err.value.error.code == code
    assert len(emu.requests) == 1 and emu.requests[0].fault == fault and emu.requests[0].status == status


def test_bad_request_message_is_the_innermost_error(emu, az_bin):
    emu.inject("bad_request", message="Query could not be parsed at '|' on line [2,1]")
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.error.code == "BadArgumentError"
    assert "Query could not be parsed at '|'" in str(err.value)


@pytest.mark.parametrize(
    "fault, status", [("server_error", 500), ("unavailable", 503), ("gateway_timeout", 504)]
)
def test_500_503_504_are_retried_by_the_sdk(emu, az_bin, fault, status):
    emu.inject(fault)
    r = client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert r.status == LogsQueryStatus.SUCCESS
    assert [q.status for q in emu.requests] == [status, 200]
    emu.inject(fault)
    with pytest.raises(HttpResponseError) as err:
        client_for(emu, retry_total=0).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.status_code == status


def test_429_with_retry_after_is_retried(emu, az_bin):
    emu.inject("throttled", retry_after=1)
    t0 = time.monotonic()
    r = client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert r.status == LogsQueryStatus.SUCCESS
    assert time.monotonic() - t0 >= 0.9  # honoured the header
    assert [q.status for q in emu.requests] == [429, 200]


def test_any_error_with_retry_after_is_retried(emu, az_bin):
    """azure-core retries every status >= 400 that carries Retry-After (even on POST)."""
    emu.inject("bad_gateway", retry_after=0.2)
    r = client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert r.status == LogsQueryStatus.SUCCESS
    assert [q.status for q in emu.requests] == [502, 200]


def test_429_without_retry_after_is_not_retried(emu, az_bin):
    emu.inject("throttled", times=2)
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.status_code == 429
    assert len(emu.requests) == 1 and emu.pending_faults == ["throttled"]


def test_204_no_content_is_a_json_decode_error(emu, az_bin):
    emu.inject("no_content")
    with pytest.raises(json.JSONDecodeError):
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert emu.requests[-1].status == 204 and emu.requests[-1].response_bytes == 0


def test_malformed_200_is_an_http_response_error(emu, az_bin):
    emu.inject("malformed")
    with pytest.raises(HttpResponseError) as err:
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert err.value.status_code == 200 and "JSON is invalid" in str(err.value)


def test_partial_result(emu, az_bin):
    emu.inject("partial", keep_rows=2)
    r = client_for(emu).query_workspace(WS, "ACSCallSummary | take 5 | project CorrelationId", timespan=None)
    assert isinstance(r, LogsQueryPartialResult) and r.status == LogsQueryStatus.PARTIAL
    assert len(r.partial_data[0].rows) == 2
    assert r.partial_error.code == "PartialError"


def test_dropped_connection_is_a_service_response_error(emu, az_bin):
    emu.inject("drop")
    with pytest.raises(ServiceResponseError):
        client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert len(emu.requests) == 1 and emu.requests[0].status is None  # POST: not retried


def test_delay_triggers_the_client_read_timeout(emu, az_bin):
    emu.inject("delay", seconds=3)
    # An answer would arrive after 3 s and succeed: the error can only be the 0.5 s read timeout.
    with pytest.raises(ServiceResponseError):  # ServiceResponseTimeoutError
        client_for(emu, read_timeout=0.5).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert len(emu.requests) == 1  # a POST read timeout is not retried


def test_delay_shorter_than_timeout_answers_normally(emu, az_bin):
    emu.inject("delay", seconds=0.3)
    r = client_for(emu).query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert r.status == LogsQueryStatus.SUCCESS and emu.requests[-1].fault == "delay"


def test_inject_validates_arguments(emu):
    with pytest.raises(ValueError):
        emu.inject("teapot")
    with pytest.raises(TypeError):
        emu.inject("throttled", seconds=1)
    with pytest.raises(TypeError):
        emu.inject("delay")


# ---------------------------------------------------------------------------
# CA trust: connection_verify vs REQUESTS_CA_BUNDLE
# ---------------------------------------------------------------------------


def test_untrusted_certificate_is_refused(emu, az_bin):
    client = LogsQueryClient(AzureCliCredential(), endpoint=emu.url)
    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        client.query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert emu.requests == []


def test_requests_ca_bundle_env_is_honoured(emu, az_bin, monkeypatch):
    """Finding: azure-core's RequestsTransport uses requests with trust_env, so
    REQUESTS_CA_BUNDLE works as well as connection_verify (SSL_CERT_FILE does not)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_path)
    client = LogsQueryClient(AzureCliCredential(), endpoint=emu.url)
    r = client.query_workspace(WS, "ACSCallSummary | count", timespan=None)
    assert r.status == LogsQueryStatus.SUCCESS


def test_ssl_cert_file_env_is_not_honoured(emu, az_bin, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", emu.ca_path)
    client = LogsQueryClient(AzureCliCredential(), endpoint=emu.url)
    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        client.query_workspace(WS, "ACSCallSummary | count", timespan=None)


# ---------------------------------------------------------------------------
# dataset + helpers
# ---------------------------------------------------------------------------


def test_generated_call_summary_shape(calls):
    df = generate_call_summary(20_000, seed=11, now=NOW)
    assert list(df.columns) == list(CALL_SUMMARY_COLUMNS) and len(df.columns) == 33
    assert len(df) == 20_000
    for col, kind in CALL_SUMMARY_COLUMNS.items():
        dtype = df[col].dtype
        if kind == "string":
            assert pd.api.types.is_string_dtype(dtype), col
        elif kind == "long":
            assert dtype == "int64", col
        elif kind == "real":
            assert dtype == "float64", col
        elif kind == "bool":
            assert dtype == np.dtype(bool), col
        elif kind == "datetime":
            assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC", col
    assert df["TimeGenerated"].min() >= pd.Timestamp(NOW - timedelta(hours=24))
    assert df["TimeGenerated"].max() < pd.Timestamp(NOW)
    assert {"PSTN", "pstn", "VoIP", "Server", "BOT"} <= set(df["EndpointType"])
    pstn = df[df["EndpointType"].str.lower() == "pstn"]
    assert 0.55 < len(pstn) / len(df) < 0.65
    assert pstn["Identifier"].str.fullmatch(r"4:\+1\d{10}").all()
    assert set(DEFAULT_PSTN_FAILURE_MIX) == set(
        zip(pstn["ParticipantEndReason"], pstn["ParticipantEndSubCode"], strict=True)
    )
    assert set(DEFAULT_PSTN_FAILURE_MIX) >= UNDOCUMENTED_PSTN_PAIRS
    assert (df.groupby("CorrelationId").size() > 1).mean() > 0.8
    assert df["EndpointId"][df["EndpointType"] == "Server"].isna().all()
    assert df.equals(generate_call_summary(20_000, seed=11, now=NOW))  # deterministic


def test_custom_failure_mix_and_ground_truth():
    mix = {("0", "560000"): 3.0, ("503", "560503"): 1.0}
    df = generate_call_summary(4000, seed=5, now=NOW, pstn_share=1.0, failure_mix=mix)
    exp = expected_pstn_pairs(df, None, None)
    assert set(exp) == set(mix)
    assert sum(v["legs"] for v in exp.values()) == expected_totals(df, None, None)["legs"] == 4000
    assert 0.2 < exp[("503", "560503")]["legs"] / 4000 < 0.3


def test_billing_usage(calls):
    bill = generate_billing_usage(calls)
    assert {
        "CorrelationId",
        "ParticipantId",
        "RecordId",
        "UsageType",
        "UnitType",
        "UserIdA",
        "UserIdB",
        "StartTime",
        "EndTime",
        "Quantity",
        "TimeGenerated",
        "_ResourceId",
        "TenantId",
        "Type",
    } <= set(bill.columns)
    pstn = bill[bill["UsageType"] == "PSTN"]
    assert len(pstn) == int((calls["EndpointType"].str.lower() == "pstn").sum())
    assert pstn["UserIdA"].str.startswith("+").all() and pstn["UserIdB"].str.startswith("+").all()
    assert bill["RecordId"].is_unique


def test_generation_at_100k_rows():
    df = generate_call_summary(100_000, seed=1, now=NOW)
    assert len(df) == 100_000 and df["CorrelationId"].nunique() < 100_000


def test_parse_timespan_forms():
    assert parse_timespan(None, NOW) is None
    assert parse_timespan("PT86400.0S", NOW) == (NOW - timedelta(days=1), NOW)
    assert parse_timespan("P1DT2H", NOW) == (NOW - timedelta(days=1, hours=2), NOW)
    s, e = NOW - timedelta(hours=5), NOW - timedelta(hours=1)
    assert parse_timespan("2026-01-15T07:00:00.000Z/2026-01-15T11:00:00.000Z", NOW) == (s, e)
    assert parse_timespan("2026-01-15T07:00:00.000Z/PT14400.0S", NOW) == (s, e)
    assert parse_timespan("PT14400S/2026-01-15T11:00:00Z", NOW) == (s, e)
    with pytest.raises(ValueError):
        parse_timespan("yesterday", NOW)


def test_inline_scalar_lets_leaves_strings_and_comments_alone():
    q = "let n = long(5);\nlet s = 'x | take n';\nT // | take n\n| where a == \"| take n\" | take n | limit n"
    out = inline_scalar_lets(q)
    assert out.endswith("| take 5 | limit 5")
    assert "'x | take n'" in out and "// | take n" in out and '"| take n"' in out
    assert inline_scalar_lets("T | take 3") == "T | take 3"
