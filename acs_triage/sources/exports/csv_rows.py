"""Reading the rows of a CSV export (the Log Analytics portal's *Export to CSV*).

Every row is numbered by the physical lines it covers, ``line`` to ``end_line`` (a
quoted field may hold line breaks). A quote that is never closed makes the CSV
module read on, line after line, until the field is too large or the input ends:
the rejection then covers every line it swallowed, so the line accounting shows
them (``lines_read`` in the report) instead of losing them.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterator
from datetime import datetime
from io import TextIOWrapper
from typing import Protocol

from acs_triage.codes import normalize_code
from acs_triage.records import Item, Rejection
from acs_triage.sources.exports import common
from acs_triage.sources.exports.columns import resolve_columns
from acs_triage.sources.exports.common import ExportError, LineTally
from acs_triage.sources.exports.datetimes import AMBIGUOUS, DateReader
from acs_triage.sources.exports.streams import PhysicalLines
from acs_triage.sources.exports.values import (
    EARLIEST_TIME,
    LATEST_TIME,
    LegBuilder,
    Memo,
    bad_time_rejection,
    clean_text,
    new_leg,
    one_line,
)


def _is_blank_row(row: list[str]) -> bool:
    return len(row) <= 1 and (not row or not row[0].strip())


class _Reader(Protocol):
    """What is used of a ``csv.reader``."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def _header(reader: _Reader, lines: PhysicalLines, name: str) -> list[str]:
    """The header row: the first non-blank row (after Excel's ``sep=,`` preamble)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            raise ExportError(f"{name}: no header row (the file is empty)") from None
        except csv.Error as error:
            raise ExportError(f"{name}: unreadable CSV header row: {one_line(str(error))}") from None
        if lines.overlong:
            raise ExportError(f"{name}: the header row is longer than {lines.max_chars:,} characters")
        if _is_blank_row(row):
            if reader.line_num > common.MAX_LEADING_BLANK:
                raise ExportError(f"{name}: no header row in the first {common.MAX_LEADING_BLANK:,} lines")
            continue
        if reader.line_num == 1 and len(row) == 2 and row[0].strip().lower() == "sep=":
            continue  # Excel's "sep=," preamble
        return row


def _syntax_error(error: csv.Error, line: int, end: int) -> str:
    reason = f"CSV syntax error: {one_line(str(error))}"
    if end > line:
        reason += f" (lines {line}-{end}: an unterminated quote?)"
    return reason


def csv_records(
    text: TextIOWrapper, source: str, name: str, *, tally: LineTally, dates: DateReader
) -> Iterator[Item]:
    """One Leg or Rejection per CSV row after the header, numbered by the physical
    lines it covers; blank rows are skipped (and counted in ``tally``)."""
    lines = PhysicalLines(text)
    reader = csv.reader(lines, skipinitialspace=True)
    header = _header(reader, lines, name)
    header_end = reader.line_num
    positions = resolve_columns(header, name)
    legs = LegBuilder(dates)
    try:
        yield from _rows(reader, lines, legs, positions, len(header), source, tally)
        yield from legs.finish(name)
    finally:
        legs.close()
    tally.read += reader.line_num - header_end


def _rows(
    reader: _Reader,
    lines: PhysicalLines,
    legs: LegBuilder,
    positions: list[int],
    width: int,
    source: str,
    tally: LineTally,
) -> Iterator[Item]:
    # Absent optional columns read the padding cell appended to each row.
    pad = min(positions) < 0
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))
    # The hot loop: LegBuilder.build inlined for str cells (the same checks, in the
    # same order), with the few distinct endpoint types, codes and categories memoised
    # and the previous CallStartTime remembered (it repeats on every leg of a call).
    # A date the file has not settled the order of (and every row after it, until it
    # is settled) goes through the builder, which holds the rows meanwhile.
    text_of = Memo(clean_text)
    code_of = Memo(normalize_code)
    parse = legs.dates.parse
    emit = legs.emit
    earliest, latest = EARLIEST_TIME, LATEST_TIME
    make_leg = new_leg
    last_start_raw: str | None = None
    last_start: datetime | None = None
    overlong = lines.overlong
    holding = False  # records are held until the file's date order is known
    start = reader.line_num + 1  # where the next row starts
    while True:
        try:
            for row in reader:
                line = start
                end = reader.line_num
                start = end + 1
                if lines.overlong != overlong:
                    overlong = lines.overlong
                    yield from emit(
                        Rejection(source, line, f"line longer than {lines.max_chars:,} characters", end)
                    )
                    continue
                if end > line and lines.exhausted:
                    yield from emit(
                        Rejection(
                            source,
                            line,
                            f"unterminated quote: the field runs from line {line} to the end of the input "
                            f"(line {end})",
                            end,
                        )
                    )
                    continue
                if len(row) != width:
                    if _is_blank_row(row):
                        tally.blank += end - line + 1
                        continue
                    reason = f"expected {width} fields as in the header, found {len(row)}"
                    yield from emit(Rejection(source, line, reason, end))
                    continue
                if pad:
                    row.append("")
                values = getter(row)
                if holding:
                    yield from legs.rows(values, line, source, end)
                    holding = legs.pending is not None
                    continue
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
                ) = values
                time_generated = parse(time_raw)
                if time_generated is None or not earliest <= time_generated < latest:
                    if time_generated is AMBIGUOUS:
                        yield from legs.rows(values, line, source, end)
                        holding = legs.pending is not None
                    else:
                        yield bad_time_rejection(time_raw, time_generated, line, source, end)
                    continue
                # clean_text, inlined: only a 4-letter ("null") or non-ASCII text needs more.
                correlation_id = correlation_raw.strip()
                if len(correlation_id) == 4 or not correlation_id.isascii():
                    correlation_id = clean_text(correlation_raw)
                if not correlation_id:
                    yield Rejection(source, line, "missing CorrelationId", end)
                    continue
                participant_id = participant_raw.strip()
                if len(participant_id) == 4 or not participant_id.isascii():
                    participant_id = clean_text(participant_raw)
                identifier = identifier_raw.strip()
                if len(identifier) == 4 or not identifier.isascii():
                    identifier = clean_text(identifier_raw)
                if start_raw != last_start_raw:
                    last_start_raw = start_raw
                    last_start = parse(start_raw)
                    if last_start is AMBIGUOUS:
                        last_start_raw = None
                        yield from legs.rows(values, line, source, end)
                        holding = legs.pending is not None
                        continue
                yield make_leg(
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
                    end,
                )
            return
        except csv.Error as error:
            line = start
            end = reader.line_num
            start = end + 1
            overlong = lines.overlong
            yield from emit(Rejection(source, line, _syntax_error(error, line, end), end))
