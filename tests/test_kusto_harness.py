"""The offline KQL harness (tests/kusto.py + tools/kqlcheck/) and the table schemas it loads.

These tests prove the gate can fail: each known-bad query must produce an Error with the
expected Kusto diagnostic code, and a known-good query must bind with no errors and the
expected result schema. All queries go through ONE Node process (module-scoped fixture).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.kusto import ROOT, TABLES_DIR, KqlResult, KustoChecker

SCHEMA_PATH = TABLES_DIR / "table.schema.json"
TABLE_FILES = sorted(p for p in TABLES_DIR.glob("*.json") if p.name != SCHEMA_PATH.name)
EXPECTED_TABLES = {
    "ACSCallSummary": 33,
    "ACSCallSummaryUpdates": 34,  # ACSCallSummary's columns plus CallUpdatesVersion (acs-logs.md §1.2)
    "ACSCallDiagnostics": 38,
    "ACSCallClientOperations": 22,
    "ACSCallAutomationIncomingOperations": 23,
    "ACSBillingUsage": 21,
}
STANDARD_COLUMNS = {
    "_BilledSize": "real",
    "_IsBillable": "string",
    "_ResourceId": "string",
    "_SubscriptionId": "string",
    "SourceSystem": "string",
    "TenantId": "string",
    "TimeGenerated": "datetime",
    "Type": "string",
}

# id -> (query, expected KS code). Each must give at least one Error with that code.
BAD_QUERIES: dict[str, tuple[str, str]] = {
    "syntax_error": (
        "ACSCallSummary\n| where CallType == 'Group' and\n| summarize count() by",
        "KS006",  # Missing expression
    ),
    "unknown_column": (
        "ACSCallSummary\n| where CallTyp == 'Group'\n| project CorrelationId",
        "KS142",  # name does not refer to any known column
    ),
    "unknown_table": ("ACSCallSumary | take 10", "KS204"),
    "unknown_function": ("ACSCallSummary | extend r = tolowr(CallType)", "KS211"),
    "end_reason_join_wrong_type": (
        "ACSCallSummary\n| join kind=inner (datatable(ParticipantEndReason:int)[0]) on ParticipantEndReason",
        "KS227",  # common column must have the same type on both sides
    ),
    "end_reason_lookup_wrong_type": (
        "ACSCallSummary\n| lookup kind=leftouter"
        " (datatable(ParticipantEndReason:int, Cause:string)[487, 'Cancelled'])"
        " on ParticipantEndReason",
        "KS227",
    ),
    "end_reason_join_keys_wrong_type": (
        "ACSCallSummary\n| join kind=inner (datatable(Code:int)[0])"
        " on $left.ParticipantEndReason == $right.Code",
        "KS242",  # inconsistent data types for join keys (string, int)
    ),
    "end_reason_compared_as_number": (
        "ACSCallSummary | where ParticipantEndReason >= 400",
        "KS106",  # operator not defined for string and long
    ),
    "sub_code_arithmetic": ("ACSCallSummary | extend x = ParticipantEndSubCode + 1", "KS106"),
    "duration_is_seconds_not_timespan": (
        "ACSCallSummary | where ParticipantDuration > 10m",
        "KS106",  # long vs timespan
    ),
    "column_lost_after_summarize": (
        "ACSCallSummary\n| summarize n = count() by CallType\n| where EndpointType == 'PSTN'",
        "KS142",
    ),
    "client_ops_has_no_correlation_id": (
        "ACSCallClientOperations | where CorrelationId == 'x'",
        "KS142",  # that table calls it CallId
    ),
}

GOOD_QUERY = """\
let _start = datetime(2026-01-01T00:00:00Z);
let _end = datetime(2026-01-02T00:00:00Z);
let Causes = datatable(ParticipantEndReason:string, ParticipantEndSubCode:string, Cause:string)[
    "487", "540487", "Caller cancelled",
    "403", "560403", "SBC returned 403"];
