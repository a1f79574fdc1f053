"""Streaming readers for exported ``ACSCallSummary`` data.

:func:`read_export` turns a file (or ``-`` for standard input) into a stream of
:class:`~acs_triage.records.Leg` rows and :class:`~acs_triage.records.Rejection`
records, one per input row, in input order. Memory does not grow with the size of
the input: CSV and JSON Lines are read line by line, and the two JSON documents
are read element by element from a sliding buffer.

Formats (detected from the first 64 KiB by :func:`detect_format`, or forced):

``csv``
    The Log Analytics portal's *Export to CSV* (*all columns* or *displayed
    columns*). The portal writes datetime columns with a time-zone suffix, e.g.
    ``TimeGenerated [UTC]``, and datetime values in the browser's locale, e.g.
    ``11/28/2026, 2:10:38.123 AM`` for en-US. A UTF-8 (or UTF-16) byte-order mark,
    CRLF or CR line ends, quoted fields with embedded commas, quotes and newlines,
    stray spaces, empty cells, ``null`` and an Excel ``sep=,`` first line are all
    accepted.
``az-json``
    ``az monitor log-analytics query -o json``: a JSON array of flat objects whose
    values are all strings, plus a ``TableName`` key (ignored, like every unknown
    key).
``api-json``
    The Logs query REST API (and ``LogsQueryClient``) response:
    ``{"tables": [{"name", "columns": [{"name", "type"}], "rows": [[...]]}]}``.
    The first table named ``PrimaryResult`` is read, else the first table. Kusto's
    ``TableName``/``ColumnName`` spellings and any key case are accepted.
``jsonl``
    JSON Lines: one object per line; blank lines are skipped and not counted.

Columns are matched by name, never by position: case-insensitively, after
stripping whitespace and a trailing ``[...]`` suffix. Required:
``TimeGenerated``, ``CorrelationId``, ``EndpointType``, ``ParticipantEndReason``,
``ParticipantEndSubCode``. Optional: ``ParticipantId``, ``Identifier``,
``CallStartTime``, ``PstnParticipantCallType``, ``ResultCategory``. When a
column name occurs twice, the first occurrence wins.

Decisions
---------
* **Time zones.** A suffix of ``[UTC]`` (or ``[UTC+00:00]``, ``[GMT]``) is UTC. The
  portal can also be set to display local time; such an export's values carry no
  offset, so they cannot be converted reliably (DST, the exporting browser's
  zone). A ``TimeGenerated`` or ``CallStartTime`` header with any other suffix,
  e.g. ``[Local Time]``, is therefore a file-level :class:`ExportError` whose hint
  says to re-export in UTC, rather than one rejection per row. In the JSON
  formats the same rule applies to keys: in the first object it is an
  :class:`ExportError`; in a later object it rejects that row.
* **Date styles.** ISO 8601 with ``T`` or a space, with ``Z``, ``+hh:mm``,
  ``+hhmm`` or no offset (naive means UTC), seconds optional, 1 to 9 fraction
  digits (Log Analytics writes 7; digits past microseconds are truncated). The
  portal's en-US style ``M/D/YYYY, h:mm[:ss[.fff]] AM|PM`` (the comma is
  optional; any whitespace, including the narrow no-break space newer browsers
  put before ``AM``, is accepted). The year-first ``YYYY/M/D H:mm[:ss[.fff]]``
  24-hour style (ja-JP and similar locales). Day-first styles such as en-GB
  ``28/11/2026, 02:10:38`` are **rejected**: without ``AM``/``PM`` or a leading
  year they cannot be told apart from month-first, and a silent month/day swap
  would misplace rows in time. Every datetime is returned timezone-aware in UTC.
* **Values.** Text is stripped; ``null``, ``None`` and ``""`` are blank. The two
  end-code columns go through :func:`acs_triage.codes.normalize_code`. A blank
  ``EndpointType`` is kept (the leg is simply not PSTN). An unparseable optional
  ``CallStartTime`` becomes ``None`` rather than rejecting the row. A ``TimeGenerated``
  outside 1970-2199 cannot be a Log Analytics record: the row is rejected.
* **Rows.** Every input row becomes exactly one ``Leg`` or one ``Rejection``;
  nothing here raises for a bad row. ``line`` is the 1-based physical line where
  the row starts (CSV, JSON Lines; CR, LF and CRLF all end a line) or the 1-based
  element index in the array (``az-json``) or in ``rows`` (``api-json``).
  Rejected: unparseable or missing ``TimeGenerated``, blank ``CorrelationId``, a
  CSV row whose field count differs from the header's, a CSV syntax error, a line
  longer than :data:`MAX_LINE_CHARS`, invalid JSON on a JSON Lines line, a record
  that is not an object (or, in ``api-json``, not an array of the right length).
* **Keys in JSON objects.** The first object must hold every required column
  (else :class:`ExportError`, as for a CSV header). A later object that lacks a
  key is read as if the value were null, so it is rejected only if the missing
  value is needed.
* **File-level problems** raise :class:`ExportError` with one line naming the
  file: cannot open or read, not a recognised format (including gzip/ZIP input,
  which must be unpacked first), a required column missing, no header row, and a
  JSON document that is syntactically broken or truncated (its remaining rows
  cannot be located, so a partial result would be silently incomplete). Opening
  and format detection happen when :func:`read_export` is called; the other
  checks can raise while iterating, before any further record is yielded.
* **Not interpreted.** A ``PartialError`` in an ``api-json`` document is not
  reported (the reader has no warning channel); neither are ``statistics`` or
  other extra keys.
"""

