""":func:`read_export`: open the input, detect its format, hand it to that format's reader
(:func:`read_stream` does the same for a binary stream the caller opened, e.g. a blob)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from io import TextIOWrapper
from typing import IO, BinaryIO, cast

from acs_triage.records import Item
from acs_triage.sources.exports.common import ExportError, InputFormat, JsonSyntaxError
from acs_triage.sources.exports.csv_rows import csv_records
from acs_triage.sources.exports.detect import detect_format
from acs_triage.sources.exports.diagnostic import diagnostic_records
from acs_triage.sources.exports.json_documents import api_json_records, az_json_records
from acs_triage.sources.exports.json_lines import jsonl_records
from acs_triage.sources.exports.streams import decode_from_start, read_head

#: The reader of each format: ``(text, source, name)`` -> records.
_READERS: dict[InputFormat, Callable[[TextIOWrapper, str, str], Iterator[Item]]] = {
    InputFormat.CSV: csv_records,
    InputFormat.JSONL: jsonl_records,
    InputFormat.AZ_JSON: az_json_records,
    InputFormat.API_JSON: api_json_records,
    InputFormat.DIAGNOSTIC: diagnostic_records,
}


def read_export(
    path: str,
    fmt: InputFormat | str = InputFormat.AUTO,
    *,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Stream the rows of an exported ACSCallSummary file as Legs and Rejections
    (and, for diagnostic records, SkippedRecords of other log categories).

    ``path == "-"`` reads ``stdin`` (a binary stream; default ``sys.stdin.buffer``),
    which is not closed. The file is opened and its format detected before this
    returns, so "cannot open" and "not a recognised format" raise here; other
    :class:`ExportError` s can raise while iterating. See the package docstring.
    """
    records = _records(path, InputFormat(fmt), stdin)
    next(records)  # run up to the first yield: open, detect, or raise ExportError
    return cast(Iterator[Item], records)


def read_stream(stream: IO[bytes], name: str, fmt: InputFormat | str = InputFormat.AUTO) -> Iterator[Item]:
    """Like :func:`read_export`, for a binary stream the caller opened (and closes);
    ``name`` names it in rejections and errors. Detection happens on the first
    iteration."""
    return cast(Iterator[Item], _from_stream(stream, name, name, InputFormat(fmt), primed=False))


def _records(path: str, fmt: InputFormat, stdin: BinaryIO | None) -> Iterator[Item | None]:
    name = "<stdin>" if path == "-" else path
    owned: IO[bytes] | None = None
    if path == "-":
        stream: IO[bytes] = stdin if stdin is not None else sys.stdin.buffer
    else:
        try:
            stream = owned = open(path, "rb")  # noqa: SIM115 - closed in finally
        except OSError as error:
            raise ExportError(f"{name}: cannot open: {error.strerror or error}") from None
    try:
        yield from _from_stream(stream, path, name, fmt, primed=True)
    finally:
        if owned is not None:
            owned.close()


def _from_stream(
    stream: IO[bytes], source: str, name: str, fmt: InputFormat, *, primed: bool
) -> Iterator[Item | None]:
    """Detect, decode and read ``stream``; with ``primed``, first yield None once the
    format is known (read_export's priming point)."""
    text: TextIOWrapper | None = None
    try:
        try:
            head = read_head(stream)
        except OSError as error:
            raise ExportError(f"{name}: cannot read: {error.strerror or error}") from None
        if fmt is InputFormat.AUTO:
            try:
                fmt = detect_format(head)
            except ExportError as error:
                raise ExportError(f"{name}: {error.message}", hint=error.hint) from None
        text = decode_from_start(head, stream)
        if primed:
            yield None  # priming point for read_export
        try:
            yield from _READERS[fmt](text, source, name)
        except JsonSyntaxError as error:
            raise ExportError(f"{name}: invalid JSON at line {error.line}: {error.message}") from None
        except OSError as error:
            raise ExportError(f"{name}: cannot read: {error.strerror or error}") from None
    finally:
        if text is not None:
            text.close()  # closes the replaying wrapper only, never the caller's stream
