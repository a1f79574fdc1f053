"""Rows of the library's queries, as the workspace returns them, turned into triage
records: aggregates for ``triage``/``smoke``, legs for ``call``/``legs`` and Call
Automation requests for ``call``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from acs_triage.codes import http_status, normalize_code
from acs_triage.records import (
    PSTN_SCOPE,
    AutomationOperation,
    Leg,
    PairAggregate,
    TimelineBin,
    TriageInput,
    in_scope,
)
from acs_triage.times import parse_datetime
from acs_triage.windows import Window

__all__ = [
    "auto_bin",
    "by_endpoint_type",
    "leg_from_row",
    "legs_of_summary",
    "operation_from_row",
    "pair_rows_to_aggregates",
    "triage_input_from_rows",
]


def auto_bin(window: timedelta) -> timedelta:
    """About 24-48 bins over the window, on a round size."""
    for size in (
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=1),
    ):
        if window / size <= 48:
            return size
    return timedelta(days=7)


def _dt(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str) and value:
        try:  # one parser on every Python (3.10's fromisoformat refuses "Z" and ".5")
            return parse_datetime(value)
        except ValueError:
            return None
    return None


def _int(value: object) -> int:
    if value is None or value == "":
        return 0
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


def _optional_int(value: object) -> int | None:
    """A whole number, or None when blank or not a number."""
    if value is None or value == "":
        return None
    try:
        return int(float(str(value)))
    except (ValueError, OverflowError):
        return None


def _strings(value: object, limit: int = 3) -> tuple[str, ...]:
    if isinstance(value, str):
        text = value
        try:
            value = json.loads(text)
        except ValueError:
            return (text,) if text else ()
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value if v not in (None, ""))[:limit]
    return ()  # pragma: no cover


def _arrays(value: object, size: int) -> Iterator[Sequence[Any]]:
    """The arrays of ``size`` elements in a dynamic column holding a list of arrays
    (``make_list(pack_array(...))``), the list and each array possibly JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except ValueError:
            return
    for item in value if isinstance(value, Sequence) else ():
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                continue
        if isinstance(item, Sequence) and not isinstance(item, str) and len(item) == size:
            yield item


def _verdicts(value: object) -> tuple[tuple[str, int], ...]:
    """``LoggedResultCategories``: ``[[category, legs], ...]`` to sorted ``(category, legs)``
    pairs; a null category is ""."""
    counts: dict[str, int] = {}
    for item in _arrays(value, 2):
        category = "" if item[0] is None else str(item[0]).strip()
        counts[category] = counts.get(category, 0) + _int(item[1])
    return tuple(sorted(counts.items()))


def _bin_pairs(value: object) -> tuple[tuple[str, str, int], ...]:
    """``FailedByPair``: ``[[end reason, sub-code, legs], ...]`` to sorted triples."""
    counts: dict[tuple[str, str], int] = {}
    for item in _arrays(value, 3):
        key = (normalize_code(item[0]), normalize_code(item[1]))
        counts[key] = counts.get(key, 0) + _int(item[2])
    return tuple((reason, sub, legs) for (reason, sub), legs in sorted(counts.items()))


def pair_rows_to_aggregates(rows: Sequence[Mapping[str, Any]]) -> list[PairAggregate]:
    return [
        PairAggregate(
            end_reason=normalize_code(r["ParticipantEndReason"]),
            end_sub_code=normalize_code(r["ParticipantEndSubCode"]),
            legs=_int(r["Legs"]),
            calls=_int(r["Calls"]),
            first_seen=_dt(r["FirstSeen"]),
            last_seen=_dt(r["LastSeen"]),
            recent_legs=_int(r["RecentLegs"]),
            example_correlation_ids=_strings(r["ExampleCorrelationIds"]),
            example_identifiers=_strings(r["ExampleIdentifiers"]),
            result_categories=_verdicts(r.get("LoggedResultCategories")),
            pstn_call_types=_strings(r.get("PstnCallTypes"), limit=5),
        )
        for r in rows
    ]


def legs_of_summary(rows: Sequence[Mapping[str, Any]]) -> int:
    """The ``Legs`` of a ``pstn-summary`` result (0 when the workspace has no rows)."""
    return _int(rows[0].get("Legs")) if rows else 0


def matching_legs(rows: Sequence[Mapping[str, Any]]) -> int | None:
    """``MatchingLegs`` of a capped leg query (the same on every row); 0 without rows."""
    return _int(rows[0].get("MatchingLegs")) if rows else 0


