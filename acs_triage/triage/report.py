"""The triage report: one structure every formatter and gate consumes.

``TriageReport.to_dict()`` is the JSON contract ``acs-triage/triage-report/v1``
(documented in ``docs/json-schema.md``). Fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acs_triage.records import Rejection, RowAccounting
from acs_triage.times import iso
from acs_triage.windows import Window

REPORT_SCHEMA = "acs-triage/triage-report/v1"


@dataclass(frozen=True)
class Finding:
    """One (end reason, sub-code) pair of failed PSTN legs, explained."""

    end_reason: str
    end_sub_code: str
    legs: int
    calls: int
    share: float  # of failed legs
    outcome: str
    category: str
    title: str
    generated_by: str
    generated_by_note: str
    documented: bool
    match_level: str
    who_acts: tuple[str, ...]
    retry: str
    retry_advice: str
    causes: tuple[str, ...]
    actions: tuple[str, ...]
    source_url: str | None
    source_title: str | None
    source_date: str | None
    result_category: str | None
    note: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    recent_legs: int
    earlier_legs: int
    trend: str
    example_correlation_ids: tuple[str, ...]
    example_identifiers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "end_reason": self.end_reason,
            "end_sub_code": self.end_sub_code,
            "legs": self.legs,
            "calls": self.calls,
            "share": round(self.share, 6),
            "outcome": self.outcome,
            "category": self.category,
            "title": self.title,
            "generated_by": self.generated_by,
            "generated_by_note": self.generated_by_note,
            "documented": self.documented,
            "match_level": self.match_level,
            "who_acts": list(self.who_acts),
            "retry": self.retry,
            "retry_advice": self.retry_advice,
            "causes": list(self.causes),
            "actions": list(self.actions),
            "source": self.source_url,
            "source_title": self.source_title,
            "source_date": self.source_date,
            "result_category": self.result_category,
            "note": self.note,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "trend": self.trend,
            "recent_legs": self.recent_legs,
            "earlier_legs": self.earlier_legs,
            "example_correlation_ids": list(self.example_correlation_ids),
            "example_identifiers": list(self.example_identifiers),
        }


@dataclass(frozen=True)
class Totals:
    legs: int
    calls: int
    failed_legs: int
    calls_approximate: bool

    @property
    def failure_rate(self) -> float | None:
        return None if self.legs == 0 else self.failed_legs / self.legs

    def to_dict(self) -> dict[str, Any]:
        rate = self.failure_rate
        return {
            "legs": self.legs,
            "calls": self.calls,
            "failed_legs": self.failed_legs,
            "normal_legs": self.legs - self.failed_legs,
            "failure_rate": None if rate is None else round(rate, 6),
            "calls_approximate": self.calls_approximate,
        }


@dataclass(frozen=True)
class TimelinePoint:
    start: datetime
    legs: int
    calls: int
    failed_legs: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "legs": self.legs,
            "calls": self.calls,
            "failed_legs": self.failed_legs,
            "failure_rate": round(self.failed_legs / self.legs, 6) if self.legs else None,
        }


@dataclass(frozen=True)
class TriageReport:
    generated_at: datetime
    tool_version: str
    catalog_version: str
    source_kind: str
    source_description: str
    query_requests: int
    window: Window
    totals: Totals
    findings: tuple[Finding, ...]
    timeline: tuple[TimelinePoint, ...]
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool
    accounting: RowAccounting | None = None
    rejections: tuple[Rejection, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        accounting = None
        if self.accounting is not None:
            a = self.accounting
            accounting = {
                "rows_read": a.rows_read,
                "triaged": a.triaged,
                "skipped_not_pstn": a.skipped_not_pstn,
                "skipped_outside_window": a.skipped_outside_window,
                "rejected": a.rejected,
                "balanced": a.balanced(),
            }
        return {
            "schema": REPORT_SCHEMA,
            "generated_at": iso(self.generated_at),
            "tool": {"name": "acs-triage", "version": self.tool_version},
            "catalog_version": self.catalog_version,
            "source": {
                "kind": self.source_kind,
                "description": self.source_description,
                "query_requests": self.query_requests,
            },
            "window": {"start": iso(self.window.start), "end": iso(self.window.end)},
            "partial": self.partial,
            "warnings": list(self.warnings),
            "pii_masked": self.pii_masked,
            "totals": self.totals.to_dict(),
            "accounting": accounting,
            "rejections": [{"source": r.source, "line": r.line, "reason": r.reason} for r in self.rejections],
            "findings": [f.to_dict() for f in self.findings],
            "timeline": [p.to_dict() for p in self.timeline],
        }
