"""The az-json and api-json readers (acs_triage.sources.exports.json_documents)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from acs_triage.sources.exports import ExportError, InputFormat, detect_format
from tests.sources.exports.helpers import (
    API_COLUMNS,
    API_JSON,
    API_ROWS,
    AZ_JSON,
    UTC,
    api_json,
    kind,
    lines_of,
    only_legs,
    only_rejections,
    read,
)


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
