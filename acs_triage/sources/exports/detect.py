"""Recognising the export format from the first bytes of the input."""

from __future__ import annotations

import json
import re

from acs_triage.sources.exports.common import ExportError, InputFormat
from acs_triage.sources.exports.diagnostic import looks_like_record, starts_with_records
from acs_triage.sources.exports.streams import encoding_of

_TABLES_FIRST = re.compile(r'\{\s*"tables"\s*:', re.IGNORECASE)
_TABLES_ANYWHERE = re.compile(r'"tables"\s*:\s*\[', re.IGNORECASE)


def detect_format(head: bytes) -> InputFormat:
    """Recognise the export format from the first few KiB of the input.

    Raises :class:`ExportError` (without a file name) when the head is empty,
    compressed, binary or in no recognised format.
    """
    if head.startswith(b"\x1f\x8b"):
        raise ExportError("gzip-compressed input", hint="decompress it first, e.g. with gunzip")
    if head.startswith(b"PK\x03\x04"):
        raise ExportError("a ZIP archive", hint="extract the exported file first")
    text = head.decode(encoding_of(head), errors="replace").lstrip()
    if not text:
        raise ExportError("empty input: no header row or records")
    if "\x00" in text:
        raise ExportError("binary data, not a CSV, JSON or JSON Lines export")
    if text[0] == "[":
        return InputFormat.AZ_JSON
    if text[0] == "{":
        return _detect_object(text)
    first_line = text.split("\n", 1)[0]
    if "," in first_line:
        return InputFormat.CSV
    raise ExportError(
        "not a recognised export: expected a CSV header row, a JSON array, "
        'a JSON object with "tables", JSON Lines, or diagnostic records'
    )


def _detect_object(text: str) -> InputFormat:
    if _TABLES_FIRST.match(text):
        return InputFormat.API_JSON
    if starts_with_records(text):
        return InputFormat.DIAGNOSTIC
    newline = text.find("\n")
    line = (text if newline < 0 else text[:newline]).strip()
    try:
        first = json.loads(line)
    except (ValueError, RecursionError):
        first = None
    if isinstance(first, dict):
        if any(isinstance(k, str) and k.lower() == "tables" for k in first):
            return InputFormat.API_JSON
        if looks_like_record(first):
            return InputFormat.DIAGNOSTIC
        return InputFormat.JSONL
    if _TABLES_ANYWHERE.search(text):
        return InputFormat.API_JSON
    if line == "{":
        raise ExportError('a JSON object without a "tables" array: not a Logs query API response')
    # A first line too long for the head, or a broken first record: JSON Lines,
    # where a bad line is a rejection rather than a file-level error.
    return InputFormat.JSONL
