"""Columns found by name: header suffixes, the UTC rule, missing columns, JSON object keys
(acs_triage.sources.exports.columns)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acs_triage.errors import InputError
from acs_triage.sources.exports import ExportError, InputFormat, read_export
from tests.sources.exports.helpers import REQUIRED, kind, only_legs, only_rejections, read


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


def test_jsonl_first_object_is_the_header() -> None:
    with pytest.raises(ExportError, match="ParticipantEndSubCode"):
        read(b'{"TimeGenerated":"x","CorrelationId":"a","EndpointType":"","ParticipantEndReason":1}\n')
    # Diagnostic-settings archives nest the columns under "properties": not this format.
    archived = {"time": "2026-11-28T01:00:00Z", "correlationId": "a", "properties": {}}
    with pytest.raises(ExportError, match="missing required column"):
        read(json.dumps(archived).encode())


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
