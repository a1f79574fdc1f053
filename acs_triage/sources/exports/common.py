"""What every export reader shares: the format names, the errors and the limits.

The limits are read as ``common.NAME`` when they are used (never copied with
``from ... import``), so that a test can lower one in a single place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from acs_triage.errors import InputError

#: Bytes read from the start of the input to detect its format.
HEAD_BYTES = 64 * 1024
#: A CSV or JSON Lines line longer than this (in characters) is rejected unread.
MAX_LINE_CHARS = 1024 * 1024
#: ... but a line still running past this many characters makes the whole input
#: unreadable (/dev/zero, an endless stream without line ends): reading stops there.
MAX_SKIPPED_LINE_CHARS = 16 * MAX_LINE_CHARS
#: Blank lines (CSV, JSON Lines) or characters of whitespace (JSON documents) before
#: any data: past this many the input is refused as holding no export.
MAX_LEADING_BLANK = MAX_LINE_CHARS
#: A single JSON element (a record, a row, a skipped value) larger than this
#: (in characters) makes the document unreadable.
MAX_JSON_VALUE_CHARS = 8 * 1024 * 1024
#: Characters read at a time: the decoded input's buffer, and the JSON scanner's chunk.
CHUNK_CHARS = 64 * 1024
#: An ``api-json`` table that may be the one wanted is spooled to disk past this size.
SPOOL_MEMORY_BYTES = 1024 * 1024


@dataclass
class LineTally:
    """The physical lines of one or more inputs, counted as they are read.

    ``read``: data lines after the header (CSV), lines (JSON Lines), or records (the
    JSON documents, whose "lines" are record numbers, as in rejections); ``blank``:
    those of them that were blank and skipped. Every other data line belongs to exactly
    one row, from its ``line`` to its ``end_line``: the two counts let a consumer check
    that rows and blank lines cover the input exactly.
    """

    read: int = 0
    blank: int = 0


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


class EndlessInput(Exception):
    """A line (or leading blank text) that runs past its limit: the input cannot be
    an export; becomes an :class:`ExportError` naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JsonSyntaxError(Exception):
    """A JSON document cannot be parsed further; becomes an :class:`ExportError`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
