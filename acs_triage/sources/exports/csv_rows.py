"""Reading the rows of a CSV export (the Log Analytics portal's *Export to CSV*)."""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterator
from datetime import datetime
from io import TextIOWrapper

from acs_triage.codes import normalize_code
from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports.columns import resolve_columns
from acs_triage.sources.exports.common import ExportError
from acs_triage.sources.exports.datetimes import parse_datetime
from acs_triage.sources.exports.streams import PhysicalLines
from acs_triage.sources.exports.values import (
    EARLIEST_TIME,
    LATEST_TIME,
    Memo,
    bad_time_rejection,
    clean_text,
    new_leg,
    one_line,
)


def _is_blank_row(row: list[str]) -> bool:
    return len(row) <= 1 and (not row or not row[0].strip())


def csv_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    """One Leg or Rejection per CSV row after the header, numbered by the physical
    line where the row starts; blank rows are skipped."""
    lines = PhysicalLines(text)
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
            raise ExportError(f"{name}: the header row is longer than {lines.max_chars} characters")
        if _is_blank_row(row):
            continue
        if reader.line_num == 1 and len(row) == 2 and row[0].strip().lower() == "sep=":
            continue  # Excel's "sep=," preamble
        header = row
    positions = resolve_columns(header, name)
    width = len(header)
    # Absent optional columns read the padding cell appended to each row.
    pad = min(positions) < 0
    getter = operator.itemgetter(*(p if p >= 0 else width for p in positions))
    # The hot loop: LegBuilder.build inlined for str cells (the same checks, in the
    # same order), with the few distinct endpoint types, codes and categories memoised
    # and the previous CallStartTime remembered (it repeats on every leg of a call).
    text_of = Memo(clean_text)
    code_of = Memo(normalize_code)
    parse = parse_datetime
    earliest, latest = EARLIEST_TIME, LATEST_TIME
    make_leg = new_leg
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
                    yield Rejection(source, line, f"line longer than {lines.max_chars} characters")
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
                time_generated = parse(time_raw)
                if time_generated is None or not earliest <= time_generated < latest:
                    yield bad_time_rejection(time_raw, line, source)
                    continue
                # clean_text, inlined: only a 4-letter ("null") or non-ASCII text needs more.
                correlation_id = correlation_raw.strip()
                if len(correlation_id) == 4 or not correlation_id.isascii():
                    correlation_id = clean_text(correlation_raw)
                if not correlation_id:
                    yield Rejection(source, line, "missing CorrelationId")
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
                )
            return
        except csv.Error as error:
            line = start
            start = reader.line_num + 1
            overlong = lines.overlong
            yield Rejection(source, line, f"CSV syntax error: {one_line(str(error))}")
