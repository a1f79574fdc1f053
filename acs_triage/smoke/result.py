"""The smoke gate's result: checks, the overall verdict and its exit code.

``SmokeResult.to_dict()`` is the JSON contract ``acs-triage/smoke-result/v1``
(``docs/smoke.md``). Fields may be added, never renamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from acs_triage.errors import ExitCode
from acs_triage.jsonable import fields_json
from acs_triage.smoke.config import GateConfig
from acs_triage.times import iso
from acs_triage.triage.report import TimelinePoint
from acs_triage.version import __version__
from acs_triage.windows import Window

__all__ = [
    "SMOKE_SCHEMA",
    "BlockingHit",
    "CheckResult",
    "CheckStatus",
    "GateStatus",
    "SmokeResult",
    "TopFailure",
    "WindowStats",
    "overall",
]

SMOKE_SCHEMA = "acs-triage/smoke-result/v1"

JsonValue = str | int | float | bool | None | list[str]


class CheckStatus(str, Enum):
    """The verdict of one check."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    SKIPPED = "skipped"  #: not configured (no --baseline), or not evaluated after an error
    ERROR = "error"  #: the data could not be obtained (auth, config, query, input)


class GateStatus(str, Enum):
    """The verdict of the whole gate (see :func:`overall`)."""

    PASS = "pass"  #: every check passed or was skipped
    FAIL = "fail"  #: at least one check failed (exit 1)
    INCONCLUSIVE = "inconclusive"  #: too little or partial data (exit 6)
    ERROR = "error"  #: the data could not be obtained (exit 3, 4 or 5)


@dataclass(frozen=True)
class CheckResult:
    """One check: what was observed, against which threshold, and the verdict."""

    name: str
    status: CheckStatus
    observed: float | int | None
    threshold: float | int | None
    observed_text: str
    threshold_text: str
    message: str
    details: Mapping[str, JsonValue] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return fields_json(self)


@dataclass(frozen=True)
class WindowStats:
    """PSTN legs of one window, split the way the gate counts them."""

    window: Window
    legs: int  #: every PSTN leg
    failed_legs: int  #: failed per the engine (end reason not 0 and not 2xx)
    ignored_legs: int  #: failed legs in an ignored category
    ignored_by_category: tuple[tuple[str, int], ...] = ()
    partial: bool = False
    unexpected_legs: int = 0  #: Microsoft's verdict: ResultCategory Unexpected* (every PSTN leg counted)
    unclassified_legs: int = 0

    @property
    def unexpected_rate(self) -> float | None:
        """Microsoft's unexpected legs over every PSTN leg; None without legs."""
        return None if self.legs == 0 else self.unexpected_legs / self.legs

    @property
    def considered_legs(self) -> int:
        """The rate's denominator: every leg except ignored ones."""
        return max(self.legs - self.ignored_legs, 0)

    @property
    def counted_failures(self) -> int:
        """The rate's numerator: failed legs except ignored ones."""
        return max(min(self.failed_legs - self.ignored_legs, self.considered_legs), 0)

    @property
    def failure_rate(self) -> float | None:
        """Counted failures / considered legs, as a fraction; None without legs."""
        considered = self.considered_legs
        return None if considered == 0 else self.counted_failures / considered

    def to_dict(self) -> dict[str, object]:
        rate, unexpected = self.failure_rate, self.unexpected_rate
        return {
            "start": iso(self.window.start),
            "end": iso(self.window.end),
            "legs": self.legs,
            "failed_legs": self.failed_legs,
            "ignored_legs": self.ignored_legs,
            "ignored_by_category": dict(self.ignored_by_category),
            "considered_legs": self.considered_legs,
            "counted_failed_legs": self.counted_failures,
            "failure_rate_pct": None if rate is None else round(100.0 * rate, 4),
            "unexpected_legs": self.unexpected_legs,
            "unclassified_legs": self.unclassified_legs,
            "unexpected_rate_pct": None if unexpected is None else round(100.0 * unexpected, 4),
            "partial": self.partial,
        }


