"""Mutation score of the modules whose rules every report rests on (issue 17).

Runs mutmut 3 (``pip install -e '.[test,mutation]'``; not part of ``scripts/test.sh`` or
CI) on the modules of :data:`MODULES`, as ``[tool.mutmut]`` in ``pyproject.toml``
configures it: mutmut copies the tree to ``mutants/`` (git-ignored), runs the selected
fast tests once to learn which tests reach which function, then, for each mutant, runs
the selected tests that reach the mutated function. Prints one line per module:

    score = (killed + timeout) / (mutants - equivalent)

"no tests" (no selected test reaches the function) and "suspicious" count as survivors.
Equivalent mutants (:data:`EQUIVALENT`: no test can tell them from the original) are
listed by name with a reason and left out of the denominator; each entry also names a
fragment of its mutated line, and a name whose mutant no longer has that fragment (the
function changed, mutmut renumbered it) is reported as stale and not excluded.

    .venv/bin/python scripts/mutation.py                 # fresh run of every module
    .venv/bin/python scripts/mutation.py --keep          # reuse mutants/ (mutmut's cache)
    .venv/bin/python scripts/mutation.py --report        # print the last run's scores only
    .venv/bin/python scripts/mutation.py acs_triage.codes --survivors
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"

#: Module -> its file (``only_mutate`` in pyproject.toml lists the same files).
MODULES = {
    "acs_triage.codes": "acs_triage/codes.py",
    "acs_triage.masking": "acs_triage/masking.py",
    "acs_triage.sources.aggregate": "acs_triage/sources/aggregate.py",
    "acs_triage.smoke.stats": "acs_triage/smoke/stats.py",
    "acs_triage.smoke.checks": "acs_triage/smoke/checks.py",
    "acs_triage.queries.literals": "acs_triage/queries/literals.py",
}

#: Equivalent mutants: name -> (a fragment of the mutated line, why no test can kill it).
_AGG = "acs_triage.sources.aggregate.x\u01c1"  # mutmut's name of a method: x<U+01C1>Class<U+01C1>method
EQUIVALENT: dict[str, tuple[str, str]] = {
    # codes
    "acs_triage.codes.x__normalize__mutmut_1": (
        "if type(None) is str",
        "only skips the fast path for text; the general path returns the same string",
    ),
    "acs_triage.codes.x__normalize__mutmut_22": ('decode(errors="replace")', "UTF-8 is decode()'s default"),
    "acs_triage.codes.x__normalize__mutmut_26": ('decode("UTF-8"', "the same codec, spelt in capitals"),
    # masking
    "acs_triage.masking.x_quote__mutmut_6": ("ensure_ascii=None", "None is false, as False is"),
    # smoke.stats
    "acs_triage.smoke.stats.x_wilson_interval__mutmut_82": (
        "min(2.0, centre + half)",
        "below successes == total the Wilson upper bound is under 1: the cap never applies",
    ),
    # smoke.checks
    "acs_triage.smoke.checks.x__p__mutmut_3": (
        "value <= 0.001",
        "differs only for a p-value of exactly 0.001, which erfc gives for no pair of counts tried",
    ),
    # queries.literals
    "acs_triage.queries.literals.x_parse_value__mutmut_7": (
        "int(text.strip(), )",
        "base 10 is int()'s default",
    ),
    "acs_triage.queries.literals.x_parse_value__mutmut_50": (
        "ParameterValueError(None)",
        "unreachable: every KqlType returns above (pragma: no cover)",
    ),
    # sources.aggregate: LegAggregator (caches and ties)
    _AGG + "LegAggregator\u01c1__init____mutmut_37": (
        "self._bin_end = None",
        "read only once a bin is set, which sets it too",
    ),
    _AGG + "LegAggregator\u01c1__init____mutmut_38": (
        "datetime.min.replace(tzinfo=None)",
        "read only once a bin is set, which sets it too",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_25": ("if last >= line else 1", "when last == line both give 1"),
    _AGG + "LegAggregator\u01c1add__mutmut_53": (
        "moment <= accounting.outside_first",
        "on a tie the same moment is stored",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_57": (
        "moment >= accounting.outside_last",
        "on a tie the same moment is stored",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_84": ("moment <= self._min", "on a tie the same moment is stored"),
    _AGG + "LegAggregator\u01c1add__mutmut_90": ("moment >= self._max", "on a tie the same moment is stored"),
    _AGG + "LegAggregator\u01c1add__mutmut_91": (
        "failed = None",
        "a cache: is_failure_end is computed again, with the same answer",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_92": (
        "self._failure.get(None)",
        "a cache: is_failure_end is computed again, with the same answer",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_96": (
        "bin_start = None",
        "a cache: the leg's bin is computed again, with the same answer",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_100": (
        "not bin_start < moment < self._bin_end",
        "a cache: a leg exactly at the bin's start computes the same bin again",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_108": (
        "bin_start - self.bin_size",
        "a cache: every leg computes its bin again, with the same answer",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_131": (
        "moment <= state.first_seen",
        "on a tie the same moment is stored",
    ),
    _AGG + "LegAggregator\u01c1add__mutmut_135": (
        "moment >= state.last_seen",
        "on a tie the same moment is stored",
    ),
}

#: mutmut's exit codes (mutmut/stats.py) folded into the statuses counted here.
_STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    37: "type check",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
}
DETECTED = ("killed", "timeout", "type check")


@dataclass
class ModuleScore:
    module: str
    statuses: Counter[str]
    equivalent: list[str]
    stale: list[str]
    survivors: list[str]  #: not detected and not equivalent
    no_tests: set[str]

    @property
    def mutants(self) -> int:
        return sum(self.statuses.values())

    @property
    def detected(self) -> int:
        return sum(self.statuses[s] for s in DETECTED)

    @property
    def score(self) -> float:
        counted = self.mutants - len(self.equivalent)
        return 100.0 * self.detected / counted if counted else 100.0


def _mutmut() -> str:
    beside = Path(sys.executable).parent / "mutmut"
    found = str(beside) if beside.exists() else shutil.which("mutmut")
    if found is None:
        sys.exit("mutmut is not installed: pip install -e '.[test,mutation]'")
    return found


def _status(code: int | None) -> str:
    if code is None:
        return "not checked"
    return _STATUS.get(code, "suspicious")


def mutated_lines(name: str) -> list[str]:
    """The lines mutant ``name`` adds (from ``mutmut show``)."""
    shown = subprocess.run(
        [_mutmut(), "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    return [line[1:] for line in shown.splitlines() if line.startswith("+") and not line.startswith("+++")]


def score(module: str) -> ModuleScore:
    meta = MUTANTS / (MODULES[module] + ".meta")
    if not meta.exists():
        sys.exit(f"no mutmut results for {module} ({meta} is missing): run without --report")
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    statuses: Counter[str] = Counter()
    equivalent: list[str] = []
    stale: list[str] = []
    survivors: list[str] = []
    no_tests: set[str] = set()
    for name, code in sorted(codes.items()):
        status = _status(code)
        statuses[status] += 1
        if status == "no tests":
            no_tests.add(name)
        if name in EQUIVALENT:
            fragment = EQUIVALENT[name][0]
            if any(fragment in line for line in mutated_lines(name)):
                if status not in DETECTED:
                    equivalent.append(name)
                continue
            stale.append(name)
        if status not in DETECTED:
            survivors.append(name)
    stale += [n for n in EQUIVALENT if n.rsplit(".", 1)[0] == module and n not in codes]
    return ModuleScore(module, statuses, equivalent, stale, survivors, no_tests)


def run(modules: list[str], *, keep: bool, max_children: int) -> None:
    if not keep and MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    patterns = [] if modules == list(MODULES) else [f"{m}.*" for m in modules]
    log = ROOT / ".mutmut-run.log"
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [_mutmut(), "run", "--max-children", str(max_children), *patterns],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        sys.exit(f"mutmut run failed (exit {done.returncode}); see {log}")
    log.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"any of {', '.join(MODULES)}")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ and mutmut's cached results")
    parser.add_argument("--report", action="store_true", help="do not run mutmut: score the last run")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    modules: list[str] = args.modules or list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if not args.report:
        run(modules, keep=args.keep, max_children=args.max_children)
    print("| module | mutants | killed | timeout | survived | of which no tests | equivalent | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    scores = [score(m) for m in modules]
    for s in scores:
        no_tests = sum(1 for n in s.survivors if n in s.no_tests)
        print(
            f"| {s.module} | {s.mutants} | {s.statuses['killed'] + s.statuses['type check']} "
            f"| {s.statuses['timeout']} | {len(s.survivors)} | {no_tests} "
            f"| {len(s.equivalent)} | {s.score:.1f} % |"
        )
    for s in scores:
        for name in s.stale:
            print(f"stale equivalent (not excluded): {name}", file=sys.stderr)
        if args.survivors:
            for name in s.survivors:
                print(f"survivor: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
