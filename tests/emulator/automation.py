"""Synthetic ACSCallAutomationIncomingOperations rows for the calls of an ACSCallSummary
frame, and an independent (plain pandas) ground truth.

One row per request to a Call Automation API. A share of the calls is "automated": each
gets a first request (``CreateCall`` or ``AnswerCall``) a few seconds before its first leg
was written, then one to four more (``Play``, ``Recognize``, ...). Each request's result
is drawn from ``result_mix``: ``(ResultType, ResultSignature)`` with the HTTP status.

Documented values (acs-logs.md §1.8 for the columns and types; Microsoft's Call Automation
logs page for the example row: ``ResultType`` "Succeeded", ``ResultSignature`` 202,
``Level`` "Informational", ``SdkType`` "unknown"; its sample queries filter errors on
``ResultType == "Failed"``). The operation names other than ``Play`` and the media
streaming and transcription ones, and the SDK type values, are plausible placeholders
(UNVERIFIED).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from .dataset import _const, _utc, _uuids

__all__ = [
    "CALL_AUTOMATION_COLUMNS",
    "DEFAULT_RESULT_MIX",
    "expected_operations",
    "generate_call_automation_operations",
]

#: The 23 ACSCallAutomationIncomingOperations columns and their Kusto types (acs-logs.md §1.8).
CALL_AUTOMATION_COLUMNS: dict[str, str] = {
    "_BilledSize": "real",
    "_IsBillable": "string",
    "_ResourceId": "string",
    "_SubscriptionId": "string",
    "CallConnectionId": "string",
    "CallerIpAddress": "string",
    "CorrelationId": "string",
    "DurationMs": "int",
    "Level": "string",
    "OperationId": "string",
    "OperationName": "string",
    "OperationVersion": "string",
    "ResultSignature": "int",
    "ResultType": "string",
    "SdkType": "string",
    "SdkVersion": "string",
    "ServerCallId": "string",
    "SourceSystem": "string",
    "SubOperationName": "string",
    "TenantId": "string",
    "TimeGenerated": "datetime",
    "Type": "string",
    "URI": "string",
}
assert len(CALL_AUTOMATION_COLUMNS) == 23

#: (ResultType, ResultSignature) -> weight: mostly accepted requests, and the documented
#: failure statuses plus two the catalog explains only by their HTTP class (409, 503).
DEFAULT_RESULT_MIX: dict[tuple[str, int], float] = {
    ("Succeeded", 200): 40.0,
    ("Succeeded", 202): 40.0,
    ("Failed", 400): 3.0,
    ("Failed", 401): 1.0,
    ("Failed", 403): 3.0,
    ("Failed", 404): 3.0,
    ("Failed", 409): 2.0,
    ("Failed", 429): 2.0,
    ("Failed", 500): 2.0,
    ("Failed", 503): 1.0,
}

_FIRST = np.array(["CreateCall", "AnswerCall"], dtype=object)
_LATER = np.array(
    ["Play", "Recognize", "StartRecording", "AddParticipant", "Transfer", "StartMediaStreaming", "Hangup"],
    dtype=object,
)


def generate_call_automation_operations(
    call_summary_df: pd.DataFrame,
    *,
    seed: int = 0,
    share: float = 0.3,
    result_mix: dict[tuple[str, int], float] | None = None,
) -> pd.DataFrame:
    """Requests for about ``share`` of the calls of ``call_summary_df`` (deterministic for a
    given seed); ``CorrelationId``, ``_ResourceId``, ``_SubscriptionId`` and ``TenantId`` come
    from the call's first leg."""
    rng = np.random.default_rng(seed)
    first_legs = call_summary_df.sort_values("TimeGenerated").drop_duplicates("CorrelationId")
    calls = first_legs.loc[rng.random(len(first_legs)) < share]
    per_call = rng.integers(2, 6, size=len(calls))
    n = int(per_call.sum())
    call_index = np.repeat(np.arange(len(calls)), per_call)
    position = np.concatenate([np.arange(k) for k in per_call]) if n else np.array([], dtype=int)
    mix = result_mix or DEFAULT_RESULT_MIX
    results = list(mix)
    weights = np.array([mix[r] for r in results], dtype=float)
    drawn = rng.choice(len(results), size=n, p=weights / weights.sum())
    start = calls["TimeGenerated"].to_numpy()[call_index]
    offsets = pd.to_timedelta(position * 20 - 30 + rng.integers(0, 10, size=n), unit="s")
    names = np.where(position == 0, _FIRST[rng.integers(0, 2, size=n)], _LATER[rng.integers(0, 7, size=n)])
    connection = _uuids(rng, len(calls))[call_index]
    df = pd.DataFrame(
        {
            "_BilledSize": rng.uniform(500.0, 800.0, size=n).round(0),
            "_IsBillable": _const(n, "True"),
            "_ResourceId": calls["_ResourceId"].to_numpy(dtype=object)[call_index],
            "_SubscriptionId": calls["_SubscriptionId"].to_numpy(dtype=object)[call_index],
            "CallConnectionId": connection,
            "CallerIpAddress": _const(n, "203.0.113.10"),
            "CorrelationId": calls["CorrelationId"].to_numpy(dtype=object)[call_index],
            "DurationMs": pd.array(rng.integers(20, 400, size=n), dtype="Int32"),
            "Level": _const(n, "Informational"),
            "OperationId": _uuids(rng, n),
            "OperationName": names.astype(object),
            "OperationVersion": _const(n, "2024-09-15"),
            "ResultSignature": pd.array([results[i][1] for i in drawn], dtype="Int32"),
            "ResultType": np.array([results[i][0] for i in drawn], dtype=object),
            "SdkType": _const(n, "dotnet"),
            "SdkVersion": _const(n, "1.3.0"),
            "ServerCallId": _uuids(rng, len(calls))[call_index],
            "SourceSystem": _const(n, "Azure"),
            "SubOperationName": np.where(names == "Play", "File", "").astype(object),
            "TenantId": calls["TenantId"].to_numpy(dtype=object)[call_index],
            "TimeGenerated": pd.to_datetime(start, utc=True) + offsets,
            "Type": _const(n, "ACSCallAutomationIncomingOperations"),
            "URI": _const(n, "acs1.communication.azure.com"),
        }
    )
    return df[list(CALL_AUTOMATION_COLUMNS)].reset_index(drop=True)


def expected_operations(
    df: pd.DataFrame, correlation_id: str, start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """The requests of one call with ``start <= TimeGenerated < end``, oldest first."""
    mask = df["CorrelationId"] == correlation_id
    if start is not None:
        mask &= df["TimeGenerated"] >= pd.Timestamp(_utc(start))
    if end is not None:
        mask &= df["TimeGenerated"] < pd.Timestamp(_utc(end))
    return df.loc[mask].sort_values("TimeGenerated", kind="stable").reset_index(drop=True)
