"""Streaming readers for exported ``ACSCallSummary`` data.

:func:`read_export` turns a file (or ``-`` for standard input) into a stream of
:class:`~acs_triage.records.Leg` rows and :class:`~acs_triage.records.Rejection`
records, one per input row, in input order. Memory does not grow with the size of
the input: CSV and JSON Lines are read line by line, and the two JSON documents
are read element by element from a sliding buffer.

Formats (detected from the first 64 KiB by :func:`detect_format`, or forced):

``csv``
    The Log Analytics portal's *Export to CSV* (*all columns* or *displayed
    columns*). The portal writes datetime columns with a time-zone suffix, e.g.
    ``TimeGenerated [UTC]``, and datetime values in the browser's locale, e.g.
    ``11/28/2026, 2:10:38.123 AM`` for en-US. A UTF-8 (or UTF-16) byte-order mark,
    CRLF or CR line ends, quoted fields with embedded commas, quotes and newlines,
    stray spaces, empty cells, ``null`` and an Excel ``sep=,`` first line are all
    accepted.
``az-json``
    ``az monitor log-analytics query -o json``: a JSON array of flat objects whose
    values are all strings, plus a ``TableName`` key (ignored, like every unknown
    key).
``api-json``
    The Logs query REST API (and ``LogsQueryClient``) response:
    ``{"tables": [{"name", "columns": [{"name", "type"}], "rows": [[...]]}]}``.
    The first table named ``PrimaryResult`` is read, else the first table. Kusto's
    ``TableName``/``ColumnName`` spellings and any key case are accepted.
``jsonl``
    JSON Lines: one object per line; blank lines are skipped and not counted.

Columns are matched by name, never by position: case-insensitively, after
stripping whitespace and a trailing ``[...]`` suffix. Required:
``TimeGenerated``, ``CorrelationId``, ``EndpointType``, ``ParticipantEndReason``,
``ParticipantEndSubCode``. Optional: ``ParticipantId``, ``Identifier``,
``CallStartTime``, ``PstnParticipantCallType``, ``ResultCategory``. When a
column name occurs twice, the first occurrence wins.

Decisions
---------
* **Time zones.** A suffix of ``[UTC]`` (or ``[UTC+00:00]``, ``[GMT]``) is UTC. The
  portal can also be set to display local time; such an export's values carry no
  offset, so they cannot be converted reliably (DST, the exporting browser's
  zone). A ``TimeGenerated`` or ``CallStartTime`` header with any other suffix,
  e.g. ``[Local Time]``, is therefore a file-level :class:`ExportError` whose hint
  says to re-export in UTC, rather than one rejection per row. In the JSON
  formats the same rule applies to keys: in the first object it is an
  :class:`ExportError`; in a later object it rejects that row.
* **Date styles.** ISO 8601 with ``T`` or a space, with ``Z``, ``+hh:mm``,
  ``+hhmm`` or no offset (naive means UTC), seconds optional, 1 to 9 fraction
  digits (Log Analytics writes 7; digits past microseconds are truncated). The
  year-first ``YYYY/M/D H:mm[:ss[.fff]]`` 24-hour style (ja-JP and similar locales).
  The portal's regional styles ``A<sep>B<sep>YYYY[,] H:mm[:ss[.fff]] [AM|PM]`` with
  ``/``, ``.`` or ``-`` (en-US ``11/28/2026, 2:10:38.123 AM``, en-GB ``28/11/2026,
  14:10:38``, de-DE ``28.11.2026 14:10:38``, nl-NL ``28-11-2026 14:10:38``; any
  whitespace, including the narrow no-break space newer browsers put before ``AM``).
  Whether ``A`` is the day or the month is decided **per file**
  (:class:`~acs_triage.sources.exports.datetimes.DateReader`): the first value with a
  field above 12 settles it, the rows before it are held and read the same way
  (:mod:`~acs_triage.sources.exports.pending`); ``--date-order`` decides instead. A
  file that never settles it is an :class:`ExportError` naming ``--date-order``,
  except in the en-US style alone (slashes and AM/PM), read month first as before.
  Every datetime is returned timezone-aware in UTC.
* **Values.** Text is stripped; ``null``, ``None`` and ``""`` are blank. The two
  end-code columns go through :func:`acs_triage.codes.normalize_code`. A blank
  ``EndpointType`` is kept (the leg is simply not PSTN). An unparseable optional
  ``CallStartTime`` becomes ``None`` rather than rejecting the row. A ``TimeGenerated``
  outside 1970-2199 cannot be a Log Analytics record: the row is rejected.
* **Rows.** Every input row becomes exactly one ``Leg`` or one ``Rejection``;
  nothing here raises for a bad row. ``line`` to ``end_line`` are the 1-based
  physical lines the row covers (CSV, JSON Lines; CR, LF and CRLF all end a line; a
  quoted CSV field may hold line breaks) or the 1-based element index in the array
  (``az-json``) or in ``rows`` (``api-json``; concatenated documents are numbered on).
  A ``LineTally`` passed to :func:`read_export` counts the data lines read and the
  blank ones, so that rows and blank lines can be checked to cover the input.
  Rejected: unparseable or missing ``TimeGenerated``, blank ``CorrelationId``, a
  CSV row whose field count differs from the header's, a CSV syntax error (a quote
  never closed: the rejection covers the lines it swallowed), a quoted field that
  runs to the end of the input, a line longer than :data:`MAX_LINE_CHARS`, invalid
  JSON on a JSON Lines line, a record that is not an object (or, in ``api-json``,
  not an array of the right length).
* **Keys in JSON objects.** The first object must hold every required column
  (else :class:`ExportError`, as for a CSV header). A later object that lacks a
  key is read as if the value were null, so it is rejected only if the missing
  value is needed.
* **File-level problems** raise :class:`ExportError` with one line naming the
  file: cannot open or read, not a recognised format (including gzip/ZIP input,
  which must be unpacked first), a required column missing, no header row, a JSON
  document that is syntactically broken or truncated (its remaining rows cannot be
  located, so a partial result would be silently incomplete) or followed by anything
  but another document of its format, a line still running after
  ``MAX_SKIPPED_LINE_CHARS`` (an endless stream), blank text before any data past
  ``MAX_LEADING_BLANK``, and dates the file does not say the order of. Opening
  and format detection happen when :func:`read_export` is called; the other
  checks can raise while iterating, before any further record is yielded.
* **Not interpreted.** A ``PartialError`` in an ``api-json`` document is not
  reported (the reader has no warning channel); neither are ``statistics`` or
  other extra keys.

Modules
-------
One concern per module; only the names below (``__all__``) are public API.

``common``
    :class:`InputFormat`, :class:`ExportError`, the internal JSON syntax error and
    the limits (:data:`HEAD_BYTES`, :data:`MAX_LINE_CHARS`,
    :data:`MAX_JSON_VALUE_CHARS`, chunk and spool sizes). The readers look the
    limits up in ``common`` when they run: the copies re-exported here are for
    reading only, and a test lowers a limit by patching ``common``.
``streams``
    Reading the input: the detection head and its replay, the encoding (byte-order
    mark), physical lines bounded by :data:`MAX_LINE_CHARS`.
``detect``
    :func:`detect_format`.
``columns``
    Column names, header suffixes and the UTC rule, column resolution and its
    errors; ``KeyMap``, which reads JSON objects by key.
``datetimes``
    The date styles above, with a fast path for the shape Log Analytics writes, and
    the per-file date order (``DateReader``).
``pending``
    Records held (in bounded memory) until a file's date order is known.
``values``
    Text and blank handling, the bounded memo, ``LegBuilder`` (a Leg or a Rejection
    from one row's values; one per reader, so readers never share state).
``csv_rows``, ``json_lines``
    The two line-based readers (the CSV loop is the hot path: it inlines
    ``LegBuilder.build``).
``json_scanner``, ``json_documents``
    The streaming JSON scanner, and the ``az-json`` and ``api-json`` readers on it.
``reader``
    :func:`read_export`: open, detect, dispatch, turn late errors into
    :class:`ExportError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acs_triage._lazy import exports_of, lazy_exports

# Imported on first use: the CLI needs InputFormat for its options, not the readers.
_MODULES = {
    ".common": ("HEAD_BYTES", "MAX_JSON_VALUE_CHARS", "MAX_LINE_CHARS", "ExportError", "InputFormat"),
    ".detect": ("detect_format",),
    ".reader": ("read_export",),
}
__getattr__ = lazy_exports(__name__, exports_of(_MODULES))
__all__ = [
    "HEAD_BYTES",
    "MAX_JSON_VALUE_CHARS",
    "MAX_LINE_CHARS",
    "ExportError",
    "InputFormat",
    "detect_format",
    "read_export",
]

if TYPE_CHECKING:
    from acs_triage.sources.exports.common import (
        HEAD_BYTES,
        MAX_JSON_VALUE_CHARS,
        MAX_LINE_CHARS,
        ExportError,
        InputFormat,
    )
    from acs_triage.sources.exports.detect import detect_format
    from acs_triage.sources.exports.reader import read_export
