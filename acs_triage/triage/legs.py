"""Leg-level views: every leg of one call, and failed PSTN legs (capped), annotated.

A source answers ``call`` and ``legs`` with raw legs (a :class:`~acs_triage.records.LegBatch`);
this module puts each leg's explanation beside it (:class:`AnnotatedLeg`) and builds
the reports the formatters render. ``call`` also shows the call's Call Automation requests
(:mod:`acs_triage.triage.automation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.catalog.model import Explanation
from acs_triage.codes import is_failure_end
from acs_triage.masking import mask_identifier, mask_rejections, mask_text
from acs_triage.records import Leg, LegBatch, LegFilter, OperationBatch, Rejection
from acs_triage.times import iso
from acs_triage.triage.automation import NOT_ASKED, AutomationReport, explain_operations
from acs_triage.triage.report import rejection_json

__all__ = [
    "CALL_SCHEMA",
    "LEGS_SCHEMA",
    "AnnotatedLeg",
    "CallReport",
    "FailedLegsReport",
    "LegReport",
    "annotate",
    "call_report",
    "failed_legs_report",
]

CALL_SCHEMA = "acs-triage/call/v1"
LEGS_SCHEMA = "acs-triage/legs/v1"


@dataclass(frozen=True)
class AnnotatedLeg:
    """One leg and what the catalog says about its end code."""

    leg: Leg
    explanation: Explanation
    identifier: str  #: the leg's identifier, masked unless PII is shown
    connectivity: str = "unknown"  #: whose SBC the advice is for (see Meaning.actions_for)

    @property
    def failed(self) -> bool:
        return is_failure_end(self.leg.end_reason)

    @property
    def actions(self) -> tuple[str, ...]:
        return self.explanation.meaning.actions_for(self.connectivity)

    def to_dict(self) -> dict[str, Any]:
        leg, meaning = self.leg, self.explanation.meaning
        return {
            "time_generated": iso(leg.time_generated),
            "correlation_id": leg.correlation_id,
            "participant_id": leg.participant_id,
            "identifier": self.identifier,
            "endpoint_type": leg.endpoint_type,
            "pstn_call_type": leg.pstn_call_type,
            "end_reason": leg.end_reason,
            "end_sub_code": leg.end_sub_code,
            "failed": self.failed,
            "title": self.explanation.title,
            "documented": self.explanation.documented,
            "match_level": self.explanation.level.value,
            "generated_by": self.explanation.generated_by,
            "category": meaning.category,
            "who_acts": list(meaning.who_acts_for(self.connectivity)),
            "retry": meaning.retry,
            "actions": list(self.actions),
            "source": meaning.source.url or None,
            "result_category": leg.result_category,
            "connectivity": self.connectivity,
        }


def masked_leg(leg: Leg) -> Leg:
    """The leg with every text value that came from the log masked (see :mod:`acs_triage.masking`)."""
    return leg._replace(
        correlation_id=mask_identifier(leg.correlation_id),
        endpoint_type=mask_identifier(leg.endpoint_type),
        end_reason=mask_identifier(leg.end_reason),
        end_sub_code=mask_identifier(leg.end_sub_code),
        participant_id=mask_identifier(leg.participant_id),
        identifier=mask_identifier(leg.identifier),
        pstn_call_type=mask_identifier(leg.pstn_call_type),
        result_category=mask_identifier(leg.result_category),
    )


def annotate(
    legs: Iterable[Leg],
    *,
    catalog: Catalog | None = None,
    show_pii: bool = False,
    connectivity: str | None = None,
) -> tuple[AnnotatedLeg, ...]:
    """Each leg with the catalog's explanation of its pair; identifiers masked by default.
    ``connectivity`` overrides what each leg's PstnParticipantCallType says."""
    catalog = catalog or load_catalog()
    shown = legs if show_pii else (masked_leg(leg) for leg in legs)
    return tuple(
        AnnotatedLeg(
            leg,
            catalog.explain(leg.end_reason, leg.end_sub_code),
            leg.identifier,
            connectivity or catalog.connectivity([leg.pstn_call_type]),
        )
        for leg in shown
    )