ACSCallSummary
| where TimeGenerated between (_start .. _end)
| where EndpointType =~ "PSTN" and ParticipantEndReason != "0"
| extend Code = toint(ParticipantEndReason)
| lookup kind=leftouter Causes on ParticipantEndReason, ParticipantEndSubCode
| summarize Calls = dcount(CorrelationId), Legs = count(), LastSeen = max(TimeGenerated),
            AvgSeconds = avg(ParticipantDuration)
    by ParticipantEndReason, ParticipantEndSubCode, Code, Cause, PstnParticipantCallType
| order by Legs desc
"""
GOOD_RESULT_SCHEMA = [
    ("ParticipantEndReason", "string"),
    ("ParticipantEndSubCode", "string"),
    ("Code", "int"),
    ("Cause", "string"),
    ("PstnParticipantCallType", "string"),
    ("Calls", "long"),
    ("Legs", "long"),
    ("LastSeen", "datetime"),
    ("AvgSeconds", "real"),
]

PHONE_NUMBERS_QUERY = """\
ACSCallSummary
| where EndpointType =~ "PSTN"
| join kind=inner (ACSBillingUsage | project ParticipantId, UserIdA, UserIdB, Quantity)
    on ParticipantId
| join kind=leftouter (ACSCallDiagnostics | summarize Jitter = max(JitterAvg) by CorrelationId)
    on CorrelationId
| join kind=leftouter (ACSCallAutomationIncomingOperations
    | summarize HttpErrors = countif(ResultSignature >= 400) by CorrelationId) on CorrelationId
| join kind=leftouter (ACSCallClientOperations | summarize Ops = count() by CallId)
    on $left.CorrelationId == $right.CallId
