"""What every export reader shares: the format names, the errors and the limits.

The limits are read as ``common.NAME`` when they are used (never copied with
``from ... import``), so that a test can lower one in a single place.
"""

from __future__ import annotations

from enum import Enum

from acs_triage.errors import InputError

#: Bytes read from the start of the input to detect its format.
HEAD_BYTES = 64 * 1024
#: A CSV or JSON Lines line longer than this (in characters) is rejected unread.
MAX_LINE_CHARS = 1024 * 1024
#: A single JSON element (a record, a row, a skipped value) larger than this
#: (in characters) makes the document unreadable.
MAX_JSON_VALUE_CHARS = 8 * 1024 * 1024
#: Characters read at a time: the decoded input's buffer, and the JSON scanner's chunk.
CHUNK_CHARS = 64 * 1024
#: An ``api-json`` table that may be the one wanted is spooled to disk past this size.
SPOOL_MEMORY_BYTES = 1024 * 1024


class InputFormat(str, Enum):
    """The export formats :func:`~acs_triage.sources.exports.read_export` understands."""

    AUTO = "auto"
    CSV = "csv"
    AZ_JSON = "az-json"
    API_JSON = "api-json"
    JSONL = "jsonl"
    #: Azure Monitor diagnostic records (storage archives, Event Hubs): JSON Lines or
    #: ``{"records": [...]}`` documents
    DIAGNOSTIC = "diagnostic"


class ExportError(InputError):
    """A file-level problem: the input cannot be read as an ACSCallSummary export.

    The message is one line and names the file (``<stdin>`` for standard input).
    """


class JsonSyntaxError(Exception):
    """A JSON document cannot be parsed further; becomes an :class:`ExportError`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
