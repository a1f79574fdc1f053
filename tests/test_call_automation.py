"""``call`` shows the call's Call Automation requests beside its legs.

Live: the CLI drives the real ``LogsQueryClient`` and ``AzureCliCredential`` (fake ``az``)
against the HTTPS emulator, whose workspaces hold ACSCallAutomationIncomingOperations rows
(:func:`tests.emulator.generate_call_automation_operations`) or not at all. Expected rows
come from plain pandas over the same frames. Offline: files and the sample cannot hold
the table and say so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failed_operation
from acs_triage.errors import ExitCode
from acs_triage.formats import OutputFormat, render
from acs_triage.formats.leg_views import call_view
from acs_triage.records import AutomationOperation, LegBatch, OperationBatch
from acs_triage.sources.sample import sample_path
from acs_triage.triage.legs import call_report
from tests.emulator import (
    LogAnalyticsEmulator,
    expected_operations,
    generate_call_automation_operations,
    generate_call_summary,
)
from tests.helpers import CliRunner, serve

WS = "c0a1b2c3-d4e5-4f60-8a1b-2c3d4e5f6a7b"  # legs and Call Automation requests
WS_NO_CA = "d1b2c3d4-e5f6-4a70-9b2c-3d4e5f6a7b8c"  # legs only: no diagnostic setting for them
WS_NO_LEGS = "e2c3d4e5-f6a7-4b80-8c3d-4e5f6a7b8c9d"  # Call Automation requests only
NOW = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
START, END = NOW - timedelta(days=2), NOW

#: (ResultType, ResultSignature) -> failed, for the KQL/Python agreement test.
ODD_RESULTS: list[tuple[str, int | None, bool]] = [
    ("Succeeded", 202, False),
    ("Failed", 202, True),
    ("failed", None, True),
    ("Succeeded", 500, True),
    ("Succeeded", None, False),
    ("", 400, True),
    ("Other", 399, False),
    ("Succeeded", 404, True),
]
ODD_CALL = "0dd0dd00-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    legs = generate_call_summary(600, seed=11, now=NOW)
    operations = generate_call_automation_operations(legs, seed=5, share=0.5)
    odd = operations.head(len(ODD_RESULTS)).copy()
    odd["CorrelationId"] = ODD_CALL
    odd["ResultType"] = [t for t, _, _ in ODD_RESULTS]
    odd["ResultSignature"] = pd.array([s for _, s, _ in ODD_RESULTS], dtype="Int32")
    odd["TimeGenerated"] = [NOW - timedelta(hours=1, minutes=i) for i in range(len(ODD_RESULTS))]
    return legs, pd.concat([operations, odd], ignore_index=True)


@pytest.fixture(scope="module")
def emulator(frames: tuple[pd.DataFrame, pd.DataFrame]) -> Iterator[LogAnalyticsEmulator]:
    legs, operations = frames
    tables = {
        WS: {"ACSCallSummary": legs, "ACSCallAutomationIncomingOperations": operations},
        WS_NO_CA: {"ACSCallSummary": legs},
        WS_NO_LEGS: {"ACSCallAutomationIncomingOperations": operations},
    }
    with serve(tables, workspaces={WS, WS_NO_CA, WS_NO_LEGS}, now=NOW) as emu:
        yield emu


def _call(cli: CliRunner, emu: LogAnalyticsEmulator, correlation_id: str, workspace: str, *extra: str):
    assert emu.url is not None
    return cli(
        "call",
        correlation_id,
        "--workspace-id",
        workspace,
        "--endpoint",
        emu.url,
        "--auth",
        "cli",
        "--timeout",
        "30",
        "--start",
        START.isoformat(),
        "--end",
        END.isoformat(),
        *extra,
    )


def _call_with(operations: pd.DataFrame, status: int) -> str:
    """A call with exactly one failed request, of this status."""
    failed = operations[operations["ResultType"] == "Failed"]
    once = failed.groupby("CorrelationId").filter(lambda g: len(g) == 1)
    return str(once[once["ResultSignature"] == status]["CorrelationId"].iloc[0])


def test_a_failed_403_request_is_explained_beside_the_legs(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    legs, operations = frames
    call = _call_with(operations, 403)
    code, out, err = _call(cli, azure, call, WS, "-f", "json")
    assert code == ExitCode.OK, err
    doc = json.loads(out)
    assert doc["schema"] == "acs-triage/call/v1" and len(doc["legs"]) == (legs["CorrelationId"] == call).sum()
    automation = doc["call_automation"]
    assert (automation["available"], automation["reason"], automation["capped"]) == (True, None, False)
    truth = expected_operations(operations, call, START, END)
    got = [
        (o["time_generated"], o["operation_name"], o["result_type"], o["result_signature"], o["operation_id"])
        for o in automation["operations"]
    ]
    assert got == [
        (
            t.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z"),
            r.OperationName,
            r.ResultType,
            int(r.ResultSignature),
            r.OperationId,
        )
        for t, r in zip(truth["TimeGenerated"], truth.itertuples(), strict=True)
    ]
    (failed,) = [o for o in automation["operations"] if o["failed"]]
    assert (failed["result_signature"], failed["title"], failed["documented"]) == (
        403,
        "Call Automation request forbidden",
        True,
    )
    assert failed["match_level"] == "status" and failed["who_acts"] == ["application", "acs-configuration"]
    assert failed["source"].endswith("/includes/codes/call-automation-sdk.md")
    assert [(c["end_reason"], c["end_sub_code"]) for c in failed["candidate_sub_codes"]] == [
        ("403", "7507"),
        ("403", "7504"),
    ]
    assert all(o["candidate_sub_codes"] == [] for o in automation["operations"] if not o["failed"])
    # One request for the legs and one for the requests, with the id as a typed literal.
    assert [r.status for r in azure.requests] == [200, 200]
    assert "ACSCallAutomationIncomingOperations" in (azure.requests[1].query or "")
    assert f'let _correlation_id = "{call}";' in (azure.requests[1].query or "")


def test_table_output_shows_the_requests_and_the_candidate_sub_codes(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    call = _call_with(frames[1], 403)
    code, out, _ = _call(cli, azure, call, WS)
    assert code == ExitCode.OK
    assert "Call Automation operations\n--------------------------\ntime " in out
    words = " ".join(out.split())
    assert re.search(r"Call Automation: \d+, 1 failed ", words)
    assert "Documented Call Automation sub-codes for 403 (candidates only: the log holds no sub-code" in words
    assert "- 403/7507: Call Automation: call source identity does not match the application" in words
    assert "- 403/7504: Call Automation: insufficient application permissions" in words


@pytest.mark.parametrize(
    ("status", "level", "title", "candidates"),
    [
        (409, "http-class", "Client error (4xx)", [("409", "8519")]),
        (503, "http-class", "Server error (5xx)", []),
        (429, "status", "Call Automation: too many requests", []),
    ],
)
def test_other_statuses_are_explained_by_status_or_http_class(
    azure: LogAnalyticsEmulator,
    frames: tuple[pd.DataFrame, pd.DataFrame],
    cli: CliRunner,
    status: int,
    level: str,
    title: str,
    candidates: list[tuple[str, str]],
) -> None:
    code, out, _ = _call(cli, azure, _call_with(frames[1], status), WS, "-f", "json")
    assert code == ExitCode.OK
    (failed,) = [o for o in json.loads(out)["call_automation"]["operations"] if o["failed"]]
    assert (failed["result_signature"], failed["match_level"], failed["title"]) == (status, level, title)
    assert failed["documented"] == (level == "status")
    assert [(c["end_reason"], c["end_sub_code"]) for c in failed["candidate_sub_codes"]] == candidates


def test_a_workspace_without_the_table_says_not_available(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    legs, operations = frames
    call = _call_with(operations, 403)
    code, out, err = _call(cli, azure, call, WS_NO_CA, "-f", "json")
    assert code == ExitCode.OK, err
    doc = json.loads(out)
    assert len(doc["legs"]) == (legs["CorrelationId"] == call).sum() > 0
    automation = doc["call_automation"]
    assert automation["available"] is False and automation["operations"] == []
    assert automation["reason"] == (
        f"not available: workspace {WS_NO_CA} has no ACSCallAutomationIncomingOperations table "
        "(the resource's diagnostic setting does not send 'Operation Call Automation Logs' to it, "
        "or none arrived yet)"
    )
    assert [r.status for r in azure.requests] == [200, 400]
    assert "Failed to resolve table" in (azure.requests[1].error or "")
    assert err == ""  # not an error, not a warning
    code, out, _ = _call(cli, azure, call, WS_NO_CA)
    assert code == ExitCode.OK
    assert f"Call Automation: not available: workspace {WS_NO_CA} has no" in " ".join(out.split())
    assert "Call Automation operations\n---" not in out  # no empty table pretending "none"


def test_a_call_without_requests_in_a_workspace_with_the_table_says_none(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    legs, operations = frames
    call = str(legs.loc[~legs["CorrelationId"].isin(operations["CorrelationId"]), "CorrelationId"].iloc[0])
    code, out, _ = _call(cli, azure, call, WS, "-f", "json")
    assert code == ExitCode.OK
    assert json.loads(out)["call_automation"] == {
        "available": True,
        "reason": None,
        "capped": False,
        "operations": [],
    }
    code, out, _ = _call(cli, azure, call, WS)
    assert "Call Automation: 0, 0 failed" in " ".join(out.split())
    assert "Call Automation operations\n--------------------------\n(no Call Automation requests" in out


def test_other_failures_of_the_requests_query_still_fail_the_command(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    """Only a missing Call Automation table is "not available": access denied on the
    second request is the command's error, as on the first."""
    azure.inject("delay", seconds=0)  # the legs request, answered normally
    azure.inject("forbidden")
    code, out, err = _call(cli, azure, _call_with(frames[1], 403), WS)
    assert code == ExitCode.AUTH_OR_CONFIG and out == ""
    assert err.startswith("acs-triage: error: access denied") and err.count("\n") == 1


