#!/usr/bin/env python3
"""Generate the bundled sample: synthetic ACSCallSummary legs over 24 hours.

Deterministic (fixed seed and reference day): running it again writes the same
file. The output imitates the Log Analytics portal's "Export to CSV (all columns)":
a UTF-8 BOM, ``[UTC]`` suffixes on datetime headers, CRLF line ends.

    python scripts/make_sample.py            # writes acs_triage/sample_data/acscallsummary-sample.csv
"""

from __future__ import annotations

import csv
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20261101
DAY = datetime(2026, 11, 1, tzinfo=timezone.utc)
CALLS = 1500
OUT = Path(__file__).resolve().parent.parent / "acs_triage" / "sample_data" / "acscallsummary-sample.csv"
RESOURCE = (
    "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/CONTOSO-VOICE/"
    "PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/CONTOSO-ACS"
)
WORKSPACE = "11111111-2222-3333-4444-555555555555"

# (end reason, sub-code, weight) for PSTN legs: mostly normal clearing, every documented
# pair at a plausible rate, and a few pairs Microsoft does not document.
OUTBOUND = [
    ("0", "560000", 700),
    ("0", "0", 40),
    ("487", "560487", 45),
    ("486", "560486", 30),
    ("480", "560480", 35),
    ("408", "560408", 12),
    ("408", "500001", 6),
    ("484", "560484", 10),
    ("404", "560404", 8),
    ("403", "560403", 9),
    ("403", "510403", 5),
    ("603", "560603", 6),
    ("500", "560500", 3),
    ("503", "560503", 4),
    ("410", "531004", 4),
    ("404", "511404", 4),
    ("403", "511532", 4),
    ("502", "560502", 3),
    ("480", "10076", 2),
]
INBOUND = [
    ("0", "540000", 300),
    ("487", "540487", 25),
    ("486", "540486", 8),
    ("0", "0", 10),
    ("500", "540500", 2),
]
# (end reason, sub-code, weight, ResultCategory) for VoIP legs (the ACS SDK side of the
# same calls): mostly normal, and the documented call-end pairs users ask about, with
# the ResultCategory Microsoft publishes for each (troubleshooting-codes page).
VOIP = [
    ("0", "0", 820, "Success"),
    ("0", "5000", 30, "Success"),
    ("0", "5010", 20, "Success"),
    ("0", "4521", 12, "ExpectedError"),
    ("0", "5317", 4, "ExpectedError"),
    ("487", "0", 20, "Success"),
    ("603", "0", 8, "Success"),
    ("487", "10004", 14, "ExpectedError"),
    ("480", "10037", 8, "ExpectedError"),
    ("410", "3101", 12, "UnexpectedClientError"),
    ("410", "3100", 4, "UnexpectedClientError"),
    ("410", "301005", 5, "UnexpectedClientError"),
    ("495", "4507", 4, "UnexpectedClientError"),
    ("403", "5828", 3, "UnexpectedClientError"),
    ("408", "4506", 3, "UnexpectedClientError"),
    ("490", "4502", 3, "UnexpectedClientError"),
    ("500", "10045", 2, "UnexpectedServerError"),
    ("488", "99999", 3, "UnexpectedClientError"),  # not documented: explained by its SIP class
]
SERVER = [("0", "0", 95, "Success"), ("0", "7000", 5, "Success")]
# An incident: the SBC rejects outbound calls with 503 in the last three hours.
INCIDENT = (DAY + timedelta(hours=21), DAY + timedelta(hours=24), ("503", "560503"), 0.25)
COLUMNS = [
    "TenantId",
    "TimeGenerated [UTC]",
    "OperationName",
    "OperationVersion",
    "Category",
    "CorrelationId",
    "CallStartTime [UTC]",
    "CallDuration",
    "CallType",
    "TeamsThreadId",
    "ParticipantId",
    "ParticipantStartTime [UTC]",
    "ParticipantDuration",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
    "EndpointId",
    "EndpointType",
    "SdkVersion",
    "OsVersion",
    "Identifier",
    "PstnParticipantCallType",
    "ParticipantType",
    "ResultCategory",
    "ParticipantTenantId",
    "SourceSystem",
    "Type",
    "_ResourceId",
]
# ResultCategory as Microsoft logs it: the category it publishes for a pair where it
# publishes one (the troubleshooting-codes page and the Call Diagnostics sub-code
# mapping, see mappings/catalog.yaml), else a plausible one for the SIP class; and a
# few blank values, which Microsoft's own sample queries see too.
PUBLISHED = {
    ("0", "0"): "Success",
    ("0", "560000"): "Success",
    ("0", "540000"): "Success",
    ("403", "510403"): "ExpectedError",
    ("404", "560404"): "ExpectedError",
    ("408", "500001"): "ExpectedError",
    ("403", "560403"): "UnexpectedClientError",
    ("480", "560480"): "UnexpectedServerError",
    ("503", "560503"): "UnexpectedServerError",
    ("486", "560486"): "Success",
    ("487", "540487"): "Success",
}
BLANK_SHARE = 0.04


