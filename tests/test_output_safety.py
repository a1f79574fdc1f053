"""Output safety: hostile log values are shown, never obeyed (issue 11, item 8), output
files are written whole or not at all (item 9), unwritable or vanished outputs end
cleanly (item 10) and SIGINT says so (item 11).

Subprocess tests run ``python -m acs_triage`` for what only a real process shows: a
closed or full stdout, a broken pipe, a signal, a file size limit.
"""

from __future__ import annotations

import array
import fcntl
import json
import os
import re
import resource
import signal
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from acs_triage.atomicfile import write_atomically
from acs_triage.errors import ExitCode
from tests.helpers import CliRunner

#: What a terminal would obey: C0 controls except the line feed of our own lines, DEL, C1.
OBEYED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
HEADER = ["TimeGenerated", "CorrelationId", "EndpointType", "ParticipantEndReason", "ParticipantEndSubCode"]


def jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def healthy_csv(path: Path, legs: int = 30) -> Path:
    """``legs`` normal PSTN legs a minute apart: a smoke gate on them passes."""
    lines = [",".join(HEADER)]
    lines += [f"2026-11-01T10:{i:02d}:00Z,call-{i},PSTN,0,0" for i in range(legs)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def python_cli(*argv: str, **options: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m acs_triage ARGV``; stdout and stderr captured unless ``options`` say otherwise."""
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "acs_triage", *argv], timeout=60, check=False, **{**streams, **options}
    )


# -- item 8: every text that reaches a person or a renderer is neutralised -------------------------
HOSTILE = {
    "TimeGenerated": "2026-11-01T10:00:00Z",
    "CorrelationId": "c1\nFAKE LINE",
    "EndpointType": "PSTN",
    "ParticipantEndReason": "4\x1b]0;pwned\x07",
    "ParticipantEndSubCode": "\x9b2J\r\nFAKE SUB",
    "ResultCategory": "Unexpected\x1b[2J\u2028FAKE",
    "Identifier": "8:acs:\x1b[31m",
}


def _assert_neutral(text: str) -> None:
    assert not OBEYED.search(text), repr(text)
    assert not any(line.lstrip("#| ").startswith("FAKE") for line in text.split("\n")), text


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "html"])
@pytest.mark.parametrize("command", [["triage", "--details", "9"], ["legs"], ["call", "c1\nFAKE LINE"]])
def test_hostile_values_are_shown_never_obeyed(
    tmp_path: Path, cli: CliRunner, fmt: str, command: list[str]
) -> None:
    path = jsonl(tmp_path / "hostile.jsonl", [HOSTILE, {**HOSTILE, "TimeGenerated": "not \x1b[2J a date"}])
    code, out, err = cli(*command, "--from-file", str(path), "-f", fmt)
    assert code == ExitCode.OK, err
    _assert_neutral(out)
    _assert_neutral(err)
    if fmt == "json":
        doc = json.loads(out)
        assert out.isascii() or not re.search("[\x80-\x9f]", out)
        assert "c1\nFAKE LINE" in json.dumps(doc, ensure_ascii=False).encode().decode("unicode_escape")


def test_smoke_outputs_are_neutralised(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{**HOSTILE, "TimeGenerated": f"2026-11-01T10:{i:02d}:00Z"} for i in range(25)]
    path = jsonl(tmp_path / "hostile.jsonl", rows)
    step_summary = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    junit, summary = tmp_path / "smoke.xml", tmp_path / "summary.md"
    code, out, err = cli(
        "smoke", "--from-file", str(path), "--block", "4\x1b]0;pwned\x07/*",
        "--junit", str(junit), "--summary", str(summary),
    )  # fmt: skip
    assert code == ExitCode.GATE_FAILED, err
    for text in (out, err, junit.read_text(), summary.read_text(), step_summary.read_text()):
        _assert_neutral(text)
    assert "\\x1b]0;pwned\\x07" in out and "::error" in out


def test_error_messages_are_one_neutral_line(tmp_path: Path, cli: CliRunner) -> None:
    name = tmp_path / "x\x1b]0;pwned\x07\nFAKE.csv"
    code, out, err = cli("triage", "--from-file", str(name))
    assert code == ExitCode.INPUT and out == ""
    assert err.count("\n") == 1 and "\\x1b]0;pwned\\x07 FAKE.csv: cannot open" in err
    _assert_neutral(err)
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("2026-11-01T10:00:00Z,c\x1b[2J,PSTN,403,560403\n", encoding="utf-8")
    code, _, err = cli("triage", "--from-file", str(headerless))
    assert code == ExitCode.INPUT and err.count("\n") == 1
    _assert_neutral(err)


# -- item 9: output files are written whole or not at all ----------------------------------------
def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("option", ["--output", "--junit", "--summary"])
def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, option: str) -> None:
    data = healthy_csv(tmp_path / "legs.csv")
    target = tmp_path / "out" / "previous.txt"
    target.parent.mkdir()
    target.write_text("the previous report\n")
    # The new output is larger than 64 bytes: with the limit, writing it fails (EFBIG).
    result = python_cli(
        "smoke", "--from-file", str(data), option, str(target), preexec_fn=lambda: _limit_file_size(64)
    )
    err = result.stderr.decode()
    assert result.returncode == ExitCode.INPUT, err
    assert (
        err.count("\n") == 1 and err.startswith("acs-triage: error: cannot write") and "Traceback" not in err
    )
    assert target.read_text() == "the previous report\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["previous.txt"]  # no temporary file left


def test_concurrent_writers_never_leave_a_mix(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    contents = ["A" * 2_000_000 + "\n", "B" * 3_000_000 + "\n"]
    write_atomically(target, contents[0])
    seen: set[str] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(target.read_text())

    def write(text: str) -> None:
        for _ in range(15):
            write_atomically(target, text)

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(text,)) for text in contents]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert seen <= set(contents) and target.read_text() in contents
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_the_previous_file_keeps_its_permissions(tmp_path: Path, cli: CliRunner) -> None:
    target = tmp_path / "report.json"
    target.write_text("{}")
    target.chmod(0o640)
    code, _, err = cli("triage", "--sample", "-f", "json", "--output", str(target))
    assert code == ExitCode.OK and err == f"wrote {target}\n"
    assert json.loads(target.read_text())["schema"] == "acs-triage/triage-report/v1"
    assert target.stat().st_mode & 0o777 == 0o640


def test_output_dash_means_stdout(tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("triage", "--sample", "-f", "json", "-o", "-")
    assert code == ExitCode.OK and err == ""
    assert json.loads(out)["source"]["kind"] == "sample"
    assert not (tmp_path / "-").exists()


# -- item 10: unwritable stdout, broken pipes ------------------------------------------------------
def test_a_full_stdout_is_an_input_output_error() -> None:
    with open("/dev/full", "wb") as full:
        result = python_cli("triage", "--sample", stdout=full, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    assert result.returncode == ExitCode.INPUT, err
    assert err == (
        "acs-triage: error: cannot write to standard output: No space left on device (or use --output FILE)\n"
    )


@pytest.mark.parametrize("when", ["at start", "after start"])
def test_a_closed_stdout_is_an_input_output_error(when: str) -> None:
    if when == "at start":  # the shell's `>&-`: Python starts without sys.stdout
        result = python_cli("triage", "--sample", preexec_fn=lambda: os.close(1))
    else:  # closed behind Python's back: writes fail with EBADF
        program = (
            "import os, runpy, sys; os.close(1); sys.argv[1:] = ['triage', '--sample']; "
            "runpy.run_module('acs_triage', run_name='__main__')"
        )
        result = subprocess.run(
            [sys.executable, "-c", program], stderr=subprocess.PIPE, timeout=60, check=False
        )
    err = result.stderr.decode()
    assert result.returncode == ExitCode.INPUT, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(
        (
            "acs-triage: error: cannot write the output: standard output is closed",
            "acs-triage: error: cannot write to standard output: Bad file descriptor",
        )
    )


@pytest.mark.parametrize("annotations", [True, False])
def test_a_broken_pipe_after_the_verdict_keeps_its_exit_code(tmp_path: Path, annotations: bool) -> None:
    data = healthy_csv(tmp_path / "legs.csv")
    env = {**os.environ, "GITHUB_ACTIONS": "true" if annotations else "false"}
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: the first write gets EPIPE
    try:
        result = python_cli(
            "smoke", "--from-file", str(data), stdout=write_end, stderr=subprocess.PIPE, env=env
        )
    finally:
        os.close(write_end)
    err = result.stderr.decode()
    assert result.returncode == ExitCode.OK, err  # the gate passed
    assert "Traceback" not in err and "error" not in err


# -- item 11: SIGINT -----------------------------------------------------------------------------
def _unread(pipe: int) -> int:
    """Bytes written to a pipe that its reader has not read yet."""
    buffer = array.array("i", [0])
    fcntl.ioctl(pipe, termios.FIONREAD, buffer)
    return buffer[0]


def test_sigint_exits_130_with_one_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "acs_triage", "triage", "--from-file", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdin is not None
    try:
        process.stdin.write(
            b"TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
        )
        process.stdin.flush()
        # Once the CLI has read those bytes it is inside the command, waiting for more.
        for _ in range(600):
            if _unread(process.stdin.fileno()) == 0:
                break
            threading.Event().wait(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert out == b""
    assert err.decode() == "acs-triage: interrupted (SIGINT); nothing more was written\n"
