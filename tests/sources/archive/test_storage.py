"""``--storage-account`` against Azurite: the real azure-storage-blob SDK, the real layout.

Every expectation comes from pandas over the generated rows and from the documented
layout rule (a window needs the blobs from one hour before its start to one hour
after its end), never from acs-triage's own code.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.codes import is_failure_end
from acs_triage.errors import ExitCode
from tests.azurite import Azurite, storage_token
from tests.diagnostic_archive import CONTAINER, blob_name, diagnostic_record, hour_of, jsonl, resource_id_of
from tests.emulator import expected_pstn_pairs, expected_totals
from tests.helpers import CliRunner, put_fake_az_on_path
from tests.sources.archive.conftest import NOW, Archive, upload

START = NOW - timedelta(hours=30)
END = NOW - timedelta(hours=6)
WINDOW = ["--start", START.isoformat(), "--end", END.isoformat()]


def _window_rows(rows: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    times = pd.to_datetime(rows["TimeGenerated"], utc=True)
    return rows[(times >= start) & (times < end)]


def _is_pstn(rows: pd.DataFrame) -> pd.Series:
    return rows["EndpointType"].str.strip().str.lower() == "pstn"


def _needed_hours(start: datetime, end: datetime) -> set[datetime]:
    """The documented rule, spelled out: [hour(start) - 1h, hour(end - 1us + 1h)]."""
    first = start.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    last = (end - timedelta(microseconds=1) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    hours, hour = set(), first
    while hour <= last:
        hours.add(hour)
        hour += timedelta(hours=1)
    return hours


def test_triage_from_the_storage_account_gives_the_true_counts(
    archive: Archive, storage_env: Azurite, cli: CliRunner
) -> None:
    code, doc, err = cli.json("triage", "--storage-account", storage_env.account_url, *WINDOW, "-f", "json")
    assert code == ExitCode.OK, err
    truth = expected_pstn_pairs(archive.rows, START, END)
    failed = {k: v for k, v in truth.items() if is_failure_end(k[0])}
    got = {
        (f["end_reason"], f["end_sub_code"]): {"legs": f["legs"], "calls": f["calls"]}
        for f in doc["findings"]
    }
    assert got == failed
    assert doc["totals"]["legs"] == expected_totals(archive.rows, START, END)["legs"]
    assert doc["source"]["kind"] == "storage"
    assert doc["source"]["description"] == f"storage {storage_env.account_url}/{CONTAINER}"
    # Rows read: every record of the blobs of the needed hours, and only those.
    hours = _needed_hours(START, END)
    read = archive.rows[[hour_of(t) in hours for t in archive.rows["TimeGenerated"]]]
    accounting = doc["accounting"]
    assert accounting["rows_read"] == len(read) and accounting["balanced"]
    assert accounting["rejected"] == 0 and accounting["skipped_other_category"] == 0
    assert accounting["skipped_outside_window"] == int(
        _is_pstn(read).sum() - expected_totals(archive.rows, START, END)["legs"]
    )


def test_each_resource_is_reported(archive: Archive, storage_env: Azurite, cli: CliRunner) -> None:
    code, doc, _ = cli.json("triage", "--storage-account", storage_env.account_url, *WINDOW, "-f", "json")
    assert code == ExitCode.OK
    hours = _needed_hours(START, END)
    rows = archive.rows.assign(
        resource=[resource_id_of(r) for r in archive.rows[["_ResourceId"]].to_dict("records")],
        hour=[hour_of(t) for t in archive.rows["TimeGenerated"]],
    )
    expected = {}
    for resource, group in rows.groupby("resource"):
        read = group[group["hour"].isin(hours)]
        legs = _window_rows(read, START, END)
        legs = legs[_is_pstn(legs)]
        expected[resource] = {
            "blobs": read["hour"].nunique(),
            "rows_read": len(read),
            "legs": len(legs),
            "failed_legs": int(sum(is_failure_end(r) for r in legs["ParticipantEndReason"])),
        }
    got = {
        r["resource_id"]: {k: r[k] for k in ("blobs", "rows_read", "legs", "failed_legs")}
        for r in doc["source"]["resources"]
    }
    assert got == expected and len(got) == 2
    assert all(r["bytes_read"] > 0 for r in doc["source"]["resources"])
    code, out, _ = cli("triage", "--storage-account", storage_env.account_url, *WINDOW, "--wide")
    assert sum(line.startswith("Resource:") and "/SUBSCRIPTIONS/" in line for line in out.splitlines()) == 2


def test_storage_and_folder_give_the_same_report(
    archive_folder: Path, storage_env: Azurite, cli: CliRunner
) -> None:
    _, from_storage, _ = cli.json(
        "triage", "--storage-account", storage_env.account_url, *WINDOW, "-f", "json"
    )
    _, from_folder, _ = cli.json("triage", "--from-file", str(archive_folder), *WINDOW, "-f", "json")
    for doc in (from_storage, from_folder):
        del doc["generated_at"], doc["source"]["kind"], doc["source"]["description"]
        for resource in doc["source"]["resources"]:
            del resource["bytes_read"]  # the same bytes, counted as read or as file sizes
    assert from_storage == from_folder


def test_hours_outside_the_window_are_not_listed(
    stored: Azurite, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Junk blobs in the hours the window does not need, in a container of their own:
    never listed as part of the answer, never opened (no rejection)."""
    container = "pruning"
    resource = (
        "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/PRUNE"
    )
    row = {
        "TimeGenerated": pd.Timestamp(START + timedelta(minutes=5)),
        "_ResourceId": resource,
        "CorrelationId": "c-inside",
        "EndpointType": "PSTN",
        "ParticipantEndReason": "403",
        "ParticipantEndSubCode": "560403",
    }
    inside = hour_of(row["TimeGenerated"])
    blobs = {blob_name(resource, inside): jsonl([diagnostic_record(row)])}
    for days in range(0, 40):  # junk in every other hour of forty days around it
        for offset in (-2, 3):
            hour = inside - timedelta(days=days) + timedelta(hours=offset)
            blobs[blob_name(resource, hour)] = b"junk that is not JSON\n"
    upload(stored, container, blobs)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stored.ca_path)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", stored.connection_string())
    code, doc, err = cli.json(
        "triage",
        "--storage-account",
        stored.account_url,
        "--container",
        container,
        "--start",
        START.isoformat(),
        "--end",
        (START + timedelta(minutes=30)).isoformat(),
        "-f",
        "json",
    )
    assert code == ExitCode.OK, err
    assert doc["accounting"]["rows_read"] == 1 and doc["accounting"]["rejected"] == 0
    assert doc["source"]["resources"][0]["blobs"] == 1
    assert [(f["end_reason"], f["legs"]) for f in doc["findings"]] == [("403", 1)]


