"""Reading the input: encodings and short reads (acs_triage.sources.exports.streams)."""

from __future__ import annotations

import io

from acs_triage.sources.exports import read_export
from tests.sources.exports.helpers import (
    API_JSON,
    AZ_JSON,
    DISPLAYED_CSV,
    JSONL,
    PORTAL_CSV,
    kind,
    read,
    shown,
)


def test_csv_utf16_with_bom() -> None:
    records = read(DISPLAYED_CSV.encode("utf-16"))
    assert kind(records) == "LLL"


def test_stdin_pipe_with_short_reads() -> None:
    class Trickle(io.RawIOBase):
        """Returns at most 7 bytes per read, like a slow pipe."""

        def __init__(self, data: bytes) -> None:
            self._data = memoryview(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            count = min(7, len(buffer), len(self._data))
            buffer[:count] = self._data[:count]
            self._data = self._data[count:]
            return count

    for sample in (PORTAL_CSV.encode(), AZ_JSON.encode(), API_JSON.encode(), JSONL.encode()):
        assert read(sample) == shown(list(read_export("-", stdin=Trickle(sample))))  # type: ignore[arg-type]
