"""Drill-down: every leg of one call, each with its annotation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.codes import is_failure_end, normalize_code
from acs_triage.masking import mask_identifier
from acs_triage.records import Leg
from acs_triage.triage.report import iso

CALL_SCHEMA = "acs-triage/call/v1"


@dataclass(frozen=True)
class CallReport:
    correlation_id: str
    legs: tuple[dict[str, Any], ...]
    partial: bool
    warnings: tuple[str, ...]
    pii_masked: bool

    def to_dict(self) -> dict[str, Any]:
        return {"schema": CALL_SCHEMA, "correlation_id": self.correlation_id,
                "partial": self.partial, "warnings": list(self.warnings),
                "pii_masked": self.pii_masked, "legs": list(self.legs)}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso(value) or ""
    return str(value)


def annotate_legs(correlation_id: str, rows: Iterable[Mapping[str, object]], *,
                  catalog: Catalog | None = None, show_pii: bool = False, partial: bool = False,
                  warnings: Sequence[str] = ()) -> CallReport:
    """Annotate rows shaped like ``kql/call-legs.kql`` output."""
    catalog = catalog or load_catalog()
    legs = []
    for row in rows:
        reason = normalize_code(row.get("ParticipantEndReason"))
        sub = normalize_code(row.get("ParticipantEndSubCode"))
        explanation = catalog.explain(reason, sub)
        meaning = explanation.meaning
        identifier = _text(row.get("Identifier"))
        legs.append({
            "time_generated": _text(row.get("TimeGenerated")),
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
        })
    return CallReport(correlation_id, tuple(legs), partial, tuple(warnings), not show_pii)


def leg_row(leg: Leg) -> dict[str, object]:
    """A raw :class:`Leg` in the column shape of ``kql/call-legs.kql``."""
    return {"TimeGenerated": leg.time_generated, "ParticipantId": leg.participant_id,
            "Identifier": leg.identifier, "EndpointType": leg.endpoint_type,
            "PstnParticipantCallType": leg.pstn_call_type,
            "ParticipantEndReason": leg.end_reason, "ParticipantEndSubCode": leg.end_sub_code}
