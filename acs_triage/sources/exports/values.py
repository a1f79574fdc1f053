"""Turning the values of one row into a ``Leg``, or into the ``Rejection`` that says why not.

Text handling (stripped; ``null``/``None``/missing are blank), short renderings of
bad values for rejection reasons, the bounded :class:`Memo` of per-column
conversions, and :class:`LegBuilder`, which holds one reader's memos, its date order
and the records held until that order is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from acs_triage.codes import normalize_code
from acs_triage.masking import quote
from acs_triage.records import Item, Leg, Rejection
from acs_triage.sources.exports.common import ExportError
from acs_triage.sources.exports.datetimes import UTC, DateReader
from acs_triage.sources.exports.pending import CALL_START_PROVISIONAL, TIME_PROVISIONAL, Pending

_BLANK_TEXT = frozenset({"null", "none"})

#: TimeGenerated outside these bounds cannot be a Log Analytics record (and would
#: overflow window arithmetic near year 1 or 9999): such rows are rejected.
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2200, 1, 1, tzinfo=UTC)

#: ``Leg`` is a named tuple, cheap to build; the name marks the per-row call sites.
new_leg = Leg


def clean_text(value: object) -> str:
    """A text column: stripped; ``null``/``None``/missing -> ``""``."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 4 and text.lower() in _BLANK_TEXT:
            return ""
        if not text.isascii():
            # JSON "\ud800" escapes decode to lone surrogates, which cannot be printed.
            text = text.encode("utf-8", errors="replace").decode("utf-8")
        return text
    if value is None:
        return ""
    return normalize_code(value)


#: A short, one-line, quoted rendering of a bad value for a rejection reason,
#: delimited so that masking finds it (:func:`acs_triage.masking.quote`).
show_value = quote


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line ends included) made one space."""
    return " ".join(str(text).split())


def json_type_name(value: object) -> str:
    """What a decoded JSON value is, for a rejection reason: ``"an array"``, ``"null"``..."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "an object"


class Memo(dict[str, str]):
    """``convert(text)`` for the few distinct texts of a column (end codes, endpoint
    types, ...), remembered: a dict lookup instead of a call per row. Bounded: at most
    ``_MEMO_MAX`` short keys are kept; others are converted every time."""

    __slots__ = ("_convert",)

    def __init__(self, convert: Callable[[str], str]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, key: str) -> str:
        value = self._convert(key)
        if len(self) < _MEMO_MAX and len(key) <= _MEMO_KEY_CHARS:
            self[key] = value
        return value


_MEMO_MAX = 1024
_MEMO_KEY_CHARS = 64


def bad_time_rejection(
    time_raw: object, parsed: datetime | None, line: int, source: str, end_line: int = 0
) -> Rejection:
    """The rejection for a ``TimeGenerated`` value that did not parse (``parsed`` None)
    or is implausible."""
    if clean_text(time_raw) == "":
        return Rejection(source, line, "missing TimeGenerated", end_line)
    if parsed is not None:
        return Rejection(source, line, f"TimeGenerated {show_value(time_raw)} is outside 1970-2199", end_line)
    return Rejection(source, line, f"unparseable TimeGenerated {show_value(time_raw)}", end_line)


