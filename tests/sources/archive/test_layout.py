"""The storage layout: blob names, partitions, the hours a window needs, streaming in
bounded memory, the progress line."""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import datetime, timedelta, timezone

import pytest

from acs_triage.cli.progress import spinner
from acs_triage.sources.archive.client import StorageTarget
from acs_triage.sources.archive.layout import (
    HourRange,
    hours_for,
    parse_blob_name,
    partition_span,
    split_partition,
)
from acs_triage.sources.archive.source import ReadStats
from acs_triage.sources.spec import SourceSpec, open_source
from acs_triage.windows import PLACED, Window
from tests.azurite import Azurite
from tests.diagnostic_archive import blob_name, diagnostic_record
from tests.sources.archive.conftest import upload

UTC = timezone.utc


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    "windows, now, expected",
    [
        ([Window(at(10, 20), at(12, 0))], None, HourRange(at(9), at(12))),  # one hour either side
        ([Window(at(10, 0), at(12, 1))], None, HourRange(at(9), at(13))),
        ([Window(at(10, 20), at(12, 0))], at(11, 30), HourRange(at(9), at(11))),  # not past now
        ([Window(at(10, 20), None, PLACED)], None, HourRange(at(9), None)),  # a folder: to the end
        ([Window(at(10, 20), at(11, 0), PLACED)], at(15, 5), HourRange(at(9), at(15))),  # storage: to now
        ([Window(at(10), at(12)), Window(at(2), at(10))], None, HourRange(at(1), at(12))),  # smoke baseline
        ([Window(None, at(12))], None, HourRange(None, at(12))),
        ([Window(None, None)], None, HourRange(None, None)),
    ],
)
def test_the_hours_a_window_needs(windows: list[Window], now: datetime | None, expected: HourRange) -> None:
    assert hours_for(windows, now=now) == expected


def test_blob_names() -> None:
    resource = (
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS"
    )
    name = blob_name(resource, at(9))
    assert parse_blob_name(name) == (resource, at(9))
    assert parse_blob_name(f"/mnt/copy/insights-logs-callsummary/{name}") == (resource, at(9))
    assert parse_blob_name("/data/acs1/y=2026/m=11/d=01/h=09/m=00/PT1H.json") == ("/data/acs1", at(9))
    for bad in (
        "resourceId=/X/y=2026/m=11/d=01/PT1H.json",  # no hour
        "resourceId=/X/y=2026/m=13/d=01/h=09/m=00/PT1H.json",  # no such month
        "resourceId=/X/y=2026/d=01/m=11/h=09/m=00/PT1H.json",  # out of order
        "resourceId=/X/y=26/m=11/d=01/h=09/m=00/PT1H.json",
        "PT1H.json",
    ):
        assert parse_blob_name(bad) is None, bad
    assert split_partition(["a", "y=2026", "m=12"]) == (["a"], (2026, 12))
    assert partition_span((2026, 12)) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert partition_span((2026, 2, 29)) is None
    assert HourRange(at(9), at(12)).overlaps(at(0, day=1), at(0, day=2))
    assert not HourRange(at(9), at(12)).overlaps(at(13), at(14))


def test_a_large_blob_is_streamed_in_bounded_memory(
    azurite: Azurite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 24 MB blob is read with far less than 24 MB of Python allocations: it is never
    held whole (ranged reads of 1 MiB, at most a few at a time)."""
    resource = (
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/BIG"
    )
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    record = diagnostic_record(
        {
            "TimeGenerated": hour + timedelta(minutes=5),
            "_ResourceId": resource,
            "CorrelationId": "c",
            "EndpointType": "PSTN",
            "ParticipantEndReason": "0",
            "ParticipantEndSubCode": "0",
            "CallDebuggingInfo": "x" * 900,
        }
    )
    line = json.dumps(record).encode() + b"\n"
    count = 40_000_000 // len(line)
    upload(azurite, "big", {blob_name(resource, hour): line * count})
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", azurite.ca_path)
    target = StorageTarget(azurite.account_url, "big", connection_string=azurite.connection_string())
    with open_source(SourceSpec(storage=target)) as source:
        tracemalloc.start()
        try:
            (data,) = source.triage([Window(hour, hour + timedelta(hours=1))])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert data.total_legs == count
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MiB"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_on_a_terminal_only() -> None:
    stats = ReadStats()
    stats.blobs_listed, stats.blobs_opened, stats.bytes_read = 8, 2, 3_400_000
    line = f"[{'#' * 2}{'-' * 8}] 2/8 blobs, 3.4 MB"
    terminal = _Terminal()
    with spinner("querying x", terminal, status=lambda: line):
        pass
    assert line in terminal.getvalue()
    log = io.StringIO()
    with spinner("querying x", log, status=lambda: line):
        pass
    assert log.getvalue() == ""
