"""An archive copied to disk, given to ``--from-file``: the same report as the same rows
exported from the workspace, only the window's hours opened, every resource reported."""

from __future__ import annotations

import json
import ssl
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from acs_triage.codes import is_failure_end
from acs_triage.errors import ExitCode
from tests.diagnostic_archive import (
    CONTAINER,
    archive_blobs,
    blob_name,
    diagnostic_record,
    hour_of,
    hours_between,
    jsonl,
    records_document,
    write_tree,
)
from tests.emulator import expected_pstn_pairs, generate_call_summary
from tests.helpers import TOKEN, CliRunner, serve
from tests.sources.archive.conftest import Archive

NOW = datetime(2026, 11, 2, tzinfo=timezone.utc)
WORKSPACE = "11111111-1111-1111-1111-111111111111"
EXPORT_QUERY = (
    "ACSCallSummary | project TimeGenerated, CorrelationId, ParticipantId, Identifier, EndpointType, "
    "ParticipantEndReason, ParticipantEndSubCode, CallStartTime, PstnParticipantCallType, ResultCategory "
    "| order by TimeGenerated asc"
)


def _export_from_workspace(df: pd.DataFrame, path: Path) -> Path:
    """The Logs query API's answer to an export query, saved as a file (api-json), from
    the workspace emulator holding ``df``."""
    with serve({"ACSCallSummary": df}, workspaces={WORKSPACE}, now=NOW) as emulator:
        assert emulator.url is not None and emulator.ca_path is not None
        request = urllib.request.Request(
            f"{emulator.url}/v1/workspaces/{WORKSPACE}/query",
            data=json.dumps({"query": EXPORT_QUERY}).encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        context = ssl.create_default_context(cafile=emulator.ca_path)
        with urllib.request.urlopen(request, context=context) as response:
            path.write_bytes(response.read())
    return path


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("generated_at", "source")}


def test_an_archive_tree_gives_the_report_of_the_workspace_export(tmp_path: Path, cli: CliRunner) -> None:
    rows = generate_call_summary(3000, seed=31, now=NOW, window=timedelta(days=2))
    rows = rows.sort_values("TimeGenerated", kind="stable").reset_index(drop=True)  # the export's order
    tree = tmp_path / "archive"
    write_tree(tree / CONTAINER, {name: jsonl(r) for name, r in archive_blobs(rows).items()})
    export = _export_from_workspace(rows, tmp_path / "export.json")
    start, end = NOW - timedelta(hours=20), NOW - timedelta(hours=3)
    for window in ((), ("--start", start.isoformat(), "--end", end.isoformat())):
        code, from_archive, err = cli.json("triage", "--from-file", str(tree), *window, "-f", "json")
        assert code == ExitCode.OK, err
        code, from_export, err = cli.json("triage", "--from-file", str(export), *window, "-f", "json")
        assert code == ExitCode.OK, err
        if not window:
            assert _comparable(from_archive) == _comparable(from_export)
            continue
        # The archive opened only the window's hours and one on each side: the rows
        # outside them were never read; everything else is the same.
        read = from_archive.pop("accounting")
        exported = from_export.pop("accounting")
        assert _comparable(from_archive) == _comparable(from_export)
        last = hour_of(end - timedelta(microseconds=1) + timedelta(hours=1))  # the documented rule
        hours = set(hours_between(hour_of(start) - timedelta(hours=1), last))
        assert read["rows_read"] == sum(hour_of(t) in hours for t in rows["TimeGenerated"])
        assert read["triaged"] == exported["triaged"] and exported["rows_read"] == len(rows)
    truth = expected_pstn_pairs(rows, start, end)  # the last report is the window's
    got = {(f["end_reason"], f["end_sub_code"]): f["legs"] for f in from_archive["findings"]}
    assert got == {pair: v["legs"] for pair, v in truth.items() if is_failure_end(pair[0])}


def test_old_records_documents_and_several_resources(
    archive: Archive, tmp_path: Path, cli: CliRunner
) -> None:
    """Older archives hold one {"records": [...]} document per blob: the same report."""
    jsonl_tree, document_tree = tmp_path / "jsonl", tmp_path / "documents"
    write_tree(jsonl_tree / CONTAINER, archive.blobs)
    write_tree(
        document_tree / CONTAINER,
        {name: records_document(r) for name, r in archive_blobs(archive.rows).items()},
    )
    _, one, _ = cli.json("triage", "--from-file", str(jsonl_tree), "-f", "json")
    _, other, _ = cli.json("triage", "--from-file", str(document_tree), "-f", "json")
    assert _comparable(one) == _comparable(other)
    for doc in (one, other):
        assert [r["rows_read"] for r in doc["source"]["resources"]] == [1200, 2400]  # acs-eu, acs-prod
        assert sum(r["legs"] for r in doc["source"]["resources"]) == doc["totals"]["legs"]


def test_only_the_window_hours_are_opened(tmp_path: Path, cli: CliRunner) -> None:
    """Junk (not JSON) in every other hour and in another category's container: a
    window that does not need them reads no junk, so nothing is rejected."""
    resource = "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/A"
    inside = datetime(2026, 11, 1, 12, 10, tzinfo=timezone.utc)
    row = {
        "TimeGenerated": pd.Timestamp(inside),
        "_ResourceId": resource,
        "CorrelationId": "c1",
        "EndpointType": "PSTN",
        "ParticipantEndReason": "480",
        "ParticipantEndSubCode": "560480",
    }
    blobs = {blob_name(resource, hour_of(inside)): jsonl([diagnostic_record(row)])}
    for hours in (*range(-72, -1), *range(2, 72)):
        blobs[blob_name(resource, hour_of(inside) + timedelta(hours=hours))] = b"junk\n"
    write_tree(tmp_path / CONTAINER, blobs)
    write_tree(tmp_path / "insights-logs-calldiagnostics", {blob_name(resource, hour_of(inside)): b"junk\n"})
    window = ["--start", "2026-11-01T12:00:00Z", "--end", "2026-11-01T12:30:00Z"]
    for folder in (
        tmp_path,  # above the containers
        tmp_path / CONTAINER,
        tmp_path / CONTAINER / "resourceId=",
        tmp_path / CONTAINER / blob_name(resource, hour_of(inside)).split("/y=")[0],  # one resource
    ):
        code, doc, err = cli.json("triage", "--from-file", str(folder), *window, "-f", "json")
        assert code == ExitCode.OK, err
        assert doc["accounting"]["rows_read"] == 1 and doc["accounting"]["rejected"] == 0, folder
        assert [r["resource_id"] for r in doc["source"]["resources"]] == [resource]
    code, doc, _ = cli.json("triage", "--from-file", str(tmp_path / CONTAINER), "-f", "json")
    assert doc["accounting"]["rejected"] == len(blobs) - 1  # read whole, the junk is read too


def test_a_folder_without_an_archive(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    code, doc, err = cli.json("triage", "--from-file", str(tmp_path), "-f", "json")
    assert code == ExitCode.OK and doc["accounting"]["rows_read"] == 0
    assert "no archive blobs" in err


@pytest.mark.parametrize("command", [["smoke"], ["legs"], ["smoke", "--deployed-at", "2026-11-01T00:00:00Z"]])
def test_other_commands_on_a_folder(command: list[str], archive_folder: Path, cli: CliRunner) -> None:
    code, doc, err = cli.json(*command, "--from-file", str(archive_folder), "-f", "json")
    assert code in (ExitCode.OK, ExitCode.GATE_FAILED, ExitCode.INCONCLUSIVE), err
    assert "rejections" not in doc or doc["rejections"] == []
