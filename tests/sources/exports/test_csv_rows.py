"""The CSV reader (acs_triage.sources.exports.csv_rows)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acs_triage.sources.exports import ExportError, InputFormat, common
from acs_triage.sources.exports.common import LineTally
from tests.sources.exports.helpers import (
    CELL,
    DISPLAYED_CSV,
    LINE_BREAK,
    OPTIONAL,
    PORTAL_CSV,
    REQUIRED,
    UTC,
    kind,
    lines_of,
    only_legs,
    only_rejections,
    read,
)


def test_portal_csv_all_columns_us_dates() -> None:
    records = read(PORTAL_CSV.encode("utf-8"))
    assert kind(records) == "LLLRR"
    assert lines_of(records) == [2, 3, 4, 5, 6]
    first, second, third = only_legs(records)

    assert first.time_generated == datetime(2026, 11, 28, 2, 10, 38, 123000, tzinfo=UTC)
    assert first.call_start_time == datetime(2026, 11, 28, 2, 9, 58, tzinfo=UTC)
    assert first.correlation_id == "6b1f0c52-0000-4a5e-9d55-000000000001"
    assert (first.endpoint_type, first.end_reason, first.end_sub_code) == ("PSTN", "403", "560403")
    assert first.is_pstn
    assert first.participant_id == ""  # "null"
    assert first.identifier == "4:+15551234567"
    assert first.pstn_call_type == "Outbound"
    assert first.result_category == "UnexpectedClientError"

    assert second.time_generated == datetime(2026, 11, 28, 12, 5, tzinfo=UTC)  # 12 PM
    assert second.call_start_time is None
    assert second.participant_id == "b25cf111-73df-4e0a-a888-8bcd6b3b0000"
    assert (second.endpoint_type, second.end_reason, second.end_sub_code) == ("VoIP", "0", "0")
    assert not second.is_pstn

    assert third.time_generated == datetime(2026, 11, 28, 0, 0, 1, 500000, tzinfo=UTC)  # 12 AM
    assert (third.endpoint_type, third.end_reason, third.end_sub_code) == ("PSTN", "487", "560487")
    assert third.pstn_call_type == "Inbound"

    blank_id, day_first = only_rejections(records)
    assert blank_id.reason == "missing CorrelationId"
    assert day_first.reason == "unparseable TimeGenerated '28/11/2026, 14:10:38.000'"
    assert all(r.source == "-" for r in only_rejections(records))


def test_displayed_columns_csv_iso_dates_reordered_and_spaced() -> None:
    records = read(DISPLAYED_CSV.encode())
    assert kind(records) == "LLL"
    one, two, three = only_legs(records)
    assert one.time_generated == datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    assert (one.correlation_id, one.end_reason, one.end_sub_code) == ("c-1", "403", "560403")
    assert two.time_generated == datetime(2026, 11, 28, 2, 11, tzinfo=UTC)  # naive = UTC
    assert (two.correlation_id, two.end_reason, two.end_sub_code) == ("c-2", "486", "560486")
    assert two.endpoint_type == "PSTN"
    assert three.time_generated == datetime(2026, 11, 28, 2, 11, tzinfo=UTC)  # +01:00
    assert (three.end_reason, three.end_sub_code, three.endpoint_type) == ("", "", "")
    assert [leg.line for leg in (one, two, three)] == [2, 3, 4]
    assert all(leg.time_generated.tzinfo is UTC for leg in (one, two, three))


def test_csv_narrow_no_break_space_before_am_and_year_first_style() -> None:
    data = (
        "TimeGenerated [UTC],CorrelationId,EndpointType,ParticipantEndReason,"
        "ParticipantEndSubCode\n"
        '"11/28/2026, 2:10:38.123\u202fPM",a,PSTN,403,560403\n'
        "2026/11/28 0:00:01.403,b,PSTN,403,560403\n"
        "11/28/2026 2:10 AM,c,PSTN,403,560403\n"
    )
    got = [leg.time_generated for leg in only_legs(read(data.encode()))]
    assert got == [
        datetime(2026, 11, 28, 14, 10, 38, 123000, tzinfo=UTC),
        datetime(2026, 11, 28, 0, 0, 1, 403000, tzinfo=UTC),
        datetime(2026, 11, 28, 2, 10, tzinfo=UTC),
    ]


def test_csv_embedded_newlines_blank_lines_and_bad_rows_keep_line_numbers() -> None:
    data = (
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,Notes\r\n"
        "\r\n"  # 2: blank, skipped
        '2026-11-28T01:00:00Z,a,PSTN,403,560403,"two\r\nlines"\r\n'  # 3-4
        "2026-11-28T01:00:01Z,b,PSTN,403\r\n"  # 5: too few fields
        '2026-11-28T01:00:02Z,c,PSTN,403,560403,"three\nmixed\rends"\r\n'  # 6-8
        "not a date,d,PSTN,403,560403,x\r\n"  # 9
        "   \r\n"  # 10: blank
        "2026-11-28T01:00:03Z,e,PSTN,403,560403,x,extra\r\n"  # 11: too many
        '2026-11-28T01:00:04Z,f,PSTN,403,560403,"unterminated\r\n'  # 12-13 (to EOF)
        "2026-11-28T01:00:05Z,g,PSTN,403,560403,x\r\n"
    )
    tally = LineTally()
    records = read(data.encode(), tally=tally)
    assert [(type(r).__name__, r.line, r.end_line) for r in records] == [
        ("Leg", 3, 4),
        ("Rejection", 5, 5),
        ("Leg", 6, 8),
        ("Rejection", 9, 9),
        ("Rejection", 11, 11),
        ("Rejection", 12, 13),  # the open quote runs to the end of the file, swallowing line 13
    ]
    reasons = [r.reason for r in only_rejections(records)]
    assert reasons == [
        "expected 6 fields as in the header, found 4",
        "unparseable TimeGenerated 'not a date'",
        "expected 6 fields as in the header, found 7",
        "unterminated quote: the field runs from line 12 to the end of the input (line 13)",
    ]
    # 13 lines, the header first: 12 data lines = 10 in rows + 2 blank (lines 2 and 10)
    assert (tally.read, tally.blank) == (12, 2)
    assert sum(r.end_line - r.line + 1 for r in records) == 10


def test_csv_syntax_error_and_overlong_line_are_rejections() -> None:
    header = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
    good = "2026-11-28T01:00:00Z,a,PSTN,403,560403\n"
    huge_field = '"' + "x" * (csv.field_size_limit() + 10) + '",a,PSTN,403,560403\n'
    records = read((header + good + huge_field + good).encode())
    assert kind(records) == "LRL"
    assert lines_of(records) == [2, 3, 4]
    assert only_rejections(records)[0].reason.startswith("CSV syntax error: field larger than")

    with mock.patch.object(common, "MAX_LINE_CHARS", 100):
        long_line = "2026-11-28T01:00:00Z,a,PSTN,403,560403" + " " * 80 + "\n"
        records = read((header + good + long_line + good + long_line).encode())
    assert kind(records) == "LRLR"
    assert lines_of(records) == [2, 3, 4, 5]
    assert only_rejections(records)[0].reason == "line longer than 100 characters"


def test_csv_excel_sep_preamble_and_trailing_comma_rows() -> None:
    data = (
        "sep=,\r\n"
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,\r\n"
        "2026-11-28T01:00:00Z,a,PSTN,403,560403,\r\n"
        ",,,,,\r\n"
    )
    records = read(data.encode())
    assert kind(records) == "LR"
    assert lines_of(records) == [3, 4]
    assert only_rejections(records)[0].reason == "missing TimeGenerated"


def test_csv_header_only_and_empty_files() -> None:
    header = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
    assert read(header.encode()) == []
    with pytest.raises(ExportError, match="no header row"):
        read(b"\r\n  \r\n", InputFormat.CSV)
    with pytest.raises(ExportError, match="empty"):
        read(b"")


def test_csv_memoised_columns_and_repeated_call_start() -> None:
    header = ",".join([*REQUIRED, "CallStartTime"]) + "\n"
    rows = [
        "2026-11-28T01:00:00.1234567Z,a, pstn ,403.0, 560403 ,2026-11-28T00:59:00Z\n",
        "2026-11-28T01:00:01.1234567Z,a,null,None,null,2026-11-28T00:59:00Z\n",
        "2026-11-28T01:00:02.1234567Z,b,\u00a0PSTN\u00a0,403,560403,bad\n",
        "2026-11-28T01:00:03.1234567Z,b, pstn ,403.0,560403,bad\n",
    ]
    legs = only_legs(read((header + "".join(rows)).encode(), InputFormat.CSV))
    assert [(leg.endpoint_type, leg.end_reason, leg.end_sub_code) for leg in legs] == [
        ("pstn", "403", "560403"),
        ("", "", ""),
        ("PSTN", "403", "560403"),
        ("pstn", "403", "560403"),
    ]
    call_start = datetime(2026, 11, 28, 0, 59, tzinfo=UTC)
    assert [leg.call_start_time for leg in legs] == [call_start, call_start, None, None]


# A well-formed-ish CSV: the right header, then rows of random cells (quotes, commas,
# CR/LF inside quoted cells, "null", spaces), some with the wrong number of cells, and
# blank lines in between. Every written row must come back as exactly one record,
# at the physical line where it starts.
@st.composite
def csv_documents(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    columns = REQUIRED + draw(st.lists(st.sampled_from([*OPTIONAL, "Extra", "Type"]), max_size=4))
    columns = draw(st.permutations(columns))
    terminator = draw(st.sampled_from(["\r\n", "\n"]))
    out = io.StringIO()
    if terminator == "\r\n":
        writer = csv.writer(out, lineterminator=terminator, quoting=csv.QUOTE_MINIMAL)
    else:  # a lone CR in a cell is only quoted when CR is in the terminator
        writer = csv.writer(out, lineterminator=terminator, quoting=csv.QUOTE_ALL)
    writer.writerow([f"{c} [UTC]" if c == "TimeGenerated" else c for c in columns])
    starts: list[int] = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            out.write(draw(st.sampled_from(["\n", "\r\n", "   \n", "\t\r\n"])))
        width = draw(st.sampled_from([len(columns), len(columns), 2, len(columns) + 1]))
        starts.append(out.tell())
        writer.writerow(draw(st.lists(CELL, min_size=width, max_size=width)))
    text = out.getvalue()
    lines = [len(LINE_BREAK.findall(text[:start])) + 1 for start in starts]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return text.encode(encoding), lines


@settings(max_examples=200, deadline=None)
@given(csv_documents())
def test_csv_every_record_is_accounted_for_at_its_line(document: tuple[bytes, list[int]]) -> None:
    data, expected_lines = document
    records = read(data, InputFormat.CSV)
    assert lines_of(records) == expected_lines
    assert read(data) == records  # detection agrees
