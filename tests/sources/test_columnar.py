"""The columnar engine (DuckDB) against the reference engine (the Python reader and
aggregator): the same answers to every question, row accounting and rejections
included, on generated CSV exports, dirty ones too.

The columnar engine answers only when it can vouch for every row; otherwise the
reference engine answers. The property test below forces the columnar engine
(``engine="columnar"``, whatever the size) and compares; the clean-file tests check
that it does answer (``answered_by``), so that agreement is not merely the fallback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.formats import OutputFormat
from acs_triage.formats.base import render
from acs_triage.formats.triage_view import report_view
from acs_triage.records import ALL_SCOPE, PSTN_SCOPE, VOIP_SCOPE, LegFilter
from acs_triage.sources.exports.common import ExportError
from acs_triage.sources.files import FileSource
from acs_triage.triage.engine import build_report
from acs_triage.windows import PLACED, WRITTEN, Window

ROOT = Path(__file__).resolve().parents[2]
UTC = timezone.utc
START = datetime(2026, 11, 1, 8, tzinfo=UTC)
GENERATED_AT = datetime(2026, 11, 2, tzinfo=UTC)
COLUMNS = [
    "TimeGenerated",
    "CorrelationId",
    "ParticipantId",
    "Identifier",
    "EndpointType",
    "CallStartTime",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
    "ResultCategory",
    "PstnParticipantCallType",
]
REQUIRED = {"TimeGenerated", "CorrelationId", "EndpointType", "ParticipantEndReason", "ParticipantEndSubCode"}
IDS = [f"{i:08x}-1111-4222-8333-44445555666{i % 10}" for i in range(6)]


def _iso(moment: datetime, digits: int) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + ("." + f"{moment.microsecond:06d}{'0' * 3}"[:digits] if digits else "") + "Z"


def _us(moment: datetime) -> str:  # the portal's en-US style
    hour, noon = moment.hour % 12 or 12, "PM" if moment.hour >= 12 else "AM"
    return f"{moment.month}/{moment.day}/{moment.year}, {hour}:{moment:%M:%S} {noon}"


OFFSETS = st.integers(min_value=0, max_value=6 * 3600 * 1000).map(
    lambda ms: START + timedelta(milliseconds=ms)
)
GOOD_TIME = st.one_of(  # the styles the columnar engine reads
    st.builds(_iso, OFFSETS, st.just(7)),  # as Log Analytics writes
    st.builds(_iso, OFFSETS, st.sampled_from([0, 3, 6, 9])),
    OFFSETS.map(lambda moment: moment.isoformat(sep=" ")),
)
#: the portal's en-US style, which the reference reader reads in the order the file
#: settles (the columnar engine leaves such files to it)
REGIONAL_TIME = st.builds(_us, OFFSETS)
BAD_TIME = st.sampled_from(
    ["", "null", "yesterday", "2026-13-01T00:00:00Z", "1969-12-31T23:59:59Z", " 2026-11-01T09:00:00Z", "0"]
)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6)
CODES = ["0", "403", "486", "480", "500", "200", "21", " 480 ", "403.0", "null", "", "x", "٤٠٣"]
SUBS = ["0", "560403", "560486", "10076", "", "560403 ", "null", "-1"]


@st.composite
def rows(draw: st.DrawFn, dirty: bool) -> dict[str, str]:
    times = st.one_of(GOOD_TIME, REGIONAL_TIME, BAD_TIME) if dirty else GOOD_TIME
    row = {
        "TimeGenerated": draw(times),
        "CorrelationId": draw(
            st.one_of(st.sampled_from(IDS), st.sampled_from(["", " " + IDS[0], "NULL"]), TEXT)
        )
        if dirty
        else draw(st.sampled_from(IDS).map(lambda value: draw(st.sampled_from([value, value.upper()])))),
        "ParticipantId": draw(st.sampled_from(["p1", "p2", ""])),
        "Identifier": draw(st.sampled_from(["4:+12065550100", "4:+14255550199", "8:acs:abc", "", "null"])),
        "EndpointType": draw(st.sampled_from(["PSTN", "pstn", " PSTN", "VoIP", "", "Server"])),
        "CallStartTime": draw(times),
        "ParticipantEndReason": draw(st.sampled_from(CODES if dirty else CODES[:7])),
        "ParticipantEndSubCode": draw(st.sampled_from(SUBS if dirty else SUBS[:4])),
        "ResultCategory": draw(
            st.sampled_from(["Success", "UnexpectedClientError", "ExpectedError", "", "a,b"])
        ),
        "PstnParticipantCallType": draw(st.sampled_from(["Inbound", "Outbound", "", "Transfer"])),
    }
    if dirty and draw(st.integers(0, 9)) == 0:
        row[draw(st.sampled_from(COLUMNS))] = draw(TEXT)
    return row


@st.composite
def exports(draw: st.DrawFn) -> bytes:
    """A CSV export as bytes: portal (``[UTC]``) or Log Analytics headers, any column
    order, optional columns left out; dirty: bad values, wrong field counts, quotes,
    blank lines."""
    dirty = draw(st.booleans())
    columns = [c for c in draw(st.permutations(COLUMNS)) if c in REQUIRED or draw(st.booleans())]
    utc = draw(st.booleans())
    header = [f"{c} [UTC]" if utc and c in ("TimeGenerated", "CallStartTime") else c for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    if draw(st.booleans()):
        buffer.write("sep=," + writer.dialect.lineterminator)
    writer.writerow(header)
    for row in draw(st.lists(rows(dirty), min_size=0, max_size=25)):
        fields = [row[c] for c in columns]
        if dirty and draw(st.integers(0, 12)) == 0:
            fields = fields[:-1] if draw(st.booleans()) else [*fields, "extra"]
        if dirty and draw(st.integers(0, 15)) == 0:
            buffer.write(writer.dialect.lineterminator)  # a blank line
        if draw(st.booleans()):
            buffer.write(
                ",".join(f'"{f}"' if '"' not in f else f'"{f.replace(chr(34), chr(34) * 2)}"' for f in fields)
            )
            buffer.write(writer.dialect.lineterminator)
        else:
            writer.writerow(fields)
    text = buffer.getvalue()
    if draw(st.booleans()):  # no line break after the last row
        text = text.rstrip("\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


WINDOWS = [
    Window(None, None),
    Window(START + timedelta(hours=1), START + timedelta(hours=4)),
    Window(START, START + timedelta(hours=3), PLACED),
    Window(START + timedelta(minutes=90), None, WRITTEN),
]


def _answers(paths: list[Path], engine: str) -> tuple[object, ...]:
    """Every question a file source answers, with the reports rendered as JSON."""
    answers: list[object] = []
    with FileSource([str(path) for path in paths], engine=engine) as source:
        try:
            answers.append(source.newest())
            for scope in (PSTN_SCOPE, ALL_SCOPE, VOIP_SCOPE):
                inputs = source.triage(WINDOWS, scope=scope, bin_size=timedelta(minutes=30))
                answers.append(inputs)
                answers.extend(_json(data) for data in inputs)
            # bins that are not whole minutes (counted apart from the minutes in SQL)
            answers.append(source.triage(WINDOWS[:2], bin_size=timedelta(seconds=90)))
            answers.append(source.count_legs(WINDOWS[1]))
            answers.append(source.call_legs(IDS[0].upper(), Window(None, None)))
            answers.append(source.failed_legs(WINDOWS[0], LegFilter(max_rows=4)))
            answers.append(source.failed_legs(WINDOWS[2], LegFilter(end_reason="403", scope=ALL_SCOPE)))
        except ExportError as error:  # a file-level problem: the same one for both
            answers.append(str(error))
    return tuple(answers)


def _json(data: object) -> str:
    report = build_report(data, generated_at=GENERATED_AT)  # type: ignore[arg-type]
    return render(report_view(report), OutputFormat.JSON)


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(exports(), min_size=1, max_size=2))
def test_columnar_and_reference_engines_agree(tmp_path: Path, files: list[bytes]) -> None:
    """One export, or two read together (each with its own header and line numbers)."""
    paths = [tmp_path / f"export-{index}.csv" for index in range(len(files))]
    for path, data in zip(paths, files, strict=True):
        path.write_bytes(data)
    assert _answers(paths, "columnar") == _answers(paths, "reference")


def _clean_export(path: Path, rows: int) -> None:
    header = (
        "TimeGenerated [UTC],CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,Identifier"
    )
    lines = ["\ufeff" + header]
    for i in range(rows):
        moment = START + timedelta(seconds=37 * i)
        reason, sub = [("0", "0"), ("403", "560403"), ("486", "560486"), ("480", "10076")][i % 4]
        kind = "PSTN" if i % 3 else "VoIP"
        lines.append(
            f"{_iso(moment, 7)},{IDS[i % 5]}-{i // 7},{kind},{reason},{sub},4:+1206555{i % 9999:04d}"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def test_a_clean_export_is_answered_by_the_columnar_engine(tmp_path: Path) -> None:
    path = tmp_path / "clean.csv"
    _clean_export(path, 2_000)
    answers = {}
    for engine in ("columnar", "reference"):
        with FileSource([str(path)], engine=engine) as source:
            (data,) = source.triage([Window(None, None)])
            assert source.answered_by == engine
            answers[engine] = (data, _json(data))
    assert answers["columnar"] == answers["reference"]
    assert answers["columnar"][0].total_calls == len(
        {f"{IDS[i % 5]}-{i // 7}" for i in range(2_000) if i % 3}
    )


def test_a_rejected_row_sends_the_file_to_the_reference_engine(tmp_path: Path) -> None:
    path = tmp_path / "dirty.csv"
    _clean_export(path, 500)
    with path.open("a", encoding="utf-8") as out:
        out.write("not a time,abc,PSTN,403,560403,\r\n")
    with FileSource([str(path)], engine="columnar") as source:
        (data,) = source.triage([Window(None, None)])
        assert source.answered_by == "reference"
    assert [(r.line, r.reason) for r in data.rejections] == [(502, data.rejections[0].reason)]
    assert data.accounting.rejected == 1 and data.accounting.rows_read == 501


def test_small_files_go_to_the_reference_engine_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    _clean_export(path, 50)
    with FileSource([str(path)]) as source:
        source.triage([Window(None, None)])
        assert source.answered_by == "reference"
    with pytest.raises(ValueError, match="engine must be one of"):
        FileSource([str(path)], engine="fast")


def test_distinct_calls_are_exact_in_both_engines(tmp_path: Path) -> None:
    """Exact counts (no estimate) past the 200,000 ids where the old reference
    aggregator switched to HyperLogLog."""
    path = tmp_path / "many.csv"
    lines = ["TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode"]
    lines += [
        f"2026-11-01T{(i // 60000) % 24:02d}:00:00Z,call-{i // 2},PSTN,{'403' if i % 2 else '0'},560403"
        for i in range(420_002)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for engine in ("columnar", "reference"):
        with FileSource([str(path)], engine=engine) as source:
            (data,) = source.triage([Window(None, None)])
            assert source.answered_by == engine
        assert data.total_calls == 210_001 and not data.calls_approximate
        assert {p.end_reason: p.calls for p in data.pairs} == {"0": 210_001, "403": 210_001}
        assert json.loads(_json(data))["totals"]["calls"] == 210_001


NO_DUCKDB = """
import sys
sys.modules["duckdb"] = None  # as on a platform without a duckdb wheel: import duckdb fails
from acs_triage.sources.files import FileSource
from acs_triage.windows import Window
with FileSource([sys.argv[1]], engine="columnar") as source:
    (data,) = source.triage([Window(None, None)])
