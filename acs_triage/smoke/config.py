"""What the smoke gate checks and with which thresholds (``acs-triage smoke`` options).

Defaults, and why (``docs/smoke.md`` has the long form):

* ``max_failure_rate`` 10 % of legs, counting every failed leg (as the engine
  defines it: any end reason but ``0`` and 2xx) except those in an ignored category.
* callee outcomes left out: busy, no answer, declined and canceled legs (the catalog's
  ``callee-outcome`` categories) say nothing about a deployment, and their share swings
  with who is called and when; Microsoft marks a busy callee and a canceled call as
  Success. Ignored legs leave both the numerator and the denominator of the rate.
  ``count_callee_outcomes`` brings them back; ``ignore_categories`` adds categories.
* ``max_unexpected_rate`` off: Microsoft's unexpected rate (ResultCategory
  Unexpected*) is reported, and gated only when a maximum is given.
* ``block_pairs``: three pairs that mean "this configuration is broken" and never
  happen on a healthy resource, so one occurrence fails the gate: 403/511532 (no
  SIP trunk configuration), 403/510403 (call blocked: alternate ID, routing) and
  404/511404 (resource or number not found).
* ``min_legs`` 20: with fewer considered legs one failure moves the rate by 5+
  points, so the rate checks say "inconclusive" rather than pass or fail.
* ``alpha`` 0.01 and ``min_increase`` 2 points for the regression check: it fails
  only on an increase that is both unlikely to be chance and large enough to matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from acs_triage.codes import normalize_code
from acs_triage.errors import UsageError
from acs_triage.records import PSTN_SCOPE

__all__ = [
    "DEFAULT_BLOCK_PAIRS",
    "DEFAULT_IGNORE_CATEGORIES",
    "BlockPair",
    "GateConfig",
    "parse_block_pair",
]


@dataclass(frozen=True, order=True)
class BlockPair:
    """An (end reason, sub-code) pair that fails the gate on one leg; sub-code ``*`` = any."""

    end_reason: str
    end_sub_code: str
    label: str = field(default="", compare=False)

    def matches(self, end_reason: str, end_sub_code: str) -> bool:
        return self.end_reason == end_reason and self.end_sub_code in ("*", end_sub_code)

    def __str__(self) -> str:
        return f"{self.end_reason}/{self.end_sub_code}"


DEFAULT_BLOCK_PAIRS: tuple[BlockPair, ...] = (
    BlockPair("403", "511532", "no SIP trunk configuration for the resource"),
    BlockPair("403", "510403", "call blocked: alternate caller ID or routing"),
    BlockPair("404", "511404", "resource or number not found"),
)
#: Categories ignored besides the callee outcomes (none by default).
DEFAULT_IGNORE_CATEGORIES: frozenset[str] = frozenset()


def parse_block_pair(text: str) -> BlockPair:
    """``403/511532`` (or ``403/*`` for every sub-code of 403) to a :class:`BlockPair`."""
    reason, sep, sub = text.strip().partition("/")
    reason, sub = normalize_code(reason), sub.strip()
    sub = sub if sub == "*" else normalize_code(sub)
    if not sep or not reason or not sub or "/" in sub:
        raise UsageError(
            f"--block expects END_REASON/SUB_CODE such as 403/511532 "
            f"(or 403/* for any sub-code), got {text!r}"
        )
    return BlockPair(reason, sub)


@dataclass(frozen=True)
class GateConfig:
    """Thresholds and rules of one smoke run. Percentages are in percent (10.0 = 10 %)."""

    max_failure_rate: float = 10.0
    ignore_categories: frozenset[str] = DEFAULT_IGNORE_CATEGORIES
    block_pairs: tuple[BlockPair, ...] = DEFAULT_BLOCK_PAIRS
    block_categories: frozenset[str] = frozenset()
    min_legs: int = 20
    baseline: timedelta | None = None
    alpha: float = 0.01
    min_increase: float = 2.0
    count_callee_outcomes: bool = False  #: count busy/no-answer/declined/canceled legs as failures
    max_unexpected_rate: float | None = None  #: percent; None: reported, not gated
    scope: str = PSTN_SCOPE  #: which legs are judged: pstn, voip or all (``--scope``)

    def ignores(self, category: str, kind: str) -> bool:
        """Whether failed legs of this category leave the failure rate."""
        return category in self.ignore_categories or (
            kind == "callee-outcome" and not self.count_callee_outcomes
        )

    def __post_init__(self) -> None:
        if not 0.0 <= self.max_failure_rate <= 100.0:
            raise UsageError(
                f"--max-failure-rate must be within 0..100 (percent), got {self.max_failure_rate:g}"
            )
        if self.min_legs < 1:
            raise UsageError(f"--min-legs must be at least 1, got {self.min_legs}")
        if not 0.0 < self.alpha < 1.0:
            raise UsageError(f"--alpha must be within (0, 1), got {self.alpha:g}")
        if not 0.0 <= self.min_increase <= 100.0:
            raise UsageError(
                f"--min-increase must be within 0..100 (percentage points), got {self.min_increase:g}"
            )
        if self.max_unexpected_rate is not None and not 0.0 <= self.max_unexpected_rate <= 100.0:
            raise UsageError(
                f"--max-unexpected-rate must be within 0..100 (percent), got {self.max_unexpected_rate:g}"
            )
        if self.baseline is not None and self.baseline <= timedelta(0):
            raise UsageError("--baseline must be a positive duration")

    def validate_categories(self, known: Iterable[str]) -> None:
        """Reject category names the catalog does not use (typos would silently do nothing)."""
        valid = set(known)
        for option, names in (
            ("--ignore-category", self.ignore_categories),
            ("--block-category", self.block_categories),
        ):
            unknown = sorted(set(names) - valid)
            if unknown:
                raise UsageError(f"unknown {option} {', '.join(unknown)}; valid: {', '.join(sorted(valid))}")

    def to_dict(self) -> dict[str, object]:
        return {
            "max_failure_rate_pct": self.max_failure_rate,
            "ignore_categories": sorted(self.ignore_categories),
            "count_callee_outcomes": self.count_callee_outcomes,
            "max_unexpected_rate_pct": self.max_unexpected_rate,
            "block_pairs": [str(p) for p in self.block_pairs],
            "block_categories": sorted(self.block_categories),
            "min_legs": self.min_legs,
            "baseline_seconds": None if self.baseline is None else self.baseline.total_seconds(),
            "alpha": self.alpha,
            "min_increase_pp": self.min_increase,
            "scope": self.scope,
        }
