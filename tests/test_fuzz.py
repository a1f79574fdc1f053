"""Fuzz (issue 11): at least 10,000 hostile files per run, in every input format, read
by the library reader; every 40th also through the CLI in-process.

Every file must either be refused as a whole (one ``ExportError`` line, exit 5) or be
read with exact line accounting: the data lines the reader counted are the physical
lines of the bytes written (computed here from those bytes), and the rows' spans
(``line`` to ``end_line``, disjoint, in order) plus the blank lines cover them exactly.
JSON documents: one record per element written. The CLI must never exit 70 or print a
traceback (the ``cli`` fixture fails on one).

The limits are lowered so that small files reach them (overlong and endless lines, the
CSV field limit, JSON values, the held rows' spool). ``ACS_TRIAGE_FUZZ_SEED`` picks
another run; the failing file's seed and number are in the assertion message.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from acs_triage.errors import ExitCode
from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports import ExportError, InputFormat, common, pending, read_export
from acs_triage.sources.exports.common import LineTally
from acs_triage.sources.exports.streams import encoding_of
from tests.helpers import CliRunner

FILES = 10_400
CLI_EVERY = 40
SEED = int(os.environ.get("ACS_TRIAGE_FUZZ_SEED", "11"))
REQUIRED = ["TimeGenerated", "CorrelationId", "EndpointType", "ParticipantEndReason", "ParticipantEndSubCode"]
OPTIONAL = ["ParticipantId", "Identifier", "CallStartTime", "PstnParticipantCallType", "ResultCategory"]
LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: The line limit the fuzz runs with (common.MAX_LINE_CHARS, lowered).
LINE_LIMIT = 300

HOSTILE_TEXT = [
    "",
    "null",
    " 403 ",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "c1\nFAKE LINE",
    "\x85\u2028\u2029",
    "\ud800",
    "\udfff x",
    '=HYPERLINK("x")',
    "+1 (425) 555-0125",
    '"',
    'a"b',
    "a,b",
    "\x00",
    "\t",
    "x" * 400,
    "é" * 5,
    "\ufeff",
]
TIMES = [
    "2026-11-01T10:00:00Z",
    "2026-11-01T10:00:00.1234567Z",
    "2026-11-01 10:00",
    "11/28/2026, 2:10:38 PM",
    "05/11/2026 10:00",
    "28/11/2026, 14:10:38.000",
    "28.11.2026 14:10:38",
    "13/13/2026 10:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "not a date",
    "",
]


def _value(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(["PSTN", "pstn", "VoIP", "403", "560403", "0", "c-1", "Outbound", "Success"])
    if roll < 0.75:
        return rng.choice(TIMES)
    return rng.choice(HOSTILE_TEXT)


def _row(rng: random.Random, columns: list[str]) -> dict[str, str]:
    row = {c: _value(rng) for c in columns}
    if rng.random() < 0.6:
        row["TimeGenerated"] = rng.choice(TIMES[:4])
        row["CorrelationId"] = f"c-{rng.randrange(5)}"
    return row


def physical_lines(text: str) -> int:
    return len(LINE_BREAK.findall(text)) + (1 if text and text[-1] not in "\r\n" else 0)


@dataclass
class Case:
    number: int
    fmt: str
    data: bytes
    forced: InputFormat
    header_lines: int | None  #: physical lines before the data (None: not predicted)
    records: int | None  #: JSON documents: records written (None: not predicted)
    blank_known: bool = False  #: JSON Lines: the blank lines are predictable
    expected_lines: tuple[int, int] | None = None  #: diagnostic records: (lines read, blank)


# -- generators ---------------------------------------------------------------------------------
def _quoted(cell: str) -> str:
    """A CSV field: quoted (quotes doubled) when it holds a separator, quote or line break."""
    if any(ch in cell for ch in ',"\r\n') or cell != cell.strip(" "):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv(rng: random.Random, number: int) -> Case:
    columns = rng.sample(REQUIRED + OPTIONAL + ["Extra"], k=rng.randint(5, 11))
    if rng.random() < 0.85:
        columns = list(dict.fromkeys([*REQUIRED, *columns]))
        rng.shuffle(columns)
    ends = ["\n", "\r\n", "\r"]
    preamble = ("sep=,\n" if rng.random() < 0.1 else "") + "".join(
        rng.choice(ends) for _ in range(rng.randint(0, 2))
    )
    header = ",".join(f'"{c} [UTC]"' if c == "TimeGenerated" and rng.random() < 0.3 else c for c in columns)
    header_lines = physical_lines(preamble) + 1
    lines = [header]
    for _ in range(rng.randint(0, 20)):
        kind = rng.random()
        if kind < 0.5:
            cells = [_row(rng, columns)[c] for c in columns]
            if rng.random() < 0.1:
                cells = cells[: rng.randint(0, len(cells))]
            # Quoted as csv's QUOTE_MINIMAL does, by hand: before Python 3.11 the csv writer
            # refuses a NUL in a cell, and the fuzz writes them.
            lines.append(",".join(_quoted(str(cell)) for cell in cells))
        elif kind < 0.6:
            lines.append(rng.choice(["", "   ", "\t"]))
        elif kind < 0.7:
            lines.append('2026-11-01T10:00:00Z,"unterminated,PSTN,403,560403')
        elif kind < 0.8:
            lines.append(rng.choice(HOSTILE_TEXT) + "," + rng.choice(HOSTILE_TEXT))
        elif kind < 0.9:
            lines.append("x" * rng.choice([299, 300, 301, 2500]))
        else:
            lines.append(",".join(rng.choice(HOSTILE_TEXT) for _ in columns))
    text = "".join(line + rng.choice(ends) for line in lines)
    if rng.random() < 0.2:
        text = text.rstrip("\r\n")
    if physical_lines(text) < len(lines):  # a trailing blank line was cut with the line end
        header_lines = None
    data, _ = _encode(rng, preamble + text)
    return Case(number, "csv", data, _forced(rng, "csv"), header_lines, None)


def _jsonl(rng: random.Random, number: int) -> Case:
    lines = []
    columns = REQUIRED + rng.sample(OPTIONAL, k=rng.randint(0, 5))
    lines.append(json.dumps(_row(rng, columns) | {"TimeGenerated": "2026-11-01T10:00:00Z"}))
    for _ in range(rng.randint(0, 20)):
        kind = rng.random()
        if kind < 0.5:
            lines.append(json.dumps(_row(rng, columns), ensure_ascii=rng.random() < 0.5))
        elif kind < 0.6:
            lines.append(rng.choice(["", "  ", "\t"]))
        elif kind < 0.7:
            lines.append(
                rng.choice(["{not json", "[1, 2]", '"x"', "null", "[" * 3000 + "]" * 3000, "1" * 5000])
            )
        elif kind < 0.8:
            lines.append(
                json.dumps({"TimeGenerated": "\ud800", "\ud800": [{"x": {}}], "CorrelationId": None})
            )
        else:
            lines.append(rng.choice(HOSTILE_TEXT).replace("\n", " ").replace("\r", " "))
    ends = ["\n", "\r\n", "\r"]
    text = "".join(line + rng.choice(ends) for line in lines)
    data, _ = _encode(rng, text)
    return Case(number, "jsonl", data, _forced(rng, "jsonl"), 0, None, blank_known=True)


def _records_json(rng: random.Random) -> tuple[list[object], list[str]]:
    columns = REQUIRED + rng.sample(OPTIONAL, k=rng.randint(0, 5))
    first: object = _row(rng, columns) | {"TimeGenerated": "2026-11-01T10:00:00Z"}
    items = [first]
    for _ in range(rng.randint(0, 15)):
        roll = rng.random()
        items.append(_row(rng, columns) if roll < 0.7 else rng.choice(["x", 1, None, [1], {"a": "\ud800"}]))
    return items, columns


def _document(rng: random.Random, fmt: str) -> tuple[str, int]:
    items, columns = _records_json(rng)
    if fmt == "az-json":
        return json.dumps(items, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])), len(items)
    rows = [[r.get(c) for c in columns] if isinstance(r, dict) else r for r in items]
    table = {
        "name": "PrimaryResult",
        "columns": [{"name": c, "type": "string"} for c in columns],
        "rows": rows,
    }
    other = {"name": "Other", "columns": [{"name": "x"}], "rows": [[1]] * rng.randint(0, 3)}
    tables = [other, table] if rng.random() < 0.3 else [table]
    extra = {"statistics": {"query": {"executionTime": 0.1}}} if rng.random() < 0.3 else {}
    return json.dumps({"tables": tables, **extra}, ensure_ascii=rng.random() < 0.5), len(rows)


def _json_document(rng: random.Random, number: int, fmt: str) -> Case:
    text, records = _document(rng, fmt)
    if rng.random() < 0.15:  # cat a.json b.json
        more, count = _document(rng, fmt)
        text, records = text + rng.choice(["", "\n", " \r\n"]) + more, records + count
    mutation = rng.random()
    predicted: int | None = records
    if mutation < 0.1:
        text = text[: rng.randrange(1, len(text))]  # truncated
        predicted = None
    elif mutation < 0.2:
        text += rng.choice(["x", "]", ",", "}{", "\x00", "[1]" if fmt == "api-json" else '{"a":1}'])
        predicted = None
    elif mutation < 0.25:
        text = text.replace('"', "'", 1)
        predicted = None
    data, corrupted = _encode(rng, text)
    return Case(number, fmt, data, _forced(rng, fmt), None, None if corrupted else predicted)


def _diagnostic_record(rng: random.Random) -> object:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(["x", 1, None, [1]])
    category = (
        "CallSummary" if roll < 0.8 else rng.choice(["CallDiagnostics", "", "\ud800", "+1 425 555 0100"])
    )
    properties = {
        "endpointType": rng.choice(["PSTN", "VoIP", "\x1b[2J"]),
        "participantEndReason": _value(rng),
        "participantEndSubCode": _value(rng),
        "callStartTime": rng.choice(TIMES),
    }
    time = rng.choice(TIMES[:4]) if rng.random() < 0.7 else rng.choice(TIMES)
    return {
        "time": time,
        "correlationId": f"c-{rng.randrange(5)}",
        "category": category,
        "properties": properties,
    }


def _diagnostic(rng: random.Random, number: int) -> Case:
    """Diagnostic records: JSON Lines (a record, or an envelope of records, a line) or
    ``{"records": [...]}`` documents. A "line" is a record (an envelope line counts its
    records; an empty envelope is blank)."""
    first = {"time": "2026-11-01T10:00:00Z", "correlationId": "c-0", "category": "CallSummary"}
    first["properties"] = {"endpointType": "PSTN", "participantEndReason": "0", "participantEndSubCode": "0"}
    if rng.random() < 0.2:
        documents = [[first] + [_diagnostic_record(rng) for _ in range(rng.randint(0, 8))]]
        if rng.random() < 0.3:
            documents.append([_diagnostic_record(rng) for _ in range(rng.randint(0, 4))])
        # pretty-printed: a document on one line is an envelope line of JSON Lines
        text = "\n".join(json.dumps({"records": d}, indent=2) for d in documents)
        data, corrupted = _encode(rng, text)
        records = None if corrupted else sum(len(d) for d in documents)
        return Case(number, "diagnostic", data, _forced(rng, "diagnostic"), None, records)
    lines, read, blank = [json.dumps(first)], 1, 0
    for _ in range(rng.randint(0, 15)):
        roll = rng.random()
        if roll < 0.55:
            lines.append(json.dumps(_diagnostic_record(rng)))
            read += 1
        elif roll < 0.7:
            count = rng.randint(0, 3)
            lines.append(json.dumps({"records": [_diagnostic_record(rng) for _ in range(count)]}))
            if len(lines[-1]) >= LINE_LIMIT:  # rejected unread, as one line
                count = 1
            read, blank = read + max(count, 1), blank + (count == 0)
        elif roll < 0.8:
            lines.append(rng.choice(["", "  "]))
            read, blank = read + 1, blank + 1
        else:
            lines.append(rng.choice(["{not json", "[1]", '"x"', '{"records": 3}', "x" * 400]))
            read += 1
    data, corrupted = _encode(rng, "".join(line + rng.choice(["\n", "\r\n"]) for line in lines))
    expected = None if corrupted else (read, blank)  # a byte slipped into a blank line makes it a row
    return Case(number, "diagnostic", data, _forced(rng, "diagnostic"), None, None, expected_lines=expected)


def _encode(rng: random.Random, text: str) -> tuple[bytes, bool]:
    """The text's bytes, and whether bytes that are not UTF-8 were slipped in."""
    roll = rng.random()
    if roll < 0.05:
        return text.encode("utf-16", errors="surrogatepass"), False
    data = text.encode("utf-8-sig" if roll < 0.15 else "utf-8", errors="surrogatepass")
    if rng.random() < 0.1:  # they never make a line break, but can break a JSON document
        cut = rng.randrange(len(data) + 1)
        data = data[:cut] + rng.choice([b"\xff", b"\xed\xa0\x80", b"\xc3", b"\x00\x00"]) + data[cut:]
        return data, True
    return data, False


