"""Hostile files through the CLI (issue 11): unreadable files are input errors (item 3),
rejections stay in bounded memory (item 5), lone surrogates are handled wherever they
appear (item 6), regional dates are read or refused clearly (item 7), and windows at
the ends of the calendar are usage errors in every command (item 15)."""

from __future__ import annotations

import json
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from acs_triage.errors import ExitCode
from acs_triage.sources.files import read_files
from tests.helpers import CliRunner

HEADER = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
COMMANDS = [["triage"], ["legs"], ["call", "c-1"], ["smoke"]]


def legs_csv(path: Path, count: int, *, end_reason: str = "0") -> Path:
    rows = [
        f"2026-11-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z,c-{i},PSTN,{end_reason},0\n" for i in range(count)
    ]
    path.write_text(HEADER + "".join(rows))
    return path


# -- item 3: no readable record and at least one rejection ---------------------------------------
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("name", "content", "options"),
    [
        (
            "csv-as-jsonl.csv",
            HEADER + "2026-11-01T10:00:00Z,c-1,PSTN,403,560403\n",
            ["--input-format", "jsonl"],
        ),
        ("truncated.jsonl", '{"TimeGenerated": "2026-11-01T10:00:00Z", "CorrelationId": "c', []),
        ("dates.csv", HEADER + "yesterday,c-1,PSTN,403,560403\ntoday,c-2,PSTN,0,0\n", []),
    ],
)
def test_a_file_without_one_readable_record_is_an_input_error(
    tmp_path: Path, cli: CliRunner, command: list[str], name: str, content: str, options: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(content)
    code, out, err = cli(*command, "--from-file", str(path), *options)
    assert code == ExitCode.INPUT, (out, err)
    assert err.count("\n") == 1 and f"{path}: no readable record" in err


def test_one_readable_record_is_enough(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "yesterday,c-1,PSTN,403,560403\n2026-11-01T10:00:00Z,c-2,PSTN,0,0\n")
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK and doc["accounting"]["rejected"] == 1


# -- item 5: rejections in bounded memory ----------------------------------------------------------
def _peak_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        read_files([str(path)])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_rejections_take_no_more_memory_than_good_rows(tmp_path: Path) -> None:
    rows = 60_000
    good = legs_csv(tmp_path / "good.csv", rows)
    one_good = "2026-11-01T10:00:00Z,c-1,PSTN,0,0\n"  # a file of rejections alone is unreadable
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "".join(f"not a date {i},c-{i},PSTN,403,560403\n" for i in range(rows)) + one_good
    )
    fewer = tmp_path / "fewer.csv"
    fewer.write_text(
        HEADER + "".join(f"not a date {i},c-{i},PSTN,403,560403\n" for i in range(rows // 6)) + one_good
    )
    assert _peak_bytes(bad) <= 1.2 * _peak_bytes(good)
    assert _peak_bytes(bad) <= 1.2 * _peak_bytes(fewer)  # and it does not grow with their number


@pytest.mark.parametrize("command", [["triage"], ["legs"], ["call", "c-0"]])
def test_the_first_thousand_rejections_are_listed_all_counted(
    tmp_path: Path, cli: CliRunner, command: list[str]
) -> None:
    path = legs_csv(tmp_path / "legs.csv", 1)
    with path.open("a") as handle:
        handle.writelines(f"never {i},c-{i},PSTN,403,560403\n" for i in range(1500))
        handle.writelines("2026-11-01T11:00:00Z,,PSTN,403,560403\n" for _ in range(20))
    code, doc, _ = cli.json(*command, "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK
    assert len(doc["rejections"]) == 1000
    assert [r["line"] for r in doc["rejections"][:2]] == [3, 4]
    by_reason = (
        doc["accounting"]["rejected_by_reason"] if command == ["triage"] else doc["rejected_by_reason"]
    )
    assert by_reason == {"unparseable TimeGenerated": 1500, "missing CorrelationId": 20}
    if command == ["triage"]:
        assert doc["accounting"]["rejected"] == 1520 and doc["accounting"]["rejections_listed"] == 1000
    else:
        assert doc["rejected"] == 1520


# -- item 6: lone surrogates anywhere ---------------------------------------------------------------
SURROGATE_FILES = {
    # an escaped lone surrogate as a value of every column
    "values.jsonl": (
        '{"TimeGenerated":"2026-11-01T10:00:00Z","CorrelationId":"c-1\\ud800","EndpointType":"PSTN",'
        '"ParticipantEndReason":"4\\udc0003","ParticipantEndSubCode":"\\ud800","ResultCategory":"\\udfff",'
        '"PstnParticipantCallType":"\\ud800","Identifier":"\\ud800","ParticipantId":"\\ud800"}\n'
        '{"TimeGenerated":"\\ud800","CorrelationId":"c-2","EndpointType":"PSTN",'
        '"ParticipantEndReason":"403","ParticipantEndSubCode":"560403"}\n'
    ),
    # ... as an unknown key, and as a key of a later object (not in UTC)
    "keys.jsonl": (
        '{"TimeGenerated":"2026-11-01T10:00:00Z","CorrelationId":"c-1","EndpointType":"PSTN",'
        '"ParticipantEndReason":"403","ParticipantEndSubCode":"560403","\\ud800":"x"}\n'
        '{"TimeGenerated [\\ud800]":"2026-11-01T10:00:00Z","CorrelationId":"c-2"}\n'
    ),
    # ... as an api-json column name and table name
    "columns.json": json.dumps(
        {
            "tables": [
                {
                    "name": "PrimaryResult\ud800",
                    "columns": [
                        {"name": c} for c in [*HEADER.strip().split(","), "\ud800", "ResultCategory"]
                    ],
                    "rows": [["2026-11-01T10:00:00Z", "c-1", "PSTN", "403", "560403", "\ud800", "\udbff"]],
                }
            ]
        }
    ),
}


@pytest.mark.parametrize("name", list(SURROGATE_FILES))
@pytest.mark.parametrize("fmt", ["json", "table", "csv", "markdown"])
@pytest.mark.parametrize("command", COMMANDS)
def test_lone_surrogates_are_handled_everywhere(
    tmp_path: Path, cli: CliRunner, name: str, fmt: str, command: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(SURROGATE_FILES[name], encoding="utf-8")
    junit = tmp_path / "smoke.xml"
    extra = ["--junit", str(junit)] if command == ["smoke"] else []
    code, out, err = cli(*command, "--from-file", str(path), "-f", fmt, *extra)
    assert code in (ExitCode.OK, ExitCode.INCONCLUSIVE), err
    (out + err).encode("utf-8")  # every character can be written
    if fmt == "json":
        json.loads(out)
    if extra:
        assert ET.parse(junit).getroot().tag == "testsuites"


def test_a_surrogate_in_a_missing_column_error_is_printable(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"TimeGenerated\\ud800":"2026-11-01T10:00:00Z","CorrelationId":"c"}\n')
    code, _, err = cli("triage", "--from-file", str(path))
    assert code == ExitCode.INPUT and err.count("\n") == 1 and "\\ud800" in err
    err.encode("utf-8")


# -- item 7: regional dates through the CLI ------------------------------------------------------------
def test_a_day_first_portal_export_is_triaged(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "en-gb.csv"
    path.write_text(
        '"TimeGenerated [UTC]",CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n'
        '"20/11/2026, 11:21:15.000",c-1,PSTN,403,560403\n"01/11/2026, 09:00:00.000",c-2,PSTN,0,0\n'
    )
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK and doc["totals"]["legs"] == 2 and doc["accounting"]["rejected"] == 0
    assert doc["findings"][0]["first_seen"] == "2026-11-20T11:21:15Z"
    assert doc["window"]["start"] == "2026-11-01T09:00:00Z"


def test_an_ambiguous_export_names_the_option(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "ambiguous.csv"
    path.write_text(HEADER + "05.11.2026 11:21:15,c-1,PSTN,403,560403\n")
    code, out, err = cli("triage", "--from-file", str(path))
    assert code == ExitCode.INPUT and out == "" and err.count("\n") == 1
    assert "--date-order dmy or --date-order mdy" in err
    code, doc, _ = cli.json("triage", "--from-file", str(path), "--date-order", "dmy", "-f", "json")
    assert code == ExitCode.OK and doc["findings"][0]["first_seen"] == "2026-11-05T11:21:15Z"
    code, doc, _ = cli.json("triage", "--from-file", str(path), "--date-order", "MDY", "-f", "json")
    assert code == ExitCode.OK and doc["findings"][0]["first_seen"] == "2026-05-11T11:21:15Z"
    code, _, err = cli("triage", "--from-file", str(path), "--date-order", "ymd")
    assert code == ExitCode.USAGE


# -- item 15: the ends of the calendar, in every command ----------------------------------------------
EDGES = [
    ["--end", "0001-01-01T00:10:00Z", "--since", "30m"],
    ["--end", "0001-01-01T00:00:00Z"],
    ["--start", "9999-12-31T23:59:59Z"],
    ["--end", "9999-12-31T23:59:59Z", "--since", "3650d"],
    ["--start", "0001-01-01T00:00:00Z", "--end", "9999-12-31T23:59:59.999999Z"],
]


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("command", [*COMMANDS, ["kql", "show", "pstn-summary"]])
def test_windows_at_the_ends_of_the_calendar_are_never_internal_errors(
    tmp_path: Path, cli: CliRunner, command: list[str], edge: list[str]
) -> None:
    source = [] if command[0] == "kql" else ["--from-file", str(legs_csv(tmp_path / "l.csv", 3))]
    options = edge
    if command == ["smoke"]:  # smoke takes --end and --since, or --deployed-at
        options = [o.replace("--start", "--deployed-at") for o in edge]
    code, _, err = cli(*command, *source, *options)
    assert code in (ExitCode.OK, ExitCode.USAGE, ExitCode.INCONCLUSIVE), err
    if code == ExitCode.USAGE:
        assert err.count("\n") == 1


@pytest.mark.parametrize("option", ["--baseline", "--since"])
def test_smoke_baseline_before_year_one_is_a_usage_error(tmp_path: Path, cli: CliRunner, option: str) -> None:
    path = legs_csv(tmp_path / "l.csv", 3)
    code, _, err = cli("smoke", "--from-file", str(path), "--end", "0001-01-02T00:00:00Z", option, "3650d")
    assert code == ExitCode.USAGE and "years 1-9999" in err


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "az-json", "api-json", "auto"])
def test_dev_zero_ends_with_one_error(cli: CliRunner, fmt: str) -> None:
    code, out, err = cli("triage", "--from-file", "/dev/zero", "--input-format", fmt)
    assert code == ExitCode.INPUT and out == "" and err.count("\n") == 1
    assert err.startswith("acs-triage: error: /dev/zero: ")
