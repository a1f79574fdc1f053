""":func:`read_export`: open the input, detect its format, hand it to that format's reader
(:func:`read_stream` does the same for a binary stream the caller opened, e.g. a blob)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from io import TextIOWrapper
from typing import IO, BinaryIO, Protocol, cast

from acs_triage.records import Item
from acs_triage.sources.exports.common import (
    EndlessInput,
    ExportError,
    InputFormat,
    JsonSyntaxError,
    LineTally,
)
from acs_triage.sources.exports.csv_rows import csv_records
from acs_triage.sources.exports.datetimes import DateReader
from acs_triage.sources.exports.detect import detect_format
from acs_triage.sources.exports.diagnostic import diagnostic_records
from acs_triage.sources.exports.json_documents import api_json_records, az_json_records
from acs_triage.sources.exports.json_lines import jsonl_records
from acs_triage.sources.exports.streams import decode_from_start, read_head


class _Reader(Protocol):
    """A format's reader: ``(text, source, name, tally=, dates=)`` -> records."""

    def __call__(
        self, text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
    ) -> Iterator[Item]: ...


#: The reader of each format.
_READERS: dict[InputFormat, _Reader] = {
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
    date_order: str | None = None,
    tally: LineTally | None = None,
) -> Iterator[Item]:
    """Stream the rows of an exported ACSCallSummary file as Legs and Rejections
    (and, for diagnostic records, SkippedRecords of other log categories).

    ``path == "-"`` reads ``stdin`` (a binary stream; default ``sys.stdin.buffer``),
    which is not closed. The file is opened and its format detected before this
    returns, so "cannot open" and "not a recognised format" raise here; other
    :class:`ExportError` s can raise while iterating. See the package docstring.

    ``date_order`` (``dmy`` or ``mdy``) reads ``A/B/YYYY`` dates in that order instead
    of deciding it from the file; ``tally``, when given, counts the input's lines
    (:class:`~acs_triage.sources.exports.common.LineTally`) as they are read.
    """
    reading = _Reading(DateReader(date_order), tally if tally is not None else LineTally())
    records = _records(path, InputFormat(fmt), stdin, reading)
    next(records)  # run up to the first yield: open, detect, or raise ExportError
    return cast(Iterator[Item], records)


def read_stream(
    stream: IO[bytes],
    name: str,
    fmt: InputFormat | str = InputFormat.AUTO,
    *,
    date_order: str | None = None,
    tally: LineTally | None = None,
) -> Iterator[Item]:
    """Like :func:`read_export`, for a binary stream the caller opened (and closes);
    ``name`` names it in rejections and errors. Detection happens on the first
    iteration."""
    reading = _Reading(DateReader(date_order), tally if tally is not None else LineTally())
    return cast(Iterator[Item], _from_stream(stream, name, name, InputFormat(fmt), reading, primed=False))


class _Reading:
    """What a reader is given besides its text: the file's date order, the line tally."""

    def __init__(self, dates: DateReader, tally: LineTally) -> None:
        self.dates = dates
        self.tally = tally


def _records(path: str, fmt: InputFormat, stdin: BinaryIO | None, reading: _Reading) -> Iterator[Item | None]:
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
        yield from _from_stream(stream, path, name, fmt, reading, primed=True)
    finally:
        if owned is not None:
            owned.close()


def _from_stream(
    stream: IO[bytes], source: str, name: str, fmt: InputFormat, reading: _Reading, *, primed: bool
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
            yield from _READERS[fmt](text, source, name, tally=reading.tally, dates=reading.dates)
        except JsonSyntaxError as error:
            raise ExportError(f"{name}: invalid JSON at line {error.line:,}: {error.message}") from None
        except EndlessInput as error:
            raise ExportError(f"{name}: {error.message}") from None
        except OSError as error:
            raise ExportError(f"{name}: cannot read: {error.strerror or error}") from None
    finally:
        if text is not None:
            text.close()  # closes the replaying wrapper only, never the caller's stream
