#!/usr/bin/env python3
"""Benchmark: a month of hourly CallSummary blobs, triaged from a folder and from Azurite.

Generates 30 days of diagnostic records for one ACS resource (``--calls-per-day`` calls
a day, about 2.8 legs a call, in the storage layout: one JSON Lines blob per hour),
writes them to a folder and uploads them to Azurite (Microsoft's storage emulator,
started on 127.0.0.1 as the tests do), then triages the whole month and the last 24
hours from each, every run in its own process so that its peak RSS is its own.
Prints a markdown table: wall time, peak RSS, blobs listed and opened, listing
requests, bytes read, records read, PSTN legs.

    .venv/bin/python benchmarks/storage_triage.py [--calls-per-day 5000] [--days 30]

Needs the test extras (pandas) and Azurite (``npm ci``). Uses a temporary folder.
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
RESOURCE = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-bench"
)
LEGS_PER_CALL = 2.83  # the generator's mean legs per call

RUN = """
import json, sys, time
from datetime import datetime, timedelta, timezone
def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
t0 = time.perf_counter()
from acs_triage.sources.archive.client import StorageTarget
from acs_triage.sources.spec import SourceSpec, open_source
from acs_triage.triage.engine import build_report
from acs_triage.windows import Window
where, start, end = sys.argv[1], datetime.fromisoformat(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
if where.startswith("http"):
    spec = SourceSpec(storage=StorageTarget(where, connection_string=sys.argv[4]))
else:
    spec = SourceSpec(files=(where,))
with open_source(spec) as source:
    (data,) = source.triage([Window(start, end)])
    stats = source.stats
report = build_report(data)
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mib": peak_mib(),
                  "listed": stats.blobs_listed, "opened": stats.blobs_opened,
                  "listings": stats.list_requests, "bytes": stats.bytes_read,
                  "rows": data.accounting.rows_read, "legs": report.totals.legs,
                  "failed": report.totals.failed_legs}))
"""


def generate(folder: Path, calls_per_day: int, days: int, end: datetime) -> tuple[int, int]:
    """Write ``days`` days of hourly blobs ending at ``end`` below ``folder``; (records, bytes)."""
    sys.path.insert(0, str(ROOT))
    from tests.diagnostic_archive import archive_blobs, jsonl, write_tree
    from tests.emulator import generate_call_summary

    records = size = 0
    for day in range(days):
        day_end = end - timedelta(days=day)
        legs = int(calls_per_day * LEGS_PER_CALL)
        rows = generate_call_summary(
            legs, seed=100 + day, now=day_end, window=timedelta(days=1), resource_id=RESOURCE
        )
        rows = rows.sort_values("TimeGenerated", kind="stable")
        blobs = {name: jsonl(r) for name, r in archive_blobs(rows).items()}
        write_tree(folder, blobs)
        records += len(rows)
        size += sum(len(b) for b in blobs.values())
    return records, size


def upload(azurite: object, folder: Path) -> float:
    from azure.storage.blob import ContainerClient

    started = time.perf_counter()
    client = ContainerClient.from_connection_string(
        azurite.connection_string(),  # type: ignore[attr-defined]
        "insights-logs-callsummary",
        connection_verify=azurite.ca_path,  # type: ignore[attr-defined]
    )
    with client:
        client.create_container()
        for path in sorted(folder.rglob("*.json")):
            with path.open("rb") as data:
                client.upload_blob(path.relative_to(folder).as_posix(), data, overwrite=True)
    return time.perf_counter() - started


def measure(
    where: str, start: datetime, end: datetime, extra: list[str], env: dict[str, str]
) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, where, start.isoformat(), end.isoformat(), *extra],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls-per-day", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.azurite import Azurite

    end = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    month = (end - timedelta(days=args.days), end)
    day = (end - timedelta(days=1), end)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "insights-logs-callsummary"
        t0 = time.perf_counter()
        records, size = generate(folder, args.calls_per_day, args.days, end)
        print(
            f"generated {records:,} records in {args.days * 24} hourly blobs, {size / 2**20:.0f} MiB, "
            f"in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
        azurite = Azurite(Path(tmp) / "azurite").start()
        try:
            seconds = upload(azurite, folder)
            print(f"uploaded to Azurite in {seconds:.0f} s", file=sys.stderr)
            env = {**os.environ, "PYTHONPATH": str(ROOT), "REQUESTS_CA_BUNDLE": azurite.ca_path}
            conn = [azurite.connection_string()]
            runs = [
                ("folder", f"{args.days} days", measure(str(folder), *month, [], env)),
                ("folder", "24 hours", measure(str(folder), *day, [], env)),
                ("Azurite", f"{args.days} days", measure(azurite.account_url, *month, conn, env)),
                ("Azurite", "24 hours", measure(azurite.account_url, *day, conn, env)),
            ]
        finally:
            azurite.stop()
    print(
        f"{args.calls_per_day:,} calls/day, {args.days} days: {records:,} records, "
        f"{args.days * 24} hourly blobs, {size / 2**20:.0f} MiB\n"
    )
    print(
        "| source | window | wall s | peak RSS MiB | blobs listed | blobs opened | listings "
        "| MiB read | records read | PSTN legs |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for source, window, r in runs:
        print(
            f"| {source} | {window} | {r['seconds']:.1f} | {r['peak_mib']:.0f} | {int(r['listed'])} | "
            f"{int(r['opened'])} | {int(r['listings'])} | {r['bytes'] / 2**20:.0f} | {int(r['rows']):,} | "
            f"{int(r['legs']):,} |"
        )
    legs = {r["legs"] for _, window, r in runs if window != "24 hours"}
    if len(legs) != 1:
        print("\nWARNING: folder and Azurite disagree", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
