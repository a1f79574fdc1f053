"""Sniffing a CSV export for the columnar engine, in Python, before DuckDB reads it.

:func:`plan_csv` reads the head of a file with the same rules as the streaming CSV
reader (:mod:`acs_triage.sources.exports.csv_rows`): the byte-order mark, an Excel
``sep=,`` first line, the header's columns matched by name and the ``[UTC]`` rule
(:func:`~acs_triage.sources.exports.columns.resolve_columns`), and the ISO 8601 shape of
the first data row's ``TimeGenerated`` (a fast path for the values of that shape; regional
date styles, whose order the reference reader settles per file, are left to it). It
returns a :class:`CsvPlan`: the explicit dialect DuckDB is given (comma, double quote,
the lines to skip, one ``VARCHAR`` column per header field) and where each canonical
column is. A file it cannot plan simply (UTF-16,
a header that is quoted, blank or not on the first line, anything the reader would
refuse) gets None, and the reference reader reads it.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass

from acs_triage.sources.exports.columns import COLUMNS, resolve_columns
from acs_triage.sources.exports.common import ExportError, InputFormat
from acs_triage.sources.exports.detect import detect_format
from acs_triage.sources.exports.streams import encoding_of, read_head

__all__ = ["CsvPlan", "TimeShape", "plan_csv", "time_shape"]

#: The position of each canonical column in :data:`COLUMNS`.
COLUMN = {name: index for index, name in enumerate(COLUMNS)}

_ISO_T = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.([0-9]{1,9}))?(Z?)")


@dataclass(frozen=True)
class TimeShape:
    """The shape of the first row's ``TimeGenerated`` (ISO 8601 with ``T``): a LIKE
    pattern of its length and separators, and the strptime format that reads values of
    that shape. Values of another shape go through the general patterns (:mod:`.sql`).

    A LIKE pattern lets any character stand for a digit; strptime refuses all but digits
    there, except leading whitespace before the year, which reads as a year before 1000
    and so fails the 1970-2199 check: a value it reads has exactly this shape."""

    like: str
    strptime: str


#: The shape Log Analytics writes (seven fraction digits, ``Z``), when the file gives none.
DEFAULT_SHAPE = TimeShape("____-__-__T__:__:__._______Z", "%Y-%m-%dT%H:%M:%S.%nZ")


def time_shape(value: str) -> TimeShape | None:
    """The :class:`TimeShape` of an ISO 8601 value with ``T`` (1 to 9 fraction digits or
    none, ``Z`` or none), or None for any other style."""
    match = _ISO_T.fullmatch(value)
    if match is None:
        return None
    fraction, zulu = match.group(1) or "", match.group(2)
    strptime = "%Y-%m-%dT%H:%M:%S" + (".%n" if fraction else "") + zulu
    return TimeShape(re.sub(r"[0-9]", "_", value), strptime)


@dataclass(frozen=True)
class CsvPlan:
    """How DuckDB reads one CSV export: the lines before the first data row, the
    number of fields (one ``VARCHAR`` column each) and where the canonical columns are."""

    path: str
    size: int  #: bytes
    skip: int  #: physical lines before the first data row (the header, and ``sep=,``)
    width: int  #: fields in the header, hence in every row
    positions: tuple[int, ...]  #: per :data:`COLUMNS`, the field index, or -1 when absent
    shape: TimeShape  #: of the first row's ``TimeGenerated``
    start_shape: TimeShape  #: of the first row's ``CallStartTime``

    def field(self, column: str) -> int:
        """The field index of a canonical column (-1 when the file lacks it)."""
        return self.positions[COLUMN[column]]


def _lines(text: str, count: int) -> list[str]:
    """The complete physical lines (CR, LF, CRLF) among the first ``count`` of ``text``,
    each without its end."""
    lines = text.splitlines(keepends=True)[:count]
    return [line.rstrip("\r\n") for line in lines if line.endswith(("\n", "\r"))]


def _row(line: str) -> list[str]:
    return next(csv.reader([line], skipinitialspace=True), [])


def plan_csv(path: str, fmt: InputFormat = InputFormat.AUTO) -> CsvPlan | None:
    """The :class:`CsvPlan` of a CSV export at ``path``, or None when it is not one the
    columnar engine reads exactly as the reference reader does (then the reference
    reader reads it, and reports any problem the usual way)."""
    if fmt not in (InputFormat.AUTO, InputFormat.CSV) or path == "-":
        return None
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as stream:
            head = read_head(stream)
        if fmt is InputFormat.AUTO and detect_format(head) is not InputFormat.CSV:
            return None
    except (OSError, ExportError):
        return None
    if encoding_of(head) != "utf-8-sig" or b"\x00" in head:
        return None
    lines = _lines(head.decode("utf-8-sig", errors="replace"), 3)
    skip = 0
    if lines:
        first = _row(lines[0])
        if len(first) == 2 and first[0].strip().lower() == "sep=":  # Excel's "sep=," preamble
            skip = 1
    if len(lines) <= skip:  # no complete header row in the head: not worth it
        return None
    header_line = lines[skip]
    if not header_line.strip() or '"' in header_line or "\ufffd" in header_line:
        return None
    header = _row(header_line)
    try:
        positions = resolve_columns(header, path)
    except ExportError:
        return None
    sample = _row(lines[skip + 1]) if len(lines) > skip + 1 and '"' not in lines[skip + 1] else []
    shapes = {}
    for column in ("TimeGenerated", "CallStartTime"):
        field = positions[COLUMN[column]]
        found = time_shape(sample[field]) if len(sample) == len(header) and field >= 0 else None
        shapes[column] = found or DEFAULT_SHAPE
    return CsvPlan(
        path=path,
        size=size,
        skip=skip + 1,
        width=len(header),
        positions=tuple(positions),
        shape=shapes["TimeGenerated"],
        start_shape=shapes["CallStartTime"],
    )
