"""Reading diagnostic records: what a diagnostic setting writes to storage or Event Hubs.

Two layouts, told apart from the first bytes (never from the file name):

* **JSON Lines** (how a storage archive's ``PT1H.json`` is written now): one record a
  line. A line may also hold a whole ``{"records": [...]}`` envelope (an Event Hubs
  message saved as one line); its records all carry that line's number.
* **Documents** ``{"records": [...]}`` (older archive blobs, Event Hubs message
  bodies), pretty-printed or not, one or several in a row: read record by record,
  numbered from 1 across the file.

Each record becomes one item: a :class:`~acs_triage.records.Leg` (a ``CallSummary``
record, mapped by :data:`~acs_triage.sources.exports.diagnostic_fields.FIELDS`), a
:class:`~acs_triage.records.SkippedRecord` (another category: ``CallDiagnostics``,
``CallSummaryUpdates``, ...) or a :class:`~acs_triage.records.Rejection` (not an
object, no category, a ``CallSummary`` record without ``properties``, or what
:class:`~acs_triage.sources.exports.values.LegBuilder` rejects: no ``time``, no
``correlationId``). Values are read as Log Analytics would hold them: numbers
become text (``"403"``), the string ``"null"`` is blank.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from io import TextIOWrapper

from acs_triage.records import Item, Rejection, SkippedRecord
from acs_triage.sources.exports import common
from acs_triage.sources.exports.columns import COLUMNS
from acs_triage.sources.exports.common import ExportError, LineTally
from acs_triage.sources.exports.datetimes import DateReader
from acs_triage.sources.exports.diagnostic_fields import (
    CATEGORY_KEYS,
    FIELDS,
    PROPERTIES_KEY,
    RECORDS_KEY,
    SUMMARY_CATEGORY,
    UPDATES_CATEGORY,
    UPDATES_VERSION_KEY,
)
from acs_triage.sources.exports.json_lines import parsed_lines
from acs_triage.sources.exports.json_scanner import JsonScanner, describe_next
from acs_triage.sources.exports.values import LegBuilder, json_type_name, one_line

__all__ = ["RecordReader", "diagnostic_records", "looks_like_record", "starts_with_records"]

_RECORDS_FIRST = re.compile(r'\s*\{\s*"records"\s*:', re.IGNORECASE)
_PREFIX = PROPERTIES_KEY + "."


def _keys(scope_properties: bool) -> tuple[str, ...]:
    """The lower-cased keys a record is read by, top-level or inside ``properties``."""
    wanted: list[str] = []
    if scope_properties:
        names = [p[len(_PREFIX) :] for paths in FIELDS.values() for p in paths if p.startswith(_PREFIX)]
        names.append(UPDATES_VERSION_KEY)
    else:
        names = [*CATEGORY_KEYS, PROPERTIES_KEY]
        names += [p for paths in FIELDS.values() for p in paths if not p.startswith(_PREFIX)]
    for name in names:
        if name.lower() not in wanted:
            wanted.append(name.lower())
    return tuple(wanted)


_TOP_KEYS = _keys(False)
_PROPERTY_KEYS = _keys(True)
#: For each canonical column, in order: where its candidates are, as (in properties?, index).
_SOURCES = tuple(
    tuple(
        (True, _PROPERTY_KEYS.index(path[len(_PREFIX) :].lower()))
        if path.startswith(_PREFIX)
        else (False, _TOP_KEYS.index(path.lower()))
        for path in FIELDS[column]
    )
    for column in COLUMNS
)
_CATEGORY_AT = tuple(_TOP_KEYS.index(key.lower()) for key in CATEGORY_KEYS)
_PROPERTIES_AT = _TOP_KEYS.index(PROPERTIES_KEY)
_VERSION_AT = _PROPERTY_KEYS.index(UPDATES_VERSION_KEY.lower())
_SUMMARY = SUMMARY_CATEGORY.casefold()

_Getter = Callable[[list[object]], Sequence[object]]


class _Shapes:
    """Reads wanted keys (case-insensitively) from objects, remembering the plan for
    the last shape of keys seen: the objects of one file usually all share it."""

    def __init__(self, wanted: tuple[str, ...]) -> None:
        self._wanted = wanted
        self._shape: tuple[str, ...] | None = None
        self._get: _Getter = operator.itemgetter(0)

    def values(self, record: dict[str, object]) -> Sequence[object]:
        shape = tuple(record)
        if shape != self._shape:
            first: dict[str, int] = {}
            for position, key in enumerate(shape):
                first.setdefault(key.lower(), position)
            absent = len(shape)
            self._get = operator.itemgetter(*(first.get(key, absent) for key in self._wanted))
            self._shape = shape
        values = list(record.values())
        values.append(None)  # what an absent key reads as
        return self._get(values)


def _category(top: Sequence[object]) -> str:
    for index in _CATEGORY_AT:
        value = top[index]
        if isinstance(value, str) and value.strip():
            return one_line(value)[:64]
    return ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "null"))


class RecordReader:
    """Turns diagnostic records into items; one per reader (it owns a LegBuilder, which
    holds the records while the file's date order is not known)."""

    def __init__(self, dates: DateReader | None = None) -> None:
        self.legs = LegBuilder(dates)
        self._top = _Shapes(_TOP_KEYS)
        self._properties = _Shapes(_PROPERTY_KEYS)

    def convert(self, record: object, line: int, source: str) -> Iterable[Item]:
        """What to yield for one record (a decoded JSON value): a Leg, a SkippedRecord or
        a Rejection (see :meth:`LegBuilder.emit`)."""
        return self.legs.emit(*self._build(record, line, source))

    def _build(self, record: object, line: int, source: str) -> tuple[Item, int]:
        if not isinstance(record, dict):
            return Rejection(source, line, f"record is not a JSON object (found {json_type_name(record)})"), 0
        top = self._top.values(record)
        category = _category(top)
        if not category:
            return Rejection(source, line, "record has no category (category, type or operationName)"), 0
        if category.casefold() != _SUMMARY:
            return SkippedRecord(source, line, category), 0
        properties = top[_PROPERTIES_AT]
        if isinstance(properties, str) and properties.lstrip().startswith("{"):
            properties = _decoded(properties)  # a properties object sent as a JSON string
        if not isinstance(properties, dict):
            return Rejection(source, line, f"{SUMMARY_CATEGORY} record has no properties object"), 0
        inner = self._properties.values(properties)
        if not _blank(inner[_VERSION_AT]):
            return SkippedRecord(source, line, UPDATES_CATEGORY), 0
        values = []
        for candidates in _SOURCES:
            value: object = None
            for in_properties, index in candidates:
                value = inner[index] if in_properties else top[index]
                if not _blank(value):
                    break
            values.append(value)
        return self.legs.build(values, line, source)

    def each(self, value: object, line: int, source: str) -> tuple[int, Iterator[Item]]:
        """The records of one JSON Lines line (a record, or an envelope of records): how
        many, and what to yield for them."""
        records = _envelope(value) if isinstance(value, dict) else None
        if records is None:
            return 1, iter(self.convert(value, line, source))
        if not isinstance(records, list):
            reason = f'"{RECORDS_KEY}" is {json_type_name(records)}, not an array'
            return 1, iter(self.legs.emit(Rejection(source, line, reason)))
        return len(records), (item for record in records for item in self.convert(record, line, source))


def _decoded(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _envelope(value: dict[str, object]) -> object | None:
    """The ``records`` of an envelope ``{"records": [...]}``; None for a plain record."""
    if len(value) > 4:  # a record has more keys than an envelope
        return None
    for key, item in value.items():
        if key.lower() == RECORDS_KEY:
            return item
    return None


def looks_like_record(value: object) -> bool:
    """A decoded JSON value that is a diagnostic record (or an envelope of them):
    a ``properties`` object, a ``time`` and a category."""
    if not isinstance(value, dict):
        return False
    keys = {str(k).lower() for k in value}
    if RECORDS_KEY in keys and len(keys) <= 4:
        return True
    categories = {k.lower() for k in CATEGORY_KEYS}
    return PROPERTIES_KEY in keys and "time" in keys and bool(keys & categories)


def starts_with_records(text: str) -> bool:
    """Whether ``text`` starts like a ``{"records": [...]}`` document."""
    return _RECORDS_FIRST.match(text) is not None


def _document_layout(text: TextIOWrapper) -> bool:
    """Documents (True) or JSON Lines (False), from a look at the first bytes."""
    peek = getattr(text.buffer, "peek", None)
    if peek is None:  # pragma: no cover - decode_from_start always gives a BufferedReader
        return False
    head = peek(common.CHUNK_CHARS)[: common.CHUNK_CHARS].decode(text.encoding, errors="replace")
    head = head.lstrip("\ufeff \t\r\n")
    if not starts_with_records(head):
        return False
    first_line = head.split("\n", 1)[0]
    return not isinstance(_decoded(first_line), dict)  # an envelope on one line is JSON Lines


def diagnostic_records(
    text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
) -> Iterator[Item]:
    """One item per diagnostic record of the input (see the module docstring).

    In ``tally`` a "line" is a record: a JSON Lines line counts once per record it
    holds (an envelope line, as many times as its records; with none, as a blank
    line), the documents layout once per record."""
    reader = RecordReader(dates)
    try:
        if _document_layout(text):
            yield from _documents(text, source, name, reader, tally)
        else:
            for parsed in parsed_lines(text, source, name, tally):
                if isinstance(parsed, Rejection):
                    yield from reader.legs.emit(parsed)
                    continue
                count, items = reader.each(parsed[1], parsed[0], source)
                if count:
                    tally.read += count - 1
                else:
                    tally.blank += 1
                yield from items
        yield from reader.legs.finish(name)
    finally:
        reader.legs.close()


def _documents(
    text: TextIOWrapper, source: str, name: str, reader: RecordReader, tally: LineTally
) -> Iterator[Item]:
    scanner = JsonScanner(text)
    number = 0
    while scanner.peek() != "":
        if scanner.peek() != "{":
            raise ExportError(
                f'{name}: expected a {{"records": [...]}} document, found {describe_next(scanner.peek())}'
            )
        found = False
        for key in scanner.members():
            if key.lower() != RECORDS_KEY or found:
                scanner.value()
                continue
            if scanner.peek() != "[":
                raise ExportError(f'{name}: "records" is not an array')
            found = True
            for _ in scanner.elements():
                number += 1
                tally.read += 1
                yield from reader.convert(scanner.value(), number, source)
        if not found:
            raise ExportError(f'{name}: a JSON object without a "records" array')
