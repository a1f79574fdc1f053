#!/usr/bin/env python3
"""Benchmark: peak memory of `acs-triage triage --format json` on 1M good rows and on 1M
rejected rows (issue 11, item 5: rejections are kept in bounded memory).

Each run is its own process (`python -m acs_triage`, its stdout discarded); its peak
resident set is read from the kernel (`ru_maxrss` of the waited-for child). Prints a
markdown table.

    .venv/bin/python benchmarks/rejections_memory.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEADER = "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"


def good_row(i: int) -> str:
    time = f"2026-11-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
    return f"{time},{i:08x}-0000-4000-8000-000000000000,PSTN,403,560403\n"


def bad_row(i: int) -> str:
    return f"not a date {i},{i:08x}-0000-4000-8000-000000000000,PSTN,403,560403\n"


def write(path: Path, rows: int, row: Callable[[int], str]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for start in range(0, rows, 10_000):
            handle.writelines(row(i) for i in range(start, min(start + 10_000, rows)))
        handle.write(good_row(0))  # one readable record: a file of rejections alone is refused


def measure(path: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in MiB and exit code of `acs-triage triage --format json` on ``path``."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(
            [sys.executable, "-m", "acs_triage", "triage", "--from-file", str(path), "--format", "json"],
            stdout=devnull,
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, row in (("good rows", good_row), ("rejected rows", bad_row)):
            path = Path(tmp) / f"{name.replace(' ', '-')}.csv"
            write(path, args.rows, row)
            results.append((name, path.stat().st_size, *measure(path)))
            path.unlink()
    print(f"acs-triage triage --format json on {args.rows:,} rows\n")
    print("| input | size MiB | wall s | peak RSS MiB | exit |")
    print("|---|---:|---:|---:|---:|")
    for name, size, seconds, peak, code in results:
        print(f"| {args.rows:,} {name} | {size / 2**20:.0f} | {seconds:.1f} | {peak:.0f} | {code} |")
    good, bad = results[0][3], results[1][3]
    print(f"\nrejected / good peak RSS: {bad / good:.2f}")


if __name__ == "__main__":
    main()
