"""Format detection and forced formats (acs_triage.sources.exports.detect)."""

from __future__ import annotations

import gzip
import json

import pytest

from acs_triage.sources.exports import HEAD_BYTES, ExportError, InputFormat, detect_format
from tests.sources.exports.helpers import API_JSON, AZ_JSON, DISPLAYED_CSV, JSONL, PORTAL_CSV, read


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (PORTAL_CSV.encode("utf-8"), InputFormat.CSV),
        (DISPLAYED_CSV.encode(), InputFormat.CSV),
        (DISPLAYED_CSV.encode("utf-16"), InputFormat.CSV),
        (b"sep=,\r\nTimeGenerated,CorrelationId\r\n", InputFormat.CSV),
        (AZ_JSON.encode(), InputFormat.AZ_JSON),
        (b"\xef\xbb\xbf  []", InputFormat.AZ_JSON),
        (API_JSON.encode(), InputFormat.API_JSON),
        (json.dumps({"tables": []}).encode(), InputFormat.API_JSON),
        (b'{\n  "error": {"code": "PartialError"},\n  "tables": [', InputFormat.API_JSON),
        (JSONL.encode(), InputFormat.JSONL),
        (b'{"TimeGenerated": "' + b"x" * 100_000, InputFormat.JSONL),  # head cuts the line
        (b"{broken\n{}\n", InputFormat.JSONL),
    ],
)
def test_detect_format(sample: bytes, expected: InputFormat) -> None:
    assert detect_format(sample[:HEAD_BYTES]) is expected


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (b"", "empty input"),
        (b" \r\n\t", "empty input"),
        (gzip.compress(b"a,b\n"), "gzip"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"\x00\x01\x02abc,def", "binary"),
        (b"just some text\n", "not a recognised export"),
        (b'{\n  "value": []\n}\n', 'without a "tables" array'),
    ],
)
def test_detect_format_errors(sample: bytes, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        detect_format(sample)
    with pytest.raises(ExportError, match=r"^<stdin>: ") as caught:
        read(sample)
    assert "\n" not in str(caught.value)


def test_forced_format_overrides_detection() -> None:
    # A JSON Lines file whose first line is a complete api-json document.
    data = json.dumps({"tables": []}) + "\n"
    assert detect_format(data.encode()) is InputFormat.API_JSON
    with pytest.raises(ExportError, match="missing required column"):
        read(data.encode(), "jsonl")
    with pytest.raises(ExportError, match="expected a JSON array"):
        read(API_JSON.encode(), InputFormat.AZ_JSON)
    with pytest.raises(ExportError, match="expected a JSON object"):
        read(AZ_JSON.encode(), InputFormat.API_JSON)
    with pytest.raises(ValueError):
        read(b"[]", "xml")
