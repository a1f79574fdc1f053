"""The CLI on offline commands: explain, codes, kql, triage --sample, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from acs_triage.errors import ExitCode
from acs_triage.formats import OutputFormat
from tests.helpers import CliRunner


def test_explain_documented_pair(cli: CliRunner) -> None:
    code, out, _ = cli("explain", "403", "560403", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "acs-triage/explanation/v1"
    (result,) = doc["results"]
    assert result["documented"] is True and result["generated_by"] == "sbc-outbound"
    assert result["meaning"]["who_acts"] and result["meaning"]["actions"]


def test_explain_sub_code_alone_lists_every_pair(cli: CliRunner) -> None:
    code, out, _ = cli("explain", "560484", "-f", "json")
    assert code == 0
    pairs = {(r["end_reason"], r["end_sub_code"]) for r in json.loads(out)["results"]}
    assert pairs == {("484", "560484"), ("486", "560486")}


def test_explain_undocumented_pair_is_labelled(cli: CliRunner) -> None:
    code, out, _ = cli("explain", "502", "560502")
    assert code == 0
    assert "NOT DOCUMENTED" in out and "Bad Gateway" in out and "SIP 502" in out


def test_explain_undocumented_sbc_sub_code_alone(cli: CliRunner) -> None:
    code, out, _ = cli("explain", "560502", "-f", "json")
    assert code == 0
    assert json.loads(out)["results"][0]["end_reason"] == "502"


@pytest.mark.parametrize("fmt", [f.value for f in OutputFormat])
def test_every_format_works_for_every_offline_command(cli: CliRunner, fmt: str) -> None:
    for argv in (
        ["explain", "403", "510403"],
        ["codes"],
        ["kql", "list"],
        ["kql", "show", "pstn-summary"],
        ["triage", "--sample"],
    ):
        code, out, err = cli(*argv, "--format", fmt)
        assert code == 0, (argv, err)
        assert out.strip(), argv
        if fmt == "json":
            assert json.loads(out)["schema"].startswith("acs-triage/")
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(out)))
            assert len({len(r) for r in rows}) == 1, argv  # rectangular


def test_codes_json_lists_all_twenty_pstn_pairs(cli: CliRunner) -> None:
    code, out, _ = cli("codes", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["count"] == 20 and len(doc["pairs"]) == 20


def test_codes_filters(cli: CliRunner) -> None:
    _, out, _ = cli("codes", "--code", "403", "-f", "json")
    assert {p["end_sub_code"] for p in json.loads(out)["pairs"]} == {"510403", "560403", "511532"}
    _, out, _ = cli("codes", "--category", "canceled", "-f", "json")
    assert {p["end_reason"] for p in json.loads(out)["pairs"]} == {"487"}
    _, out, _ = cli("codes", "--who-acts", "acs-configuration", "-f", "json")
    assert all("acs-configuration" in p["who_acts"] for p in json.loads(out)["pairs"])


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["codes", "--category", "nope"], "valid:"),
        (["explain", "999999"], "no documented pair"),
        (["explain", "403", "--format", "xml"], "--format"),
        (["kql", "show", "nope"], "available:"),
        (["kql", "show", "call-legs", "-p", "corelation_id=x"], "valid parameters"),
        (["kql", "show", "pstn-failed-legs", "-p", "max_rows=ten"], "whole number"),
        (["kql", "show", "pstn-failed-legs", "-p", "max_rows=-5"], "at least 1"),
        (["kql", "show", "pstn-failed-legs", "-p", "max_rows=500001"], "at most 500000"),
        (["triage", "--sample", "--since", "800000d"], "at most 3650 days"),
        (["triage", "--sample", "--start", "0001-01-01T00:00:00+01:00"], "ISO-8601"),
        (["triage", "--sample", "--since", "1d", "--end", "0001-01-01"], "outside the supported"),
        (["legs", "--sample", "--max-rows", "0"], "--max-rows"),
        (["kql", "show", "pstn-summary", "--since", "yesterday"], "duration"),
        (["triage"], "say which data"),
        (["triage", "--sample", "--since", "1h", "--start", "2026-01-01"], "either --since"),
        (["nonsense"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli: CliRunner, argv: list[str], needle: str) -> None:
    code, out, err = cli(*argv)
    assert code == ExitCode.USAGE
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("acs-triage: error:"), err
    assert needle in err


def test_missing_input_file_is_an_input_error(cli: CliRunner) -> None:
    code, _, err = cli("triage", "--from-file", "/nonexistent/export.csv")
    assert code == ExitCode.INPUT
    assert err.count("\n") == 1 and "export.csv" in err


def test_kql_show_renders_typed_literals(cli: CliRunner) -> None:
    code, out, _ = cli(
        "kql",
        "show",
        "pstn-failed-legs",
        "-p",
        'end_reason=4"03',
        "-p",
        "max_rows=50",
        "--start",
        "2026-11-01T00:00:00Z",
        "--end",
        "2026-11-02T00:00:00+01:00",
    )
    assert code == 0
    assert 'let _end_reason = "4\\"03";' in out
    assert "let _max_rows = long(50);" in out
    assert "let _start = datetime(2026-11-01T00:00:00.000000Z);" in out
    assert "let _end = datetime(2026-11-01T23:00:00.000000Z);" in out


def test_output_file(cli: CliRunner, tmp_path: object) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "report.json"
    code, out, err = cli("triage", "--sample", "-f", "json", "-o", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert json.loads(target.read_text())["schema"] == "acs-triage/triage-report/v1"


def test_version(cli: CliRunner) -> None:
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("acs-triage ")


def test_table_report_shows_the_failure_rate_over_time(cli: CliRunner) -> None:
    code, out, _ = cli("triage", "--sample")
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.startswith("Failures over time:")]
    bars = line.split()[3]
    assert len(bars) >= 24 and set(bars) <= set("▁▂▃▄▅▆▇█") and "█" in bars
    assert "failure rate in 25 bins" in out and "Failed legs by category: canceled 89," in out
