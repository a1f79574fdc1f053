#!/usr/bin/env python3
"""Benchmark: live triage against the local workspace emulator, at 10k, 100k and 1M legs.

For each size it runs (1) acs-triage's triage, which lets the workspace aggregate
(three queries), and (2) a naive baseline that downloads every failed PSTN leg
(``pstn-failed-legs`` with a cap above the row count) and aggregates on the client.
It prints a markdown table of query requests, response bytes and client-side time.

Loopback only: the emulator listens on 127.0.0.1. Run from the repository root:

    .venv/bin/python benchmarks/live_triage.py [--sizes 10000,100000,1000000]

"Client wall s" is the wall time of one run seen by the client: HTTPS, JSON decoding,
local aggregation and report building, plus the emulator's KQL execution (the same
work for both methods, done on the same 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from azure.identity import AzureCliCredential  # noqa: E402

from acs_triage.queries.store import get_query  # noqa: E402
from acs_triage.sources.connection import Connection  # noqa: E402
from acs_triage.sources.workspace import LogsRunner, RunnerOptions, Target, fetch_triage_input  # noqa: E402
from acs_triage.triage.engine import build_report  # noqa: E402
from tests.emulator import LogAnalyticsEmulator, generate_call_summary, install_fake_az  # noqa: E402

WS = "7d3f7a5e-1c2b-4a8e-9d6f-0123456789ab"
TOKEN = "benchmark-token"


def run(sizes: list[int]) -> str:
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
    start, end = now - timedelta(hours=24), now
    rows = [
        "| legs | method | query requests | response bytes | client wall s | rows received | failed pairs |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        install_fake_az(Path(tmp), token=TOKEN)
        os.environ["PATH"] = f"{tmp}:{os.environ['PATH']}"
        for size in sizes:
            df = generate_call_summary(size, seed=11, now=now)
            with LogAnalyticsEmulator({"ACSCallSummary": df}, workspaces={WS}, now=now, token=TOKEN) as emu:
                os.environ["REQUESTS_CA_BUNDLE"] = str(emu.ca_path)
                connection = Connection.for_cloud(endpoint=emu.url)
                options = RunnerOptions(total_timeout=600, server_timeout=590)
                # (1) acs-triage: aggregated in the workspace
                with LogsRunner(Target(workspace_id=WS), connection, AzureCliCredential(), options) as runner:
                    first = len(emu.requests)
                    t0 = time.perf_counter()
                    report = build_report(fetch_triage_input(runner, start, end))
                    wall = time.perf_counter() - t0
                    sent = emu.requests[first:]
                    rows.append(
                        f"| {size:,} | acs-triage (workspace aggregates) | {len(sent)} | "
                        f"{sum(r.response_bytes for r in sent):,} | {wall:.2f} | "
                        f"{len(report.findings) + len(report.timeline) + 1} | "
                        f"{len(report.findings)} |"
                    )
                # (2) naive: download every failed leg, aggregate locally
                with LogsRunner(Target(workspace_id=WS), connection, AzureCliCredential(), options) as runner:
                    first = len(emu.requests)
                    t0 = time.perf_counter()
                    result = runner.run(
                        get_query("pstn-failed-legs"),
                        {"start": start, "end": end, "max_rows": 500_000},
                        (start, end),
                    )
                    pairs = Counter(
                        (r["ParticipantEndReason"], r["ParticipantEndSubCode"]) for r in result.rows
                    )
                    wall = time.perf_counter() - t0
                    sent = emu.requests[first:]
                    note = " (capped at 500,000: incomplete)" if len(result.rows) >= 500_000 else ""
                    rows.append(
                        f"| {size:,} | naive: download failed legs{note} | {len(sent)} | "
                        f"{sum(r.response_bytes for r in sent):,} | {wall:.2f} | "
                        f"{len(result.rows):,} | {len(pairs)} |"
                    )
            print(f"done {size:,} legs", file=sys.stderr)
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(run(sizes))


if __name__ == "__main__":
    main()
