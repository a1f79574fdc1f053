"""Reading a JSON Lines export: one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import TextIOWrapper

from acs_triage.records import Item, Rejection
from acs_triage.sources.exports import common
from acs_triage.sources.exports.columns import KeyMap
from acs_triage.sources.exports.common import ExportError, LineTally
from acs_triage.sources.exports.datetimes import DateReader
from acs_triage.sources.exports.streams import PhysicalLines
from acs_triage.sources.exports.values import LegBuilder, json_type_name, one_line


def parsed_lines(
    text: TextIOWrapper, source: str, name: str, tally: LineTally
) -> Iterator[tuple[int, object] | Rejection]:
    """``(physical line number, decoded JSON value)`` for each non-blank line, or the
    Rejection of a line that is too long or not JSON. Shared by the JSON Lines
    readers (exported rows, diagnostic records).

    Every line is counted in ``tally`` (once the lines are read to their end), blank
    ones also as blank; nothing but blank lines for too long before any data is an
    :class:`ExportError` (an endless stream of them)."""
    lines = PhysicalLines(text)
    loads = json.loads
    number = 0
    overlong = 0
    data = False  # a non-blank line was seen
    for line in lines:
        number += 1
        if lines.overlong != overlong:
            overlong = lines.overlong
            yield Rejection(source, number, f"line longer than {lines.max_chars:,} characters")
            continue
        stripped = line.strip()
        if not stripped:
            tally.blank += 1
            if not data and number > common.MAX_LEADING_BLANK:
                raise ExportError(f"{name}: nothing but blank lines in the first {number - 1:,} lines")
            continue
        data = True
        try:
            yield number, loads(stripped)
        except RecursionError:
            yield Rejection(source, number, "invalid JSON: nested too deeply")
        except ValueError as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Rejection(source, number, f"invalid JSON: {one_line(message)}")
    tally.read += number


def jsonl_records(
    text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
) -> Iterator[Item]:
    """One Leg or Rejection per non-blank line, numbered by physical line; the first
    object plays the part of a header row. Blank lines are skipped (and counted in
    ``tally``)."""
    legs = LegBuilder(dates)
    keys = KeyMap(name, legs)
    emit = legs.emit
    try:
        for parsed in parsed_lines(text, source, name, tally):
            if isinstance(parsed, Rejection):
                yield from emit(parsed)
                continue
            number, record = parsed
            if isinstance(record, dict):
                yield from keys.convert(record, number, source)
            else:
                reason = f"record is not a JSON object (found {json_type_name(record)})"
                yield from emit(Rejection(source, number, reason))
        yield from legs.finish(name)
    finally:
        legs.close()
