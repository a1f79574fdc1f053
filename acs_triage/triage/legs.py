"""Leg-level views: every leg of one call, and failed PSTN legs (capped), annotated.

Both take rows shaped like the output of ``kql/call-legs.kql`` /
``kql/pstn-failed-legs.kql`` (or raw legs from files via :func:`leg_row`) and put
each leg's explanation next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.codes import is_failure_end, normalize_code
from acs_triage.masking import mask_identifier, mask_rejections
from acs_triage.records import Leg, Rejection
from acs_triage.triage.report import iso

CALL_SCHEMA = "acs-triage/call/v1"
LEGS_SCHEMA = "acs-triage/legs/v1"


def _rejections(rejections: tuple[Rejection, ...]) -> list[dict[str, Any]]:
    return [{"source": r.source, "line": r.line, "reason": r.reason} for r in rejections]


@dataclass(frozen=True)
class CallReport:
    correlation_id: str
    legs: tuple[dict[str, Any], ...]
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool
    rejections: tuple[Rejection, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": CALL_SCHEMA,
            "correlation_id": self.correlation_id,
            "partial": self.partial,
            "warnings": list(self.warnings),
            "pii_masked": self.pii_masked,
            "legs": list(self.legs),
            "rejections": _rejections(self.rejections),
        }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso(value) or ""
    return str(value)


def annotate_rows(
    rows: Iterable[Mapping[str, object]], *, catalog: Catalog | None = None, show_pii: bool = False
) -> tuple[dict[str, Any], ...]:
    """Each row with the catalog's explanation of its pair; identifiers masked by default."""
    catalog = catalog or load_catalog()
    legs = []
    for row in rows:
        reason = normalize_code(row.get("ParticipantEndReason"))
        sub = normalize_code(row.get("ParticipantEndSubCode"))
        explanation = catalog.explain(reason, sub)
        meaning = explanation.meaning
        identifier = _text(row.get("Identifier"))
        legs.append(
            {
                "time_generated": _text(row.get("TimeGenerated")),
                "correlation_id": _text(row.get("CorrelationId")),
                "participant_id": _text(row.get("ParticipantId")),
                "identifier": identifier if show_pii else mask_identifier(identifier),
                "endpoint_type": _text(row.get("EndpointType")),
                "pstn_call_type": _text(row.get("PstnParticipantCallType")),
                "end_reason": reason,
                "end_sub_code": sub,
                "failed": is_failure_end(reason),
                "title": explanation.title,
                "documented": explanation.documented,
                "match_level": explanation.level.value,
                "generated_by": explanation.generated_by,
                "category": meaning.category if meaning else "unknown",
                "who_acts": list(meaning.who_acts) if meaning else [],
                "retry": meaning.retry if meaning else "unknown",
                "actions": list(meaning.actions) if meaning else [],
                "source": meaning.source.url if meaning else None,
            }
        )
    return tuple(legs)


def annotate_legs(
    correlation_id: str,
    rows: Iterable[Mapping[str, object]],
    *,
    catalog: Catalog | None = None,
    show_pii: bool = False,
    partial: bool = False,
    warnings: Sequence[str] = (),
    rejections: Sequence[Rejection] = (),
) -> CallReport:
    """One call's legs (rows shaped like ``kql/call-legs.kql`` output), annotated."""
    return CallReport(
        correlation_id,
        annotate_rows(rows, catalog=catalog, show_pii=show_pii),
        partial,
        tuple(warnings),
        not show_pii,
        mask_rejections(rejections, show_pii=show_pii),
    )


@dataclass(frozen=True)
class FailedLegsReport:
    """Failed PSTN legs, newest first, at most ``max_rows`` of them."""

    filters: dict[str, str]
    legs: tuple[dict[str, Any], ...]
    max_rows: int
    capped: bool  # more legs matched than max_rows; the oldest were left out
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool
    rejections: tuple[Rejection, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": LEGS_SCHEMA,
            "filters": self.filters,
            "max_rows": self.max_rows,
            "capped": self.capped,
            "partial": self.partial,
            "warnings": list(self.warnings),
            "pii_masked": self.pii_masked,
            "legs": list(self.legs),
            "rejections": _rejections(self.rejections),
        }


def leg_row(leg: Leg) -> dict[str, object]:
    """A raw :class:`Leg` in the column shape of ``kql/call-legs.kql``."""
    return {
        "TimeGenerated": leg.time_generated,
        "CorrelationId": leg.correlation_id,
        "ParticipantId": leg.participant_id,
        "Identifier": leg.identifier,
        "EndpointType": leg.endpoint_type,
        "PstnParticipantCallType": leg.pstn_call_type,
        "ParticipantEndReason": leg.end_reason,
        "ParticipantEndSubCode": leg.end_sub_code,
    }