from __future__ import annotations

import codecs
import csv
import json
import operator
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from enum import Enum
from io import BufferedReader, RawIOBase, TextIOWrapper
from typing import IO, BinaryIO, cast

from acs_triage.codes import normalize_code
from acs_triage.errors import InputError
from acs_triage.records import Leg, Rejection

__all__ = [
    "HEAD_BYTES",
    "MAX_JSON_VALUE_CHARS",
    "MAX_LINE_CHARS",
    "ExportError",
    "InputFormat",
    "detect_format",
    "read_export",
]

#: Bytes read from the start of the input to detect its format.
HEAD_BYTES = 64 * 1024
#: A CSV or JSON Lines line longer than this (in characters) is rejected unread.
MAX_LINE_CHARS = 1024 * 1024
#: A single JSON element (a record, a row, a skipped value) larger than this
#: (in characters) makes the document unreadable.
MAX_JSON_VALUE_CHARS = 8 * 1024 * 1024

_CHUNK_CHARS = 64 * 1024
_SPOOL_MEMORY_BYTES = 1024 * 1024


class InputFormat(str, Enum):
    """The export formats :func:`read_export` understands."""

    AUTO = "auto"
    CSV = "csv"
    AZ_JSON = "az-json"
    API_JSON = "api-json"
    JSONL = "jsonl"


class ExportError(InputError):
    """A file-level problem: the input cannot be read as an ACSCallSummary export.

    The message is one line and names the file (``<stdin>`` for standard input).
    """


