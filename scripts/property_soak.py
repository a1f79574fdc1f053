"""Run the property tests (Hypothesis ``@given`` tests) N times, each with a fresh random seed.

Issue 17: a property test must pass whatever the seed, so a landing cannot fail at
random. Each run is ``pytest -m hypothesis --hypothesis-seed=<random>`` over the files
that hold ``@given`` tests (Hypothesis marks those tests ``hypothesis``). Stops at the
first failing run and prints its seed, to replay it::

    .venv/bin/python scripts/property_soak.py 50
    .venv/bin/python -m pytest -m hypothesis --hypothesis-seed=<seed> <files>

Not part of ``scripts/test.sh`` or CI (50 runs take several minutes).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def property_test_files() -> list[str]:
    """The test files that hold ``@given`` tests."""
    files = [p for p in sorted((ROOT / "tests").rglob("test_*.py")) if "@given" in p.read_text("utf-8")]
    return [str(p.relative_to(ROOT)) for p in files]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("runs", nargs="?", type=int, default=50, help="how many runs (default 50)")
    parser.add_argument("files", nargs="*", help="test files (default: every file with @given tests)")
    args = parser.parse_args(argv)
    files = args.files or property_test_files()
    seeds = random.SystemRandom()
    started = time.monotonic()
    for run in range(1, args.runs + 1):
        seed = seeds.randrange(2**32)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "hypothesis"]
        done = subprocess.run(
            [*command, f"--hypothesis-seed={seed}", *files],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"run {run}/{args.runs} seed {seed}: {summary}", flush=True)
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
            print(
                f"FAILED at run {run}; replay: {' '.join(command)} --hypothesis-seed={seed} {' '.join(files)}"
            )
            return 1
    print(f"{args.runs} consecutive runs passed ({time.monotonic() - started:.0f} s) on {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
