"""Tests for acs_triage.sources.exports (streaming readers for exported ACSCallSummary data)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import tracemalloc
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.codes import normalize_code
from acs_triage.errors import InputError
from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports import (
    HEAD_BYTES,
    ExportError,
    InputFormat,
    common,
    datetimes,
    detect_format,
    read_export,
    values,
)
from acs_triage.sources.exports.datetimes import parse_datetime
from acs_triage.sources.exports.values import Memo, new_leg

UTC = timezone.utc
Record = Leg | Rejection


def read(data: bytes, fmt: InputFormat | str = InputFormat.AUTO) -> list[Record]:
    return list(read_export("-", fmt, stdin=io.BytesIO(data)))


def only_legs(records: Sequence[Record]) -> list[Leg]:
    return [r for r in records if isinstance(r, Leg)]


def only_rejections(records: Sequence[Record]) -> list[Rejection]:
    return [r for r in records if isinstance(r, Rejection)]


def lines_of(records: Sequence[Record]) -> list[int]:
    return [r.line for r in records]


def kind(records: Sequence[Record]) -> str:
    return "".join("L" if isinstance(r, Leg) else "R" for r in records)


# --------------------------------------------------------------------------- samples

# The portal's "Export to CSV - all columns", en-US browser: BOM, CRLF, quoted headers
# with " [UTC]", US-locale datetimes, quoted numbers, "null", an embedded JSON blob.
PORTAL_CSV = (
    "\ufeff"
    '"TimeGenerated [UTC]",CorrelationId,"CallStartTime [UTC]",CallType,CallDebuggingInfo,'
    "EndpointType,ParticipantId,Identifier,ParticipantEndReason,ParticipantEndSubCode,"
    "PstnParticipantCallType,ResultCategory,SdkVersion,OsVersion,_ResourceId,Type\r\n"
    # 2
    '"11/28/2026, 2:10:38.123 AM",6b1f0c52-0000-4a5e-9d55-000000000001,'
    '"11/28/2026, 2:09:58.000 AM",P2P,"{""sipCallId"":""abc, def"",""x"":1}",'
    'PSTN,null,"4:+15551234567","403","560403",Outbound,UnexpectedClientError,Redacted,null,'
    "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/"
    "COMMUNICATIONSERVICES/ACS,ACSCallSummary\r\n"
    # 3
    '"11/28/2026, 12:05:00.000 PM",6b1f0c52-0000-4a5e-9d55-000000000002,,Group,,'
    'VoIP," b25cf111-73df-4e0a-a888-8bcd6b3b0000","8:acs:1",0,0,,Success,1.0.1.0,'
    '"Windows 10.0.17763 Arch: x64",/SUBSCRIPTIONS/S,ACSCallSummary\r\n'
    # 4
    '"11/28/2026, 12:00:01.5 AM",6b1f0c52-0000-4a5e-9d55-000000000003,,P2P,,'
    '  PSTN  ,,"4:+15550000000"," 487 ","560487.0",  Inbound  ,ExpectedError,,,x,'
    "ACSCallSummary\r\n"
    # 5: blank CorrelationId
    '"11/28/2026, 3:00:00.000 AM",,,P2P,,PSTN,,,"408","560408",,,,,x,ACSCallSummary\r\n'
    # 6: day-first (en-GB) datetime: ambiguous, rejected
    '"28/11/2026, 14:10:38.000",6b1f0c52-0000-4a5e-9d55-000000000006,,P2P,,PSTN,,,'
    '"480","560480",,,,,x,ACSCallSummary\r\n'
)

# "Export to CSV - displayed columns" of a projected query: ISO datetimes (no suffix),
# LF line ends, no BOM, reordered columns, an unknown column, stray spaces.
DISPLAYED_CSV = (
    "ParticipantEndSubCode, ParticipantEndReason ,EndpointType,correlationid,Note,TimeGenerated\n"
    "560403,403,PSTN,c-1,hello,2026-11-28T02:10:38.1234567Z\n"
    " 560486 , 486 , PSTN , c-2 , , 2026-11-28 02:11:00\n"
    "null,null,,c-3,x,2026-11-28T03:11:00+01:00\n"
)

AZ_JSON = """[
  {
    "CallStartTime": "2026-11-28T02:09:58Z",
    "CorrelationId": "c-1",
    "EndpointType": "PSTN",
    "Identifier": "4:+15551234567",
    "ParticipantEndReason": "403",
    "ParticipantEndSubCode": "560403",
    "ParticipantId": "",
    "PstnParticipantCallType": "Outbound",
    "ResultCategory": "UnexpectedClientError",
    "TableName": "PrimaryResult",
    "TimeGenerated": "2026-11-28T02:10:38.1234567Z"
  },
  {
    "CallStartTime": "",
    "CorrelationId": "c-2",
    "EndpointType": "VoIP",
    "Identifier": "8:acs:1",
    "ParticipantEndReason": "0",
    "ParticipantEndSubCode": "0",
    "ParticipantId": "null",
    "PstnParticipantCallType": "",
    "ResultCategory": "Success",
    "TableName": "PrimaryResult",
    "TimeGenerated": "2026-11-28T02:11:38Z"
  },
  "not an object",
  {
    "CorrelationId": "c-4",
    "EndpointType": "PSTN",
    "ParticipantEndReason": "408",
    "ParticipantEndSubCode": "560408",
    "TableName": "PrimaryResult",
    "TimeGenerated": "yesterday"
  }
]
"""

API_COLUMNS = [
    {"name": "TimeGenerated", "type": "datetime"},
    {"name": "CorrelationId", "type": "string"},
    {"name": "CallDuration", "type": "long"},
    {"name": "EndpointType", "type": "string"},
    {"name": "ParticipantEndReason", "type": "string"},
    {"name": "ParticipantEndSubCode", "type": "string"},
    {"name": "CallStartTime", "type": "datetime"},
]
API_ROWS: list[object] = [
    ["2026-11-28T02:10:38.1234567Z", "c-1", 120, "PSTN", "403", "560403", "2026-11-28T02:09:58Z"],
    ["2026-11-28T02:11:00Z", "c-2", None, "PSTN", 487, 540487.0, None],
    ["2026-11-28T02:12:00Z", "c-3", 1, "PSTN", "486"],
    "not a row",
    ["2026-11-28T02:13:00Z", None, 1, "PSTN", "0", "0", None],
]


def api_json(tables: Sequence[Mapping[str, object]], **extra: object) -> str:
    return json.dumps({"tables": tables, **extra}, indent=2)


API_JSON = api_json([{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS}])

JSONL = (
    '{"TimeGenerated":"2026-11-28T02:10:38Z","CorrelationId":"c-1","EndpointType":"PSTN",'
    '"ParticipantEndReason":403,"ParticipantEndSubCode":560403}\r\n'
    "\r\n"
    '{"TimeGenerated":"2026-11-28T02:11:38Z","CorrelationId":"c-2","EndpointType":"PSTN",'
    '"ParticipantEndReason":"403","ParticipantEndSubCode":"560403", "Extra": [1, 2]}\r\n'
    "{not json\r\n"
    "   \r\n"
    "[1, 2, 3]\r\n"
    '{"TimeGenerated":"2026-11-28T02:12:38Z","CorrelationId":"","EndpointType":"PSTN",'
    '"ParticipantEndReason":"0","ParticipantEndSubCode":"0"}\r\n'
)


# --------------------------------------------------------------------------- CSV


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
    records = read(data.encode())
    assert [(type(r).__name__, r.line) for r in records] == [
        ("Leg", 3),
        ("Rejection", 5),
        ("Leg", 6),
        ("Rejection", 9),
        ("Rejection", 11),
        ("Leg", 12),  # non-strict CSV: the open quote runs to the end of the file
    ]
    reasons = [r.reason for r in only_rejections(records)]
    assert reasons == [
        "expected 6 fields as in the header, found 4",
        "unparseable TimeGenerated 'not a date'",
        "expected 6 fields as in the header, found 7",
    ]
    assert only_legs(records)[2].correlation_id == "f"


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


def test_csv_utf16_with_bom() -> None:
    records = read(DISPLAYED_CSV.encode("utf-16"))
    assert kind(records) == "LLL"


def test_csv_local_time_header_is_a_file_error() -> None:
    data = (
        "TimeGenerated [Local Time],CorrelationId,EndpointType,ParticipantEndReason,"
        "ParticipantEndSubCode\n2026-11-28T01:00:00,a,PSTN,403,560403\n"
    )
    with pytest.raises(ExportError) as caught:
        read(data.encode())
    message = str(caught.value)
    assert "<stdin>" in message and "TimeGenerated [Local Time]" in message and "UTC" in message
    assert "\n" not in message


def test_csv_local_call_start_time_is_a_file_error_but_utc_duplicate_is_fine() -> None:
    base = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,"
    with pytest.raises(ExportError, match="CallStartTime"):
        read((base + "CallStartTime [UTC+02:00]\n").encode())
    records = read((base + "CallStartTime [UTC],CallStartTime [Local Time]\n").encode())
    assert records == []


def test_csv_missing_required_columns(tmp_path: Path) -> None:
    path = tmp_path / "displayed.csv"
    path.write_text("TimeGenerated [UTC],CorrelationId,CallType\n2026-11-28T01:00:00Z,a,P2P\n")
    with pytest.raises(ExportError) as caught:
        list(read_export(str(path)))
    message = str(caught.value)
    assert str(path) in message
    assert "EndpointType, ParticipantEndReason, ParticipantEndSubCode" in message
    assert "\n" not in message
    assert isinstance(caught.value, InputError)  # the CLI's input-error exit code


def test_csv_header_only_and_empty_files() -> None:
    header = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
    assert read(header.encode()) == []
    with pytest.raises(ExportError, match="no header row"):
        read(b"\r\n  \r\n", InputFormat.CSV)
    with pytest.raises(ExportError, match="empty"):
        read(b"")


# --------------------------------------------------------------------------- az-json


def test_az_json() -> None:
    records = read(AZ_JSON.encode())
    assert kind(records) == "LLRR"
    assert lines_of(records) == [1, 2, 3, 4]
    one, two = only_legs(records)
    assert one.time_generated == datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    assert one.call_start_time == datetime(2026, 11, 28, 2, 9, 58, tzinfo=UTC)
    assert (one.end_reason, one.end_sub_code, one.identifier) == ("403", "560403", "4:+15551234567")
    assert (one.pstn_call_type, one.result_category) == ("Outbound", "UnexpectedClientError")
    assert two.participant_id == "" and two.call_start_time is None
    not_object, bad_time = only_rejections(records)
    assert not_object.reason == "record is not a JSON object (found a string)"
    assert bad_time.reason == "unparseable TimeGenerated 'yesterday'"


def test_az_json_empty_result_and_missing_columns() -> None:
    assert read(b"[]\n") == []
    assert read(b"  [ ]  ") == []
    with pytest.raises(ExportError, match="missing required column"):
        read(b'[{"TimeGenerated": "2026-11-28T01:00:00Z", "TableName": "PrimaryResult"}]')


def test_az_json_later_record_without_a_key_reads_as_null() -> None:
    data = json.dumps(
        [
            {
                "TimeGenerated": "2026-11-28T01:00:00Z",
                "CorrelationId": "a",
                "EndpointType": "PSTN",
                "ParticipantEndReason": "403",
                "ParticipantEndSubCode": "560403",
            },
            {"TimeGenerated": "2026-11-28T01:00:00Z", "CorrelationId": "b"},
            {"TimeGenerated": "2026-11-28T01:00:00Z", "EndpointType": "PSTN"},
            {"timegenerated [local time]": "2026-11-28T01:00:00", "CorrelationId": "d"},
        ]
    )
    records = read(data.encode())
    assert kind(records) == "LLRR"
    second = only_legs(records)[1]
    assert (second.endpoint_type, second.end_reason, second.end_sub_code) == ("", "", "")
    assert [r.reason for r in only_rejections(records)] == [
        "missing CorrelationId",
        "column 'timegenerated [local time]' is not in UTC",
    ]


def test_az_json_truncated_is_a_file_error_after_the_good_records() -> None:
    data = AZ_JSON.encode()[: AZ_JSON.index('"not an object"') + 5]
    stream = read_export("-", stdin=io.BytesIO(data))
    got = [next(stream), next(stream)]
    assert kind(got) == "LL"
    with pytest.raises(ExportError, match=r"<stdin>: invalid JSON at line \d+: .*truncated"):
        next(stream)


def test_az_json_syntax_error_names_the_line() -> None:
    data = b'[\n{"CorrelationId": "a",\n "TimeGenerated": x}\n]'
    with pytest.raises(ExportError, match="invalid JSON at line 3: Expecting value"):
        read(data)


# --------------------------------------------------------------------------- api-json


def test_api_json() -> None:
    records = read(API_JSON.encode())
    assert kind(records) == "LLRRR"
    assert lines_of(records) == [1, 2, 3, 4, 5]
    one, two = only_legs(records)
    assert one.time_generated == datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    assert one.call_start_time == datetime(2026, 11, 28, 2, 9, 58, tzinfo=UTC)
    assert (one.end_reason, one.end_sub_code) == ("403", "560403")
    assert (two.end_reason, two.end_sub_code, two.call_start_time) == ("487", "540487", None)
    assert [r.reason for r in only_rejections(records)] == [
        "row has 5 values, expected 7 (one per column)",
        "row is not a JSON array (found a string)",
        "missing CorrelationId",
    ]


def test_api_json_prefers_primary_result_else_first_table() -> None:
    other = {"name": "Other", "columns": API_COLUMNS, "rows": [API_ROWS[1]]}
    primary = {"name": "PrimaryResult", "columns": API_COLUMNS, "rows": [API_ROWS[0]]}
    third = {"name": "Third", "columns": [{"name": "x", "type": "string"}], "rows": [["y"]]}
    got = only_legs(read(api_json([other, primary, third]).encode()))
    assert [leg.correlation_id for leg in got] == ["c-1"]
    got = only_legs(read(api_json([other, third]).encode()))
    assert [leg.correlation_id for leg in got] == ["c-2"]


def test_api_json_any_key_order_and_kusto_v1_spelling() -> None:
    rows_first = {"rows": API_ROWS[:2], "columns": API_COLUMNS, "name": "PrimaryResult"}
    got = read(api_json([{"name": "Other", "rows": [], "columns": []}, rows_first]).encode())
    assert kind(got) == "LL"
    v1 = {
        "Tables": [
            {
                "TableName": "PrimaryResult",
                "Columns": [{"ColumnName": c["name"], "DataType": "String"} for c in API_COLUMNS],
                "Rows": API_ROWS[:2],
            }
        ]
    }
    assert kind(read(json.dumps(v1).encode())) == "LL"
    assert read(json.dumps(v1).encode(), InputFormat.API_JSON) == got


def test_api_json_partial_error_and_extra_keys_are_ignored() -> None:
    data = json.dumps(
        {
            "error": {"code": "PartialError", "message": "some", "details": [{"x": [1, 2]}]},
            "statistics": {"query": {"executionTime": 0.1}},
            "tables": [{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:1]}],
            "render": {},
        }
    )
    assert detect_format(data.encode()) is InputFormat.API_JSON
    assert kind(read(data.encode())) == "L"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"tables": []}, '"tables" is empty'),
        ({"tables": {}}, '"tables" is not an array'),
        ({"tables": [[]]}, "table 1 is not a JSON object"),
        ({"tables": [{"name": "PrimaryResult", "rows": []}]}, 'has no "columns"'),
        ({"tables": [{"name": "PrimaryResult", "columns": 3}]}, '"columns" is not an array'),
        ({"tables": [{"name": "PrimaryResult", "columns": [{}]}]}, "entry has no name"),
        (
            {"tables": [{"name": "PrimaryResult", "columns": [{"name": "TimeGenerated"}]}]},
            "missing required column",
        ),
        ({"value": []}, 'no "tables" array'),
    ],
)
def test_api_json_shape_errors(document: object, message: str) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        read(json.dumps(document).encode(), InputFormat.API_JSON)


# --------------------------------------------------------------------------- jsonl


def test_jsonl() -> None:
    records = read(JSONL.encode())
    assert [(type(r).__name__, r.line) for r in records] == [
        ("Leg", 1),
        ("Leg", 3),
        ("Rejection", 4),
        ("Rejection", 6),
        ("Rejection", 7),
    ]
    one, two = only_legs(records)
    assert (one.end_reason, one.end_sub_code) == ("403", "560403")  # JSON numbers
    assert (two.end_reason, two.end_sub_code) == ("403", "560403")
    reasons = [r.reason for r in only_rejections(records)]
    assert reasons[0].startswith("invalid JSON: Expecting property name")
    assert reasons[1:] == ["record is not a JSON object (found an array)", "missing CorrelationId"]


def test_jsonl_first_object_is_the_header() -> None:
    with pytest.raises(ExportError, match="ParticipantEndSubCode"):
        read(b'{"TimeGenerated":"x","CorrelationId":"a","EndpointType":"","ParticipantEndReason":1}\n')
    # Diagnostic-settings archives nest the columns under "properties": not this format.
    archived = {"time": "2026-11-28T01:00:00Z", "correlationId": "a", "properties": {}}
    with pytest.raises(ExportError, match="missing required column"):
        read(json.dumps(archived).encode())


def test_jsonl_deep_nesting_and_huge_numbers_are_rejections() -> None:
    header = json.dumps(
        {
            "TimeGenerated": "2026-11-28T01:00:00Z",
            "CorrelationId": "a",
            "EndpointType": "PSTN",
            "ParticipantEndReason": 403,
            "ParticipantEndSubCode": 560403,
        }
    )
    data = header + "\n" + "[" * 100_000 + "\n" + "1" * 5000 + "\n"
    records = read(data.encode(), InputFormat.JSONL)
    assert kind(records) == "LRR"


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (PORTAL_CSV.encode("utf-8"), InputFormat.CSV),
        (DISPLAYED_CSV.encode(), InputFormat.CSV),
        (DISPLAYED_CSV.encode("utf-16"), InputFormat.CSV),
        (b"sep=,\r\nTimeGenerated,CorrelationId\r\n", InputFormat.CSV),
        (AZ_JSON.encode(), InputFormat.AZ_JSON),
        (b"\xef\xbb\xbf  []", InputFormat.AZ_JSON),
        (API_JSON.encode(), InputFormat.API_JSON),
        (json.dumps({"tables": []}).encode(), InputFormat.API_JSON),
        (b'{\n  "error": {"code": "PartialError"},\n  "tables": [', InputFormat.API_JSON),
        (JSONL.encode(), InputFormat.JSONL),
        (b'{"TimeGenerated": "' + b"x" * 100_000, InputFormat.JSONL),  # head cuts the line
        (b"{broken\n{}\n", InputFormat.JSONL),
    ],
)
def test_detect_format(sample: bytes, expected: InputFormat) -> None:
    assert detect_format(sample[:HEAD_BYTES]) is expected


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (b"", "empty input"),
        (b" \r\n\t", "empty input"),
        (gzip.compress(b"a,b\n"), "gzip"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"\x00\x01\x02abc,def", "binary"),
        (b"just some text\n", "not a recognised export"),
        (b'{\n  "value": []\n}\n', 'without a "tables" array'),
    ],
)
def test_detect_format_errors(sample: bytes, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        detect_format(sample)
    with pytest.raises(ExportError, match=r"^<stdin>: ") as caught:
        read(sample)
    assert "\n" not in str(caught.value)


def test_forced_format_overrides_detection() -> None:
    # A JSON Lines file whose first line is a complete api-json document.
    data = json.dumps({"tables": []}) + "\n"
    assert detect_format(data.encode()) is InputFormat.API_JSON
    with pytest.raises(ExportError, match="missing required column"):
        read(data.encode(), "jsonl")
    with pytest.raises(ExportError, match="expected a JSON array"):
        read(API_JSON.encode(), InputFormat.AZ_JSON)
    with pytest.raises(ExportError, match="expected a JSON object"):
        read(AZ_JSON.encode(), InputFormat.API_JSON)
    with pytest.raises(ValueError):
        read(b"[]", "xml")


# --------------------------------------------------------------------------- files and stdin


def test_reads_files_and_names_them(tmp_path: Path) -> None:
    path = tmp_path / "query_data.csv"
    path.write_bytes(PORTAL_CSV.encode("utf-8"))
    records = list(read_export(str(path)))
    assert kind(records) == "LLLRR"
    assert {r.source for r in only_rejections(records)} == {str(path)}


def test_cannot_open(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(ExportError, match=rf"^{re.escape(str(missing))}: cannot open"):
        read_export(str(missing))  # raises at the call, before iteration
    with pytest.raises(ExportError, match="cannot open"):
        read_export(str(tmp_path))


def test_stdin_default_and_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    given_stream = io.BytesIO(AZ_JSON.encode())
    records = list(read_export("-", stdin=given_stream))
    assert kind(records) == "LLRR"
    assert not given_stream.closed  # the caller's stream is left open

    class FakeStdin:
        buffer = io.BytesIO(JSONL.encode())

    monkeypatch.setattr("sys.stdin", FakeStdin())
    records = list(read_export("-"))
    assert kind(records) == "LLRRR"
    assert {r.source for r in only_rejections(records)} == {"-"}


def test_stdin_pipe_with_short_reads() -> None:
    class Trickle(io.RawIOBase):
        """Returns at most 7 bytes per read, like a slow pipe."""

        def __init__(self, data: bytes) -> None:
            self._data = memoryview(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            count = min(7, len(buffer), len(self._data))
            buffer[:count] = self._data[:count]
            self._data = self._data[count:]
            return count

    for sample in (PORTAL_CSV.encode(), AZ_JSON.encode(), API_JSON.encode(), JSONL.encode()):
        assert read(sample) == list(read_export("-", stdin=Trickle(sample)))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T02:10:38.1234567Z", datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)),
        ("2026-11-28T02:10:38Z", datetime(2026, 11, 28, 2, 10, 38, tzinfo=UTC)),
        ("2026-11-28t02:10:38z", datetime(2026, 11, 28, 2, 10, 38, tzinfo=UTC)),
        ("2026-11-28 02:10", datetime(2026, 11, 28, 2, 10, tzinfo=UTC)),
        ("2026-11-28T02:10:38.5+05:30", datetime(2026, 11, 27, 20, 40, 38, 500000, tzinfo=UTC)),
        ("2026-11-28T02:10:38-0800", datetime(2026, 11, 28, 10, 10, 38, tzinfo=UTC)),
        ("  2026-11-28T02:10:38,25 Z ", datetime(2026, 11, 28, 2, 10, 38, 250000, tzinfo=UTC)),
        ("11/28/2026, 2:10:38.123 AM", datetime(2026, 11, 28, 2, 10, 38, 123000, tzinfo=UTC)),
        ("1/2/2026, 12:00:00 AM", datetime(2026, 1, 2, 0, 0, tzinfo=UTC)),
        ("1/2/2026, 12:30:00 PM", datetime(2026, 1, 2, 12, 30, tzinfo=UTC)),
        ("1/2/2026 11:59:59.9999999 pm", datetime(2026, 1, 2, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2020/10/16 0:00:01.403", datetime(2020, 10, 16, 0, 0, 1, 403000, tzinfo=UTC)),
    ],
)
def test_datetime_styles(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        "2026-11-28",  # no time
        "2026-02-30T00:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T02:10:38+24:00",
        "0001-01-01T00:00:00+01:00",  # before datetime.min once in UTC
        "28/11/2026, 14:10:38",  # day-first: ambiguous, not accepted
        "11/28/2026, 2:10:38",  # month-first without AM/PM: ambiguous too
        "11/28/2026, 13:10:38 PM",
        "11/28/2026, 0:10:38 AM",
        "20261128T021038Z",
        "2026-W48-1",
        "1764295838",
    ],
)
def test_datetime_rejected(text: str) -> None:
    assert parse_datetime(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (403, "403"),
        (" 560403 ", "560403"),
        ("null", ""),
        ("NULL", ""),
        ("None", ""),
        (None, ""),
        ("", ""),
        ("   ", ""),
        (403.0, "403"),
        ("403.0", "403"),
        ("403.", "403"),
        (" 0 ", "0"),
        (0, "0"),
        (True, ""),
        (False, ""),
        (float("nan"), ""),
        (float("inf"), ""),
        (403.5, "403.5"),
        ("abc", "abc"),
        (" Call ended ", "Call ended"),
        (b" 403 ", "403"),
        ("\u0663", "\u0663"),  # a non-ASCII digit is kept as text
        ([1], "[1]"),
    ],
)
def test_normalize_code(value: object, expected: str) -> None:
    assert normalize_code(value) == expected


def test_normalize_code_huge_integer_does_not_raise() -> None:
    assert isinstance(normalize_code(10**5000), str)


class _Hostile:
    def __str__(self) -> str:
        raise RuntimeError("no")


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(),
        st.binary(),
        st.lists(st.integers()),
        st.dictionaries(st.text(), st.integers()),
        st.just(_Hostile()),
    )
)
def test_normalize_code_never_raises_and_is_stripped(value: object) -> None:
    result = normalize_code(value)
    assert isinstance(result, str)
    assert result == result.strip()
    assert normalize_code(result) == result  # idempotent


# --------------------------------------------------------------------------- properties

REQUIRED = [
    "TimeGenerated",
    "CorrelationId",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
]
OPTIONAL = [
    "ParticipantId",
    "Identifier",
    "CallStartTime",
    "PstnParticipantCallType",
    "ResultCategory",
]
FORMATS = list(InputFormat)


def _read_any(data: bytes, fmt: InputFormat) -> list[Record] | None:
    """Read; None when the input is refused as a whole. Anything else escaping fails."""
    try:
        records = list(read_export("-", fmt, stdin=io.BytesIO(data)))
    except ExportError as error:
        assert "\n" not in str(error)
        return None
    for record in records:
        assert isinstance(record, (Leg, Rejection))
        assert record.line >= 1
        if isinstance(record, Rejection):
            assert record.reason and "\n" not in record.reason and "\r" not in record.reason
    return records


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(FORMATS))
def test_garbage_bytes_never_raise_anything_but_export_error(data: bytes, fmt: InputFormat) -> None:
    _read_any(data, fmt)


JSONISH = st.text(alphabet='{}[],:"\\ \n\r\t0123456789.eE+-truefalsn/TZxu', max_size=400)
PREFIXES = [
    "",
    "[",
    '[{"TimeGenerated":',
    '{"tables":[',
    '{"tables":[{"name":"PrimaryResult","columns":'
    + json.dumps([{"name": c} for c in REQUIRED])
    + ',"rows":[',
    "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n",
    json.dumps(dict.fromkeys(REQUIRED, "1")) + "\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PREFIXES),
    JSONISH,
    st.sampled_from(FORMATS),
    st.integers(min_value=1, max_value=9),
)
def test_malformed_json_and_csv_never_raise_anything_but_export_error(
    prefix: str, body: str, fmt: InputFormat, chunk: int
) -> None:
    with mock.patch.object(common, "CHUNK_CHARS", chunk):
        _read_any((prefix + body).encode(), fmt)


def _outcome(data: bytes, fmt: InputFormat) -> object:
    try:
        return list(read_export("-", fmt, stdin=io.BytesIO(data)))
    except ExportError as error:
        return str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PREFIXES),
    JSONISH,
    st.sampled_from(FORMATS),
    st.integers(min_value=1, max_value=9),
)
def test_buffer_size_does_not_change_the_outcome(
    prefix: str, body: str, fmt: InputFormat, chunk: int
) -> None:
    data = (prefix + body).encode()
    expected = _outcome(data, fmt)
    with mock.patch.object(common, "CHUNK_CHARS", chunk):
        assert _outcome(data, fmt) == expected


SAMPLES = [
    PORTAL_CSV.encode(),
    DISPLAYED_CSV.encode(),
    AZ_JSON.encode(),
    API_JSON.encode(),
    JSONL.encode(),
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.data(),
    st.sampled_from(FORMATS),
)
def test_truncated_and_mutated_samples_never_raise_anything_but_export_error(
    sample: bytes, data: st.DataObject, fmt: InputFormat
) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    mutated = bytearray(sample[:cut])
    for _ in range(data.draw(st.integers(min_value=0, max_value=4))):
        if not mutated:
            break
        at = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            mutated[at] = data.draw(st.integers(min_value=0, max_value=255))
        elif action == "delete":
            del mutated[at]
        else:
            mutated[at:at] = data.draw(st.sampled_from([b",", b'"', b"\n", b"\r", b"{", b"]", b"\\"]))
    _read_any(bytes(mutated), fmt)


def test_deeply_nested_json_documents_are_a_file_error() -> None:
    with pytest.raises(ExportError, match="nested too deeply"):
        read(b"[" + b"[" * 100_000)
    _read_any(b"[" + b"1" * 5000 + b"]", InputFormat.AUTO)  # 3.11+: too long to convert


# A well-formed-ish CSV: the right header, then rows of random cells (quotes, commas,
# CR/LF inside quoted cells, "null", spaces), some with the wrong number of cells, and
# blank lines in between. Every written row must come back as exactly one record,
# at the physical line where it starts.
CELL = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
        max_size=8,
    ),
    st.sampled_from(["null", '"quoted"', "a,b", "two\nlines", "cr\rlf\r\n", " ", "403.0"]),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
)
_BREAK = re.compile(r"\r\n|\r|\n")


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
    lines = [len(_BREAK.findall(text[:start])) + 1 for start in starts]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return text.encode(encoding), lines


@settings(max_examples=200, deadline=None)
@given(csv_documents())
def test_csv_every_record_is_accounted_for_at_its_line(document: tuple[bytes, list[int]]) -> None:
    data, expected_lines = document
    records = read(data, InputFormat.CSV)
    assert lines_of(records) == expected_lines
    assert read(data) == records  # detection agrees


JSONL_LINE = st.one_of(
    st.dictionaries(st.sampled_from(REQUIRED + OPTIONAL + ["x"]), CELL | st.integers() | st.none()),
    st.lists(st.integers(), max_size=3),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(JSONL_LINE, st.booleans(), st.sampled_from(["\n", "\r\n"])), max_size=15))
def test_jsonl_every_non_blank_line_is_accounted_for(
    lines: list[tuple[object, bool, str]],
) -> None:
    first = json.dumps(dict.fromkeys(REQUIRED, "1"))
    parts = [first + "\n"]
    expected = [1]
    for number, (value, blank_before, ending) in enumerate(lines):
        del number
        if blank_before:
            parts.append("  \n")
        text = value if isinstance(value, str) else json.dumps(value)
        parts.append(text + ending)
        if text.strip():
            expected.append(sum(len(_BREAK.findall(p)) for p in parts))
    records = read("".join(parts).encode(), InputFormat.JSONL)
    assert lines_of(records) == expected


# Valid legs written in every format must read back identically, whatever the
# buffer size (this exercises values split across the sliding JSON buffer).
LEG_TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
SAFE_TEXT = st.text(alphabet="abcdefXYZ0123456789-:+.@ ", max_size=12).map(str.strip)
CODES = st.one_of(st.integers(min_value=0, max_value=999_999).map(str), st.just(""))


@st.composite
def leg_lists(draw: st.DrawFn) -> list[Leg]:
    legs = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        legs.append(
            Leg(
                time_generated=draw(LEG_TIMES),
                correlation_id=draw(SAFE_TEXT.filter(lambda s: s.lower() not in ("", "null", "none"))),
                endpoint_type=draw(st.sampled_from(["PSTN", "VoIP", "Server", ""])),
                end_reason=draw(CODES),
                end_sub_code=draw(CODES),
                participant_id=draw(SAFE_TEXT.filter(lambda s: s.lower() not in ("null", "none"))),
                call_start_time=draw(st.none() | LEG_TIMES),
                result_category=draw(st.sampled_from(["Success", "ExpectedError", ""])),
            )
        )
    return legs


def _us(d: datetime) -> str:
    clock = f"{d.hour % 12 or 12}:{d:%M:%S}.{d.microsecond // 1000:03d}"
    return f"{d.month}/{d.day}/{d.year}, {clock} {'AM' if d.hour < 12 else 'PM'}"


def _iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"  # 7 digits, as Log Analytics writes


def _row(leg: Leg, style: str) -> dict[str, object]:
    fmt = _us if style == "us" else _iso
    return {
        "TimeGenerated": fmt(leg.time_generated),
        "CorrelationId": leg.correlation_id,
        "EndpointType": leg.endpoint_type,
        "ParticipantEndReason": leg.end_reason,
        "ParticipantEndSubCode": int(leg.end_sub_code) if leg.end_sub_code else None,
        "ParticipantId": leg.participant_id,
        "CallStartTime": fmt(leg.call_start_time) if leg.call_start_time else "",
        "ResultCategory": leg.result_category,
        "SdkVersion": "Redacted",
    }


def _numbered(legs: list[Leg], lines: Iterator[int]) -> list[Leg]:
    return [leg._replace(line=line) for leg, line in zip(legs, lines, strict=False)]


@settings(max_examples=150, deadline=None)
@given(
    leg_lists(),
    st.sampled_from(["csv-us", "csv-iso", "az-json", "api-json", "jsonl"]),
    st.integers(min_value=1, max_value=40),
    st.randoms(use_true_random=False),
)
def test_valid_legs_round_trip_in_every_format(
    legs: list[Leg], style: str, chunk: int, rnd: random.Random
) -> None:
    rows = [_row(leg, "us" if style == "csv-us" else "iso") for leg in legs]
    columns = list(_row(legs[0], "iso")) if legs else [*REQUIRED, "SdkVersion"]
    rnd.shuffle(columns)
    if style.startswith("csv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([f"{c} [UTC]" if c in ("TimeGenerated", "CallStartTime") else c for c in columns])
        writer.writerows([["" if r[c] is None else r[c] for c in columns] for r in rows])
        data, lines = out.getvalue(), iter(range(2, 10**6))
    elif style == "az-json":
        data = json.dumps([{c: "" if r[c] is None else str(r[c]) for c in columns} for r in rows], indent=2)
        lines = iter(range(1, 10**6))
    elif style == "api-json":
        table = {
            "name": "PrimaryResult",
            "columns": [{"name": c, "type": "string"} for c in columns],
            "rows": [[r[c] for c in columns] for r in rows],
        }
        layout = rnd.choice(["streamed", "rows first", "other table first", "unnamed"])
        tables = [table]
        if layout == "rows first":  # rows arrive before the name: spooled, then replayed
            tables = [dict(reversed(table.items()))]
        elif layout == "other table first":
            tables = [{"name": "Other", "columns": [], "rows": [[1], [2]]}, table]
        elif layout == "unnamed":  # no PrimaryResult: the first table is used
            tables = [{"columns": table["columns"], "rows": table["rows"]}, {"name": "x"}]
        data, lines = json.dumps({"tables": tables}), iter(range(1, 10**6))
    else:
        data = "".join(json.dumps({c: r[c] for c in columns}) + "\n" for r in rows)
        lines = iter(range(1, 10**6))
        if not legs:
            return  # an empty JSON Lines file has no first object to check
    with mock.patch.object(common, "CHUNK_CHARS", chunk):
        got = read(data.encode())
    assert got == _numbered(legs, lines)


# --------------------------------------------------------------------------- memory

BIG_BYTES = 50 * 1024 * 1024
_BIG_ROW = {
    "TimeGenerated": "2026-11-28T02:10:38.1234567Z",
    "CorrelationId": "6b1f0c52-0000-4a5e-9d55-{:012d}",
    "CallStartTime": "2026-11-28T02:09:58.0000000Z",
    "CallType": "P2P",
    "EndpointType": "PSTN",
    "ParticipantId": "null",
    "Identifier": "4:+15551234567",
    "ParticipantEndReason": "403",
    "ParticipantEndSubCode": "560403",
    "PstnParticipantCallType": "Outbound",
    "ResultCategory": "UnexpectedClientError",
    "SdkVersion": "Redacted",
    "_ResourceId": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/X/ACS",
}


def _big_rows() -> Iterator[dict[str, str]]:
    number = 0
    while True:
        number += 1
        row = dict(_BIG_ROW)
        row["CorrelationId"] = row["CorrelationId"].format(number)
        yield row


def _write_big(path: Path, fmt: str) -> int:
    """Write ~BIG_BYTES of ``fmt`` to ``path``; return the row count."""
    rows = _big_rows()
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([f"{c} [UTC]" if "Time" in c else c for c in _BIG_ROW])
        elif fmt == "az-json":
            out.write("[\n")
        elif fmt == "api-json":
            columns = [{"name": c, "type": "string"} for c in _BIG_ROW]
            out.write('{"tables":[{"name":"PrimaryResult","columns":' + json.dumps(columns))
            out.write(',"rows":[\n')
        while out.tell() < BIG_BYTES:
            row = next(rows)
            sep = ",\n" if count else ""
            count += 1
            if fmt == "csv":
                writer.writerow(row.values())
            elif fmt == "az-json":
                out.write(sep + json.dumps({**row, "TableName": "PrimaryResult"}, indent=2))
            elif fmt == "api-json":
                out.write(sep + json.dumps(list(row.values())))
            else:
                out.write(json.dumps(row) + "\n")
        out.write({"csv": "", "jsonl": "", "az-json": "\n]\n", "api-json": "]}]}"}[fmt])
    return count


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "az-json", "api-json", "jsonl"])
def test_memory_does_not_grow_with_file_size(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"big.{fmt}"
    expected = _write_big(path, fmt)
    assert path.stat().st_size >= BIG_BYTES
    legs = 0
    tracemalloc.start()
    try:
        for record in read_export(str(path)):
            legs += isinstance(record, Leg)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert legs == expected
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {BIG_BYTES / 1e6:.0f} MB {fmt}"


# --------------------------------------------------------------------------- fast paths
# The reader's fast paths must agree exactly with the general code they short-cut.


def test_leg_is_an_immutable_record() -> None:
    moment = datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    values = (moment, "c-1", "PSTN", "403", "560403", "p", "4:+1555", None, "Outbound", "", 7)
    leg = new_leg(*values)
    assert type(leg) is Leg and tuple(leg) == values
    assert leg == Leg(*values) and hash(leg) == hash(Leg(*values))
    with pytest.raises(AttributeError):
        leg.line = 8  # type: ignore[misc]


def _fast_iso(moment: datetime, fraction: str, zone: str) -> str:
    clock = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
    return clock + (f".{moment.microsecond:06d}{fraction}" if fraction != "none" else "") + zone


FAST_ISO_TIMES = st.builds(
    _fast_iso,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.sampled_from(["none", "", "0", "99", "123"]),
    st.sampled_from(["Z", ""]),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(FAST_ISO_TIMES, st.text(alphabet="0123456789-:T.Z +", max_size=32)))
def test_iso_fast_path_agrees_with_the_general_parser(text: str) -> None:
    fast = parse_datetime(text)
    general = datetimes._parse_datetime_general(text)
    assert fast == general
    if fast is not None:
        assert fast.tzinfo is UTC and general is not None and general.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T00:00:00.000000Z",
        "2026-11-28T24:00:00.0000000Z",
        "2026-11-28T23:60:00Z",
        "2026-11-28T23:59:60.000000",
        "0000-01-01T00:00:00.000000Z",
        "2026-11-28T02:10:38.１23456Z",
        "2026-11-28T02:10:38.1234567890Z",
    ],
)
def test_iso_fast_path_refusals_still_take_the_general_path(text: str) -> None:
    assert parse_datetime(text) == datetimes._parse_datetime_general(text)


def test_iso_fast_path_shapes() -> None:
    expected = datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    for text in (
        "2026-11-28T02:10:38.123456Z",
        "2026-11-28T02:10:38.1234567Z",
        "2026-11-28T02:10:38.123456789",
    ):
        assert datetimes._ISO_FAST(text) is not None
        assert parse_datetime(text) == expected
    assert parse_datetime("2026-11-28T02:10:38Z") == expected.replace(microsecond=0)


def test_memo_is_bounded() -> None:
    memo = Memo(str.upper)
    for number in range(values._MEMO_MAX + 10):
        assert memo[f"v{number}"] == f"V{number}"
    long_key = "x" * (values._MEMO_KEY_CHARS + 1)
    assert memo[long_key] == long_key.upper()
    assert len(memo) == values._MEMO_MAX and long_key not in memo


def test_json_objects_whose_keys_change_from_one_to_the_next() -> None:
    first = dict.fromkeys(REQUIRED, "1") | {"TimeGenerated": "2026-11-28T01:00:00Z", "CorrelationId": "a"}
    reordered = dict(reversed(list(first.items()))) | {"CorrelationId": "b"}
    duplicated = {"correlationid": "c", **first, "EndpointType [x]": "ignored"}
    local = {"CallStartTime [Local Time]": "2026-11-28T01:00:00", **first}
    lines = [first, reordered, duplicated, local, first, {"TimeGenerated": "2026-11-28T01:00:00Z"}]
    records = read("".join(json.dumps(line) + "\n" for line in lines).encode(), InputFormat.JSONL)
    assert kind(records) == "LLLRLR"
    assert [leg.correlation_id for leg in only_legs(records)] == ["a", "b", "c", "a"]
    assert [r.reason for r in only_rejections(records)] == [
        "column 'CallStartTime [Local Time]' is not in UTC",
        "missing CorrelationId",
    ]


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
