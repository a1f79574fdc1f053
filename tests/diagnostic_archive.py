"""Test data in the shape a diagnostic setting writes: records and archive trees.

:func:`diagnostic_record` turns one ACSCallSummary row (as ``tests.emulator``
generates it: Log Analytics columns) into the resource-log record Azure Monitor
sends to storage or Event Hubs, written here from Microsoft's documented shape, not
from acs-triage's mapping: top-level ``time``, ``resourceId``, ``correlationId``,
``operationName``/``category`` ``CallSummary``; the other columns as camelCase keys
inside ``properties``, some numbers as strings, nulls as the string ``"null"``.
:func:`archive_blobs` groups records into the blobs of the storage layout; the
writers put them in a folder tree or in a container (Azurite).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

CONTAINER = "insights-logs-callsummary"

#: Log Analytics column -> diagnostic property (Microsoft's call summary log schema).
PROPERTIES = {
    "Identifier": "identifier",
    "CallStartTime": "callStartTime",
    "CallDuration": "callDuration",
    "CallType": "callType",
    "TeamsThreadId": "teamsThreadId",
    "ParticipantId": "participantId",
    "ParticipantStartTime": "participantStartTime",
    "ParticipantDuration": "participantDuration",
    "ParticipantEndReason": "participantEndReason",
    "ParticipantEndSubCode": "participantEndSubCode",
    "EndpointId": "endpointId",
    "EndpointType": "endpointType",
    "SdkVersion": "sdkVersion",
    "OsVersion": "osVersion",
    "ParticipantTenantId": "participantTenantId",
    "ParticipantType": "participantType",
    "PstnParticipantCallType": "pstnParticipantCallType",
    "ResultCategory": "resultCategory",
    "DiagnosticOptions": "diagnosticOptions",
    "CallDebuggingInfo": "callDebuggingInfo",
}
#: Sent as strings, as in Microsoft's samples ("participantDuration": "5").
AS_TEXT = {"ParticipantDuration"}


def iso7(value: Any) -> str:
    """A timestamp as Azure writes it: 7 fraction digits and ``Z``."""
    stamp = pd.Timestamp(value).tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _property(column: str, value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "null"
    if isinstance(value, pd.Timestamp | datetime):
        return iso7(value)
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    return str(value) if column in AS_TEXT else value


def resource_id_of(row: Mapping[str, Any]) -> str:
    """``/SUBSCRIPTIONS/...`` as the blob path spells it (upper case)."""
    return "/" + str(row["_ResourceId"]).strip("/").upper()


def diagnostic_record(row: Mapping[str, Any], *, category: str = "CallSummary") -> dict[str, Any]:
    """The resource-log record of one ACSCallSummary row."""
    return {
        "time": iso7(row["TimeGenerated"]),
        "resourceId": resource_id_of(row).lstrip("/"),
        "correlationId": row["CorrelationId"],
        "operationName": category,
        "operationVersion": "1.0",
        "category": category,
        "properties": {prop: _property(col, row[col]) for col, prop in PROPERTIES.items() if col in row},
    }


def blob_name(resource_id: str, hour: datetime) -> str:
    """The blob (or file) path of one resource's hour, below the container."""
    return f"resourceId={resource_id}/y={hour:%Y}/m={hour:%m}/d={hour:%d}/h={hour:%H}/m=00/PT1H.json"


def hour_of(value: Any) -> datetime:
    stamp = pd.Timestamp(value).tz_convert("UTC").floor("h")
    return stamp.to_pydatetime().replace(tzinfo=timezone.utc)


def archive_blobs(df: pd.DataFrame, *, late: timedelta = timedelta(0)) -> dict[str, list[dict[str, Any]]]:
    """Blob name -> records, each record in the blob of the hour it was received
    (its TimeGenerated plus ``late``), in the frame's order within a blob."""
    blobs: dict[str, list[dict[str, Any]]] = {}
    for row in df.to_dict("records"):
        name = blob_name(resource_id_of(row), hour_of(pd.Timestamp(row["TimeGenerated"]) + late))
        blobs.setdefault(name, []).append(diagnostic_record(row))
    return blobs


def reading_order(df: pd.DataFrame, *, late: timedelta = timedelta(0)) -> pd.DataFrame:
    """The rows in the order an archive reader meets them: by blob hour, then resource,
    then as written within the blob (the frame's order)."""
    keyed = df.assign(
        _hour=[hour_of(pd.Timestamp(t) + late) for t in df["TimeGenerated"]],
        _resource=[resource_id_of(r) for r in df[["_ResourceId"]].to_dict("records")],
        _order=range(len(df)),
    )
    return keyed.sort_values(["_hour", "_resource", "_order"]).drop(columns=["_hour", "_resource", "_order"])


def jsonl(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Records as JSON Lines (how PT1H.json is written now)."""
    return b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records)


def records_document(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Records as one ``{"records": [...]}`` document (older blobs, Event Hubs)."""
    return json.dumps({"records": list(records)}, indent=1).encode()


def write_tree(root: Path, blobs: Mapping[str, bytes]) -> list[Path]:
    """Write blob contents below ``root`` (a container folder); returns the files."""
    written = []
    for name, content in blobs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def hours_between(first: datetime, last: datetime) -> Iterator[datetime]:
    hour = first
    while hour <= last:
        yield hour
        hour += timedelta(hours=1)
