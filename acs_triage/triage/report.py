"""The triage report: one structure every formatter and gate consumes.

``TriageReport.to_dict()`` is the JSON contract ``acs-triage/triage-report/v1``
(documented in ``docs/json-schema.md``). Fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acs_triage.jsonable import fields_json
from acs_triage.records import Rejection, ResourceTotals, RowAccounting
from acs_triage.times import iso
from acs_triage.windows import Window

REPORT_SCHEMA = "acs-triage/triage-report/v1"


def rejection_json(rejection: Rejection) -> dict[str, Any]:
    """One entry of a report's ``rejections``: where (``line`` to ``end_line``) and why."""
    r = rejection
    return {"source": r.source, "line": r.line, "end_line": r.end_line, "reason": r.reason}


@dataclass(frozen=True)
class Finding:
    """One (end reason, sub-code) pair of failed legs (PSTN by default; ``--scope``), explained."""

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
    trend: str
    recent_legs: int
    earlier_legs: int
    example_correlation_ids: tuple[str, ...]
    example_identifiers: tuple[str, ...]
    #: normal, callee-outcome (busy, no answer, declined, canceled) or failure
    category_kind: str = "failure"
    #: direct-routing, microsoft-numbers, mixed or unknown: whose SBC the advice is for
    connectivity: str = "unknown"
    #: Microsoft's verdict as logged: ResultCategory value ("none" when blank) -> legs
    logged_result_categories: dict[str, int] = field(default_factory=dict)
    result_category_source: str | None = None  #: where the documented result_category is published
    result_category_agrees: bool | None = None  #: None when there is nothing to compare
    result_category_disagreement: str | None = None
    unexpected_legs: int = 0  #: legs Microsoft counts as unexpected (see triage/verdicts.py)
    unclassified_legs: int = 0  #: blank ResultCategory and no documented category
    #: the catalog scope of the documented pair that explains it (pstn, calling,
    #: call-automation, rooms, calling-sdk); None when no documented pair does
    scope: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Every field, in order; ``source_url`` is written as ``source``."""
        return {**fields_json(self, rename={"source_url": "source"}), "share": round(self.share, 6)}


@dataclass(frozen=True)
class Totals:
    """The legs in scope of the window (PSTN by default), by acs-triage's rule and by
    Microsoft's verdict, and what the scope leaves out."""

    legs: int
    calls: int
    failed_legs: int  #: end reason neither 0 nor 2xx (acs-triage's rule)
    calls_approximate: bool
    unexpected_legs: int = 0  #: Microsoft's verdict: ResultCategory Unexpected* (Call Diagnostics)
    unclassified_legs: int = 0  #: no logged and no documented ResultCategory
    callee_outcome_legs: int = 0  #: failed legs that are callee outcomes (busy, no answer, ...)
    scope: str = "pstn"  #: pstn, voip or all (``--scope``)
    #: every leg of the window by EndpointType (lower-cased), whatever the scope
    legs_by_endpoint_type: dict[str, int] = field(default_factory=dict)
    failed_legs_out_of_scope: int = 0  #: failed legs of other endpoint types, not in the findings
    #: legs in scope in the first and second half of the window (the basis of trends; 0: unknown)
    earlier_legs: int = 0
    recent_legs: int = 0

    @property
    def failure_rate(self) -> float | None:
        return None if self.legs == 0 else self.failed_legs / self.legs

    @property
    def unexpected_rate(self) -> float | None:
        return None if self.legs == 0 else self.unexpected_legs / self.legs

    def to_dict(self) -> dict[str, Any]:
        rate, unexpected = self.failure_rate, self.unexpected_rate
        return {
            "legs": self.legs,
            "calls": self.calls,
            "failed_legs": self.failed_legs,
            "normal_legs": self.legs - self.failed_legs,
            "failure_rate": None if rate is None else round(rate, 6),
            "calls_approximate": self.calls_approximate,
            "unexpected_legs": self.unexpected_legs,
            "unexpected_rate": None if unexpected is None else round(unexpected, 6),
            "unclassified_legs": self.unclassified_legs,
            "callee_outcome_legs": self.callee_outcome_legs,
            "scope": self.scope,
            "legs_by_endpoint_type": dict(self.legs_by_endpoint_type),
            "failed_legs_out_of_scope": self.failed_legs_out_of_scope,
            "earlier_legs": self.earlier_legs,
            "recent_legs": self.recent_legs,
        }


#: The category of a bin's failed legs whose pair the bin did not list (past
#: :data:`~acs_triage.records.MAX_BIN_PAIRS` pairs, or a source that lists none).
OTHER_CATEGORY = "other"


@dataclass(frozen=True)
class TimelinePoint:
    """One time bin: legs in scope, calls, failed legs, and those by catalog category."""

    start: datetime
    legs: int
    calls: int
    failed_legs: int
    #: failed legs by the catalog category of their pair (sums to ``failed_legs``)
    failed_by_category: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "legs": self.legs,
            "calls": self.calls,
            "failed_legs": self.failed_legs,
            "failure_rate": round(self.failed_legs / self.legs, 6) if self.legs else None,
            "failed_by_category": dict(self.failed_by_category),
        }


@dataclass(frozen=True)
class TriageReport:
    """Everything one triage found; ``to_dict`` is the JSON contract."""

    generated_at: datetime
    tool_version: str  #: acs-triage's version
    catalog_version: str  #: the end-code catalog's version
    source_kind: str  #: workspace, file, sample or memory
    source_description: str
    query_requests: int  #: requests sent to the service (0 for files)
    window: Window
    totals: Totals
    findings: tuple[Finding, ...]
    timeline: tuple[TimelinePoint, ...]
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool
    accounting: RowAccounting | None = None
    rejections: tuple[Rejection, ...] = field(default_factory=tuple)
    #: per resource, for a storage archive (folder tree or storage account)
    resources: tuple[ResourceTotals, ...] = field(default_factory=tuple)

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
                "skipped_other_category": a.skipped_other_category,
                "other_categories": dict(sorted(a.other_categories.items())),
                "balanced": a.balanced(),
                "lines_read": a.lines_read,
                "lines_in_rows": a.lines_in_rows,
                "lines_rejected": a.lines_rejected,
                "lines_blank": a.lines_blank,
                "rejected_by_reason": dict(a.rejected_by_reason),
                "rejections_listed": len(self.rejections),
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
                "resources": [fields_json(r) for r in self.resources],
            },
            "window": self.window.to_dict(),
            "partial": self.partial,
            "warnings": list(self.warnings),
            "pii_masked": self.pii_masked,
            "totals": self.totals.to_dict(),
            "accounting": accounting,
            "rejections": [rejection_json(r) for r in self.rejections],
            "findings": [f.to_dict() for f in self.findings],
            "timeline": [p.to_dict() for p in self.timeline],
        }