| project CorrelationId, UserIdA, UserIdB, Quantity, Jitter, HttpErrors, Ops
"""


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _table_ids() -> dict[str, str]:
    """One `T | take 1` per table file: binds iff the checker loaded that table."""
    return {f"table:{p.stem}": f"{p.stem} | take 1" for p in TABLE_FILES}


@pytest.fixture(scope="module")
def results() -> dict[str, KqlResult]:
    batch = {name: q for name, (q, _) in BAD_QUERIES.items()}
    batch["good"] = GOOD_QUERY
    batch["phone_numbers"] = PHONE_NUMBERS_QUERY
    batch.update(_table_ids())
    return KustoChecker().check_many(batch)


@pytest.mark.parametrize("name", sorted(BAD_QUERIES))
def test_bad_query_is_rejected(results: dict[str, KqlResult], name: str) -> None:
    _, code = BAD_QUERIES[name]
    res = results[name]
    assert not res.ok
    assert any(f" {code} " in e for e in res.errors), res.errors
    err = next(d for d in res.diagnostics if d["severity"] == "Error")
    assert err["line"] >= 1 and err["column"] >= 1


def test_good_query_binds_with_expected_schema(results: dict[str, KqlResult]) -> None:
    res = results["good"]
    assert res.ok, res.errors
    assert res.errors == []
    assert res.result_schema == GOOD_RESULT_SCHEMA


def test_cross_table_query_binds(results: dict[str, KqlResult]) -> None:
    res = results["phone_numbers"]
    assert res.ok, res.errors
    assert res.result_schema == [
        ("CorrelationId", "string"),
        ("UserIdA", "string"),
        ("UserIdB", "string"),
        ("Quantity", "real"),
        ("Jitter", "int"),
        ("HttpErrors", "long"),
        ("Ops", "long"),
    ]


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.stem)
def test_checker_loads_table_exactly(results: dict[str, KqlResult], path: Path) -> None:
    res = results[f"table:{path.stem}"]
    assert res.ok, res.errors
    declared = [(c["Name"], c["Type"]) for c in _load(path)["Properties"]]
    assert res.result_schema == declared


def test_error_strings_have_line_col_code_message(results: dict[str, KqlResult]) -> None:
    assert results["unknown_column"].errors == [
        "2:9 KS142 The name 'CallTyp' does not refer to any known column, table, variable or function."
    ]


def test_table_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(_load(SCHEMA_PATH))


def test_expected_table_files_exist() -> None:
    assert {p.stem for p in TABLE_FILES} == set(EXPECTED_TABLES)


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.stem)
def test_table_file_matches_schema(path: Path) -> None:
    validator = Draft202012Validator(_load(SCHEMA_PATH))
    doc = _load(path)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert problems == []
    assert doc["Name"] == path.stem
    assert doc["Source"].endswith("/" + path.stem.lower())
    names = [c["Name"] for c in doc["Properties"]]
    assert len(names) == len(set(names)), "duplicate column names"
    assert len(names) == EXPECTED_TABLES[path.stem]
    types = {c["Name"]: c["Type"] for c in doc["Properties"]}
    assert {k: types.get(k) for k in STANDARD_COLUMNS} == STANDARD_COLUMNS


def test_call_summary_updates_is_call_summary_plus_its_version() -> None:
    summary = {c["Name"]: c["Type"] for c in _load(TABLES_DIR / "ACSCallSummary.json")["Properties"]}
    updates = {c["Name"]: c["Type"] for c in _load(TABLES_DIR / "ACSCallSummaryUpdates.json")["Properties"]}
    assert updates == {**summary, "CallUpdatesVersion": "int"}


def test_call_summary_columns_and_types() -> None:
    cols = {c["Name"]: c["Type"] for c in _load(TABLES_DIR / "ACSCallSummary.json")["Properties"]}
    assert len(cols) == 33
    assert {
        name: cols.get(name)
        for name in (
            "ParticipantEndReason",
            "ParticipantEndSubCode",
            "CallDuration",
            "ParticipantDuration",
            "CallStartTime",
            "ParticipantStartTime",
            "CorrelationId",
            "ParticipantId",
            "EndpointType",
            "PstnParticipantCallType",
            "ResultCategory",
            "TPE",
            "TimeGenerated",
        )
    } == {
        "ParticipantEndReason": "string",
        "ParticipantEndSubCode": "string",
        "CallDuration": "long",
        "ParticipantDuration": "long",
        "CallStartTime": "datetime",
        "ParticipantStartTime": "datetime",
        "CorrelationId": "string",
        "ParticipantId": "string",
        "EndpointType": "string",
        "PstnParticipantCallType": "string",
        "ResultCategory": "string",
        "TPE": "bool",
        "TimeGenerated": "datetime",
    }
    assert "ParticipantEndSubReason" not in cols


def test_file_mode_cli(tmp_path: Path) -> None:
    good = tmp_path / "good.kql"
    bad = tmp_path / "bad.kql"
    good.write_text("ACSCallSummary | summarize n = count() by ParticipantEndReason\n", encoding="utf-8")
    bad.write_text("ACSCallSummary\n| where CallTyp == 'Group'\n", encoding="utf-8")
    checker = KustoChecker()
    proc = subprocess.run(
        [checker.node, str(checker.check_js), "--tables", str(TABLES_DIR), str(good), str(bad)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        f"{bad}:2:9: Error KS142: The name 'CallTyp' does not refer to any known column,"
        " table, variable or function.",
        "1 passed, 1 failed",
    ]


def test_cli_usage_error_exits_2() -> None:
    checker = KustoChecker()
    proc = subprocess.run(
        [checker.node, str(checker.check_js), "--stdin"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "--tables DIR is required" in proc.stderr
    assert proc.stdout == ""


def test_missing_node_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="npm ci"):
        KustoChecker(node="/nonexistent/bin/node")


def test_missing_npm_package_raises_runtime_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="npm ci --no-audit --no-fund"):
        KustoChecker(root=tmp_path)


def test_bad_table_dir_raises_runtime_error(tmp_path: Path) -> None:
    (tmp_path / "T.json").write_text(
        json.dumps({"Name": "T", "Properties": [{"Name": "a", "Type": "double"}]}), encoding="utf-8"
    )
    with pytest.raises(RuntimeError, match="non-canonical Kusto type"):
        KustoChecker(tables_dir=tmp_path).check("T | take 1")
