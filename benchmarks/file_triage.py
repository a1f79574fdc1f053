#!/usr/bin/env python3
"""Benchmark: offline triage of generated portal-style CSV exports, side by side.

Each tool does its work on the same file, in the same run, as a separate process, one
after the other, round after round: wall time is measured from outside (interpreter
start and imports included), peak memory is the process's own peak resident set
(``VmHWM``). Tools:

- ``acs-triage``: the whole ``acs-triage triage --from-file FILE -f json`` command
  (the columnar engine, DuckDB, for CSV exports of 16 MiB or more);
- ``acs-triage (reference engine)`` with ``--reference``: the same report through the
  pure-Python reader and aggregator (``FileSource(engine="reference")``);
- ``pandas``: ``read_csv`` of the four columns it needs, PSTN legs grouped by pair
  (legs, distinct calls), each failed pair looked up in the catalog;
- ``polars`` and ``duckdb (raw SQL)``, when installed: the same group-by.

Prints a markdown table per size (median of the rounds) with the ratios to pandas, and
exits 1 when the tools disagree on PSTN legs, failed legs or failed pairs.

    .venv/bin/python benchmarks/file_triage.py [--rows 1000000,5000000] [--rounds 3]
        [--data-dir DIR] [--reference]

Needs pandas (the test extras). The CSVs (168 MiB per million rows) are written to
``--data-dir`` (kept, and reused by later runs) or to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from importlib.util import find_spec
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

# Run at the start of every measured process: at exit, report the peak resident set of
# this process image (VmHWM; unlike ru_maxrss it does not include the forking parent).
PEAK = """
import atexit, json, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("BENCHMARK " + json.dumps({"peak_mib": int(line.split()[1]) / 1024}) + "\\n")
atexit.register(_peak)
"""

ACS_TRIAGE = """
import sys
sys.argv = ["acs-triage", "triage", "--from-file", sys.argv[1], "-f", "json", "-o", sys.argv[2]]
from acs_triage.cli.app import main
main()
"""

REFERENCE = """
import sys
from pathlib import Path
from acs_triage.cli.output import emit
from acs_triage.formats import OutputFormat
from acs_triage.formats.triage_view import report_view
from acs_triage.sources.files import FileSource
from acs_triage.triage.engine import build_report
from acs_triage.windows import Window
with FileSource([sys.argv[1]], engine="reference") as source:
    (data,) = source.triage([Window(None, None)])
emit(report_view(build_report(data)), OutputFormat.JSON, Path(sys.argv[2]))
"""

PANDAS = """
import json, sys
import pandas as pd
from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failure_end
cols = ["EndpointType", "CorrelationId", "ParticipantEndReason", "ParticipantEndSubCode"]
df = pd.read_csv(sys.argv[1], usecols=cols, dtype=str, keep_default_na=False, encoding="utf-8-sig")
df = df[df["EndpointType"].str.strip().str.lower() == "pstn"]
groups = (df.groupby(["ParticipantEndReason", "ParticipantEndSubCode"])
            .agg(legs=("CorrelationId", "size"), calls=("CorrelationId", "nunique"))
            .reset_index())
catalog = load_catalog()
groups["title"] = [catalog.explain(r, s).title for r, s in
                   zip(groups["ParticipantEndReason"], groups["ParticipantEndSubCode"])]
failed = groups[[is_failure_end(r) for r in groups["ParticipantEndReason"]]]
json.dump({"legs": int(len(df)), "failed": int(failed["legs"].sum()), "pairs": int(len(failed))},
          open(sys.argv[2], "w"))
"""

POLARS = """
import json, sys
import polars as pl
from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failure_end
cols = ["EndpointType", "CorrelationId", "ParticipantEndReason", "ParticipantEndSubCode"]
groups = (pl.scan_csv(sys.argv[1], infer_schema=False).select(cols)
            .filter(pl.col("EndpointType").str.strip_chars().str.to_lowercase() == "pstn")
            .group_by(["ParticipantEndReason", "ParticipantEndSubCode"])
            .agg(pl.len().alias("legs"), pl.col("CorrelationId").n_unique().alias("calls"))
            .collect())
catalog = load_catalog()
rows = groups.rows(named=True)
failed = [r for r in rows if is_failure_end(r["ParticipantEndReason"])]
for r in failed:
    catalog.explain(r["ParticipantEndReason"], r["ParticipantEndSubCode"])
json.dump({"legs": sum(r["legs"] for r in rows), "failed": sum(r["legs"] for r in failed),
           "pairs": len(failed)}, open(sys.argv[2], "w"))