class _JsonSyntaxError(Exception):
    """A JSON document cannot be parsed further; becomes an :class:`ExportError`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --------------------------------------------------------------------------- columns

_REQUIRED = (
    "TimeGenerated",
    "CorrelationId",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
)
_OPTIONAL = (
    "ParticipantId",
    "Identifier",
    "CallStartTime",
    "PstnParticipantCallType",
    "ResultCategory",
)
_COLUMNS = _REQUIRED + _OPTIONAL
_COLUMN_INDEX = {column.lower(): i for i, column in enumerate(_COLUMNS)}
_DATETIME_COLUMNS = frozenset({_COLUMN_INDEX["timegenerated"], _COLUMN_INDEX["callstarttime"]})
_UTC_SUFFIXES = frozenset({"utc", "utc+00:00", "utc+0", "gmt", "z"})
_SUFFIX = re.compile(r"(.*?)\s*\[([^\[\]]*)\]")
_UNKNOWN = -1
_NOT_UTC = -2


def _split_header(header: str) -> tuple[str, str | None]:
    """``" TimeGenerated [UTC] "`` -> ``("timegenerated", "utc")``."""
    text = header.strip().lstrip("\ufeff").strip()
    match = _SUFFIX.fullmatch(text)
    if match is None:
        return text.lower(), None
    return match.group(1).strip().lower(), " ".join(match.group(2).split()).lower()


def _column_of(header: str) -> int:
    """The canonical column index of a header, ``_UNKNOWN`` or ``_NOT_UTC``."""
    key, suffix = _split_header(header)
    index = _COLUMN_INDEX.get(key, _UNKNOWN)
    if index in _DATETIME_COLUMNS and suffix is not None and suffix not in _UTC_SUFFIXES:
        return _NOT_UTC
    return index


def _not_utc_error(name: str, header: str) -> ExportError:
    return ExportError(
        f"{name}: column {header.strip()!r} holds times in a zone other than UTC",
        hint="re-export with the portal's display time zone set to UTC",
    )


def _resolve_columns(headers: Sequence[str], name: str) -> list[int]:
    """Map each canonical column to its position in ``headers`` (-1 when absent)."""
    positions = [-1] * len(_COLUMNS)
    for position, header in enumerate(headers):
        index = _column_of(header)
        if index == _NOT_UTC:
            key = _split_header(header)[0]
            if positions[_COLUMN_INDEX[key]] == -1:
                raise _not_utc_error(name, header)
            continue
        if index >= 0 and positions[index] == -1:
            positions[index] = position
    missing = [_COLUMNS[i] for i in range(len(_REQUIRED)) if positions[i] == -1]
    if missing:
        raise _missing_columns_error(name, missing, headers)
    return positions


def _missing_columns_error(name: str, missing: Sequence[str], found: Sequence[str]) -> ExportError:
    shown = ", ".join(repr(h.strip()[:40]) for h in found[:8])
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    return ExportError(
        f"{name}: missing required column(s) {', '.join(missing)}; "
        f"found {len(found)} column(s): {shown or 'none'}{more}",
        hint="export all columns of ACSCallSummary, or project at least the required ones",
    )


# --------------------------------------------------------------------------- values

_UTC = timezone.utc
_BLANK_TEXT = frozenset({"null", "none"})
_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"\s*(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?"
)
_US = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}),?\s+([0-9]{1,2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?\s*([AaPp])\.?[Mm]\.?"
)
_YEAR_FIRST = re.compile(
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}),?\s+([0-9]{1,2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
)


def _micro(fraction: str | None) -> int:
    return int((fraction + "00000")[:6]) if fraction else 0


# The shape Log Analytics writes: "T", no fraction or 6 to 9 fraction digits, then
# "Z" or nothing (naive means UTC). Such a value goes to datetime.fromisoformat as
# "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (digits past microseconds cut off, as _micro
# does), a form every supported Python (3.10 included) accepts, returning
# timezone.utc; a value it refuses (e.g. February 30th) and every other shape go
# through the regexes. The hour excludes 24: newer Pythons read "24:00" as midnight.
_ISO_FAST = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(?:\.[0-9]{6,9})?Z?"
).fullmatch
_fromisoformat = datetime.fromisoformat


def _parse_datetime(value: object) -> datetime | None:
    """A tz-aware UTC datetime from the date styles in the module docstring, or None."""
    if type(value) is str and _ISO_FAST(value) is not None:
        try:
            return _fromisoformat((value[:26] if len(value) >= 26 else value[:19]) + "+00:00")
        except ValueError:
            pass
    return _parse_datetime_general(value)


def _parse_datetime_general(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        match = None if "/" in text else _ISO.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
            parsed = datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second) if second else 0,
                _micro(fraction),
                tzinfo=_UTC,
            )
            if sign is not None:
                offset = timedelta(hours=int(off_h), minutes=int(off_m))
                if offset >= timedelta(hours=24) or int(off_m) >= 60:
                    return None
                parsed = parsed - offset if sign == "+" else parsed + offset
            return parsed
        match = _US.fullmatch(text)
        if match is not None:
            month, day, year, hour, minute, second, fraction, half = match.groups()
            hour12 = int(hour)
            if not 1 <= hour12 <= 12:
                return None
            hour24 = hour12 % 12 + (12 if half in "Pp" else 0)
            return datetime(
                int(year),
                int(month),
                int(day),
                hour24,
                int(minute),
                int(second) if second else 0,
                _micro(fraction),
                tzinfo=_UTC,
            )
        match = _YEAR_FIRST.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, fraction = match.groups()
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second) if second else 0,
                _micro(fraction),
                tzinfo=_UTC,
            )
    except (ValueError, OverflowError):
        return None
    return None


_last_call_start: list[tuple[object, datetime | None]] = [("", None)]


def _parse_call_start(value: object) -> datetime | None:
    """``CallStartTime`` repeats on every leg of a call: remember the last one."""
    last = _last_call_start[0]
    if value == last[0] and type(value) is type(last[0]):
        return last[1]
    parsed = _parse_datetime(value)
    _last_call_start[0] = (value, parsed)
    return parsed


def _text(value: object) -> str:
    """A text column: stripped; ``null``/``None``/missing -> ``""``."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 4 and text.lower() in _BLANK_TEXT:
            return ""
        if not text.isascii():
            # JSON "\ud800" escapes decode to lone surrogates, which cannot be printed.
            text = text.encode("utf-8", errors="replace").decode("utf-8")
        return text
    if value is None:
        return ""
    return normalize_code(value)


