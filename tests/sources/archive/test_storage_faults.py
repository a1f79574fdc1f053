"""Storage faults end to end: Azurite, and a proxy in front of it for what Azurite
cannot do by itself (throttling, 5xx, a blob changing between the listing and the
read). Each fault is one line on stderr and its documented exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.errors import ExitCode
from tests.azurite import ACCOUNT, KEY, Azurite
from tests.diagnostic_archive import blob_name, diagnostic_record, hour_of, jsonl
from tests.helpers import CliRunner, put_fake_az_on_path
from tests.sources.archive.conftest import upload
from tests.storage_proxy import Rule, StorageProxy

RESOURCE = (
    "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/FAULTS"
)
NOW = datetime.now(timezone.utc)


def _record(i: int, moment: datetime) -> dict[str, object]:
    return diagnostic_record(
        {
            "TimeGenerated": pd.Timestamp(moment),
            "_ResourceId": RESOURCE,
            "CorrelationId": f"call-{i}",
            "EndpointType": "PSTN",
            "ParticipantEndReason": "403" if i % 3 == 0 else "0",
            "ParticipantEndSubCode": "560403" if i % 3 == 0 else "0",
        }
    )


#: Two hours of six records each, the last hour's blob written below.
EARLIER = NOW - timedelta(hours=1)
BLOBS = {
    blob_name(RESOURCE, hour_of(EARLIER)): jsonl(_record(i, EARLIER) for i in range(6)),
    blob_name(RESOURCE, hour_of(NOW)): jsonl(_record(i, NOW - timedelta(minutes=1)) for i in range(6, 12)),
}
CURRENT = blob_name(RESOURCE, hour_of(NOW))


@pytest.fixture(scope="module")
def faults_container(azurite: Azurite) -> str:
    upload(azurite, "faults", BLOBS)
    return "faults"


@pytest.fixture
def proxy(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> Iterator[StorageProxy]:
    server = StorageProxy(azurite.port, azurite.ca_path).start()
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string(server.url(ACCOUNT)))
    try:
        yield server
    finally:
        server.stop()


def _triage(cli: CliRunner, url: str, container: str, *extra: str) -> tuple[int, str, str]:
    return cli("triage", "--storage-account", url, "--container", container, "--since", "3h", *extra)


@pytest.fixture
def trusted(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> Azurite:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", azurite.ca_path)
    return azurite


def test_no_such_container_is_exit_3(
    trusted: Azurite, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", trusted.connection_string())
    code, _, err = _triage(cli, trusted.account_url, "no-such-container")
    assert code == ExitCode.AUTH_OR_CONFIG and err.count("\n") == 1
    assert "container 'no-such-container' not found" in err


def test_a_sas_without_list_permission_is_exit_3(
    trusted: Azurite, faults_container: str, cli: CliRunner
) -> None:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    read_only = generate_container_sas(
        ACCOUNT,
        faults_container,
        account_key=KEY,
        permission=ContainerSasPermissions(read=True),
        expiry=expiry,
    )
    code, _, err = _triage(cli, f"{trusted.account_url}?{read_only}", faults_container)
    assert code == ExitCode.AUTH_OR_CONFIG and err.count("\n") == 1
    assert "AuthorizationPermissionMismatch" in err and "Storage Blob Data Reader" in err
    assert "sig=" not in err  # the SAS is never printed
    read_list = generate_container_sas(
        ACCOUNT,
        faults_container,
        account_key=KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=expiry,
    )
    code, out, err = _triage(cli, f"{trusted.account_url}?{read_list}", faults_container, "-f", "json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["totals"]["legs"] == 12 and "sig=" not in out


def test_a_wrong_key_is_exit_3(
    trusted: Azurite, faults_container: str, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", trusted.connection_string(key="A" * 86 + "=="))
    code, _, err = _triage(cli, trusted.account_url, faults_container)
    assert code == ExitCode.AUTH_OR_CONFIG and err.count("\n") == 1, err


def test_the_connection_string_wins_over_auth_and_must_name_the_account(
    trusted: Azurite, faults_container: str, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_fake_az_on_path(tmp_path / "bin", monkeypatch, mode="not_logged_in")
    code, _, err = _triage(cli, trusted.account_url, faults_container, "--auth", "cli")
    assert code == ExitCode.AUTH_OR_CONFIG  # no connection string: the --auth credential is used
    assert "--auth cli: AzureCliCredential could not get a token: the Azure CLI is not signed in" in err
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", trusted.connection_string())
    code, _, err = _triage(cli, trusted.account_url, faults_container, "--auth", "cli")
    assert code == ExitCode.OK, err
    code, _, err = _triage(cli, "https://otheraccount.blob.core.windows.net", faults_container)
    assert code == ExitCode.AUTH_OR_CONFIG and "'devstoreaccount1'" in err and "'otheraccount'" in err
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "not a connection string")
    code, _, err = _triage(cli, trusted.account_url, faults_container)
    assert code == ExitCode.AUTH_OR_CONFIG and "AZURE_STORAGE_CONNECTION_STRING" in err


def test_tokens_are_only_sent_over_https(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_fake_az_on_path(tmp_path / "bin", monkeypatch)
    code, _, err = _triage(cli, "http://127.0.0.1:9/devstoreaccount1", "c", "--auth", "cli")
    assert code == ExitCode.AUTH_OR_CONFIG and "not https://" in err


def test_an_unreachable_account_is_exit_4(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AZURE_STORAGE_CONNECTION_STRING",
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
        f"BlobEndpoint=http://127.0.0.1:9/{ACCOUNT};",
    )
    code, _, err = _triage(cli, f"http://127.0.0.1:9/{ACCOUNT}", "c", "--retries", "0")
    assert code == ExitCode.QUERY and err.count("\n") == 1 and "cannot reach" in err


def test_throttling_after_the_retries_is_exit_4(
    proxy: StorageProxy, faults_container: str, cli: CliRunner
) -> None:
    proxy.add(Rule("GET", f"/{faults_container}", status=503, code="ServerBusy", times=100))
    code, _, err = _triage(cli, proxy.url(ACCOUNT), faults_container, "--retries", "0")
    assert code == ExitCode.QUERY and err.count("\n") == 1 and "throttled" in err and "ServerBusy" in err


def test_a_throttled_request_is_retried(proxy: StorageProxy, faults_container: str, cli: CliRunner) -> None:
    proxy.add(Rule("GET", f"/{faults_container}", status=503, code="ServerBusy", times=1))
    code, out, err = _triage(cli, proxy.url(ACCOUNT), faults_container, "--retries", "1", "-f", "json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["totals"]["legs"] == 12
    assert sum(1 for method, _ in proxy.seen if method == "GET") > 1


def test_a_server_error_while_reading_a_blob_is_exit_4(
    proxy: StorageProxy, faults_container: str, cli: CliRunner
) -> None:
    proxy.add(Rule("GET", CURRENT, status=500, code="InternalError", times=100))
    code, _, err = _triage(cli, proxy.url(ACCOUNT), faults_container, "--retries", "0")
    assert code == ExitCode.QUERY and err.count("\n") == 1 and "InternalError" in err


def _direct(azurite: Azurite, container: str):  # type: ignore[no-untyped-def]
    from azure.storage.blob import ContainerClient

    return ContainerClient.from_connection_string(
        azurite.connection_string(), container, connection_verify=azurite.ca_path
    )


def test_an_append_blob_growing_while_read(azurite: Azurite, proxy: StorageProxy, cli: CliRunner) -> None:
    """Listed with a record half written; the rest, and a new record, are appended
    between the listing and the read: the read stops at the last complete record
    of what was listed, and the next run reads everything."""
    container = "growing"
    client = _direct(azurite, container)
    client.create_container()
    blob = client.get_blob_client(CURRENT)
    blob.create_append_blob()
    blob.append_block(jsonl(_record(i, NOW - timedelta(minutes=2)) for i in range(4)))
    late = jsonl([_record(4, NOW - timedelta(minutes=1))])
    blob.append_block(late[:40])  # a record still being written when the blob is listed

    def append_the_rest() -> None:
        blob.append_block(late[40:])
        blob.append_block(jsonl([_record(5, NOW - timedelta(seconds=30))]))

    proxy.add(Rule("GET", CURRENT, hook=append_the_rest, range_start=0))
    code, out, err = _triage(cli, proxy.url(ACCOUNT), container, "-f", "json")
    assert code == ExitCode.OK, err
    doc = json.loads(out)
    assert doc["totals"]["legs"] == 4 and doc["accounting"]["rejected"] == 0
    code, out, err = _triage(cli, proxy.url(ACCOUNT), container, "-f", "json")
    assert code == ExitCode.OK and json.loads(out)["totals"]["legs"] == 6


def test_a_blob_replaced_or_deleted_while_read_is_exit_4(
    azurite: Azurite, proxy: StorageProxy, cli: CliRunner
) -> None:
    container = "replaced"
    upload(azurite, container, BLOBS)  # block blobs: their ETag must not change
    client = _direct(azurite, container)
    proxy.add(Rule("GET", CURRENT, hook=lambda: client.upload_blob(CURRENT, b"{}\n", overwrite=True)))
    code, _, err = _triage(cli, proxy.url(ACCOUNT), container, "--retries", "0")
    assert code == ExitCode.QUERY and err.count("\n") == 1 and "changed while it was read" in err
    blob = client.get_blob_client(CURRENT)
    blob.delete_blob()
    blob.create_append_blob()
    blob.append_block(jsonl([_record(1, NOW - timedelta(minutes=1))]))
    proxy.add(Rule("GET", CURRENT, hook=blob.delete_blob))
    code, _, err = _triage(cli, proxy.url(ACCOUNT), container, "--retries", "0")
    assert code == ExitCode.QUERY and err.count("\n") == 1 and "disappeared while it was read" in err


def test_options_and_environment(
    azurite: Azurite, faults_container: str, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli("triage", "--sample", "--container", "x")
    assert code == ExitCode.USAGE and "--container applies to --storage-account" in err
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", azurite.ca_path)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string())
    monkeypatch.setenv("ACS_TRIAGE_STORAGE_ACCOUNT", azurite.account_url)
    code, out, err = cli("triage", "--container", faults_container, "--since", "3h", "-f", "json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["source"]["kind"] == "storage"
    code, out, _ = cli("triage", "--sample", "-f", "json")  # the command line wins
    assert code == ExitCode.OK and json.loads(out)["source"]["kind"] == "sample"
    code, _, err = cli("triage", "--storage-account", azurite.account_url, "--table", "updates")
    assert code == ExitCode.USAGE
