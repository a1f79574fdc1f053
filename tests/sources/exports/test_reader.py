"""read_export end to end: files and stdin, every format, hostile input, memory
(acs_triage.sources.exports.reader)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import re
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.errors import InputError
from acs_triage.records import Leg
from acs_triage.sources import exports
from acs_triage.sources.exports import ExportError, InputFormat, common, read_export
from tests.sources.exports.helpers import (
    API_JSON,
    AZ_JSON,
    DISPLAYED_CSV,
    FORMATS,
    JSONL,
    PORTAL_CSV,
    REQUIRED,
    UTC,
    Record,
    kind,
    only_rejections,
    read,
    read_any,
    shown,
)


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


def test_the_public_api() -> None:
    assert exports.__all__ == [
        "HEAD_BYTES",
        "MAX_JSON_VALUE_CHARS",
        "MAX_LINE_CHARS",
        "ExportError",
        "InputFormat",
        "detect_format",
        "read_export",
    ]
    assert (exports.HEAD_BYTES, exports.MAX_LINE_CHARS, exports.MAX_JSON_VALUE_CHARS) == (
        64 * 1024,
        1024 * 1024,
        8 * 1024 * 1024,
    )
    assert issubclass(exports.ExportError, InputError)


def test_interleaved_readers_give_what_each_gives_alone() -> None:
    samples = [PORTAL_CSV.encode(), AZ_JSON.encode(), API_JSON.encode(), JSONL.encode(), PORTAL_CSV.encode()]
    alone = [read(sample) for sample in samples]
    readers = [read_export("-", stdin=io.BytesIO(sample)) for sample in samples]
    together: list[list[Record]] = [[] for _ in samples]
    for step in itertools.zip_longest(*readers):
        for got, record in zip(together, step, strict=True):
            if record is not None:
                got.append(record)
    assert [shown(records) for records in together] == alone


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


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(FORMATS))
def test_garbage_bytes_never_raise_anything_but_export_error(data: bytes, fmt: InputFormat) -> None:
    read_any(data, fmt)


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
        read_any((prefix + body).encode(), fmt)


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
    read_any(bytes(mutated), fmt)


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
    return [leg._replace(line=line, end_line=line) for leg, line in zip(legs, lines, strict=False)]


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