def _show(value: object) -> str:
    """A short, one-line, quoted rendering of a bad value for a rejection reason."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    shown = repr(text[:40])
    return shown + "..." if len(text) > 40 else shown


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


#: ``Leg`` is a named tuple, cheap to build; the name marks the per-row call sites.
_new_leg = Leg


class _Memo(dict[str, str]):
    """``convert(text)`` for the few distinct texts of a column (end codes, endpoint
    types, ...), remembered: a dict lookup instead of a call per row. Bounded: at most
    ``_MEMO_MAX`` short keys are kept; others are converted every time."""

    __slots__ = ("_convert",)

    def __init__(self, convert: Callable[[str], str]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, key: str) -> str:
        value = self._convert(key)
        if len(self) < _MEMO_MAX and len(key) <= _MEMO_KEY_CHARS:
            self[key] = value
        return value


_MEMO_MAX = 1024
_MEMO_KEY_CHARS = 64


#: TimeGenerated outside these bounds cannot be a Log Analytics record (and would
#: overflow window arithmetic near year 1 or 9999): such rows are rejected.
_EARLIEST = datetime(1970, 1, 1, tzinfo=_UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=_UTC)


def _bad_time(time_raw: object, line: int, source: str) -> Rejection:
    """The rejection for a ``TimeGenerated`` value that did not parse or is implausible."""
    if _text(time_raw) == "":
        return Rejection(source, line, "missing TimeGenerated")
    if _parse_datetime(time_raw) is not None:
        return Rejection(source, line, f"TimeGenerated {_show(time_raw)} is outside 1970-2199")
    return Rejection(source, line, f"unparseable TimeGenerated {_show(time_raw)}")


def _to_leg(values: Sequence[object], line: int, source: str, texts: _Memo, codes: _Memo) -> Leg | Rejection:
    """Build a Leg from the canonical column values (order of ``_COLUMNS``).

    ``texts`` and ``codes`` are the reader's memos of :func:`_text` and
    :func:`normalize_code` for the columns with few distinct values.
    """
    (
        time_raw,
        correlation_raw,
        endpoint_type,
        end_reason,
        end_sub_code,
        participant_id,
        identifier,
        start_raw,
        pstn_call_type,
        result_category,
    ) = values
    time_generated = _parse_datetime(time_raw)
    if time_generated is None or not _EARLIEST <= time_generated < _LATEST:
        return _bad_time(time_raw, line, source)
    correlation_id = _text(correlation_raw)
    if not correlation_id:
        return Rejection(source, line, "missing CorrelationId")
    return _new_leg(
        time_generated,
        correlation_id,
        texts[endpoint_type] if type(endpoint_type) is str else _text(endpoint_type),
        codes[end_reason] if type(end_reason) is str else normalize_code(end_reason),
        codes[end_sub_code] if type(end_sub_code) is str else normalize_code(end_sub_code),
        _text(participant_id),
        _text(identifier),
        _parse_call_start(start_raw),
        texts[pstn_call_type] if type(pstn_call_type) is str else _text(pstn_call_type),
        texts[result_category] if type(result_category) is str else _text(result_category),
        line,
    )


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "an object"


class _KeyMap:
    """Maps object keys to canonical columns, remembering the answers (bounded)."""

    _MAX_CACHED = 4096

    def __init__(self, name: str) -> None:
        self._name = name
        self._cache: dict[str, int] = {}
        self._checked = False
        self._texts = _Memo(_text)
        self._codes = _Memo(normalize_code)
        # The keys of the previous object and what to do with an object that has
        # exactly those keys, in that order: usually every object of a file.
        self._shape: tuple[str, ...] | None = None
        self._plan: Callable[[list[object]], Sequence[object]] | str = ""

    def _index(self, key: str) -> int:
        index = self._cache.get(key)
        if index is None:
            index = _column_of(key)
            if len(self._cache) < self._MAX_CACHED:
                self._cache[key] = index
        return index

    def convert(self, record: dict[str, object], line: int, source: str) -> Leg | Rejection:
        if not self._checked:
            # The first object plays the part of a header row.
            _resolve_columns(list(record), self._name)
            self._checked = True
        shape = tuple(record)
        if shape != self._shape:
            self._shape = shape
            self._plan = self._plan_for(shape)
        plan = self._plan
        if isinstance(plan, str):
            return Rejection(source, line, plan)
        values = list(record.values())
        values.append(None)  # read for an absent column
        return _to_leg(plan(values), line, source, self._texts, self._codes)

    def _plan_for(self, keys: tuple[str, ...]) -> Callable[[list[object]], Sequence[object]] | str:
        """For objects with these keys: a getter of the canonical column values from
        the object's values (plus a trailing None), or the reason to reject them."""
        absent = len(keys)
        positions = [absent] * len(_COLUMNS)
        for position, key in enumerate(keys):
            index = self._index(key)
            if index >= 0:
                if positions[index] == absent:  # the first occurrence wins
                    positions[index] = position
            elif index == _NOT_UTC:
                return f"column {key.strip()[:40]!r} is not in UTC"
        return operator.itemgetter(*positions)


# --------------------------------------------------------------------------- input


