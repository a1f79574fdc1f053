"""What ``smoke`` writes: every ``--format``, JUnit XML, GitHub annotations and step
summary, and the view behind the table and Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from acs_triage.errors import ExitCode
from acs_triage.formats import OutputFormat, render
from acs_triage.formats.smoke_view import CHECK_HEADERS, smoke_view
from acs_triage.smoke.checks import CHECK_NAMES
from acs_triage.smoke.github import (
    annotation_lines,
    append_step_summary,
    escape_data,
    escape_property,
    workflow_command,
)
from acs_triage.smoke.junit import junit_xml
from acs_triage.smoke.result import SMOKE_SCHEMA
from tests.emulator import LogAnalyticsEmulator
from tests.helpers import CliRunner
from tests.smoke.helpers import WS_HEALTHY, WS_RATE, gate, make_input, smoke_args


# -- through the CLI and the emulator -------------------------------------------------------
@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders(azure: LogAnalyticsEmulator, fmt: OutputFormat, cli: CliRunner) -> None:
    code, out, _ = cli(*smoke_args(azure, WS_RATE, "--format", fmt.value))
    assert code == ExitCode.GATE_FAILED
    if fmt is OutputFormat.JSON:
        assert json.loads(out)["status"] == "fail"
    elif fmt is OutputFormat.CSV:
        rows = out.strip().splitlines()
        assert rows[0] == ",".join(CHECK_HEADERS)
        assert [r.split(",")[0] for r in rows[1:]] == list(CHECK_NAMES)
        assert rows[1 + CHECK_NAMES.index("failure-rate")].split(",")[1] == "fail"  # the JSON value
    elif fmt is OutputFormat.MARKDOWN:
        assert out.startswith("# acs-triage smoke: FAIL")
        assert "| failure-rate" in out
        assert "```mermaid\nxychart-beta\n" in out  # the window's timeline, for the step summary
    elif fmt is OutputFormat.HTML:
        assert "<title>acs-triage smoke: FAIL (exit 1): failure-rate</title>" in out
        assert '<svg class="timeline"' in out and "<td>failure-rate</td>" in out
    else:
        assert out.startswith("acs-triage smoke: FAIL (exit 1): failure-rate")
    assert "::error" not in out  # not in GitHub Actions


def test_github_actions_annotations_and_step_summary(
    azure: LogAnalyticsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: CliRunner,
) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    code, out, _ = cli(*smoke_args(azure, WS_RATE))
    assert code == ExitCode.GATE_FAILED
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error title=acs-triage smoke%3A failure-rate fail::")
    assert commands[-1].startswith("::error title=acs-triage smoke::FAIL (exit 1)")
    assert all("\n" not in c and "\r" not in c for c in commands)
    # JSON on stdout stays pure JSON, even in GitHub Actions
    code, out, _ = cli(*smoke_args(azure, WS_HEALTHY, "--format", "json"))
    assert code == ExitCode.OK
    assert json.loads(out)["status"] == "pass"
    # ...unless the data goes to --output, then stdout carries only the annotations
    code, out, _ = cli(
        *smoke_args(azure, WS_HEALTHY, "--format", "json", "--output", str(tmp_path / "r.json"))
    )
    assert out.splitlines() == ["::notice title=acs-triage smoke::PASS: 4 check(s) passed, 2 skipped"]
    code, out, _ = cli(*smoke_args(azure, WS_HEALTHY, "--no-annotations"))
    assert "::" not in out
    text = step_summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# acs-triage smoke: FAIL")
    assert text.count("# acs-triage smoke:") == 4  # appended by every run


# -- unit: JUnit, GitHub output and the view -------------------------------------------------
def test_junit_structure_and_escaping() -> None:
    result = gate(make_input(10, {("403", "511532"): 1}))
    xml = junit_xml(result)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == list(CHECK_NAMES)
    assert {c.get("classname") for c in cases} == {"acs-triage.smoke"}
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    skipped = {c.get("name"): c.find("skipped") for c in cases if c.find("skipped") is not None}
    assert failed == ["blocking-codes"]
    assert set(skipped) == {"min-volume", "failure-rate", "unexpected-rate", "regression"}
    assert skipped["min-volume"].get("message", "").startswith("inconclusive:")  # type: ignore[union-attr]
    assert skipped["regression"].get("message", "").startswith("skipped:")  # type: ignore[union-attr]
    for element in (root, suite):
        assert (
            element.get("tests"),
            element.get("failures"),
            element.get("errors"),
            element.get("skipped"),
        ) == ("6", "1", "0", "4")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["status"] == "fail" and props["exit_code"] == "1"

    # hostile text survives as text: markup and quotes as they are; line breaks and
    # controls (XML-illegal ones included) shown escaped, never as a line of their own
    blocking = [c.name for c in result.checks].index("blocking-codes")
    check = replace(result.checks[blocking], message='<b>&"x"</b>\nline2\x00\x1b]]>')
    weird = replace(
        result,
        checks=(*result.checks[:blocking], check, *result.checks[blocking + 1 :]),
        source_description="ws <&>\x07",
    )
    parsed = ET.fromstring(junit_xml(weird))
    failure = parsed.find("testsuite/testcase[@name='blocking-codes']/failure")
    assert failure is not None
    assert failure.get("message") == '<b>&"x"</b>\\x0aline2\\x00\\x1b]]>'
    assert '<b>&"x"</b>' in (failure.text or "") and "\n" not in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in parsed.iter("property")}
    assert props["source"] == "ws <&>\\x07"
    system_out = parsed.find("testsuite/testcase[@name='blocking-codes']/system-out")
    assert system_out is not None and (system_out.text or "").count("\n") == 4  # its four own lines


def test_workflow_command_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("error", "x: y, z", title="t:1,2") == "::error title=t%3A1%2C2::x: y, z"
    assert workflow_command("notice", "plain") == "::notice::plain"
    # a value's line breaks and controls are shown, never a line (or an escape) of their own
    assert (
        workflow_command("error", "a\nb\x1b]0;x\x07", title="t\r\n::x")
        == "::error title=t\\x0d\\x0a%3A%3Ax::a\\x0ab\\x1b]0;x\\x07"
    )


def test_annotation_lines_per_status() -> None:
    low = gate(make_input(5, {("503", "560503"): 1}))
    lines = annotation_lines(low)
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::warning", "::warning"]
    assert "min-volume" in lines[0] and "failure-rate" in lines[1]
    ok = gate(make_input(100, {}))
    assert annotation_lines(ok) == ["::notice title=acs-triage smoke::PASS: 4 check(s) passed, 2 skipped"]


def test_step_summary_append(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    assert append_step_summary("# one", {}) is None
    assert append_step_summary("# one", {"GITHUB_STEP_SUMMARY": str(target)}) == target
    append_step_summary("# two\n", {"GITHUB_STEP_SUMMARY": str(target)})
    assert target.read_text(encoding="utf-8") == "# one\n# two\n"


def test_view_document_and_markdown() -> None:
    result = gate(make_input(100, {("503", "560503"): 30, ("403", "510403"): 2}))
    view = smoke_view(result)
    assert view.document["schema"] == SMOKE_SCHEMA
    assert view.document["status"] == "fail"
    markdown = render(view, OutputFormat.MARKDOWN)
    assert markdown.startswith("# acs-triage smoke: FAIL (exit 1): failure-rate, blocking-codes")
    assert "## Blocking failures" in markdown
    assert "| 403/510403" in markdown
    json.dumps(view.document)  # JSON-serialisable as is
