"""How ``run()`` and ``main()`` end a command that does not end with a report: SIGINT,
an abort, a bug, a reader of stdout that went away. In-process, through the CLI's seam
(``Services(open_source=...)``): a source whose reading is interrupted or fails."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
import typer

from acs_triage.cli.app import INTERRUPTED, Services, main, run
from acs_triage.errors import ExitCode
from acs_triage.records import Leg, Rejection
from acs_triage.sources.memory import MemorySource
from acs_triage.sources.spec import SourceSpec
from tests.helpers import CliRunner

INTERRUPTED_LINE = "acs-triage: interrupted (SIGINT); nothing more was written\n"


class _Failing(MemorySource):
    """A source whose reading runs ``happen`` (raise, or send a signal) before any leg."""

    def __init__(self, happen: Callable[[], None]) -> None:
        super().__init__([])
        self.happen = happen

    def items(self) -> Iterable[Leg | Rejection]:
        self.happen()
        return []


def _services(happen: Callable[[], None]) -> Services:
    def open_source(_spec: SourceSpec) -> MemorySource:
        return _Failing(happen)

    return Services(open_source=open_source)


def _raise(exc: BaseException) -> Callable[[], None]:
    def happen() -> None:
        raise exc

    return happen


def test_sigint_while_reading_exits_130(cli: CliRunner) -> None:
    """A real SIGINT, delivered to this (the main) thread while the command reads."""
    previous = signal.getsignal(signal.SIGINT)
    code, out, err = cli(
        "triage",
        "--from-file",
        "x",
        "-f",
        "json",
        services=_services(lambda: signal.raise_signal(signal.SIGINT)),
    )
    assert (code, out, err) == (INTERRUPTED, "", INTERRUPTED_LINE)
    assert INTERRUPTED == 130
    assert signal.getsignal(signal.SIGINT) is previous  # the handler is put back


def test_keyboard_interrupt_and_abort_exit_130(cli: CliRunner) -> None:
    code, out, err = cli("triage", "--from-file", "x", services=_services(_raise(KeyboardInterrupt())))
    assert (code, out, err) == (130, "", INTERRUPTED_LINE)
    code, out, err = cli("legs", "--from-file", "x", services=_services(_raise(typer.Abort())))
    assert (code, out, err.splitlines()[-1]) == (130, "", "acs-triage: aborted")


def test_off_the_main_thread_no_handler_is_installed(cli: CliRunner) -> None:
    """An embedder's worker thread: SIGINT handlers cannot be set there; a KeyboardInterrupt
    raised while reading still ends the command with 130."""
    results: list[int] = []
    seen: list[object] = []

    def happen() -> None:
        seen.append(signal.getsignal(signal.SIGINT))
        raise KeyboardInterrupt

    def work() -> None:
        results.append(run(["triage", "--from-file", "x"], services=_services(happen)))

    before = signal.getsignal(signal.SIGINT)
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert results == [130]
    assert seen == [before]  # the main thread's handler, untouched


def test_a_bug_is_one_line_and_exit_internal(cli: CliRunner) -> None:
    code, out, err = cli(
        "triage", "--from-file", "x", services=_services(_raise(RuntimeError("boom\nsecond line")))
    )
    assert (code, out) == (ExitCode.INTERNAL, "")
    assert err.count("\n") == 1
    assert err.startswith("acs-triage: internal error: RuntimeError: boom")
    assert err.endswith("(please report it; -vv shows more)\n")
    assert int(ExitCode.INTERNAL) not in {0, 1, 2, 3, 4, 5, 6, 130}


class _BrokenStdout:
    """stdout whose reader went away: every write and flush is a broken pipe. ``fileno``
    is a file of the test's own, so redirecting it to /dev/null touches nothing else."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.attempts = 0

    def write(self, text: str) -> int:
        self.attempts += 1
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        self.attempts += 1
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return False


def test_main_on_a_broken_pipe_keeps_the_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "stdout"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        broken = _BrokenStdout(fd)
        monkeypatch.setattr(sys, "stdout", broken)
        monkeypatch.setattr(sys, "argv", ["acs-triage", "explain", "403", "560403", "-f", "json"])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == ExitCode.OK
        assert broken.attempts >= 2  # the command's write, then main()'s flush
        assert os.path.samestat(os.fstat(fd), os.stat(os.devnull))  # stdout now goes nowhere
    finally:
        os.close(fd)
    assert capsys.readouterr().err == ""  # no traceback, no message


def test_main_exits_with_the_commands_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["acs-triage", "explain", "not-a-code"])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    assert exited.value.code == ExitCode.USAGE
    assert err.startswith("acs-triage: error: ") and err.count("\n") == 1