"""

DUCKDB = """
import json, sys
import duckdb
from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failure_end
rows = duckdb.sql(
    "SELECT ParticipantEndReason, ParticipantEndSubCode, count(*), count(DISTINCT CorrelationId) "
    "FROM read_csv(?, all_varchar = true) WHERE lower(trim(EndpointType)) = 'pstn' GROUP BY ALL",
    params=[sys.argv[1]],
).fetchall()
catalog = load_catalog()
failed = [r for r in rows if is_failure_end(r[0])]
for r in failed:
    catalog.explain(r[0], r[1])
json.dump({"legs": sum(r[2] for r in rows), "failed": sum(r[2] for r in failed), "pairs": len(failed)},
          open(sys.argv[2], "w"))
"""


def make_csv(path: Path, rows: int) -> None:
    """Write a portal-style CSV export of ``rows`` legs (in this process: run it in a
    child, so that the benchmark's own process stays small)."""
    sys.path.insert(0, str(ROOT))
    from tests.emulator import generate_call_summary

    now = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=1)
    df = generate_call_summary(rows, seed=5, now=now)
    out = df[list(COLUMNS.values())].copy()
    for column in ("TimeGenerated", "CallStartTime"):
        out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out.columns = list(COLUMNS)
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def ensure_csv(folder: Path, rows: int) -> Path:
    path = folder / f"export-{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.file_triage import make_csv; "
        code += f"from pathlib import Path; make_csv(Path({str(partial)!r}), {rows})"
        subprocess.run([sys.executable, "-c", code], check=True)
        partial.rename(path)
        print(
            f"generated {path} ({rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return path


def measure(code: str, path: Path, out: Path) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter on ``path``: wall seconds, peak MiB, and the
    figures it wrote to ``out``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", PEAK + code, str(path), str(out)], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}):\n{result.stderr[-2000:]}")
    peak = next(
        json.loads(line[len("BENCHMARK ") :])
        for line in result.stderr.splitlines()
        if line.startswith("BENCHMARK ")
    )
    figures = json.loads(out.read_text())
    if "totals" in figures:  # an acs-triage report
        totals = figures["totals"]
        figures = {"legs": totals["legs"], "failed": totals["failed_legs"], "pairs": len(figures["findings"])}
    return {"seconds": seconds, **peak, **figures}


def tools(reference: bool) -> dict[str, str]:
    chosen = {"acs-triage": ACS_TRIAGE}
    if reference:
        chosen["acs-triage (reference engine)"] = REFERENCE
    chosen["pandas"] = PANDAS
    if find_spec("polars") is not None:
        chosen["polars"] = POLARS
    if find_spec("duckdb") is not None:
        chosen["duckdb (raw SQL)"] = DUCKDB
    return chosen


def run(path: Path, rounds: int, reference: bool, folder: Path) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {name: [] for name in tools(reference)}
    for _ in range(rounds):
        for name, code in tools(reference).items():
            results[name].append(measure(code, path, folder / "out.json"))
    return results


HEADER = "| tool | wall s | peak RSS MiB | wall / pandas | peak / pandas | PSTN legs | failed legs | pairs |"


def report(rows: int, path: Path, results: dict[str, list[dict[str, float]]]) -> bool:
    rounds = len(results["pandas"])
    print(f"\n{rows:,} rows ({path.stat().st_size / 2**20:.0f} MiB), median of {rounds} runs:\n")
    print(HEADER)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    base_seconds = statistics.median(r["seconds"] for r in results["pandas"])
    base_peak = statistics.median(r["peak_mib"] for r in results["pandas"])
    answers = set()
    for name, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mib"] for r in runs)
        last = runs[-1]
        answers.add((last["legs"], last["failed"], last["pairs"]))
        ratios = f"{seconds / base_seconds:.2f} | {peak / base_peak:.2f}"
        figures = f"{int(last['legs']):,} | {int(last['failed']):,} | {int(last['pairs'])}"
        print(f"| {name} | {seconds:.2f} | {peak:.0f} | {ratios} | {figures} |")
    return len(answers) == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", default="1000000,5000000", help="comma-separated sizes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="keep the generated CSVs here (and reuse them)")
    parser.add_argument("--reference", action="store_true", help="also time the pure-Python reference engine")
    args = parser.parse_args()
    sizes = [int(size) for size in args.rows.split(",")]
    agree = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for rows in sizes:
            path = ensure_csv(folder, rows)
            agree = report(rows, path, run(path, args.rounds, args.reference, Path(tmp))) and agree
        if len(sizes) > 1:
            print(f"\n(command: {' '.join([Path(sys.executable).name, *sys.argv])})")
    if not agree:
        print("\nWARNING: the tools disagree", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