def _common(
    batch: LegBatch, catalog: Catalog | None, show_pii: bool, connectivity: str | None
) -> dict[str, Any]:
    """The :class:`LegReport` fields of a batch: annotated legs, warnings, masked rejections."""
    total = max(batch.rejected, len(batch.rejections))
    rejected = [f"{total} input row(s) rejected; see 'rejections'"] if total else []
    return {
        "legs": annotate(batch.legs, catalog=catalog, show_pii=show_pii, connectivity=connectivity),
        "partial": batch.partial,
        "warnings": (*(mask_text(w, show_pii=show_pii) for w in batch.warnings), *rejected),
        "pii_masked": not show_pii,
        "rejections": mask_rejections(batch.rejections, show_pii=show_pii),
        "rejected": total,
        "rejected_by_reason": dict(batch.rejected_by_reason),
    }


@dataclass(frozen=True, kw_only=True)
class LegReport:
    """What every leg-level report holds: annotated legs and how they were obtained."""

    legs: tuple[AnnotatedLeg, ...]
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool
    rejections: tuple[Rejection, ...] = ()  #: the first ones, in detail
    rejected: int = 0  #: every rejection
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    def _head(self) -> dict[str, Any]:
        """The report's own fields, written after ``schema``."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._head(),
            "partial": self.partial,
            "warnings": list(self.warnings),
            "pii_masked": self.pii_masked,
            "legs": [leg.to_dict() for leg in self.legs],
            "rejected": max(self.rejected, len(self.rejections)),
            "rejected_by_reason": dict(self.rejected_by_reason),
            "rejections": [rejection_json(r) for r in self.rejections],
        }


@dataclass(frozen=True, kw_only=True)
class CallReport(LegReport):
    """Every leg of one call, annotated, and its Call Automation requests explained."""

    correlation_id: str
    call_automation: AutomationReport = NOT_ASKED

    def _head(self) -> dict[str, Any]:
        return {"schema": CALL_SCHEMA, "correlation_id": self.correlation_id}

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "call_automation": self.call_automation.to_dict()}


def call_report(
    correlation_id: str,
    batch: LegBatch,
    *,
    operations: OperationBatch | None = None,
    catalog: Catalog | None = None,
    show_pii: bool = False,
    connectivity: str | None = None,
) -> CallReport:
    """The legs a source found for one call, annotated, and its Call Automation requests
    (``operations``) explained; partial when either answer is."""
    catalog = catalog or load_catalog()
    common = _common(batch, catalog, show_pii, connectivity)
    shown_id = correlation_id if show_pii else mask_identifier(correlation_id)
    if operations is None:
        return CallReport(correlation_id=shown_id, **common)
    common["partial"] = common["partial"] or operations.partial
    common["warnings"] = (*common["warnings"], *(f"Call Automation: {w}" for w in operations.warnings))
    return CallReport(
        correlation_id=shown_id,
        call_automation=explain_operations(operations, catalog),
        **common,
    )


@dataclass(frozen=True, kw_only=True)
class FailedLegsReport(LegReport):
    """Failed legs (PSTN by default), newest first, at most ``wanted.max_rows`` of them."""

    wanted: LegFilter
    capped: bool  # more legs matched than max_rows; the oldest were left out
    matched: int | None = None  #: legs that matched before the cap (None: not counted)

    def _head(self) -> dict[str, Any]:
        return {
            "schema": LEGS_SCHEMA,
            "filters": self.wanted.to_dict(),
            "max_rows": self.wanted.max_rows,
            "capped": self.capped,
            "matched_legs": self.matched,
        }


def failed_legs_report(
    batch: LegBatch,
    wanted: LegFilter,
    *,
    catalog: Catalog | None = None,
    show_pii: bool = False,
    connectivity: str | None = None,
) -> FailedLegsReport:
    """The failed legs a source found, annotated; ``capped`` and ``matched`` say when the
    cap cut some off (the view says it once)."""
    common = _common(batch, catalog, show_pii, connectivity)
    if not show_pii:  # the filters are the user's, but may hold a number all the same
        wanted = replace(
            wanted, end_reason=mask_identifier(wanted.end_reason), sub_code=mask_identifier(wanted.sub_code)
        )
    return FailedLegsReport(wanted=wanted, capped=batch.capped, matched=batch.matched, **common)
