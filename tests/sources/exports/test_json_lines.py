"""The JSON Lines reader (acs_triage.sources.exports.json_lines)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from acs_triage.sources.exports import InputFormat
from tests.sources.exports.helpers import (
    CELL,
    JSONL,
    LINE_BREAK,
    OPTIONAL,
    REQUIRED,
    kind,
    lines_of,
    only_legs,
    only_rejections,
    read,
)


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
            expected.append(sum(len(LINE_BREAK.findall(p)) for p in parts))
    records = read("".join(parts).encode(), InputFormat.JSONL)
    assert lines_of(records) == expected
