"""Broken, truncated and deeply nested JSON documents (acs_triage.sources.exports.json_scanner)."""

from __future__ import annotations

import io

import pytest

from acs_triage.sources.exports import ExportError, InputFormat, read_export
from tests.sources.exports.helpers import AZ_JSON, kind, read, read_any


def test_az_json_truncated_is_a_file_error_after_the_good_records() -> None:
    data = AZ_JSON.encode()[: AZ_JSON.index('"not an object"') + 5]
    stream = read_export("-", stdin=io.BytesIO(data))
    got = [next(stream), next(stream)]
    assert kind(got) == "LL"
    with pytest.raises(ExportError, match=r"<stdin>: invalid JSON at line \d+: .*truncated"):
        next(stream)


def test_az_json_syntax_error_names_the_line() -> None:
    data = b'[\n{"CorrelationId": "a",\n "TimeGenerated": x}\n]'
    with pytest.raises(ExportError, match="invalid JSON at line 3: Expecting value"):
        read(data)


def test_deeply_nested_json_documents_are_a_file_error() -> None:
    with pytest.raises(ExportError, match="nested too deeply"):
        read(b"[" + b"[" * 100_000)
    read_any(b"[" + b"1" * 5000 + b"]", InputFormat.AUTO)  # 3.11+: too long to convert
