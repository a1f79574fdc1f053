"""Progress of large files on stderr: drawn only on a terminal (a real pseudo-terminal
here), only for inputs of 50 MB or more, and cleared before anything else is written."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from acs_triage.sources.files import PROGRESS_MIN_BYTES, FileSource

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "TimeGenerated [UTC],CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode,Identifier\r\n"
)


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean CSV export just over the progress threshold (~330,000 rows)."""
    path = tmp_path_factory.mktemp("progress") / "large.csv"
    block = "".join(
        f"2026-11-01T{h:02d}:{m:02d}:00.0000000Z,{h:02d}{m:02d}aaaa-1111-4222-8333-444455556666,"
        f"{'PSTN' if m % 3 else 'VoIP'},{'403' if m % 4 == 1 else '0'},{'560403' if m % 4 == 1 else '0'},"
        f"4:+1206555{m:04d}\r\n"
        for h in range(24)
        for m in range(60)
    )
    repeats = PROGRESS_MIN_BYTES // len(block.encode()) + 2
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for _ in range(repeats):
            out.write(block)
    assert path.stat().st_size >= PROGRESS_MIN_BYTES
    return path


def _run(path: Path, out: Path, *, terminal: bool) -> tuple[int, str]:
    """Run ``triage --from-file`` with stderr on a pseudo-terminal or a pipe."""
    argv = [
        sys.executable,
        "-m",
        "acs_triage",
        "triage",
        "--from-file",
        str(path),
        "-f",
        "json",
        "-o",
        str(out),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not terminal:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
        return done.returncode, done.stderr
    master, slave = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    received = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=300), received.decode("utf-8", errors="replace")


def test_progress_is_drawn_on_a_terminal_and_cleared(large_csv: Path, tmp_path: Path) -> None:
    code, err = _run(large_csv, tmp_path / "tty.json", terminal=True)
    assert code == 0, err
    frames = [frame for frame in err.split("\r") if frame.strip()]
    assert any(f"reading {large_csv}" in frame for frame in frames), err
    assert any(" MB" in frame for frame in frames), err  # the bar, or the bytes being read
    # the last frame is blanked out before the one line the command writes (the
    # terminal turns each line feed into CR LF)
    *_, blank, last = err.replace("\r\n", "\n").rsplit("\r", 2)
    assert blank.strip() == "" and last.startswith("wrote ")


def test_no_progress_off_a_terminal(large_csv: Path, tmp_path: Path) -> None:
    code, err = _run(large_csv, tmp_path / "pipe.json", terminal=False)
    assert code == 0, err
    assert "\r" not in err and "reading" not in err and err.startswith("wrote ")


def test_only_large_inputs_have_progress(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text(HEADER, encoding="utf-8")
    assert FileSource([str(small)]).progress() == ""
    sparse = tmp_path / "sparse.csv"
    with sparse.open("wb") as out:
        out.truncate(PROGRESS_MIN_BYTES)  # size alone decides; nothing is read
    assert FileSource([str(sparse)]).progress() == f"reading {PROGRESS_MIN_BYTES / 1e6:,.0f} MB"