class LegBuilder:
    """Builds Legs from canonical column values, with one reader's remembered answers.

    Each reader owns its builder, so two readers never share state: the memos of
    :func:`clean_text` and :func:`normalize_code` for the columns with few distinct
    values, the last ``CallStartTime`` (it repeats on every leg of a call), the file's
    :class:`~acs_triage.sources.exports.datetimes.DateReader` and the records held
    while its date order is not known (:mod:`~acs_triage.sources.exports.pending`).

    Readers hand every record to :meth:`emit` (or build and emit with :meth:`rows`) and
    yield what it returns, then yield what :meth:`finish` returns at the end.
    """

    __slots__ = ("_codes", "_last_start", "_texts", "dates", "pending")

    def __init__(self, dates: DateReader | None = None) -> None:
        self._texts = Memo(clean_text)
        self._codes = Memo(normalize_code)
        self._last_start: tuple[object, datetime | None, int] = ("", None, 0)
        self.dates = dates or DateReader()
        self.pending: Pending | None = None  #: records held until the date order is known

    def call_start(self, value: object) -> tuple[datetime | None, int]:
        """``CallStartTime`` (it repeats on every leg of a call: the last one is
        remembered) and its flag when read provisionally."""
        last = self._last_start
        if value == last[0] and type(value) is type(last[0]):
            return last[1], last[2]
        before = self.dates.ambiguous
        parsed = self.dates.parse_provisional(value)
        flag = CALL_START_PROVISIONAL if self.dates.ambiguous != before else 0
        self._last_start = (value, parsed, flag)
        return parsed, flag

    def build(
        self, values: Sequence[object], line: int, source: str, end_line: int = 0
    ) -> tuple[Leg | Rejection, int]:
        """A Leg from the canonical column values (in the order of
        :data:`~acs_triage.sources.exports.columns.COLUMNS`), or the Rejection; and the
        flags of the leg's provisional datetimes."""
        (
            time_raw,
            correlation_raw,
            endpoint_type,
            end_reason,
            end_sub_code,
            participant_id,
            identifier,
            start_raw,
            pstn_call_type,
            result_category,
        ) = values
        dates = self.dates
        before = dates.ambiguous
        time_generated = dates.parse_provisional(time_raw)
        if time_generated is None or not EARLIEST_TIME <= time_generated < LATEST_TIME:
            return bad_time_rejection(time_raw, time_generated, line, source, end_line), 0
        flags = TIME_PROVISIONAL if dates.ambiguous != before else 0
        correlation_id = clean_text(correlation_raw)
        if not correlation_id:
            return Rejection(source, line, "missing CorrelationId", end_line), 0
        call_start, start_flag = self.call_start(start_raw)
        texts = self._texts
        codes = self._codes
        leg = new_leg(
            time_generated,
            correlation_id,
            texts[endpoint_type] if type(endpoint_type) is str else clean_text(endpoint_type),
            codes[end_reason] if type(end_reason) is str else normalize_code(end_reason),
            codes[end_sub_code] if type(end_sub_code) is str else normalize_code(end_sub_code),
            clean_text(participant_id),
            clean_text(identifier),
            call_start,
            texts[pstn_call_type] if type(pstn_call_type) is str else clean_text(pstn_call_type),
            texts[result_category] if type(result_category) is str else clean_text(result_category),
            line,
            end_line if end_line > line else line,
        )
        return leg, flags | start_flag

    def rows(self, values: Sequence[object], line: int, source: str, end_line: int = 0) -> Iterable[Item]:
        """:meth:`build`, then :meth:`emit`."""
        return self.emit(*self.build(values, line, source, end_line))

    def emit(self, item: Item, flags: int = 0) -> Iterable[Item]:
        """What to yield for ``item``: itself; nothing while records are held for the
        date order; or every held record once the order is known."""
        pending = self.pending
        if pending is None:
            if not flags:
                return (item,)
            pending = self.pending = Pending()
        pending.add(item, flags)
        order = self.dates.order
        if order is None:
            return ()
        self.pending = None
        self._last_start = ("", None, 0)  # it may hold a provisional reading
        return pending.drain(order)

    def finish(self, name: str) -> Iterable[Item]:
        """At the end of the input: the records still held, read month first when the
        file is in the en-US style; else the file is ambiguous (an ExportError)."""
        pending = self.pending
        if pending is None:
            return ()
        if not self.dates.settle_by_default():
            pending.close()
            self.pending = None
            raise ExportError(
                f"{name}: dates such as {show_value(self.dates.example)} can be read day-first or "
                "month-first, and no date in the file settles it (a first field above 12 means "
                "day-first, a second field above 12 month-first)",
                hint="pass --date-order dmy or --date-order mdy",
            )
        self.pending = None
        assert self.dates.order is not None
        return pending.drain(self.dates.order)

    def close(self) -> None:
        """Free the records still held (the reader stopped early)."""
        if self.pending is not None:
            self.pending.close()
            self.pending = None