def _forced(rng: random.Random, fmt: str) -> InputFormat:
    roll = rng.random()
    if roll < 0.8:
        return InputFormat.AUTO
    if roll < 0.95:
        return InputFormat(fmt)
    return rng.choice(list(InputFormat))


def cases(seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for number in range(FILES):
        fmt = rng.choice(["csv", "csv", "jsonl", "az-json", "api-json", "diagnostic"])
        if fmt == "csv":
            yield _csv(rng, number)
        elif fmt == "diagnostic":
            yield _diagnostic(rng, number)
        elif fmt == "jsonl":
            yield _jsonl(rng, number)
        else:
            yield _json_document(rng, number, fmt)


# -- checks -----------------------------------------------------------------------------------------
def _text(data: bytes) -> str:
    return data.decode(encoding_of(data[:4]), errors="replace")


def check_reader(case: Case) -> tuple[list[Leg | Rejection], LineTally] | None:
    where = f"seed {SEED}, file {case.number} ({case.fmt}, read as {case.forced.value}): {case.data[:300]!r}"
    tally = LineTally()
    try:
        records = list(read_export("-", case.forced, stdin=io.BytesIO(case.data), tally=tally))
    except ExportError as error:
        assert "\n" not in str(error), where
        return None
    spans = [(r.line, getattr(r, "end_line", 0) or r.line) for r in records]
    assert all(1 <= line <= end for line, end in spans), where
    if case.fmt != "diagnostic":  # the records of an envelope share its line
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), where  # disjoint, in order
    assert sum(end - line + 1 for line, end in spans) + tally.blank == tally.read, where
    detected = case.forced is InputFormat.AUTO or case.forced.value == case.fmt
    if detected and case.header_lines is not None and case.fmt in ("csv", "jsonl"):
        text = _text(case.data)
        assert tally.read == physical_lines(text) - case.header_lines, where
        if case.blank_known:
            blank = sum(1 for line in LINE_BREAK.split(text) if not line.strip())
            blank -= 1 if text and text[-1] in "\r\n" else 0  # the split's empty tail is no line
            assert tally.blank == blank, where
    if detected and case.records is not None:
        assert len(records) == case.records == tally.read, where
    if detected and case.expected_lines is not None:
        assert (tally.read, tally.blank) == case.expected_lines, where
    return records, tally