def test_legs_call_and_smoke_through_the_same_seam(
    archive: Archive, storage_env: Azurite, cli: CliRunner
) -> None:
    url = storage_env.account_url
    window = _window_rows(archive.rows, START, END)
    failed = window[_is_pstn(window) & window["ParticipantEndReason"].map(is_failure_end)]
    code, doc, _ = cli.json("legs", "--storage-account", url, *WINDOW, "--max-rows", "100000", "-f", "json")
    assert code == ExitCode.OK and len(doc["legs"]) == len(failed)
    correlation_id = failed["CorrelationId"].iloc[0]
    code, doc, _ = cli.json("call", correlation_id, "--storage-account", url, *WINDOW, "-f", "json")
    assert code == ExitCode.OK
    assert len(doc["legs"]) == int((window["CorrelationId"] == correlation_id).sum())
    code, doc, err = cli.json(
        "smoke", "--storage-account", url, "--since", "6h", "--settle", "0", "-f", "json"
    )
    assert code in (ExitCode.OK, ExitCode.GATE_FAILED), err
    assert doc["source"]["kind"] == "storage"


def test_deployed_at_reads_from_the_deployment_to_now(
    archive: Archive, storage_env: Azurite, cli: CliRunner
) -> None:
    deployed = NOW - timedelta(hours=10)
    code, doc, err = cli.json(
        "smoke",
        "--storage-account",
        storage_env.account_url,
        "--deployed-at",
        deployed.isoformat(),
        "-f",
        "json",
    )
    assert code in (ExitCode.OK, ExitCode.GATE_FAILED), err
    placed = pd.to_datetime(archive.rows["CallStartTime"], utc=True) >= deployed
    assert doc["current"]["legs"] == int((placed & _is_pstn(archive.rows)).sum())


def test_an_hour_being_appended_to(stored: Azurite, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The current hour's blob is an append blob that Azure Monitor keeps appending to."""
    from azure.storage.blob import ContainerClient

    container = "appending"
    resource = (
        "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/LIVE"
    )
    now = datetime.now(timezone.utc)
    rows = [
        {
            "TimeGenerated": pd.Timestamp(now - timedelta(seconds=20 + i)),
            "_ResourceId": resource,
            "CorrelationId": f"c{i}",
            "EndpointType": "PSTN",
            "ParticipantEndReason": "503" if i % 2 else "0",
            "ParticipantEndSubCode": "560503" if i % 2 else "0",
        }
        for i in range(6)
    ]
    client = ContainerClient.from_connection_string(
        stored.connection_string(), container, connection_verify=stored.ca_path
    )
    client.create_container()
    blob = client.get_blob_client(blob_name(resource, hour_of(now)))
    blob.create_append_blob()
    for row in rows:  # one append per record, as records arrive
        blob.append_block(jsonl([diagnostic_record(row)]))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stored.ca_path)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", stored.connection_string())
    code, out, err = cli(
        "triage",
        "--storage-account",
        stored.account_url,
        "--container",
        container,
        "--since",
        "1h",
        "-f",
        "json",
    )
    assert code == ExitCode.OK, err
    doc = json.loads(out)
    assert doc["totals"]["legs"] == 6 and doc["totals"]["failed_legs"] == 3


def test_token_credential_reaches_storage(
    archive: Archive, stored: Azurite, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No connection string: --auth cli asks the (fake) Azure CLI for a storage token,
    sent over HTTPS as a bearer token, which Azurite's OAuth mode checks."""
    bin_dir = put_fake_az_on_path(tmp_path / "bin", monkeypatch, token=storage_token())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stored.ca_path)
    code, doc, err = cli.json(
        "triage", "--storage-account", stored.account_url, "--auth", "cli", *WINDOW, "-f", "json"
    )
    assert code == ExitCode.OK, err
    assert doc["totals"]["legs"] == expected_totals(archive.rows, START, END)["legs"]
    calls = json.loads((bin_dir / "az-calls.jsonl").read_text().splitlines()[0])["argv"]
    assert "https://storage.azure.com" in calls


def test_an_expired_token_is_refused_with_exit_3(
    stored: Azurite, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_fake_az_on_path(tmp_path / "bin", monkeypatch, token=storage_token(lifetime=-600))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stored.ca_path)
    code, _, err = cli("triage", "--storage-account", stored.account_url, "--auth", "cli", *WINDOW)
    assert code == ExitCode.AUTH_OR_CONFIG
    assert err.count("\n") == 1 and "Storage Blob Data Reader" in err