class _Prefixed(RawIOBase):
    """Replays the bytes already read for detection, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        target = memoryview(buffer).cast("B")
        if self._head.nbytes:
            count = min(len(target), self._head.nbytes)
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(target))
        if not data:
            return 0
        target[: len(data)] = data
        return len(data)


def _read_head(stream: IO[bytes]) -> bytes:
    parts: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        data = stream.read(HEAD_BYTES - size)
        if not data:
            break
        parts.append(data)
        size += len(data)
    return b"".join(parts)


def _encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


class _Lines:
    """Physical lines of a text stream (CR, LF, CRLF), each at most MAX_LINE_CHARS.

    An over-long line is consumed, counted in ``overlong`` and returned as ``"\\n"``
    so that line numbering stays right; callers turn it into a rejection.
    """

    def __init__(self, text: TextIOWrapper) -> None:
        self._readline = text.readline
        self.overlong = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._readline(MAX_LINE_CHARS)
        if not line:
            raise StopIteration
        if len(line) >= MAX_LINE_CHARS and line[-1] not in "\r\n":
            while True:
                rest = self._readline(MAX_LINE_CHARS)
                if not rest or rest[-1] in "\r\n":
                    break
            self.overlong += 1
            return "\n"
        return line


# --------------------------------------------------------------------------- detection

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
    text = head.decode(_encoding(head), errors="replace").lstrip()
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
        'a JSON object with "tables", or JSON Lines'
    )


def _detect_object(text: str) -> InputFormat:
    if _TABLES_FIRST.match(text):
        return InputFormat.API_JSON
    newline = text.find("\n")
    line = (text if newline < 0 else text[:newline]).strip()
    try:
        first = json.loads(line)
    except (ValueError, RecursionError):
        first = None
    if isinstance(first, dict):
        if any(isinstance(k, str) and k.lower() == "tables" for k in first):
            return InputFormat.API_JSON
        return InputFormat.JSONL
    if _TABLES_ANYWHERE.search(text):
        return InputFormat.API_JSON
    if line == "{":
        raise ExportError('a JSON object without a "tables" array: not a Logs query API response')
    # A first line too long for the head, or a broken first record: JSON Lines,
    # where a bad line is a rejection rather than a file-level error.
    return InputFormat.JSONL


# --------------------------------------------------------------------------- public API


def read_export(
    path: str,
    fmt: InputFormat | str = InputFormat.AUTO,
    *,
    stdin: BinaryIO | None = None,
) -> Iterator[Leg | Rejection]:
    """Stream the rows of an exported ACSCallSummary file as Legs and Rejections.

    ``path == "-"`` reads ``stdin`` (a binary stream; default ``sys.stdin.buffer``),
    which is not closed. The file is opened and its format detected before this
    returns, so "cannot open" and "not a recognised format" raise here; other
    :class:`ExportError` s can raise while iterating. See the module docstring.
    """
    records = _records(path, InputFormat(fmt), stdin)
    next(records)  # run up to the first yield: open, detect, or raise ExportError
    return cast(Iterator[Leg | Rejection], records)


def _records(path: str, fmt: InputFormat, stdin: BinaryIO | None) -> Iterator[Leg | Rejection | None]:
    name = "<stdin>" if path == "-" else path
    owned: IO[bytes] | None = None
    if path == "-":
        stream: IO[bytes] = stdin if stdin is not None else sys.stdin.buffer
    else:
        try:
            stream = owned = open(path, "rb")  # noqa: SIM115 - closed in finally
        except OSError as error:
            raise ExportError(f"{name}: cannot open: {error.strerror or error}") from None
    text: TextIOWrapper | None = None
    try:
        try:
            head = _read_head(stream)
        except OSError as error:
            raise ExportError(f"{name}: cannot read: {error.strerror or error}") from None
        if fmt is InputFormat.AUTO:
            try:
                fmt = detect_format(head)
            except ExportError as error:
                raise ExportError(f"{name}: {error.message}", hint=error.hint) from None
        text = TextIOWrapper(
            BufferedReader(_Prefixed(head, stream), buffer_size=_CHUNK_CHARS),
            encoding=_encoding(head),
            errors="replace",
            newline="",
        )
        yield None  # priming point for read_export
        try:
            if fmt is InputFormat.CSV:
                yield from _csv_records(text, path, name)
            elif fmt is InputFormat.JSONL:
                yield from _jsonl_records(text, path, name)
            elif fmt is InputFormat.AZ_JSON:
                yield from _array_records(_JsonScanner(text), path, name)
            else:
                yield from _api_records(_JsonScanner(text), path, name)
        except _JsonSyntaxError as error:
            raise ExportError(f"{name}: invalid JSON at line {error.line}: {error.message}") from None
        except OSError as error:
            raise ExportError(f"{name}: cannot read: {error.strerror or error}") from None
    finally:
        if text is not None:
            text.close()  # closes the _Prefixed wrapper only, never the caller's stdin
        if owned is not None:
            owned.close()


# --------------------------------------------------------------------------- CSV


def _is_blank_row(row: list[str]) -> bool:
    return len(row) <= 1 and (not row or not row[0].strip())


def _csv_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    lines = _Lines(text)
    reader = csv.reader(lines, skipinitialspace=True)
    header: list[str] | None = None
    while header is None:
        try:
            row = next(reader)
        except StopIteration:
            raise ExportError(f"{name}: no header row (the file is empty)") from None
        except csv.Error as error:
            raise ExportError(f"{name}: unreadable CSV header row: {error}") from None
        if lines.overlong:
            raise ExportError(f"{name}: the header row is longer than {MAX_LINE_CHARS} characters")
        if _is_blank_row(row):
            continue
        if reader.line_num == 1 and len(row) == 2 and row[0].strip().lower() == "sep=":
            continue  # Excel's "sep=," preamble
        header = row
    positions = _resolve_columns(header, name)
    width = len(header)
    # Absent optional columns read the padding cell appended to each row.
    pad = min(positions) < 0
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))
    # The hot loop: _to_leg inlined for str cells (the same checks, in the same
    # order), with the few distinct endpoint types, codes and categories memoised and
    # the previous CallStartTime remembered (it repeats on every leg of a call).
    text_of = _Memo(_text)
    code_of = _Memo(normalize_code)
    parse_datetime = _parse_datetime
    earliest, latest = _EARLIEST, _LATEST
    new_leg = _new_leg
    last_start_raw: str | None = None
    last_start: datetime | None = None
    overlong = lines.overlong
    start = reader.line_num + 1  # where the next row starts
    while True:
        try:
            for row in reader:
                line = start
                start = reader.line_num + 1
                if lines.overlong != overlong:
                    overlong = lines.overlong
                    yield Rejection(source, line, f"line longer than {MAX_LINE_CHARS} characters")
                    continue
                if len(row) != width:
                    if _is_blank_row(row):
                        continue
                    yield Rejection(
                        source, line, f"expected {width} fields as in the header, found {len(row)}"
                    )
                    continue
                if pad:
                    row.append("")
                (
                    time_raw,
                    correlation_raw,
                    endpoint_raw,
                    reason_raw,
                    sub_code_raw,
                    participant_raw,
                    identifier_raw,
                    start_raw,
                    call_type_raw,
                    category_raw,
                ) = getter(row)
                time_generated = parse_datetime(time_raw)
                if time_generated is None or not earliest <= time_generated < latest:
                    yield _bad_time(time_raw, line, source)
                    continue
                # _text, inlined: only a 4-letter ("null") or non-ASCII text needs more.
                correlation_id = correlation_raw.strip()
                if len(correlation_id) == 4 or not correlation_id.isascii():
                    correlation_id = _text(correlation_raw)
                if not correlation_id:
                    yield Rejection(source, line, "missing CorrelationId")
                    continue
                participant_id = participant_raw.strip()
                if len(participant_id) == 4 or not participant_id.isascii():
                    participant_id = _text(participant_raw)
                identifier = identifier_raw.strip()
                if len(identifier) == 4 or not identifier.isascii():
                    identifier = _text(identifier_raw)
                if start_raw != last_start_raw:
                    last_start_raw = start_raw
                    last_start = parse_datetime(start_raw)
                yield new_leg(
                    time_generated,
                    correlation_id,
                    text_of[endpoint_raw],
                    code_of[reason_raw],
                    code_of[sub_code_raw],
                    participant_id,
                    identifier,
                    last_start,
                    text_of[call_type_raw],
                    text_of[category_raw],
                    line,
                )
            return
        except csv.Error as error:
            line = start
            start = reader.line_num + 1
            overlong = lines.overlong
            yield Rejection(source, line, f"CSV syntax error: {_one_line(str(error))}")


# --------------------------------------------------------------------------- JSON Lines


def _jsonl_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    lines = _Lines(text)
    keys = _KeyMap(name)
    loads = json.loads
    number = 0
    overlong = 0
    for line in lines:
        number += 1
        if lines.overlong != overlong:
            overlong = lines.overlong
            yield Rejection(source, number, f"line longer than {MAX_LINE_CHARS} characters")
            continue
        stripped = line.strip()
        if not stripped:
            continue
        try:
            record = loads(stripped)
        except RecursionError:
            yield Rejection(source, number, "invalid JSON: nested too deeply")
            continue
        except ValueError as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Rejection(source, number, f"invalid JSON: {_one_line(message)}")
            continue
        if isinstance(record, dict):
            yield keys.convert(record, number, source)
        else:
            yield Rejection(source, number, f"record is not a JSON object (found {_json_type(record)})")


# --------------------------------------------------------------------------- JSON documents

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = frozenset("0123456789.eE+-")
_NUMBER_CHARS = re.compile(r"[0-9.eE+-]*")


class _JsonScanner:
    """Reads one JSON document value by value from a sliding text buffer.

    Structure (``{``, ``[``, ``,``, ``:``) is walked by hand; each element is decoded
    with :meth:`json.JSONDecoder.raw_decode`. The buffer holds at most one chunk
    plus the element being decoded (bounded by MAX_JSON_VALUE_CHARS).
    """

    def __init__(self, text: TextIOWrapper) -> None:
        self._read = text.read
        self._buf = ""
        self._pos = 0
        self._lines_before = 0  # newlines in the text already dropped from _buf
        self._eof = False
        self._decode = json.JSONDecoder().raw_decode

    def line_at(self, pos: int) -> int:
        return self._lines_before + self._buf.count("\n", 0, pos) + 1

    def _error(self, message: str, pos: int | None = None) -> _JsonSyntaxError:
        return _JsonSyntaxError(message, self.line_at(self._pos if pos is None else pos))

    def _more(self, at_least: int) -> bool:
        if self._eof:
            return False
        if self._pos:
            self._lines_before += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        data = self._read(max(at_least, _CHUNK_CHARS))
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def peek(self) -> str:
        """Skip whitespace; the next character, not consumed ("" at the end)."""
        while True:
            match = _WHITESPACE.match(self._buf, self._pos)
            self._pos = match.end() if match is not None else self._pos
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more(_CHUNK_CHARS):
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise self._error(f"expected {expected!r}, found {_describe(found)}")
        self._pos += 1

    def separator(self, closer: str, what: str) -> bool:
        """After an element: True after a ``,``, False after ``closer``."""
        found = self.peek()
        if found == ",":
            self._pos += 1
            return True
        if found == closer:
            self._pos += 1
            return False
        raise self._error(f"expected ',' or {closer!r} after {what}, found {_describe(found)}")

    def value(self) -> object:
        """Decode the next complete JSON value."""
        if self.peek() == "":
            raise self._error("unexpected end of input (is the file truncated?)")
        while True:
            try:
                value, end = self._decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self._buf) - 32 or error.msg.startswith("Unterminated string")
                if not near_end:
                    raise self._error(error.msg, error.pos) from None
                if self._eof:
                    cut = error.msg.startswith("Unterminated string") or not self._buf[error.pos :].strip()
                    hint = " (is the file truncated?)" if cut else ""
                    raise self._error(error.msg + hint, error.pos) from None
                self._grow()
                continue
            except RecursionError:
                raise self._error("nested too deeply") from None
            except ValueError as error:  # e.g. an integer too long to convert
                raise self._error(_one_line(str(error))[:120]) from None
            if (
                not self._eof
                and self._buf[end - 1] in _NUMBER_TAIL
                and _NUMBER_CHARS.fullmatch(self._buf, end) is not None
            ):
                self._grow()  # a number that may go on past the end of the buffer ("1" of "12")
                continue
            self._pos = end
            return value

    def _grow(self) -> None:
        pending = len(self._buf) - self._pos
        if pending > MAX_JSON_VALUE_CHARS:
            raise self._error(f"a JSON value is longer than {MAX_JSON_VALUE_CHARS} characters")
        self._more(pending)

    def members(self) -> Iterator[str]:
        """The keys of the object whose ``{`` comes next; read each value before
        asking for the next key."""
        self.take("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error(f"expected a quoted object key, found {_describe(self.peek())}")
            key = self.value()
            if not isinstance(key, str):  # pragma: no cover - a '"' always starts a string
                raise self._error("expected a quoted object key")
            self.take(":")
            yield key
            if not self.separator("}", "an object member"):
                return

    def elements(self) -> Iterator[int]:
        """1-based indexes of the elements of the array whose ``[`` comes next;
        read each element before asking for the next."""
        self.take("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            index += 1
            yield index
            if not self.separator("]", f"array element {index}"):
                return


def _describe(char: str) -> str:
    return "the end of the input (is the file truncated?)" if char == "" else repr(char)


def _array_records(scanner: _JsonScanner, source: str, name: str) -> Iterator[Leg | Rejection]:
    if scanner.peek() != "[":
        raise ExportError(
            f"{name}: expected a JSON array of objects (az monitor log-analytics query -o json), "
            f"found {_describe(scanner.peek())}"
        )
    keys = _KeyMap(name)
    for index in scanner.elements():
        record = scanner.value()
        if isinstance(record, dict):
            yield keys.convert(record, index, source)
        else:
            yield Rejection(source, index, f"record is not a JSON object (found {_json_type(record)})")


def _is_primary(table_name: str | None) -> bool:
    return table_name is not None and table_name.strip().lower() == "primaryresult"


def _column_names(value: object, name: str) -> list[str]:
    if not isinstance(value, list):
        raise ExportError(f'{name}: a table\'s "columns" is not an array')
    names: list[str] = []
    for column in value:
        if isinstance(column, str):
            names.append(column)
            continue
        found = None
        if isinstance(column, dict):
            for key, item in column.items():
                if key.lower() in ("name", "columnname") and isinstance(item, str):
                    found = item
                    break
        if found is None:
            raise ExportError(f'{name}: a table\'s "columns" entry has no name: {_show(column)}')
        names.append(found)
    return names


class _Table:
    """What is known about one entry of ``tables`` once it has been read."""

    def __init__(self) -> None:
        self.table_name: str | None = None
        self.columns: list[str] | None = None
        self.spool: IO[str] | None = None
        self.streamed = False

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def _row_converter(columns: list[str], source: str, name: str) -> Callable[[object, int], Leg | Rejection]:
    positions = _resolve_columns(columns, name)
    width = len(columns)
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))
    texts = _Memo(_text)
    codes = _Memo(normalize_code)

    def convert(row: object, index: int) -> Leg | Rejection:
        if not isinstance(row, list):
            return Rejection(source, index, f"row is not a JSON array (found {_json_type(row)})")
        if len(row) != width:
            return Rejection(source, index, f"row has {len(row)} values, expected {width} (one per column)")
        row.append(None)
        return _to_leg(getter(row), index, source, texts, codes)

    return convert


def _api_records(scanner: _JsonScanner, source: str, name: str) -> Iterator[Leg | Rejection]:
    if scanner.peek() != "{":
        raise ExportError(
            f'{name}: expected a JSON object with a "tables" array (Logs query API response), '
            f"found {_describe(scanner.peek())}"
        )
    for key in scanner.members():
        if key.lower() == "tables":
            yield from _tables(scanner, source, name)
            return
        scanner.value()
    raise ExportError(f'{name}: the JSON object has no "tables" array')


def _tables(scanner: _JsonScanner, source: str, name: str) -> Iterator[Leg | Rejection]:
    if scanner.peek() != "[":
        raise ExportError(f'{name}: "tables" is not an array')
    first: _Table | None = None
    try:
        for number in scanner.elements():
            if scanner.peek() != "{":
                raise ExportError(f"{name}: table {number} is not a JSON object")
            table = _Table()
            if number == 1:
                first = table  # the fallback when no table is named PrimaryResult
            try:
                yield from _table(scanner, table, number, source, name)
                if _is_primary(table.table_name):
                    if not table.streamed:
                        yield from _replay(table, source, name)
                    return
            finally:
                if table is not first:
                    table.close()
        if first is None:
            raise ExportError(f'{name}: "tables" is empty')
        yield from _replay(first, source, name)
    finally:
        if first is not None:
            first.close()


def _table(
    scanner: _JsonScanner, table: _Table, number: int, source: str, name: str
) -> Iterator[Leg | Rejection]:
    """Read one table object; stream its rows if it is known to be the one wanted,
    spool them if it might be, skip them otherwise."""
    for key in scanner.members():
        lowered = key.lower()
        if lowered in ("name", "tablename"):
            value = scanner.value()
            table.table_name = value if isinstance(value, str) else None
        elif lowered == "columns":
            table.columns = _column_names(scanner.value(), name)
        elif lowered == "rows":
            if scanner.peek() != "[":
                raise ExportError(f'{name}: table {number} "rows" is not an array')
            if table.streamed or table.spool is not None:  # a repeated "rows": skip it
                for _ in scanner.elements():
                    scanner.value()
            elif _is_primary(table.table_name) and table.columns is not None:
                convert = _row_converter(table.columns, source, name)
                for index in scanner.elements():
                    yield convert(scanner.value(), index)
                table.streamed = True
            elif number == 1 or table.table_name is None or _is_primary(table.table_name):
                spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by _Table
                    max_size=_SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline="\n"
                )
                table.spool = cast(IO[str], spool)
                for _ in scanner.elements():
                    table.spool.write(_dump_row(scanner.value()) + "\n")
            else:
                for _ in scanner.elements():
                    scanner.value()
        else:
            scanner.value()


def _dump_row(row: object) -> str:
    try:
        return json.dumps(row)
    except (ValueError, RecursionError):  # pragma: no cover - parsed, so printable
        return '"(row could not be re-serialised)"'


def _replay(table: _Table, source: str, name: str) -> Iterator[Leg | Rejection]:
    if table.columns is None:
        which = repr(table.table_name) if table.table_name else "the first table"
        raise ExportError(f'{name}: table {which} has no "columns"')
    convert = _row_converter(table.columns, source, name)
    if table.spool is None:
        return
    table.spool.seek(0)
    for index, line in enumerate(table.spool, start=1):
        yield convert(json.loads(line), index)
