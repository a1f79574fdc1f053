"""Offline triage: every export format gives the same report as the workspace would,
the row accounting always adds up, and the bundled sample is what its generator says."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.errors import ExitCode
from acs_triage.sources.sample import sample_path
from tests.emulator import expected_pstn_pairs, expected_totals, generate_call_summary
from tests.helpers import CliRunner, assert_numbers_hidden, raw_numbers

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 2, tzinfo=timezone.utc)
REPORT_SCHEMA = json.loads((ROOT / "docs" / "schemas" / "triage-report.v1.json").read_text())
KEEP = [
    "TimeGenerated",
    "CorrelationId",
    "ParticipantId",
    "Identifier",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
    "CallStartTime",
    "ResultCategory",
]


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return generate_call_summary(3000, seed=3, now=NOW)


def _iso(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"  # 7 fraction digits, as LA writes


def _records(df: pd.DataFrame) -> list[dict[str, str]]:
    out = []
    for row in df[KEEP].itertuples(index=False):
        record = dict(zip(KEEP, row, strict=True))
        record["TimeGenerated"] = _iso(record["TimeGenerated"])
        record["CallStartTime"] = _iso(record["CallStartTime"])
        out.append({k: str(v) for k, v in record.items()})
    return out


def write(fmt: str, df: pd.DataFrame, path: Path) -> Path:
    records = _records(df)
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            header = [
                f"{k} [UTC]" if k in ("TimeGenerated", "CallStartTime") else k for k in reversed(KEEP)
            ]  # reordered columns, matched by name
            writer.writerow(header)
            for r in records:
                writer.writerow([r[k] for k in reversed(KEEP)])
    elif fmt == "az-json":
        path.write_text(json.dumps([{**r, "TableName": "PrimaryResult"} for r in records]))
    elif fmt == "api-json":
        types = {"TimeGenerated": "datetime", "CallStartTime": "datetime"}
        path.write_text(
            json.dumps(
                {
                    "tables": [
                        {
                            "name": "PrimaryResult",
                            "columns": [{"name": k, "type": types.get(k, "string")} for k in KEEP],
                            "rows": [[r[k] for k in KEEP] for r in records],
                        }
                    ]
                }
            )
        )
    elif fmt == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


@pytest.mark.parametrize("fmt", ["csv", "az-json", "api-json", "jsonl"])
def test_each_format_gives_the_true_counts(
    df: pd.DataFrame, tmp_path: Path, fmt: str, cli: CliRunner
) -> None:
    path = write(fmt, df, tmp_path / f"export.{fmt}")
    code, out, _ = cli("triage", "--from-file", str(path), "-f", "json")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, REPORT_SCHEMA)
    start, end = NOW - timedelta(days=30), NOW + timedelta(days=1)
    truth = expected_pstn_pairs(df, start, end)
    failed = {k: v for k, v in truth.items() if not (k[0] == "0" or k[0].startswith("2"))}
    got = {(f["end_reason"], f["end_sub_code"]): (f["legs"], f["calls"]) for f in doc["findings"]}
    assert got == {k: (v["legs"], v["calls"]) for k, v in failed.items()}
    assert doc["totals"]["legs"] == expected_totals(df, start, end)["legs"]
    assert doc["totals"]["calls"] == expected_totals(df, start, end)["calls"]
    accounting = doc["accounting"]
    pstn = int((df["EndpointType"].str.lower() == "pstn").sum())
    assert (accounting["rows_read"], accounting["triaged"], accounting["skipped_not_pstn"]) == (
        len(df),
        pstn,
        len(df) - pstn,
    )
    assert (accounting["skipped_outside_window"], accounting["rejected"]) == (0, 0)
    assert_numbers_hidden(out, raw_numbers(*df["Identifier"]))


def test_files_combine_and_stdin(
    df: pd.DataFrame, tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    half = len(df) // 2
    first = write("csv", df.iloc[:half], tmp_path / "a.csv")
    second = write("jsonl", df.iloc[half:], tmp_path / "b.jsonl")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(second.read_bytes())))
    code, out, _ = cli("triage", "--from-file", str(first), "--from-file", "-", "-f", "json")
    assert code == 0
    assert json.loads(out)["accounting"]["rows_read"] == len(df)


def test_window_filter_on_files(df: pd.DataFrame, tmp_path: Path, cli: CliRunner) -> None:
    path = write("csv", df, tmp_path / "export.csv")
    start, end = NOW - timedelta(hours=6), NOW - timedelta(hours=1)
    code, out, _ = cli(
        "triage",
        "--from-file",
        str(path),
        "--start",
        start.isoformat(),
        "--end",
        end.isoformat(),
        "-f",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["totals"]["legs"] == expected_totals(df, start, end)["legs"]
    a = doc["accounting"]
    tg, pstn = df["TimeGenerated"], df["EndpointType"].str.lower() == "pstn"
    outside = (tg < pd.Timestamp(start)) | (tg >= pd.Timestamp(end))
    assert (a["rows_read"], a["triaged"], a["rejected"]) == (len(df), doc["totals"]["legs"], 0)
    assert a["skipped_outside_window"] == int((outside & pstn).sum()) > 0
    assert a["skipped_not_pstn"] == int((~pstn).sum())


def test_rejections_have_line_and_reason_and_strict_fails(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "TimeGenerated [UTC],CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\r\n"
        "2026-11-01T10:00:00Z,c1,PSTN,403,560403\r\n"
        "not a date,c2,PSTN,403,560403\r\n"
        "2026-11-01T10:05:00Z,,PSTN,486,560486\r\n"
        "2026-11-01T10:06:00Z,c4,VoIP,0,0\r\n"
        "2026-11-01T10:07:00Z, c5 ,pstn, null ,null\r\n",
        encoding="utf-8",
    )
    code, out, err = cli("triage", "--from-file", str(path), "-f", "json")
    assert code == 0 and "rejected" in err
    doc = json.loads(out)
    assert doc["accounting"] == {
        "rows_read": 5,
        "triaged": 2,
        "skipped_not_pstn": 1,
        "skipped_outside_window": 0,
        "rejected": 2,
        "skipped_other_category": 0,
        "other_categories": {},
        "balanced": True,
        "lines_read": 5,
        "lines_in_rows": 5,
        "lines_rejected": 2,
        "lines_blank": 0,
        "rejected_by_reason": {"unparseable TimeGenerated": 1, "missing CorrelationId": 1},
        "rejections_listed": 2,
    }
    assert [(r["line"], r["end_line"], r["source"]) for r in doc["rejections"]] == [
        (3, 3, str(path)),
        (4, 4, str(path)),
    ]
    assert all(r["reason"] for r in doc["rejections"])
    unknown = [f for f in doc["findings"] if f["end_reason"] == ""]
    assert unknown and unknown[0]["match_level"] == "unknown"
    code, _, err = cli("triage", "--from-file", str(path), "--strict")
    assert code == ExitCode.INPUT and "--strict" in err


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage\xff", b'{"tables": [', b"a,b\n1,2\n"])
def test_unusable_files_are_input_errors(tmp_path: Path, content: bytes, cli: CliRunner) -> None:
    path = tmp_path / "x.dat"
    path.write_bytes(content)
    code, _, err = cli("triage", "--from-file", str(path))
    assert code == ExitCode.INPUT, err
    assert err.count("\n") == 1 and str(path) in err


FIELDS = ["TimeGenerated", "CorrelationId", "EndpointType", "ParticipantEndReason", "ParticipantEndSubCode"]
# Text the test can write as UTF-8: no lone surrogates (``codec="utf-8"``; writing one
# raises UnicodeEncodeError, which made this test flaky), and no NUL (Python 3.10's csv
# module cannot write it). Surrogates reach the product on purpose, as bytes, in
# test_surrogate_bytes_and_escapes_are_triaged below.
CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
TEXT = CHARS
ROW = st.fixed_dictionaries(
    {
        "TimeGenerated": st.one_of(st.just("2026-11-01T10:00:00Z"), st.text(TEXT, max_size=12)),
        "CorrelationId": st.one_of(st.uuids().map(str), st.just(""), st.text(TEXT, max_size=5)),
        "EndpointType": st.sampled_from(["PSTN", "pstn", "VoIP", "", "null"]),
        "ParticipantEndReason": st.sampled_from(["0", "403", "486", "", "null", " 480 ", "x"]),
        "ParticipantEndSubCode": st.sampled_from(["0", "560403", "560486", "", "null", "10076"]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(ROW, max_size=30),
    fmt=st.sampled_from(["csv", "jsonl", "az-json"]),
    junk=st.lists(st.text(CHARS, max_size=20), max_size=3),
)
def test_accounting_always_adds_up(
    tmp_path: Path, cli: CliRunner, rows: list[dict[str, str]], fmt: str, junk: list[str]
) -> None:
    path = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        expected_rows = len(rows)
    elif fmt == "jsonl":
        # A lone CR counts as a line break (as in editors), so junk lines carry none.
        junk = [j.replace("\n", " ").replace("\r", " ") for j in junk]
        lines = [json.dumps(r) for r in rows] + [j for j in junk if j.strip()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected_rows = len(lines)
    else:
        path.write_text(json.dumps(rows), encoding="utf-8")
        expected_rows = len(rows)
    code, out, err = cli("triage", "--from-file", str(path), "-f", "json")
    if code == ExitCode.INPUT:  # a file-level problem, e.g. an empty CSV without rows
        assert err.count("\n") == 1
        return
    assert code == 0, err
    accounting = json.loads(out)["accounting"]
    outcomes = ("triaged", "skipped_not_pstn", "skipped_outside_window", "skipped_other_category", "rejected")
    assert sum(accounting[k] for k in outcomes) == expected_rows  # every row written is in one outcome
    assert accounting["rows_read"] == expected_rows
    assert accounting["rejected"] == len(json.loads(out)["rejections"])


@pytest.mark.parametrize(
    "name, content",
    [
        # CESU-style bytes of a lone surrogate (invalid UTF-8) inside a CSV cell
        (
            "surrogate.csv",
            b"TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,"
            b"ParticipantEndSubCode,Identifier\n"
            b"2026-11-01T10:00:00Z,a\xed\xa0\x80b,PSTN,403,560403,4:+1\xed\xb0\x80\n",
        ),
        # JSON escapes of lone surrogates in every kind of value
        (
            "surrogate.jsonl",
            b'{"TimeGenerated":"2026-11-01T10:00:00Z","CorrelationId":"a\\ud800b",'
            b'"EndpointType":"PSTN","ParticipantEndReason":"403",'
            b'"ParticipantEndSubCode":"560403","Identifier":"\\udc00x"}\n',
        ),
    ],
)
def test_surrogate_bytes_and_escapes_are_triaged(
    tmp_path: Path, name: str, content: bytes, cli: CliRunner
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for fmt in ("json", "table", "csv", "markdown"):
        code, out, err = cli("triage", "--from-file", str(path), "-f", fmt)
        assert code == 0, err
        assert out.encode("utf-8")  # printable: no lone surrogate reached the output
    code, out, _ = cli("triage", "--from-file", str(path), "-f", "json")
    doc = json.loads(out)
    assert doc["accounting"]["triaged"] == 1 and doc["accounting"]["rejected"] == 0
    (finding,) = doc["findings"]
    (correlation_id,) = finding["example_correlation_ids"]
    # The surrogate is replaced by placeholder characters, the rest kept.
    middle = correlation_id[1:-1]
    assert correlation_id[0] + correlation_id[-1] == "ab" and middle
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in middle) and "a" not in middle


def test_sample_is_reproducible_and_matches_its_generator(tmp_path: Path) -> None:
    regenerated = tmp_path / "sample.csv"
    script = ROOT / "scripts" / "make_sample.py"
    subprocess.run([sys.executable, str(script), str(regenerated)], check=True, capture_output=True)
    assert regenerated.read_bytes() == sample_path().read_bytes()


def test_sample_covers_every_documented_pair_and_skips_voip(cli: CliRunner) -> None:
    code, out, _ = cli("triage", "--sample", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    found = {(f["end_reason"], f["end_sub_code"]) for f in doc["findings"]}
    documented_failures = {
        ("403", "510403"),
        ("403", "560403"),
        ("403", "511532"),
        ("404", "560404"),
        ("404", "511404"),
        ("408", "560408"),
        ("408", "500001"),
        ("410", "531004"),
        ("480", "560480"),
        ("484", "560484"),
        ("486", "560486"),
        ("486", "540486"),
        ("487", "540487"),
        ("487", "560487"),
        ("500", "560500"),
        ("503", "560503"),
        ("603", "560603"),
    }
    assert documented_failures <= found
    assert any(not f["documented"] for f in doc["findings"])
    rows = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    pstn = int((rows["EndpointType"].str.lower() == "pstn").sum())
    a = doc["accounting"]
    assert (a["rows_read"], a["triaged"], a["skipped_not_pstn"]) == (len(rows), pstn, len(rows) - pstn)
    assert len(rows) > pstn > 0 and (a["skipped_outside_window"], a["rejected"]) == (0, 0)


def test_hostile_cells_are_neutralised_in_csv_and_terminal(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text(
        json.dumps(
            {
                "TimeGenerated": "2026-11-01T10:00:00Z",
                "CorrelationId": '=HYPERLINK("http://x","y")',
                "EndpointType": "PSTN",
                "ParticipantEndReason": "403",
                "ParticipantEndSubCode": "560403",
                "Identifier": "\x1b[31mred\x1b[0m",
            }
        )
        + "\n"
    )
    code, out, _ = cli("triage", "--from-file", str(path), "-f", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["example_correlation_ids"].startswith("'=HYPERLINK")
    # shown escaped: as \x1b[31mred in a terminal, and Markdown that renders to the same text
    for fmt, shown in (("table", "\\x1b[31mred"), ("markdown", "\\\\x1b\\[31mred")):
        code, out, _ = cli("triage", "--from-file", str(path), "-f", fmt, "--details", "1")
        assert code == 0 and "\x1b" not in out and shown in out, fmt


@pytest.mark.parametrize("command", [["triage"], ["smoke"], ["legs"], ["call", "a"]])
def test_implausible_timestamps_are_rejected_not_crashed(
    tmp_path: Path, command: list[str], cli: CliRunner
) -> None:
    path = tmp_path / "edge.csv"
    path.write_text(
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,"
        "ParticipantEndSubCode\n9999-12-31T23:59:59.999999Z,a,PSTN,403,560403\n"
        "0001-01-01T00:00:00Z,b,PSTN,0,0\n2026-11-01T00:00:00Z,c,PSTN,0,0\n"
    )
    code, out, err = cli(*command, "--from-file", str(path), "-f", "json")
    assert code in (ExitCode.OK, ExitCode.INCONCLUSIVE), err  # smoke: 1 leg is too few
    reasons = [r["reason"] for r in json.loads(out).get("rejections", [])]
    if command[0] != "smoke":
        assert len(reasons) == 2 and all("outside 1970-2199" in r for r in reasons)
