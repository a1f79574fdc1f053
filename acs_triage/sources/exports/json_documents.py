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
from collections.abc import Callable, Iterator
from io import TextIOWrapper
from typing import IO, cast

from acs_triage.masking import quote
from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports import common
from acs_triage.sources.exports.columns import KeyMap, resolve_columns
from acs_triage.sources.exports.common import ExportError
from acs_triage.sources.exports.json_scanner import JsonScanner, describe_next
from acs_triage.sources.exports.values import LegBuilder, json_type_name, show_value

# --------------------------------------------------------------------------- az-json


def az_json_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    """One Leg or Rejection per element of the array, numbered from 1; the first
    object plays the part of a header row."""
    scanner = JsonScanner(text)
    if scanner.peek() != "[":
        raise ExportError(
            f"{name}: expected a JSON array of objects (az monitor log-analytics query -o json), "
            f"found {describe_next(scanner.peek())}"
        )
    keys = KeyMap(name)
    for index in scanner.elements():
        record = scanner.value()
        if isinstance(record, dict):
            yield keys.convert(record, index, source)
        else:
            yield Rejection(source, index, f"record is not a JSON object (found {json_type_name(record)})")


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


def _row_converter(columns: list[str], source: str, name: str) -> Callable[[object, int], Leg | Rejection]:
    positions = resolve_columns(columns, name)
    width = len(columns)
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))
    legs = LegBuilder()

    def convert(row: object, index: int) -> Leg | Rejection:
        if not isinstance(row, list):
            return Rejection(source, index, f"row is not a JSON array (found {json_type_name(row)})")
        if len(row) != width:
            return Rejection(source, index, f"row has {len(row)} values, expected {width} (one per column)")
        row.append(None)
        return legs.build(getter(row), index, source)

    return convert


def api_json_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    """One Leg or Rejection per element of the chosen table's ``rows``, numbered from 1."""
    scanner = JsonScanner(text)
    if scanner.peek() != "{":
        raise ExportError(
            f'{name}: expected a JSON object with a "tables" array (Logs query API response), '
            f"found {describe_next(scanner.peek())}"
        )
    for key in scanner.members():
        if key.lower() == "tables":
            yield from _tables(scanner, source, name)
            return
        scanner.value()
    raise ExportError(f'{name}: the JSON object has no "tables" array')


def _tables(scanner: JsonScanner, source: str, name: str) -> Iterator[Leg | Rejection]:
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
    scanner: JsonScanner, table: _Table, number: int, source: str, name: str
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
                    max_size=common.SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline="\n"
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
        which = quote(table.table_name) if table.table_name else "the first table"
        raise ExportError(f'{name}: table {which} has no "columns"')
    convert = _row_converter(table.columns, source, name)
    if table.spool is None:
        return
    table.spool.seek(0)
    for index, line in enumerate(table.spool, start=1):
        yield convert(json.loads(line), index)
