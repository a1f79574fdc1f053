"""Where each ACSCallSummary column is in a diagnostic record: the mapping, as data.

A diagnostic setting that sends the ``CallSummary`` category to a storage account or
an event hub writes Azure Monitor *resource log records*, not Log Analytics rows:
the common top-level schema (``time``, ``resourceId``, ``operationName``,
``category``, ``correlationId``, ...) with ACS's own fields as camelCase keys inside
``properties``. This module is the one place that says which key becomes which
column; ``docs/inputs.md`` shows the same table (a test keeps the two equal).

Sources (Microsoft Learn): *Common and service-specific schemas for Azure resource
logs* (top-level schema: ``time`` is "the timestamp (UTC) of the event being
logged", ``correlationId`` is a top-level field, the category is ``category`` or,
for some services, ``type``); *Call summary log schema* (ACS: ``time``,
``resourceId`` and ``correlationId`` are the shared top-level fields of every record
of a call, ``operationName`` and ``category`` are both ``CallSummary``, the rest is in
``properties``); *Standard columns in Azure Monitor Logs* (``TimeGenerated`` is
"the date and time that the record was created by the data source", i.e. the
record's ``time``).
"""

from __future__ import annotations

__all__ = [
    "CATEGORY_KEYS",
    "FIELDS",
    "PROPERTIES_KEY",
    "RECORDS_KEY",
    "SUMMARY_CATEGORY",
    "UPDATES_CATEGORY",
    "UPDATES_VERSION_KEY",
]

#: Column -> where to find it, first present wins. A bare name is a top-level key, a
#: ``properties.`` name a key of the ``properties`` object. Keys match
#: case-insensitively (Microsoft's schema table spells two of them in PascalCase).
#: ``correlationId`` is a top-level field of the common schema (the call's id, shared
#: by every record of the call); a record that carries it only inside ``properties``
#: is read from there.
FIELDS: dict[str, tuple[str, ...]] = {
    "TimeGenerated": ("time",),
    "CorrelationId": ("correlationId", "properties.correlationId"),
    "EndpointType": ("properties.endpointType",),
    "ParticipantEndReason": ("properties.participantEndReason",),
    "ParticipantEndSubCode": ("properties.participantEndSubCode",),
    "ParticipantId": ("properties.participantId",),
    "Identifier": ("properties.identifier",),
    "CallStartTime": ("properties.callStartTime",),
    "PstnParticipantCallType": ("properties.pstnParticipantCallType",),
    "ResultCategory": ("properties.resultCategory",),
}

#: The record's log category is the first of these top-level keys present.
CATEGORY_KEYS = ("category", "type", "operationName")
#: The category triaged: its records are ACSCallSummary rows.
SUMMARY_CATEGORY = "CallSummary"
#: The versioned category (a leg may have several records, the highest
#: ``callUpdatesVersion`` wins): counted as another category, not triaged.
UPDATES_CATEGORY = "CallSummaryUpdates"
#: A property only ``CallSummaryUpdates`` records carry. Microsoft's sample records of
#: that category show ``"category": "CallSummary"``, so a record with this property
#: counts as ``CallSummaryUpdates`` whatever its category says.
UPDATES_VERSION_KEY = "callUpdatesVersion"
#: The object holding the category's own fields.
PROPERTIES_KEY = "properties"
#: The envelope of an Event Hubs message and of older archive blobs: ``{"records": [...]}``.
RECORDS_KEY = "records"