@pytest.fixture
def small_limits() -> Iterator[None]:
    with ExitStack() as stack:
        for name, value in (
            ("MAX_LINE_CHARS", LINE_LIMIT),
            ("MAX_SKIPPED_LINE_CHARS", 2000),
            ("MAX_LEADING_BLANK", 40),
            ("MAX_JSON_VALUE_CHARS", 4000),
        ):
            stack.enter_context(mock.patch.object(common, name, value))
        stack.enter_context(mock.patch.object(pending, "MEMORY_ITEMS", 3))
        limit = csv.field_size_limit(1000)
        stack.callback(csv.field_size_limit, limit)
        yield


COMMANDS = [["triage"], ["legs"], ["call", "c-1"], ["smoke", "--min-legs", "1"]]
ALLOWED = {ExitCode.OK, ExitCode.GATE_FAILED, ExitCode.INPUT, ExitCode.INCONCLUSIVE}


@pytest.mark.usefixtures("small_limits")
def test_hostile_files_never_crash_and_lines_are_exact(tmp_path: Path, cli: CliRunner) -> None:
    read = refused = through_cli = 0
    formats: set[str] = set()
    for case in cases(SEED):
        formats.add(case.fmt)
        outcome = check_reader(case)
        if outcome is None:
            refused += 1
        else:
            read += 1
        if case.number % CLI_EVERY:
            continue
        through_cli += 1
        path = tmp_path / f"in.{case.fmt}"
        path.write_bytes(case.data)
        rng = random.Random(case.number)
        command = rng.choice(COMMANDS)
        fmt = rng.choice(["json", "table", "csv", "markdown"])
        forced = [] if case.forced is InputFormat.AUTO else ["--input-format", case.forced.value]
        code, out, err = cli(*command, "--from-file", str(path), *forced, "-f", fmt)
        assert code in ALLOWED, f"seed {SEED}, file {case.number}: exit {code}: {err}"
        if code == ExitCode.INPUT:  # one line (smoke still writes its report, an error one)
            assert err.count("\n") == 1 and (out == "" or command[0] == "smoke"), err
        if command == ["triage"] and fmt == "json" and code == ExitCode.OK:
            accounting = json.loads(out)["accounting"]
            assert accounting["balanced"], f"seed {SEED}, file {case.number}: {accounting}"
            assert outcome is not None and accounting["lines_read"] == outcome[1].read
    assert read + refused == FILES >= 10_000 and through_cli == FILES // CLI_EVERY
    assert formats == {"csv", "jsonl", "az-json", "api-json", "diagnostic"}
    assert read > FILES // 2 and refused > FILES // 20  # both outcomes are exercised
