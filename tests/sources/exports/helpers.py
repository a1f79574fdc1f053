"""What the export tests share: reading helpers, the sample exports, the column names."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import timezone

from hypothesis import strategies as st

from acs_triage.masking import mask_rejections
from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports import ExportError, InputFormat, read_export

UTC = timezone.utc
Record = Leg | Rejection


def shown(records: Sequence[Record]) -> list[Record]:
    """Records as users see them: the delimiters of quoted data removed from reasons
    (``mask_rejections`` with ``show_pii``; masking itself is tested elsewhere)."""
    return [r if isinstance(r, Leg) else mask_rejections([r], show_pii=True)[0] for r in records]


def read(data: bytes, fmt: InputFormat | str = InputFormat.AUTO, **options: object) -> list[Record]:
    return shown(list(read_export("-", fmt, stdin=io.BytesIO(data), **options)))  # type: ignore[arg-type]


def only_legs(records: Sequence[Record]) -> list[Leg]:
    return [r for r in records if isinstance(r, Leg)]


def only_rejections(records: Sequence[Record]) -> list[Rejection]:
    return [r for r in records if isinstance(r, Rejection)]


def lines_of(records: Sequence[Record]) -> list[int]:
    return [r.line for r in records]


def kind(records: Sequence[Record]) -> str:
    return "".join("L" if isinstance(r, Leg) else "R" for r in records)


# The portal's "Export to CSV - all columns", en-US browser: BOM, CRLF, quoted headers
# with " [UTC]", US-locale datetimes, quoted numbers, "null", an embedded JSON blob.
PORTAL_CSV = (
    "\ufeff"
    '"TimeGenerated [UTC]",CorrelationId,"CallStartTime [UTC]",CallType,CallDebuggingInfo,'
    "EndpointType,ParticipantId,Identifier,ParticipantEndReason,ParticipantEndSubCode,"
    "PstnParticipantCallType,ResultCategory,SdkVersion,OsVersion,_ResourceId,Type\r\n"
    # 2
    '"11/28/2026, 2:10:38.123 AM",6b1f0c52-0000-4a5e-9d55-000000000001,'
    '"11/28/2026, 2:09:58.000 AM",P2P,"{""sipCallId"":""abc, def"",""x"":1}",'
    'PSTN,null,"4:+15551234567","403","560403",Outbound,UnexpectedClientError,Redacted,null,'
    "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/"
    "COMMUNICATIONSERVICES/ACS,ACSCallSummary\r\n"
    # 3
    '"11/28/2026, 12:05:00.000 PM",6b1f0c52-0000-4a5e-9d55-000000000002,,Group,,'
    'VoIP," b25cf111-73df-4e0a-a888-8bcd6b3b0000","8:acs:1",0,0,,Success,1.0.1.0,'
    '"Windows 10.0.17763 Arch: x64",/SUBSCRIPTIONS/S,ACSCallSummary\r\n'
    # 4
    '"11/28/2026, 12:00:01.5 AM",6b1f0c52-0000-4a5e-9d55-000000000003,,P2P,,'
    '  PSTN  ,,"4:+15550000000"," 487 ","560487.0",  Inbound  ,ExpectedError,,,x,'
    "ACSCallSummary\r\n"
    # 5: blank CorrelationId
    '"11/28/2026, 3:00:00.000 AM",,,P2P,,PSTN,,,"408","560408",,,,,x,ACSCallSummary\r\n'
    # 6: day-first (en-GB) datetime: ambiguous, rejected
    '"28/11/2026, 14:10:38.000",6b1f0c52-0000-4a5e-9d55-000000000006,,P2P,,PSTN,,,'
    '"480","560480",,,,,x,ACSCallSummary\r\n'
)


# "Export to CSV - displayed columns" of a projected query: ISO datetimes (no suffix),
# LF line ends, no BOM, reordered columns, an unknown column, stray spaces.
DISPLAYED_CSV = (
    "ParticipantEndSubCode, ParticipantEndReason ,EndpointType,correlationid,Note,TimeGenerated\n"
    "560403,403,PSTN,c-1,hello,2026-11-28T02:10:38.1234567Z\n"
    " 560486 , 486 , PSTN , c-2 , , 2026-11-28 02:11:00\n"
    "null,null,,c-3,x,2026-11-28T03:11:00+01:00\n"
)


AZ_JSON = """[
  {
    "CallStartTime": "2026-11-28T02:09:58Z",
    "CorrelationId": "c-1",
    "EndpointType": "PSTN",
    "Identifier": "4:+15551234567",
    "ParticipantEndReason": "403",
    "ParticipantEndSubCode": "560403",
    "ParticipantId": "",
    "PstnParticipantCallType": "Outbound",
    "ResultCategory": "UnexpectedClientError",
    "TableName": "PrimaryResult",
    "TimeGenerated": "2026-11-28T02:10:38.1234567Z"
  },
  {
    "CallStartTime": "",
    "CorrelationId": "c-2",
    "EndpointType": "VoIP",
    "Identifier": "8:acs:1",
    "ParticipantEndReason": "0",
    "ParticipantEndSubCode": "0",
    "ParticipantId": "null",
    "PstnParticipantCallType": "",
    "ResultCategory": "Success",
    "TableName": "PrimaryResult",
    "TimeGenerated": "2026-11-28T02:11:38Z"
  },
  "not an object",
  {
    "CorrelationId": "c-4",
    "EndpointType": "PSTN",
    "ParticipantEndReason": "408",
    "ParticipantEndSubCode": "560408",
    "TableName": "PrimaryResult",
    "TimeGenerated": "yesterday"
  }
]
"""


API_COLUMNS = [
    {"name": "TimeGenerated", "type": "datetime"},
    {"name": "CorrelationId", "type": "string"},
    {"name": "CallDuration", "type": "long"},
    {"name": "EndpointType", "type": "string"},
    {"name": "ParticipantEndReason", "type": "string"},
    {"name": "ParticipantEndSubCode", "type": "string"},
    {"name": "CallStartTime", "type": "datetime"},
]


API_ROWS: list[object] = [
    ["2026-11-28T02:10:38.1234567Z", "c-1", 120, "PSTN", "403", "560403", "2026-11-28T02:09:58Z"],
    ["2026-11-28T02:11:00Z", "c-2", None, "PSTN", 487, 540487.0, None],
    ["2026-11-28T02:12:00Z", "c-3", 1, "PSTN", "486"],
    "not a row",
    ["2026-11-28T02:13:00Z", None, 1, "PSTN", "0", "0", None],
]


def api_json(tables: Sequence[Mapping[str, object]], **extra: object) -> str:
    return json.dumps({"tables": tables, **extra}, indent=2)


API_JSON = api_json([{"name": "PrimaryResult", "columns": API_COLUMNS, "rows": API_ROWS}])


JSONL = (
    '{"TimeGenerated":"2026-11-28T02:10:38Z","CorrelationId":"c-1","EndpointType":"PSTN",'
    '"ParticipantEndReason":403,"ParticipantEndSubCode":560403}\r\n'
    "\r\n"
    '{"TimeGenerated":"2026-11-28T02:11:38Z","CorrelationId":"c-2","EndpointType":"PSTN",'
    '"ParticipantEndReason":"403","ParticipantEndSubCode":"560403", "Extra": [1, 2]}\r\n'
    "{not json\r\n"
    "   \r\n"
    "[1, 2, 3]\r\n"
    '{"TimeGenerated":"2026-11-28T02:12:38Z","CorrelationId":"","EndpointType":"PSTN",'
    '"ParticipantEndReason":"0","ParticipantEndSubCode":"0"}\r\n'
)


REQUIRED = [
    "TimeGenerated",
    "CorrelationId",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
]
OPTIONAL = [
    "ParticipantId",
    "Identifier",
    "CallStartTime",
    "PstnParticipantCallType",
    "ResultCategory",
]
FORMATS = list(InputFormat)


def read_any(data: bytes, fmt: InputFormat) -> list[Record] | None:
    """Read; None when the input is refused as a whole. Anything else escaping fails."""
    try:
        records = list(read_export("-", fmt, stdin=io.BytesIO(data)))
    except ExportError as error:
        assert "\n" not in str(error)
        return None
    for record in records:
        assert isinstance(record, (Leg, Rejection))
        assert record.line >= 1
        if isinstance(record, Rejection):
            assert record.reason and "\n" not in record.reason and "\r" not in record.reason
    return records


# A random cell value (CSV cells, JSON Lines values): any text, quotes, commas, CR/LF,
# "null", spaces, ISO datetimes.
CELL = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
        max_size=8,
    ),
    st.sampled_from(["null", '"quoted"', "a,b", "two\nlines", "cr\rlf\r\n", " ", "403.0"]),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
)

#: A physical line end: CR, LF or CRLF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
