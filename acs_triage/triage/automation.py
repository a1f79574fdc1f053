"""Call Automation requests of one call, explained for ``call``.

A source answers with raw requests (:class:`~acs_triage.records.OperationBatch`, from
ACSCallAutomationIncomingOperations); each gets the catalog's explanation of its HTTP
status (:meth:`~acs_triage.catalog.lookup.Catalog.explain_status`: the status as
documented for Call Automation, else its HTTP class) and, when it failed, the documented
``call-automation`` pairs with the same code. Those are *candidates*: the table logs no
sub-code, so it cannot tell which of them (if any) it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acs_triage.catalog.lookup import Catalog
from acs_triage.catalog.model import PairEntry, StatusExplanation
from acs_triage.jsonable import pick
from acs_triage.records import AutomationOperation, OperationBatch

__all__ = ["AutomationReport", "ExplainedOperation", "explain_operations"]


#: What the log says of a request, as JSON writes it (in this order).
_LOGGED = (
    "time_generated",
    "operation_name",
    "operation_version",
    "sub_operation_name",
    "operation_id",
    "call_connection_id",
    "result_type",
    "result_signature",
    "duration_ms",
    "sdk_type",
    "sdk_version",
)


@dataclass(frozen=True)
class ExplainedOperation:
    """One Call Automation request, the meaning of its HTTP status and, for a failed
    one, the documented sub-codes its status may have carried."""

    operation: AutomationOperation
    explanation: StatusExplanation
    candidates: tuple[PairEntry, ...] = ()

    @property
    def failed(self) -> bool:
        return self.operation.failed

    def to_dict(self) -> dict[str, Any]:
        meaning = self.explanation.meaning
        return {
            **pick(self.operation, *_LOGGED),
            "failed": self.failed,
            "title": meaning.title,
            "documented": self.explanation.documented,
            "match_level": self.explanation.level.value,
            "explained_by": self.explanation.basis,
            "category": meaning.category,
            "who_acts": list(meaning.who_acts),
            "retry": meaning.retry,
            "actions": list(meaning.actions),
            "source": meaning.source.url or None,
            "candidate_sub_codes": [
                {
                    "end_reason": pair.end_reason,
                    "end_sub_code": pair.end_sub_code,
                    "title": pair.meaning.title,
                    "who_acts": list(pair.meaning.who_acts),
                    "actions": list(pair.meaning.actions),
                    "source": pair.meaning.source.url,
                }
                for pair in self.candidates
            ],
        }


@dataclass(frozen=True)
class AutomationReport:
    """What ``call`` shows beside the legs: the call's Call Automation requests, or why
    the source cannot have them (``available`` False, ``reason``)."""

    available: bool
    reason: str | None
    operations: tuple[ExplainedOperation, ...] = ()
    capped: bool = False

    @property
    def failed(self) -> tuple[ExplainedOperation, ...]:
        return tuple(op for op in self.operations if op.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "reason": self.reason,
            "capped": self.capped,
            "operations": [op.to_dict() for op in self.operations],
        }


#: ``call_report`` without a batch: nobody asked the source.
NOT_ASKED = AutomationReport(available=False, reason="not available: the source was not asked")


def explain_operations(batch: OperationBatch, catalog: Catalog) -> AutomationReport:
    """Each request of ``batch`` with its status explained; candidates for failed ones."""
    explained = tuple(
        ExplainedOperation(
            op,
            catalog.explain_status(op.result_signature),
            tuple(catalog.automation_pairs(op.result_signature)) if op.failed else (),
        )
        for op in batch.operations
    )
    return AutomationReport(batch.available, batch.reason, explained, batch.capped)