NON_PSTN = {(r, s): category for r, s, _, category in VOIP + SERVER}


def result_category(reason: str, sub: str, blank: bool, endpoint: str = "PSTN") -> str:
    if blank:
        return ""
    if endpoint != "PSTN" and (reason, sub) in NON_PSTN:
        return NON_PSTN[(reason, sub)]
    published = PUBLISHED.get((reason, sub))
    if published is not None:
        return published
    if reason == "0" or reason == "487":
        return "Success"
    return "UnexpectedServerError" if reason.startswith("5") else "ExpectedError"


def _pick(rng: random.Random, table: list[tuple[str, str, int]]) -> tuple[str, str]:
    reason, sub, _ = rng.choices(table, weights=[w for *_, w in table])[0]
    return reason, sub


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rows(rng: random.Random) -> list[list[str]]:
    out: list[list[str]] = []
    blanks = random.Random(SEED + 1)  # its own stream: every other value stays as it was
    endings = random.Random(SEED + 2)  # non-PSTN endings: their own stream too
    for _ in range(CALLS):
        # Busier in business hours (UTC 13-23 is US daytime).
        hour = rng.choices(range(24), weights=[2 if 13 <= h <= 23 else 1 for h in range(24)])[0]
        start = DAY + timedelta(hours=hour, seconds=rng.randrange(3600), milliseconds=rng.randrange(1000))
        correlation = _guid(rng)
        inbound = rng.random() < 0.3
        reason, sub = _pick(rng, INBOUND if inbound else OUTBOUND)
        incident_start, incident_end, incident_pair, incident_share = INCIDENT
        if not inbound and incident_start <= start < incident_end and rng.random() < incident_share:
            reason, sub = incident_pair
        connected = reason == "0"
        duration = rng.randrange(20, 900) if connected else rng.randrange(0, 40)
        number = f"+1425555{rng.randrange(100, 200):04d}"
        call_type = "Group" if rng.random() < 0.2 else "P2P"
        legs = [("PSTN", f"4:{number}", reason, sub, "Inbound" if inbound else "Outbound")]
        endpoint_type = "VoIP" if rng.random() < 0.7 else "Server"
        ending = endings.choices(table := VOIP if endpoint_type == "VoIP" else SERVER, [e[2] for e in table])[
            0
        ]
        legs.append((endpoint_type, f"8:acs:{_guid(rng)}", ending[0], ending[1], ""))
        if call_type == "Group" and rng.random() < 0.5:
            legs.append(("Bot", f"28:acs:{_guid(rng)}", "0", "5000", ""))
        for endpoint, identifier, leg_reason, leg_sub, pstn_type in legs:
            generated = start + timedelta(seconds=duration + rng.randrange(30, 300))
            out.append(
                [
                    WORKSPACE,
                    _ts(generated),
                    "CallSummary",
                    "1.0",
                    "CallSummary",
                    correlation,
                    _ts(start),
                    str(duration),
                    call_type,
                    "",
                    _guid(rng),
                    _ts(start),
                    str(duration),
                    leg_reason,
                    leg_sub,
                    _guid(rng),
                    # Case varies in real logs: the PSTN test is case-insensitive.
                    endpoint if rng.random() < 0.9 else endpoint.lower(),
                    "Redacted" if endpoint == "PSTN" else "1.28.1.1",
                    "Redacted" if endpoint == "PSTN" else "Windows 10.0.22631 Arch: x64",
                    identifier,
                    pstn_type,
                    "ACS",
                    result_category(leg_reason, leg_sub, blanks.random() < BLANK_SHARE, endpoint),
                    "",
                    "Azure",
                    "ACSCallSummary",
                    RESOURCE,
                ]
            )
    out.sort(key=lambda r: r[1])
    return out


def main(argv: list[str]) -> None:
    """Write the sample to ``argv[0]`` (default: the packaged sample file)."""
    out = Path(argv[0]) if argv else OUT
    rng = random.Random(SEED)
    data = rows(rng)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(data)
    print(f"wrote {out} ({len(data)} legs)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
