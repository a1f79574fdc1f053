#!/usr/bin/env python3
"""Benchmark: what the DuckDB dependency costs: its installed size, and the time and
memory of ``import duckdb`` (plus a first connection) in a fresh interpreter.

The installed size adds up the files the wheel's ``RECORD`` lists (the compiled
``_duckdb`` module dominates). The import is timed inside each of ``--rounds`` fresh
interpreters (median, min, max), beside ``import typer, tabulate`` (what every command
imports), and the resident set after it is read from ``/proc/self/status``. acs-triage
imports DuckDB only when the columnar engine answers (CSV exports of 16 MiB or more),
so no other command pays for it. Prints a markdown table; the figures are reported,
never judged.

    .venv/bin/python benchmarks/duckdb_cost.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

PROBE = """
import json, time
t0 = time.perf_counter()
{code}
seconds = time.perf_counter() - t0
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024
print(json.dumps({{"seconds": seconds, "rss_mib": rss}}))
"""

CASES = {
    "import typer, tabulate": "import typer, tabulate",
    "import duckdb": "import duckdb",
    "import duckdb + connect + SELECT 1": "import duckdb\nduckdb.connect().execute('SELECT 1').fetchall()",
}


def installed_mib() -> tuple[str, float]:
    dist = distribution("duckdb")
    files = dist.files or []
    total = sum(
        Path(str(dist.locate_file(f))).stat().st_size
        for f in files
        if Path(str(dist.locate_file(f))).exists()
    )
    return dist.version, total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    version, size = installed_mib()
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, code in CASES.items():
            done = subprocess.run(
                [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True
            )
            runs[name].append(json.loads(done.stdout))
    print(f"duckdb {version}: {size:.1f} MiB installed (the files its wheel's RECORD lists)\n")
    print(f"| in a fresh interpreter ({args.rounds} rounds) | median ms | min ms | max ms | RSS after, MiB |")
    print("|---|---:|---:|---:|---:|")
    for name, results in runs.items():
        ms = [r["seconds"] * 1000 for r in results]
        rss = statistics.median(r["rss_mib"] for r in results)
        print(f"| `{name}` | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
