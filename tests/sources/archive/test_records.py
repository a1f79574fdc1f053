"""Diagnostic records (what a diagnostic setting writes to storage or Event Hubs) as
``--from-file`` input: Microsoft's own samples, both layouts, every kind of record."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.errors import ExitCode
from acs_triage.sources.exports import InputFormat, detect_format
from acs_triage.sources.exports.columns import COLUMNS
from acs_triage.sources.exports.diagnostic_fields import FIELDS
from tests.helpers import CliRunner

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "tests" / "fixtures" / "diagnostic" / "microsoft-samples.jsonl"
P2P_CALL = "aaaa0000-bb11-2222-33cc-444444dddddd"
GROUP_CALL = "bbbb1111-cc22-3333-44dd-555555eeeeee"


def _samples() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLES.read_text().splitlines()]


#: Counted by hand from the fixture (see its README): 11 records, 9 CallSummary of which
#: 2 PSTN (line 4 of the P2P call, line 8 of the group call), 1 CallDiagnostics, 1 CallSummaryUpdates.
SAMPLE_ACCOUNTING = {
    "rows_read": 11,
    "triaged": 2,
    "skipped_not_pstn": 7,
    "skipped_outside_window": 0,
    "rejected": 0,
    "skipped_other_category": 2,
    "other_categories": {"CallDiagnostics": 1, "CallSummaryUpdates": 1},
    "balanced": True,
    # a "line" of diagnostic records is a record (an envelope line counts its records)
    "lines_read": 11,
    "lines_in_rows": 11,
    "lines_rejected": 0,
    "lines_blank": 0,
    "rejected_by_reason": {},
    "rejections_listed": 0,
}


def _layouts(tmp_path: Path) -> dict[str, Path]:
    records = _samples()
    pretty = tmp_path / "records.json"
    pretty.write_text(json.dumps({"records": records}, indent=4))
    messages = tmp_path / "eventhubs.jsonl"  # Event Hubs message bodies, one a line
    messages.write_text("\n".join(json.dumps({"records": records[i : i + 4]}) for i in range(0, 11, 4)))
    return {"jsonl": SAMPLES, "records document": pretty, "event hubs lines": messages}


@pytest.mark.parametrize("layout", ["jsonl", "records document", "event hubs lines"])
def test_microsofts_samples_triage_correctly(layout: str, tmp_path: Path, cli: CliRunner) -> None:
    path = _layouts(tmp_path)[layout]
    for forced in ((), ("--input-format", "diagnostic")):
        code, doc, err = cli.json("triage", "--from-file", str(path), *forced, "-f", "json")
        assert code == ExitCode.OK, err
        assert doc["accounting"] == SAMPLE_ACCOUNTING
        assert doc["totals"]["legs"] == 2 and doc["totals"]["calls"] == 2
        assert doc["totals"]["failed_legs"] == 0 and doc["findings"] == []
    code, out, _ = cli("triage", "--from-file", str(path), "--wide")
    assert "2 other log category (CallDiagnostics x1, CallSummaryUpdates x1)" in out


def test_microsofts_samples_as_calls(cli: CliRunner) -> None:
    code, doc, _ = cli.json("call", P2P_CALL, "--from-file", str(SAMPLES), "-f", "json", "--show-pii")
    assert code == ExitCode.OK
    assert len(doc["legs"]) == 4  # the diagnostics and the updates records are not legs
    pstn = [leg for leg in doc["legs"] if leg["endpoint_type"] == "PSTN"]
    assert [leg["participant_id"] for leg in pstn] == ["b25cf111-73df-4e0a-a888-640000abe34d"]
    code, doc, _ = cli.json("call", GROUP_CALL, "--from-file", str(SAMPLES), "-f", "json")
    assert code == ExitCode.OK and len(doc["legs"]) == 5
    assert {leg["time_generated"] for leg in doc["legs"]} == {"2021-07-05T06:30:06.402000Z"}


def _record(**changes: Any) -> dict[str, Any]:
    record = _samples()[3]  # the PSTN call summary
    properties = dict(record["properties"], participantEndReason="403", participantEndSubCode="560403")
    record = {**record, "properties": properties}
    for key, value in changes.items():
        target = record["properties"] if key.startswith("p_") else record
        name = key.removeprefix("p_")
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return record


def test_every_kind_of_record(tmp_path: Path, cli: CliRunner) -> None:
    lines = [
        json.dumps(_record()),  # 1: a failed PSTN leg
        json.dumps(_record(correlationId=None, p_correlationId="in-properties")),  # 2
        json.dumps(_record(p_participantEndReason=486, p_participantEndSubCode=560486)),  # 3: numbers
        json.dumps(_record(p_participantEndSubCode=None)),  # 4: no sub-code (as in Microsoft's samples)
        json.dumps(_record(time=None)),  # 5: rejected, no time
        json.dumps(_record(category=None, operationName=None)),  # 6: rejected, no category
        json.dumps(_record(properties=None)),  # 7: rejected, no properties
        json.dumps(_record(properties=json.dumps(_record()["properties"]))),  # 8: properties as a string
        json.dumps(_record(category=None, operationName=None, type="CallSummary")),  # 9: "type"
        "",  # 10: blank, not a row
        "{not json",  # 11: rejected
        json.dumps(_record(correlationId="null")),  # 12: rejected, no correlation id
        json.dumps(_record(category="CallAutomationOperational", operationName="x")),  # 13: skipped
        json.dumps(["an array"]),  # 14: rejected
        json.dumps(_record(p_endpointType="null")),  # 15: not PSTN
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json", "--show-pii")
    assert code == ExitCode.OK
    assert doc["accounting"] == {
        "rows_read": 14,
        "triaged": 6,
        "skipped_not_pstn": 1,
        "skipped_outside_window": 0,
        "rejected": 6,
        "skipped_other_category": 1,
        "other_categories": {"CallAutomationOperational": 1},
        "balanced": True,
        "lines_read": 15,
        "lines_in_rows": 14,
        "lines_rejected": 6,
        "lines_blank": 1,
        "rejected_by_reason": {
            "missing TimeGenerated": 1,
            "record has no category (category, type or operationName)": 1,
            "CallSummary record has no properties object": 1,
            "invalid JSON: Expecting property name enclosed in double quotes": 1,
            "missing CorrelationId": 1,
            "record is not a JSON object (found an array)": 1,
        },
        "rejections_listed": 6,
    }
    assert [(r["line"], r["reason"]) for r in doc["rejections"]] == [
        (5, "missing TimeGenerated"),
        (6, "record has no category (category, type or operationName)"),
        (7, "CallSummary record has no properties object"),
        (11, "invalid JSON: Expecting property name enclosed in double quotes"),
        (12, "missing CorrelationId"),
        (14, "record is not a JSON object (found an array)"),
    ]
    pairs = {(f["end_reason"], f["end_sub_code"]): f["legs"] for f in doc["findings"]}
    assert pairs == {("403", "560403"): 4, ("486", "560486"): 1, ("403", ""): 1}
    code, doc, _ = cli.json("call", "in-properties", "--from-file", str(path), "-f", "json")
    assert len(doc["legs"]) == 1


def test_a_broken_records_document_is_an_input_error(tmp_path: Path, cli: CliRunner) -> None:
    pretty = json.dumps({"records": [_record()]}, indent=2)
    for content in ('{\n "records": 5\n}', pretty[: len(pretty) // 2], '{\n "records": [\n 1 2]}'):
        path = tmp_path / "broken.json"
        path.write_text(content)
        code, _, err = cli("triage", "--from-file", str(path), "--input-format", "diagnostic")
        assert code == ExitCode.INPUT and err.count("\n") == 1 and str(path) in err


@pytest.mark.parametrize(
    "head, expected",
    [
        (b'{"records": [{"time": "2026-11-01T00:00:00Z"}]}', InputFormat.DIAGNOSTIC),
        (b'{\n  "records": [\n', InputFormat.DIAGNOSTIC),
        (b'\xef\xbb\xbf { "Records" : [', InputFormat.DIAGNOSTIC),
        (SAMPLES.read_bytes()[:4000], InputFormat.DIAGNOSTIC),
        (b'{"TimeGenerated": "2026-11-01T00:00:00Z", "CorrelationId": "a"}\n', InputFormat.JSONL),
        (b'{"time": "x", "properties": {}, "tables": []}\n', InputFormat.API_JSON),
    ],
)
def test_detection(head: bytes, expected: InputFormat) -> None:
    assert detect_format(head) is expected


def test_the_documented_mapping_is_the_code() -> None:
    """docs/inputs.md shows FIELDS as a table; the two must say the same."""
    text = (ROOT / "docs" / "inputs.md").read_text()
    table = text.split("<!-- diagnostic-fields -->")[1]
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|$", table, flags=re.MULTILINE)
    documented = {column: tuple(re.findall(r"`([\w.]+)`", where)) for column, where in rows}
    assert documented == FIELDS
    assert list(FIELDS) == list(COLUMNS)


RECORD = st.one_of(
    st.builds(
        lambda reason: json.dumps(_record(p_participantEndReason=reason)),
        st.sampled_from(["0", "403", 486, None]),
    ),
    st.builds(
        lambda c: json.dumps(_record(category=c, operationName=c)),
        st.sampled_from(["CallDiagnostics", "", None]),
    ),
    st.builds(lambda t: json.dumps(_record(time=t)), st.sampled_from(["garbage", "2026-11-01T00:00:00Z", 5])),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n"), max_size=30),
    st.builds(lambda n: json.dumps({"records": [_record()] * n}), st.integers(0, 3)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(RECORD, max_size=20))
def test_accounting_always_adds_up(tmp_path: Path, cli: CliRunner, lines: list[str]) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("triage", "--from-file", str(path), "--input-format", "diagnostic", "-f", "json")
    if code == ExitCode.INPUT:  # rejected records and not one readable: the file is refused
        assert err.count("\n") == 1 and "no readable record" in err
        return
    assert code == ExitCode.OK, err
    accounting = json.loads(out)["accounting"]
    records = [
        len(json.loads(line)["records"]) if line.startswith('{"records"') else 1
        for line in lines
        if line.strip()
    ]
    expected = sum(records)
    assert accounting["balanced"] and accounting["rows_read"] == expected
    # a line is a record; a blank line, or an envelope of none, is blank
    physical = max(len(lines), 1)  # the text written ends with a line break: "\n" alone is one line
    blank = physical - len(records) + records.count(0)
    assert (accounting["lines_read"], accounting["lines_blank"]) == (expected + blank, blank)