def by_endpoint_type(rows: Sequence[Mapping[str, Any]], scope: str) -> tuple[dict[str, int], int]:
    """``legs-by-endpoint-type`` rows: legs per endpoint type, and the failed legs outside ``scope``."""
    legs: dict[str, int] = {}
    failed_out = 0
    for row in rows:
        kind = _text(row.get("EndpointType")).strip().lower() or "(blank)"
        legs[kind] = legs.get(kind, 0) + _int(row.get("Legs"))
        if not in_scope(kind, scope):
            failed_out += _int(row.get("FailedLegs"))
    return dict(sorted(legs.items())), failed_out


def triage_input_from_rows(
    summary: Sequence[Mapping[str, Any]],
    pairs: Sequence[Mapping[str, Any]],
    timeline: Sequence[Mapping[str, Any]],
    endpoint_types: Sequence[Mapping[str, Any]],
    window: Window,
    *,
    description: str,
    warnings: list[str],
    query_requests: int,
    scope: str = PSTN_SCOPE,
) -> TriageInput:
    """The rows of ``pstn-summary``, ``pstn-failures-by-pair``, ``pstn-timeline`` and
    ``legs-by-endpoint-type`` over ``window`` as the engine's input."""
    assert window.start is not None
    per_type, failed_out = by_endpoint_type(endpoint_types, scope)
    totals = summary[0] if summary else {}
    legs, recent = _int(totals.get("Legs")), _int(totals.get("RecentLegs"))
    bins = [
        TimelineBin(
            start=_dt(r["TimeGenerated"]) or window.start,
            legs=_int(r["Legs"]),
            calls=_int(r["Calls"]),
            failed_legs=_int(r["FailedLegs"]),
            failed_by_pair=_bin_pairs(r.get("FailedByPair")),
        )
        for r in timeline
    ]
    return TriageInput(
        pairs=pair_rows_to_aggregates(pairs),
        total_legs=legs,
        total_calls=_int(totals.get("Calls")),
        timeline=bins,
        window=window,
        source_kind="workspace",
        source_description=description,
        partial=bool(warnings),
        warnings=warnings,
        calls_approximate=True,
        query_requests=query_requests,
        half_volumes=(legs - recent, recent),
        scope=scope,
        legs_by_endpoint_type=per_type,
        failed_legs_out_of_scope=failed_out,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def leg_from_row(row: Mapping[str, Any]) -> Leg | None:
    """A row of ``call-legs`` or ``pstn-failed-legs`` as a :class:`Leg` (None without
    a usable ``TimeGenerated``, which the service always sends)."""
    moment = _dt(row.get("TimeGenerated"))
    if moment is None:
        return None
    return Leg(
        time_generated=moment,
        correlation_id=_text(row.get("CorrelationId")),
        endpoint_type=_text(row.get("EndpointType")),
        end_reason=normalize_code(row.get("ParticipantEndReason")),
        end_sub_code=normalize_code(row.get("ParticipantEndSubCode")),
        participant_id=_text(row.get("ParticipantId")),
        identifier=_text(row.get("Identifier")),
        call_start_time=_dt(row.get("CallStartTime")),
        pstn_call_type=_text(row.get("PstnParticipantCallType")),
        result_category=_text(row.get("ResultCategory")),
    )


#: The text fields of an :class:`AutomationOperation` and the columns they come from.
_OPERATION_TEXTS = {
    "operation_name": "OperationName",
    "result_type": "ResultType",
    "call_connection_id": "CallConnectionId",
    "operation_version": "OperationVersion",
    "sub_operation_name": "SubOperationName",
    "operation_id": "OperationId",
    "sdk_type": "SdkType",
    "sdk_version": "SdkVersion",
    "correlation_id": "CorrelationId",
}


def operation_from_row(row: Mapping[str, Any]) -> AutomationOperation | None:
    """A row of ``call-automation-operations`` as an :class:`AutomationOperation` (None
    without a usable ``TimeGenerated``)."""
    moment = _dt(row.get("TimeGenerated"))
    if moment is None:
        return None
    texts = {field: _text(row.get(column)) for field, column in _OPERATION_TEXTS.items()}
    status, duration = http_status(row.get("ResultSignature")), _optional_int(row.get("DurationMs"))
    return AutomationOperation(moment, result_signature=status, duration_ms=duration, **texts)
