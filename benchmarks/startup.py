#!/usr/bin/env python3
"""Benchmark: start-up of acs-triage commands beside ``python -c "import typer, tabulate"``.

Every command runs in a fresh process, alternately, for ``--rounds`` rounds in one run
(the order rotates each round, after one untimed warm-up round), so each ratio compares
processes that ran moments apart on the same machine. The ratio of a command is taken per
round, against that round's ``import typer, tabulate``; the table gives its median, min and
max, and the last line also the ratio of the fastest runs (the least disturbed by other
load). Also timed: a minimal typer app parsing the same arguments as ``explain``, the floor
of any typer command (typer 0.29 imports pydantic to coerce parameter values; acs-triage pins
typer below 0.29). Prints a
markdown table and the start-up ratio of ``explain 403 560403``.

    .venv/bin/python benchmarks/startup.py [--rounds 20]

Exits non-zero only when a command fails; the figures are reported, never judged.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

REFERENCE = "import typer, tabulate"
#: The least any typer command with these parameters costs: typer, its parsing and
#: coercion of the values (through pydantic from typer 0.29 on), tabulate for the output.
TYPER_FLOOR = """
from typing import Annotated, Optional
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
@app.command()
def explain(code: str, sub_code: Annotated[Optional[str], typer.Argument()] = None,
            fmt: Annotated[str, typer.Option("--format")] = "table") -> None:
    from tabulate import tabulate
    print(tabulate([[code, sub_code]]))
@app.command()
def other() -> None: ...
app()
"""


def _acs_triage() -> list[str]:
    """The console script installed beside this interpreter (what a user runs)."""
    script = Path(sys.executable).with_name("acs-triage")
    if not script.is_file():
        raise SystemExit(f"{script} not found: pip install -e . first")
    return [str(script)]


def commands() -> dict[str, list[str]]:
    cli = _acs_triage()
    return {
        f'python -c "{REFERENCE}"': [sys.executable, "-c", REFERENCE],
        "minimal typer app: explain 403 560403": [
            sys.executable,
            "-c",
            TYPER_FLOOR,
            "explain",
            "403",
            "560403",
        ],
        "acs-triage explain 403 560403": [*cli, "explain", "403", "560403"],
        "acs-triage codes": [*cli, "codes"],
        "acs-triage --help": [*cli, "--help"],
    }


def timed(argv: list[str]) -> float:
    env = {**os.environ, "COLUMNS": "100"}
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False, timeout=120)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip()
        raise SystemExit(f"{' '.join(argv[:3])} exited {done.returncode}: {stderr[-500:]}")
    return seconds


def measure(runs: dict[str, list[str]], rounds: int) -> dict[str, list[float]]:
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds + 1):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            seconds = timed(runs[name])
            if index:  # round 0 warms the caches
                times[name].append(seconds)
    return times


def report(times: dict[str, list[float]], rounds: int) -> str:
    reference = next(iter(times.values()))
    out = [
        f"{rounds} rounds; Python {platform.python_version()}, typer {version('typer')}, "
        f"{os.cpu_count()} CPUs",
        "",
        "| command | median s | min s | ratio to import, median | min | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ratios: dict[str, list[float]] = {}
    for name, values in times.items():
        ratios[name] = [value / base for value, base in zip(values, reference, strict=True)]
        out.append(
            f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} | "
            f"{statistics.median(ratios[name]):.2f}x | {min(ratios[name]):.2f}x | {max(ratios[name]):.2f}x |"
        )
    name = "acs-triage explain 403 560403"
    explain = ratios[name]
    out += [
        "",
        f"start-up ratio ({name} / {REFERENCE}): {statistics.median(explain):.2f}x median of "
        f"{rounds} rounds ({min(explain):.2f}x to {max(explain):.2f}x); fastest runs: "
        f"{min(times[name]) / min(reference):.2f}x",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds (default 20)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print(report(measure(commands(), args.rounds), args.rounds))


if __name__ == "__main__":
    main()
