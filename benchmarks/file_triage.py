#!/usr/bin/env python3
"""Benchmark: offline triage of a generated 1M-row CSV export, beside a pandas baseline.

Both do the same work on the same file, in the same run, each in its own process so
peak memory is its own: read the CSV, keep PSTN legs, group by (end reason,
sub-code), join the catalog. acs-triage streams (memory does not grow with the
file); pandas loads the columns it needs. Prints a markdown table.

    .venv/bin/python benchmarks/file_triage.py [--rows 1000000] [--keep FILE]

Needs pandas (installed by the test extras). Writes the CSV to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = {  # portal export header -> dataset column
    "TimeGenerated [UTC]": "TimeGenerated",
    "CorrelationId": "CorrelationId",
    "ParticipantId": "ParticipantId",
    "Identifier": "Identifier",
    "EndpointType": "EndpointType",
    "CallStartTime [UTC]": "CallStartTime",
    "ParticipantEndReason": "ParticipantEndReason",
    "ParticipantEndSubCode": "ParticipantEndSubCode",
    "ResultCategory": "ResultCategory",
    "PstnParticipantCallType": "PstnParticipantCallType",
}

# VmHWM (peak resident set of this process image): unlike ru_maxrss it is not inherited
# from the forking parent, which holds the generated data.
PEAK = """
def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
"""

ACS_TRIAGE = (
    PEAK
    + """
import json, sys, time
t0 = time.perf_counter()
from acs_triage.sources.files import read_files
from acs_triage.triage.engine import build_report
report = build_report(read_files([sys.argv[1]]))
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mib": peak_mib(),
                  "legs": report.totals.legs, "failed": report.totals.failed_legs,
                  "pairs": len(report.findings)}))
"""
)

PANDAS = (
    PEAK
    + """
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failure_end
cols = ["EndpointType", "CorrelationId", "ParticipantEndReason", "ParticipantEndSubCode"]
df = pd.read_csv(sys.argv[1], usecols=cols, dtype=str, keep_default_na=False,
                 encoding="utf-8-sig")
df = df[df["EndpointType"].str.strip().str.lower() == "pstn"]
groups = (df.groupby(["ParticipantEndReason", "ParticipantEndSubCode"])
            .agg(legs=("CorrelationId", "size"), calls=("CorrelationId", "nunique"))
            .reset_index())
catalog = load_catalog()
groups["title"] = [catalog.explain(r, s).title for r, s in
                   zip(groups["ParticipantEndReason"], groups["ParticipantEndSubCode"])]
failed = groups[[is_failure_end(r) for r in groups["ParticipantEndReason"]]]
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mib": peak_mib(),
                  "legs": int(len(df)), "failed": int(failed["legs"].sum()),
                  "pairs": int(len(failed))}))
"""
)


def make_csv(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.emulator import generate_call_summary

    now = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=1)
    df = generate_call_summary(rows, seed=5, now=now)
    out = df[list(COLUMNS.values())].copy()
    for column in ("TimeGenerated", "CallStartTime"):
        out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out.columns = list(COLUMNS)
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def measure(code: str, path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="also keep the generated CSV here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "export.csv"
        t0 = time.perf_counter()
        make_csv(path, args.rows)
        size = path.stat().st_size
        print(
            f"generated {args.rows:,} rows, {size / 2**20:.0f} MiB in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
        ours = measure(ACS_TRIAGE, path)
        baseline = measure(PANDAS, path)
    print(f"CSV export: {args.rows:,} rows, {size / 2**20:.0f} MiB\n")
    print("| tool | wall s | peak RSS MiB | PSTN legs | failed legs | failed pairs |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in (("acs-triage (streaming)", ours), ("pandas baseline", baseline)):
        print(
            f"| {name} | {r['seconds']:.1f} | {r['peak_mib']:.0f} | {int(r['legs']):,} | "
            f"{int(r['failed']):,} | {int(r['pairs'])} |"
        )
    if (ours["legs"], ours["failed"], ours["pairs"]) != (
        baseline["legs"],
        baseline["failed"],
        baseline["pairs"],
    ):
        print("\nWARNING: the two disagree", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
