"""Archives with known answers: two ACS resources over three days, as a folder tree
and in Azurite, and the pandas truth to compare with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from tests.azurite import Azurite
from tests.diagnostic_archive import CONTAINER, archive_blobs, jsonl, reading_order, write_tree
from tests.emulator import generate_call_summary

RESOURCE_A = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-prod"
)
RESOURCE_B = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-eu"
)
#: The data ends at the start of the current hour (storage sources are live: windows
#: are relative to the real clock).
NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
DAYS = 3


def make_rows(now: datetime = NOW) -> pd.DataFrame:
    """Two resources' ACSCallSummary rows over the ``DAYS`` days before ``now``, in the
    order an archive reader meets them."""
    window = timedelta(days=DAYS)
    first = generate_call_summary(2400, seed=21, now=now, window=window, resource_id=RESOURCE_A)
    second = generate_call_summary(1200, seed=22, now=now, window=window, resource_id=RESOURCE_B)
    return reading_order(pd.concat([first, second], ignore_index=True))


@dataclass
class Archive:
    rows: pd.DataFrame
    blobs: dict[str, bytes]  #: blob name (below the container) -> content


@pytest.fixture(scope="session")
def archive() -> Archive:
    rows = make_rows()
    blobs = {name: jsonl(records) for name, records in archive_blobs(rows).items()}
    return Archive(rows, blobs)


@pytest.fixture(scope="session")
def archive_folder(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive as azcopy would copy it: the container folder (plus a container of
    another category, holding junk, that must never be opened)."""
    root = tmp_path_factory.mktemp("archive")
    write_tree(root / CONTAINER, archive.blobs)
    write_tree(root / "insights-logs-calldiagnostics", dict.fromkeys(archive.blobs, b"not json\n"))
    return root


def upload(azurite: Azurite, container: str, blobs: dict[str, bytes]) -> None:
    from azure.storage.blob import ContainerClient

    client = ContainerClient.from_connection_string(
        azurite.connection_string(), container, connection_verify=azurite.ca_path
    )
    with client:
        if not client.exists():
            client.create_container()
        for name, content in blobs.items():
            client.upload_blob(name, content, overwrite=True)


@pytest.fixture(scope="session")
def stored(azurite: Azurite, archive: Archive) -> Iterator[Azurite]:
    """Azurite holding the archive in the CallSummary container."""
    upload(azurite, CONTAINER, archive.blobs)
    yield azurite


@pytest.fixture
def storage_env(stored: Azurite, monkeypatch: pytest.MonkeyPatch) -> Azurite:
    """The CLI reaching Azurite: its CA trusted, the development account's connection
    string in AZURE_STORAGE_CONNECTION_STRING."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stored.ca_path)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", stored.connection_string())
    return stored