print(source.answered_by, data.total_legs, data.total_calls)
"""


def test_without_duckdb_the_reference_engine_answers(tmp_path: Path) -> None:
    path = tmp_path / "clean.csv"
    _clean_export(path, 300)
    with FileSource([str(path)], engine="reference") as source:
        (data,) = source.triage([Window(None, None)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", NO_DUCKDB, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["reference", str(data.total_legs), str(data.total_calls)]


def test_examples_past_the_first_rows_and_repeated_ids_agree(tmp_path: Path) -> None:
    """More rows than the engine first reads in order (FIRST_ROWS): a pair first seen after
    them is looked for deeper, and a pair whose first rows repeat one call and one number
    (more than EXAMPLE_CANDIDATES times) has its distinct examples asked for exactly."""
    path = tmp_path / "deep.csv"
    lines = ["TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,Identifier"]
    for i in range(80_000):
        moment = _iso(START + timedelta(seconds=i), 3)
        if i < 40:  # one call and one number, forty times
            lines.append(f"{moment},same-call,PSTN,486,560486,4:+12065550100")
        elif i >= 70_000 and i % 1_000 == 0:  # a pair first seen past FIRST_ROWS
            lines.append(f"{moment},late-{i},PSTN,503,560503,4:+1206555{i % 10_000:04d}")
        else:
            reason, sub = ("486", "560486") if i % 50 == 0 else ("0", "0")
            lines.append(f"{moment},call-{i},PSTN,{reason},{sub},4:+1206555{i % 10_000:04d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {}
    for engine in ("columnar", "reference"):
        with FileSource([str(path)], engine=engine) as source:
            (data,) = source.triage([Window(None, None)], bin_size=timedelta(minutes=30))
            assert source.answered_by == engine
            found[engine] = (data, _json(data))
    assert found["columnar"] == found["reference"]
    data = found["columnar"][0]
    late = next(p for p in data.pairs if p.end_reason == "503")
    assert late.legs == 10 and late.example_correlation_ids[0] == "late-70000"
    busy = next(p for p in data.pairs if p.end_reason == "486")
    assert busy.example_correlation_ids[:2] == ("same-call", "call-50")
    assert busy.example_identifiers[:2] == ("4:+12065550100", "4:+12065550050")