@dataclass(frozen=True)
class BlockingHit:
    """A blocking pair or category seen in the current window."""

    end_reason: str
    end_sub_code: str
    legs: int
    calls: int
    category: str
    title: str
    rule: str  #: the --block pair or "category:NAME" that matched
    example_correlation_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return fields_json(self)


@dataclass(frozen=True)
class TopFailure:
    """One of the current window's most frequent failed pairs (for the summary)."""

    end_reason: str
    end_sub_code: str
    legs: int
    category: str
    title: str
    ignored: bool

    def to_dict(self) -> dict[str, object]:
        return fields_json(self)


def overall(
    checks: tuple[CheckResult, ...], error_exit: ExitCode | None = None
) -> tuple[GateStatus, ExitCode]:
    """Any fail -> 1; else an error -> its own code (3/4/5); else any inconclusive -> 6; else 0."""
    statuses = {c.status for c in checks}
    if CheckStatus.FAIL in statuses:
        return GateStatus.FAIL, ExitCode.GATE_FAILED
    if CheckStatus.ERROR in statuses or error_exit is not None:
        return GateStatus.ERROR, error_exit or ExitCode.QUERY
    if CheckStatus.INCONCLUSIVE in statuses:
        return GateStatus.INCONCLUSIVE, ExitCode.INCONCLUSIVE
    return GateStatus.PASS, ExitCode.OK


@dataclass(frozen=True)
class SmokeResult:
    """Everything one smoke run found; the CLI renders it, writes JUnit and summaries."""

    generated_at: datetime
    source_kind: str
    source_description: str
    window: Window
    baseline_window: Window | None
    settle_seconds: float
    anchor: str  #: what the window is relative to: "now", "--end" or "newest row"
    config: GateConfig
    checks: tuple[CheckResult, ...]
    current: WindowStats | None = None
    baseline: WindowStats | None = None
    blocking_hits: tuple[BlockingHit, ...] = ()
    top_failures: tuple[TopFailure, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    error_exit: ExitCode | None = None
    query_requests: int = 0
    tool_version: str = __version__
    #: the current window's time bins (as the triage report's timeline)
    timeline: tuple[TimelinePoint, ...] = ()

    @property
    def status(self) -> GateStatus:
        return overall(self.checks, self.error_exit)[0]

    @property
    def exit_code(self) -> ExitCode:
        return overall(self.checks, self.error_exit)[1]

    def check(self, name: str) -> CheckResult:
        """The check called ``name`` (KeyError when there is none)."""
        found = {item.name: item for item in self.checks}
        return found[name]

    def headline(self) -> str:
        """One line: the verdict and why."""
        status = self.status
        if status is GateStatus.ERROR:
            return f"ERROR (exit {int(self.exit_code)}): {self.error or 'no data'}"
        relevant = [c for c in self.checks if c.status.value == status.value]
        if status is GateStatus.PASS:
            passed = sum(c.status is CheckStatus.PASS for c in self.checks)
            skipped = sum(c.status is CheckStatus.SKIPPED for c in self.checks)
            return f"PASS: {passed} check(s) passed" + (f", {skipped} skipped" if skipped else "")
        names = ", ".join(c.name for c in relevant)
        return f"{status.value.upper()} (exit {int(self.exit_code)}): {names}"

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SMOKE_SCHEMA,
            "generated_at": iso(self.generated_at),
            "tool": {"name": "acs-triage", "version": self.tool_version},
            "status": self.status.value,
            "exit_code": int(self.exit_code),
            "headline": self.headline(),
            "source": {
                "kind": self.source_kind,
                "description": self.source_description,
                "query_requests": self.query_requests,
            },
            "window": {**self.window.to_dict(), "settle_seconds": self.settle_seconds, "anchor": self.anchor},
            "baseline_window": None if self.baseline_window is None else self.baseline_window.to_dict(),
            "config": self.config.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "current": None if self.current is None else self.current.to_dict(),
            "baseline": None if self.baseline is None else self.baseline.to_dict(),
            "blocking_hits": [h.to_dict() for h in self.blocking_hits],
            "top_failures": [t.to_dict() for t in self.top_failures],
            "warnings": list(self.warnings),
            "error": self.error,
            "timeline": [p.to_dict() for p in self.timeline],
        }