def test_a_missing_call_summary_table_is_still_an_error_naming_it(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    code, out, err = _call(cli, azure, _call_with(frames[1], 403), WS_NO_LEGS)
    assert code == ExitCode.QUERY and out == ""
    assert "Failed to resolve table or column expression named 'ACSCallSummary'" in err
    assert f"workspace {WS_NO_LEGS} has no ACSCallSummary table" in err


def test_kql_and_python_agree_on_which_requests_failed(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame], cli: CliRunner
) -> None:
    """``Failed`` computed by the query in the workspace equals ``is_failed_operation``."""
    from azure.identity import AzureCliCredential
    from azure.monitor.query import LogsQueryClient

    code, text, _ = cli(
        "kql", "show", "call-automation-operations", "-p", f"correlation_id={ODD_CALL}", "--since", "2d"
    )
    assert code == 0
    client = LogsQueryClient(AzureCliCredential(), endpoint=azure.url, connection_verify=azure.ca_path)
    table = client.query_workspace(WS, text, timespan=None).tables[0]
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert len(rows) == len(ODD_RESULTS)
    by_result = {(r["ResultType"], r["ResultSignature"]): r["Failed"] for r in rows}
    for result_type, status, failed in ODD_RESULTS:
        assert by_result[(result_type, status)] is failed, (result_type, status)
        assert is_failed_operation(result_type, status) is failed, (result_type, status)
    code, out, _ = _call(cli, azure, ODD_CALL, WS, "-f", "json")
    shown = {
        (o["result_type"], o["result_signature"]): o["failed"]
        for o in json.loads(out)["call_automation"]["operations"]
    }
    assert shown == by_result


