"""PII fuzz (issue 11, item 12): phone numbers in many notations, written into every
field of every input format, must not survive in any output format, log level or error.

A planted number's digits are drawn from 4, 5, 7, 8 and 9 with no digit three times in
a row, so none of its runs of four digits can come from anything else the tool prints
(times here use 0, 1, 2 and 6; counts and rates of a few legs never hold such a run; the
report's own timestamps, whose microseconds are any digits, are left out of the check).
The check is a plain regex over everything written: no run of 4 or more of the planted
digits, and not the planted text itself.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import pytest

from acs_triage.errors import ExitCode
from tests.helpers import CliRunner

SEED = 20261128
FIELDS = [
    "TimeGenerated",
    "CorrelationId",
    "ParticipantId",
    "Identifier",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
    "CallStartTime",
    "PstnParticipantCallType",
    "ResultCategory",
]
NOTATIONS = [
    "+{a}{b}{c}",
    "4:+{a}{b}{c}",
    "4:+{a}{b}{c}x",
    "sip:+{a}{b}{c}@host",
    "tel:+{a}-{b}-{c}",
    "+{a} ({b}) {c3}-{c4}",
    "+{a}.{b}.{c3}.{c4}",
    "0{b} {c3} {c4}",
    "+{a} {b} {c}",
    "{a}{b}{c}{c}",  # a long run (16+ digits)
    "({b}) {c3}-{c4}",
    "+{a}\u00a0{b}\u00a0{c}",
]


def _digits(rng: random.Random, count: int) -> str:
    out = ""
    while len(out) < count:
        digit = rng.choice("45789")
        if not out.endswith(digit * 2):
            out += digit
    return out


def phone(rng: random.Random) -> str:
    parts = {"a": _digits(rng, rng.choice([1, 2])), "b": _digits(rng, 3), "c3": _digits(rng, 3)}
    parts["c4"] = _digits(rng, 4)
    parts["c"] = parts["c3"] + parts["c4"]
    return rng.choice(NOTATIONS).format(**parts)


def runs(planted: str) -> list[str]:
    """What must not survive: the planted text and its runs of 4 or more digits."""
    return [planted, *re.findall(r"\d{4,}", planted.removeprefix("4:"))]


def rows(rng: random.Random, planted: list[str]) -> list[dict[str, str]]:
    """A few PSTN legs and rows with a phone number in every field, one field at a time."""
    out = []
    for index, field in enumerate(FIELDS):
        number = phone(rng)
        planted.append(number)
        row = {
            "TimeGenerated": f"2026-11-01T10:{index:02d}:00Z",
            "CorrelationId": "c-pii" if index % 2 else f"6b1f0c52-0000-4a5e-9d55-00000000000{index % 10}",
            "ParticipantId": "",
            "Identifier": "",
            "EndpointType": "PSTN",
            "ParticipantEndReason": "403",
            "ParticipantEndSubCode": "560403",
            "CallStartTime": "",
            "PstnParticipantCallType": "Outbound",
            "ResultCategory": "UnexpectedClientError",
        }
        row[field] = number
        out.append(row)
    return out


#: Diagnostic records (a storage archive's or an event hub's): where each column goes.
DIAGNOSTIC_KEYS = {"TimeGenerated": "time", "CorrelationId": "correlationId"}


def diagnostic(record: dict[str, str], category: str = "CallSummary") -> dict[str, object]:
    properties = {f[0].lower() + f[1:]: v for f, v in record.items() if f not in DIAGNOSTIC_KEYS}
    top = {key: record[field] for field, key in DIAGNOSTIC_KEYS.items()}
    return {**top, "operationName": category, "category": category, "properties": properties}


def write(fmt: str, records: list[dict[str, str]], path: Path, category: str = "x") -> Path:
    if fmt == "diagnostic":  # one more record, of another log category: the category is data too
        lines = [diagnostic(r) for r in records] + [diagnostic(records[0], category)]
        path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records)
        path.write_text(buffer.getvalue())
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    elif fmt == "az-json":
        path.write_text(json.dumps(records))
    else:
        table = {"name": "PrimaryResult", "columns": [{"name": f} for f in FIELDS]}
        path.write_text(
            json.dumps({"tables": [{**table, "rows": [[r[f] for f in FIELDS] for r in records]}]})
        )
    return path


#: The tool's own timestamps (``generated_at``, JUnit's ``timestamp``): their microseconds
#: are any digits, so they are left out of the check.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?")


def assert_no_planted_digits(text: str, planted: list[str], where: str) -> None:
    text = TIMESTAMP.sub("<time>", text)
    for number in planted:
        for needle in runs(number):
            assert needle not in text, f"{needle!r} of {number!r} survives in {where}"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "az-json", "api-json", "diagnostic"])
def test_planted_phone_numbers_never_survive(tmp_path: Path, cli: CliRunner, fmt: str) -> None:
    rng = random.Random(f"{SEED}-{fmt}")
    planted: list[str] = []
    legs = rows(rng, planted)
    category = phone(rng)  # a diagnostic record's log category
    planted.append(category)
    path = write(fmt, legs, tmp_path / f"export.{fmt}", category=category)
    call_id = next(p for p in planted if "c-pii" not in p)
    commands = [
        ["triage", "--details", "50"],
        ["legs"],
        ["call", "c-pii"],
        ["call", call_id],
        ["smoke", "--junit", str(tmp_path / "s.xml"), "--summary", str(tmp_path / "s.md"), "--min-legs", "1"],
    ]
    runs_checked = 0
    for command in commands:
        for out_fmt in ("table", "json", "csv", "markdown", "html"):
            for verbosity in ([], ["-v"], ["-vv"]):
                code, out, err = cli(*verbosity, *command, "--from-file", str(path), "-f", out_fmt)
                assert code in (ExitCode.OK, ExitCode.GATE_FAILED, ExitCode.INCONCLUSIVE), err
                files = ""
                if command[0] == "smoke":
                    files = (tmp_path / "s.xml").read_text() + (tmp_path / "s.md").read_text()
                assert_no_planted_digits(out + err + files, planted, f"{command} -f {out_fmt} {verbosity}")
                runs_checked += 1
    assert runs_checked == 75
    if fmt == "diagnostic":  # the category was read, and counted, masked
        code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
        assert doc["accounting"]["skipped_other_category"] == 1


def test_planted_phone_numbers_never_survive_in_errors(tmp_path: Path, cli: CliRunner) -> None:
    rng = random.Random(f"{SEED}-errors")
    planted = [phone(rng) for _ in range(12)]
    cases = {
        # a headerless CSV: the file-level error lists its first row as column names
        "headerless.csv": ",".join(planted[:6]) + "\n",
        # every row rejected: the error quotes the first rejection
        "rejected.csv": ",".join(
            [*FIELDS[:2], "EndpointType", "ParticipantEndReason", "ParticipantEndSubCode"]
        )
        + "\n"
        + "".join(f"{p},c,PSTN,403,560403\n" for p in planted[6:9]),
        # a column in a zone other than UTC, named with a number
        "zone.jsonl": json.dumps({f"TimeGenerated [{planted[9]}]": "x", "CorrelationId": "c"}) + "\n",
        # an api-json table without columns, named with a number
        "table.json": json.dumps({"tables": [{"name": planted[10], "rows": []}]}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content)
        for verbosity in ([], ["-vv"]):
            code, out, err = cli(*verbosity, "triage", "--from-file", str(path))
            assert code == ExitCode.INPUT and err.count("\n") == 1, (name, err)
            assert_no_planted_digits(out + err, planted, name)
    # and the correlation id typed on the command line
    code, _, err = cli("call", planted[11], "--from-file", str(tmp_path / "rejected.csv"))
    assert_no_planted_digits(err, planted, "call argument")


def test_show_pii_shows_them(tmp_path: Path, cli: CliRunner) -> None:
    rng = random.Random(f"{SEED}-show")
    planted: list[str] = []
    path = write("jsonl", rows(rng, planted), tmp_path / "export.jsonl")
    code, out, _ = cli("triage", "--from-file", str(path), "-f", "json", "--show-pii")
    assert code == ExitCode.OK
    identifier = planted[FIELDS.index("Identifier")]
    assert identifier in json.loads(out)["findings"][0]["example_identifiers"]
    rejected_time = planted[FIELDS.index("TimeGenerated")]
    assert any(rejected_time in r["reason"] for r in json.loads(out)["rejections"])
