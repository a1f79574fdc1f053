"""Hostile input to the readers (issue 11, items 1 to 4): swallowed lines are counted,
concatenated documents read, trailing text refused, endless streams ended.

Expectations are computed from the bytes each test writes (its lines, its records),
never by reading the input a second time with the code under test.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest

from acs_triage.records import Leg
from acs_triage.sources.exports import ExportError, InputFormat, common, read_export
from acs_triage.sources.exports.common import LineTally
from tests.helpers import CliRunner
from tests.sources.exports.helpers import (
    API_COLUMNS,
    API_ROWS,
    LINE_BREAK,
    REQUIRED,
    api_json,
    kind,
    lines_of,
    only_legs,
    only_rejections,
    read,
)

HEADER = ",".join(REQUIRED) + "\n"


def good_rows(count: int, first: int = 0) -> list[str]:
    return [
        f"2026-11-28T01:{i // 60 % 60:02d}:{i % 60:02d}Z,call-{i},PSTN,403,560403\n"
        for i in range(first, count)
    ]


def data_lines(text: str) -> int:
    """Physical lines after the first (header) line, counted from the text written."""
    return len(LINE_BREAK.findall(text)) + (0 if LINE_BREAK.sub("", text[-1:]) == "" else 1) - 1


# -- item 1: lines swallowed by an unterminated quote are accounted -----------------------------
def test_an_unterminated_quote_covers_the_lines_it_swallows() -> None:
    rows = good_rows(10_000)
    text = HEADER + '2026-11-28T00:00:00Z,"bad,PSTN,403,560403\n' + "".join(rows)
    tally = LineTally()
    records = read(text.encode(), tally=tally)
    (bad,) = [r for r in only_rejections(records) if r.line == 2]
    # The quote swallows lines until the field is too large for the CSV module; every
    # line is still either in a row or blank, and the rejection says which it covered.
    assert bad.end_line > 1000 and "an unterminated quote?" in bad.reason
    assert tally.read == data_lines(text) == 10_001 and tally.blank == 0
    assert sum(r.end_line - r.line + 1 for r in records) == tally.read
    legs = only_legs(records)
    # The header is line 1, the bad row line 2, the good rows lines 3 to 10,002.
    assert [leg.line for leg in legs] == list(range(bad.end_line + 1, 10_003))
    assert len(legs) + (bad.end_line - 2) == len(rows)  # nothing vanished unaccounted


def test_an_unterminated_quote_at_the_end_is_a_rejection_to_the_last_line() -> None:
    text = (
        HEADER
        + "".join(good_rows(3))
        + '2026-11-28T02:00:00Z,x,PSTN,403,"560403\n'
        + "".join(good_rows(8, 3))
    )
    records = read(text.encode())
    assert kind(records) == "LLLR"
    rejection = only_rejections(records)[0]
    assert (rejection.line, rejection.end_line) == (5, data_lines(text) + 1)
    assert "unterminated quote" in rejection.reason


def test_report_accounting_balances_over_lines(tmp_path: Path, cli: CliRunner) -> None:
    text = (
        HEADER + "\n" + "".join(good_rows(50)) + '2026-11-28T03:00:00Z,"q,PSTN\n' + "".join(good_rows(60, 50))
    )
    path = tmp_path / "export.csv"
    path.write_text(text)
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == 0
    accounting = doc["accounting"]
    assert accounting["lines_read"] == data_lines(text) == 62
    assert accounting["lines_blank"] == 1
    assert accounting["lines_in_rows"] + accounting["lines_blank"] == accounting["lines_read"]
    (rejection,) = doc["rejections"]
    assert rejection["line"] == 53 and rejection["end_line"] == 63  # runs to the end of the file
    assert accounting["lines_rejected"] == 11 and accounting["balanced"] is True


# -- item 2: concatenated documents, trailing text ------------------------------------------------
def _az(first: int, count: int) -> str:
    return json.dumps(
        [
            {
                "TimeGenerated": f"2026-11-28T01:00:{i:02d}Z",
                "CorrelationId": f"c-{i}",
                "EndpointType": "PSTN",
                "ParticipantEndReason": "403",
                "ParticipantEndSubCode": "560403",
            }
            for i in range(first, first + count)
        ],
        indent=1,
    )


def test_concatenated_az_exports_are_all_read() -> None:
    text = _az(0, 3) + "\n" + _az(3, 4) + "\n\n" + _az(7, 1)
    tally = LineTally()
    records = read(text.encode(), tally=tally)
    assert [leg.correlation_id for leg in only_legs(records)] == [f"c-{i}" for i in range(8)]
    assert lines_of(records) == list(range(1, 9)) and tally.read == 8


def test_concatenated_api_responses_are_all_read() -> None:
    one = api_json([{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:2]}])
    other = {"name": "Other", "columns": API_COLUMNS, "rows": API_ROWS}
    two = api_json([other, {"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:1]}])
    records = read((one + two).encode())
    assert kind(records) == "LLL" and lines_of(records) == [1, 2, 3]
    assert [leg.correlation_id for leg in only_legs(records)] == ["c-1", "c-2", "c-1"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (_az(0, 2) + "\ngarbage", "'g'"),
        (_az(0, 2) + "]", "']'"),
        (_az(0, 2) + '{"x": 1}', "'{'"),
        (api_json([{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:1]}]) + "\n,", "','"),
        (api_json([{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:1]}]) + "[]", "'['"),
    ],
)
def test_text_after_the_document_is_an_error(text: str, found: str) -> None:
    with pytest.raises(ExportError, match=re.escape(f"unexpected {found} after the end of the JSON")):
        read(text.encode())


def test_an_api_response_is_read_to_its_end() -> None:
    table = {"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS[:1]}
    whole = json.dumps(
        {"tables": [table, {"name": "x", "columns": [], "rows": [[1] * 3] * 5}], "statistics": {}}
    )
    assert kind(read(whole.encode())) == "L"
    with pytest.raises(ExportError, match="truncated"):  # a cut after the rows is still a cut
        read(whole[:-5].encode())


# -- item 3 is a source-level rule: tests/test_hostile_files.py --------------------------------------


# -- item 4: endless streams end, in bounded time and memory --------------------------------------------
class Endless(io.RawIOBase):
    """An endless stream of one byte value, counting what it delivered."""

    def __init__(self, byte: bytes) -> None:
        self.byte = byte
        self.delivered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = len(buffer)
        buffer[:count] = self.byte * count
        self.delivered += count
        return count


@pytest.mark.parametrize("fmt", list(InputFormat))
@pytest.mark.parametrize("byte", [b"\x00", b"x", b" "])
def test_an_endless_stream_ends_with_an_error(fmt: InputFormat, byte: bytes) -> None:
    stream = Endless(byte)
    with pytest.raises(ExportError) as raised:
        list(read_export("-", fmt, stdin=io.BufferedReader(stream)))  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)
    # Bounded: what was read is at most the longest line skipped, plus a buffer or two.
    assert stream.delivered <= common.MAX_SKIPPED_LINE_CHARS + 4 * 1024 * 1024


@pytest.mark.parametrize("fmt", [InputFormat.CSV, InputFormat.JSONL])
def test_endless_blank_lines_before_any_data_end_with_an_error(fmt: InputFormat) -> None:
    stream = Endless(b"\n")
    with mock.patch.object(common, "MAX_LEADING_BLANK", 1000), pytest.raises(ExportError, match="1,000"):
        list(read_export("-", fmt, stdin=io.BufferedReader(stream)))  # type: ignore[arg-type]
    assert stream.delivered <= 1024 * 1024


def test_an_overlong_line_is_still_a_rejection_below_the_endless_limit() -> None:
    with mock.patch.object(common, "MAX_LINE_CHARS", 100):
        text = HEADER + "".join(good_rows(1)) + "x" * 5000 + "\n" + "".join(good_rows(2, 1))
        records = read(text.encode())
    assert kind(records) == "LRL" and lines_of(records) == [2, 3, 4]
    assert isinstance(records[0], Leg)
