"""Reading the two JSON document exports element by element: ``az-json`` and ``api-json``.

Both walk the document with a :class:`~acs_triage.sources.exports.json_scanner.JsonScanner`.
:func:`az_json_records` reads ``az monitor log-analytics query -o json`` (an array
of objects); :func:`api_json_records` reads a Logs query API response (the rows of
the ``PrimaryResult`` table, else of the first table).
"""

from __future__ import annotations

import json
import operator
import tempfile
from collections.abc import Callable, Iterable, Iterator
from io import TextIOWrapper
from typing import IO, cast

from acs_triage.masking import quote
from acs_triage.records import Item, Rejection
from acs_triage.sources.exports import common
from acs_triage.sources.exports.columns import KeyMap, resolve_columns
from acs_triage.sources.exports.common import ExportError, LineTally
from acs_triage.sources.exports.datetimes import DateReader
from acs_triage.sources.exports.json_scanner import JsonScanner, after_document, describe_next
from acs_triage.sources.exports.values import LegBuilder, json_type_name, show_value

# --------------------------------------------------------------------------- az-json


def az_json_records(
    text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
) -> Iterator[Item]:
    """One Leg or Rejection per element of the array, numbered from 1; the first
    object plays the part of a header row. Arrays that follow it (``cat a.json
    b.json``) are read too, numbered on; any other text after it is an error."""
    scanner = _scanner(text, name, "[", "a JSON array of objects (az monitor log-analytics query -o json)")
    legs = LegBuilder(dates)
    keys = KeyMap(name, legs)

    def array() -> Iterator[Item]:
        for _ in scanner.elements():
            tally.read += 1
            number = tally.read
            record = scanner.value()
            if isinstance(record, dict):
                yield from keys.convert(record, number, source)
            else:
                reason = f"record is not a JSON object (found {json_type_name(record)})"
                yield from legs.emit(Rejection(source, number, reason))

    yield from _documents(scanner, legs, name, "the JSON array", array)


def _scanner(text: TextIOWrapper, name: str, opener: str, expected: str) -> JsonScanner:
    """A scanner at the start of the document, which must open with ``opener``."""
    scanner = JsonScanner(text)
    if scanner.peek() != opener:
        raise ExportError(f"{name}: expected {expected}, found {describe_next(scanner.peek())}")
    return scanner


def _documents(
    scanner: JsonScanner,
    legs: LegBuilder,
    name: str,
    what: str,
    document: Callable[[], Iterator[Item]],
) -> Iterator[Item]:
    """The records of each ``document()`` in the input (``cat a.json b.json``), then the
    records held for the date order; any other text after a document is an error."""
    opener = scanner.peek()
    try:
        while True:
            yield from document()
            if not after_document(scanner, opener, what):
                break
        yield from legs.finish(name)
    finally:
        legs.close()


# --------------------------------------------------------------------------- api-json


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
            raise ExportError(f'{name}: a table\'s "columns" entry has no name: {show_value(column)}')
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


def _row_converter(
    columns: list[str], legs: LegBuilder, source: str, name: str
) -> Callable[[object, int], Iterable[Item]]:
    positions = resolve_columns(columns, name)
    width = len(columns)
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))

    def convert(row: object, index: int) -> Iterable[Item]:
        if not isinstance(row, list):
            return legs.emit(
                Rejection(source, index, f"row is not a JSON array (found {json_type_name(row)})")
            )
        if len(row) != width:
            reason = f"row has {len(row)} values, expected {width} (one per column)"
            return legs.emit(Rejection(source, index, reason))
        row.append(None)
        return legs.rows(getter(row), index, source)

    return convert


class _Document:
    """What one api-json document's rows are read with, and how far they are numbered."""

    def __init__(self, source: str, name: str, tally: LineTally, legs: LegBuilder, offset: int) -> None:
        self.source = source
        self.name = name
        self.tally = tally
        self.legs = legs
        self.offset = offset  #: rows of the earlier documents (``cat a.json b.json``)

    def rows(self, columns: list[str], indexed: Iterable[tuple[int, object]]) -> Iterator[Item]:
        convert = _row_converter(columns, self.legs, self.source, self.name)
        for index, row in indexed:
            self.tally.read += 1
            yield from convert(row, self.offset + index)


def api_json_records(
    text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
) -> Iterator[Item]:
    """One Leg or Rejection per element of the chosen table's ``rows``, numbered from 1.
    Documents that follow (``cat a.json b.json``) are read too, their rows numbered on;
    any other text after a document is an error."""
    scanner = _scanner(text, name, "{", 'a JSON object with a "tables" array (Logs query API response)')
    legs = LegBuilder(dates)

    def response() -> Iterator[Item]:
        document = _Document(source, name, tally, legs, tally.read)
        found = False
        for key in scanner.members():
            if key.lower() == "tables" and not found:
                found = True
                yield from _tables(scanner, document)
            else:
                scanner.skip()
        if not found:
            raise ExportError(f'{name}: the JSON object has no "tables" array')

    yield from _documents(scanner, legs, name, "the JSON document", response)


def _tables(scanner: JsonScanner, document: _Document) -> Iterator[Item]:
    """The rows of the first table named PrimaryResult, else of the first table; every
    other table is read past."""
    name = document.name
    if scanner.peek() != "[":
        raise ExportError(f'{name}: "tables" is not an array')
    first: _Table | None = None
    chosen: _Table | None = None
    try:
        for number in scanner.elements():
            if scanner.peek() != "{":
                raise ExportError(f"{name}: table {number} is not a JSON object")
            if chosen is not None:  # PrimaryResult was read: the rest is read past
                scanner.skip()
                continue
            table = _Table()
            if number == 1:
                first = table  # the fallback when no table is named PrimaryResult
            try:
                yield from _table(scanner, table, number, document)
                if _is_primary(table.table_name):
                    chosen = table
                    if not table.streamed:
                        yield from _replay(table, document)
            finally:
                if table is not first and table is not chosen:
                    table.close()
        if chosen is None:
            if first is None:
                raise ExportError(f'{name}: "tables" is empty')
            yield from _replay(first, document)
    finally:
        for kept in (first, chosen):
            if kept is not None:
                kept.close()


def _table(scanner: JsonScanner, table: _Table, number: int, document: _Document) -> Iterator[Item]:
    """Read one table object; stream its rows if it is known to be the one wanted,
    spool them if it might be, skip them otherwise."""
    name = document.name
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
                scanner.skip()
            elif _is_primary(table.table_name) and table.columns is not None:
                yield from document.rows(table.columns, ((i, scanner.value()) for i in scanner.elements()))
                table.streamed = True
            elif number == 1 or table.table_name is None or _is_primary(table.table_name):
                spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by _Table
                    max_size=common.SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline="\n"
                )
                table.spool = cast(IO[str], spool)
                for _ in scanner.elements():
                    table.spool.write(_dump_row(scanner.value()) + "\n")
            else:
                scanner.skip()
        else:
            scanner.skip()


def _dump_row(row: object) -> str:
    try:
        return json.dumps(row)
    except (ValueError, RecursionError):  # pragma: no cover - parsed, so printable
        return '"(row could not be re-serialised)"'


def _replay(table: _Table, document: _Document) -> Iterator[Item]:
    if table.columns is None:
        which = quote(table.table_name) if table.table_name else "the first table"
        raise ExportError(f'{document.name}: table {which} has no "columns"')
    if table.spool is None:
        resolve_columns(table.columns, document.name)  # the columns are checked all the same
        return
    table.spool.seek(0)
    yield from document.rows(table.columns, enumerate((json.loads(line) for line in table.spool), start=1))