def test_the_cap_keeps_the_oldest_requests_and_says_so(
    azure: LogAnalyticsEmulator, frames: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    from azure.identity import AzureCliCredential

    from acs_triage.sources.spec import ConnectionOptions, SourceSpec, open_source
    from acs_triage.windows import Window

    connection = ConnectionOptions(endpoint=azure.url, credential=AzureCliCredential(), timeout=30)
    truth = expected_operations(frames[1], ODD_CALL, START, END)
    with open_source(SourceSpec(workspace_id=WS, connection=connection)) as source:
        batch = source.call_automation_operations(ODD_CALL, Window(START, END), max_rows=3)
    assert batch.available and batch.capped and len(batch.operations) == 3
    assert [op.operation_id for op in batch.operations] == list(truth["OperationId"][:3])
    assert batch.warnings == ["only the first 3 Call Automation requests of the call are shown"]
    assert "let _max_rows = long(4);" in (azure.requests[-1].query or "")  # one more tells "capped"


# -- offline sources ----------------------------------------------------------------------------
def test_the_sample_cannot_hold_call_automation_requests(cli: CliRunner) -> None:
    call = pd.read_csv(sample_path(), dtype=str)["CorrelationId"].iloc[0]
    code, doc, _ = cli.json("call", call, "--sample", "-f", "json")
    assert code == ExitCode.OK and doc["legs"]
    assert doc["call_automation"] == {
        "available": False,
        "reason": "not available from the bundled sample (ACSCallSummary legs only)",
        "capped": False,
        "operations": [],
    }
    code, out, _ = cli("call", call, "--sample")
    assert "Call Automation: not available from the bundled sample" in " ".join(out.split())


def test_files_cannot_hold_call_automation_requests(cli: CliRunner, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(sample_path().read_text(encoding="utf-8"), encoding="utf-8")
    call = pd.read_csv(export, dtype=str)["CorrelationId"].iloc[0]
    code, out, _ = cli("call", call, "--from-file", str(export))
    assert code == ExitCode.OK
    assert (
        "Call Automation: not available from files (exported ACSCallSummary files "
        "hold no ACSCallAutomationIncomingOperations rows)" in " ".join(out.split())
    )
    code, doc, _ = cli.json("call", call, "--from-file", str(export), "-f", "json")
    assert doc["call_automation"]["available"] is False and doc["call_automation"]["operations"] == []


# -- the report and its view, hand-built ----------------------------------------------------------
T0 = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)


def _operation(minute: int, name: str, result: str, status: int | None) -> AutomationOperation:
    return AutomationOperation(
        T0 + timedelta(minutes=minute), name, result, status, operation_id=f"op{minute}"
    )


def test_report_merges_partial_requests_and_explains_each_status() -> None:
    operations = OperationBatch(
        [_operation(0, "CreateCall", "Succeeded", 201), _operation(1, "Play", "Failed", 400)],
        partial=True,
        warnings=["partial results: cut"],
    )
    report = call_report("c1", LegBatch([]), operations=operations, catalog=load_catalog())
    assert report.partial and report.warnings == ("Call Automation: partial results: cut",)
    created, played = report.call_automation.operations
    assert (created.failed, created.explanation.level.value, created.candidates) == (False, "http-class", ())
    assert played.failed and played.explanation.meaning.title.startswith("Call Automation request rejected")
    assert {p.end_sub_code for p in played.candidates} >= {"8523", "8501", "8500"}


def test_view_lists_requests_after_the_legs_and_their_advice_last() -> None:
    operations = OperationBatch(
        [
            _operation(0, "CreateCall", "Failed", 403),
            _operation(1, "Transfer", "Succeeded", 409),
            _operation(2, "Hangup", "", None),
        ]
    )
    report = call_report("c1", LegBatch([]), operations=operations)
    out = render(call_view(report), OutputFormat.TABLE, None)
    assert out.index("Legs\n----") < out.index("Call Automation operations\n---")
    assert out.index("Call Automation operations\n---") < out.index("CreateCall 403 at 2026-03-10 10:00:00Z")
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "Call Automation: 3, 2 failed" in lines
    # one row per request: time, operation, result, HTTP status, meaning, who acts
    assert any(
        line.startswith("2026-03-10 10:00:00Z CreateCall Failed 403 Call Automation request forbidden")
        for line in lines
    )
    assert any(
        line.startswith(
            "2026-03-10 10:01:00Z Transfer Succeeded (failed) 409 Client error (4xx) [http-class]"
        )
        for line in lines
    )
    # not failed: no tag
    assert any(line.startswith("2026-03-10 10:02:00Z Hangup Unknown HTTP status") for line in lines)
    assert (
        "Meaning: Call Automation request forbidden (from the documented Call Automation status 403)" in lines
    )
    assert (
        render(call_view(report), OutputFormat.CSV)
        .splitlines()[0]
        .startswith("time_generated,correlation_id")
    )
