"""Parsing the datetime values of an export (the date styles in the package docstring).

:func:`parse_datetime` takes the shape Log Analytics writes through a fast path and
every other accepted style (ISO 8601 variants, the year-first 24-hour style, the
portal's regional day/month styles) through :func:`_parse_datetime_general`. Every
result is timezone-aware in UTC; anything else is ``None``.

A portal CSV writes dates in the exporting browser's locale: ``11/28/2026, 2:10:38 PM``
(en-US, month first), ``28/11/2026, 14:10:38`` (en-GB, day first), ``28.11.2026
14:10:38`` (de-DE), ``28-11-2026 14:10:38`` (nl-NL)... Whether ``05/11/2026`` is
May 11th or November 5th is decided once per file by a :class:`DateReader`: a value
whose first field is above 12 settles it day-first, one whose second field is
above 12 month-first, and ``--date-order`` decides before any value is read.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

UTC = timezone.utc

#: The two orders of a ``A/B/YYYY`` date: day first, month first.
DMY, MDY = "dmy", "mdy"
DATE_ORDERS = (DMY, MDY)

#: What :meth:`DateReader.parse` returns for a date whose order the file has not
#: settled yet. Outside 1970-2199, so that a reader's range check catches it.
AMBIGUOUS = datetime(1, 1, 1, tzinfo=UTC)

_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"\s*(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?"
)
#: ``A<sep>B<sep>YYYY[,] H:mm[:ss[.fff]] [AM|PM]`` with ``/``, ``.`` or ``-`` (the same
#: twice); the time may use ``.`` between its fields (da-DK, fi-FI).
_NUMERIC = re.compile(
    r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})\.?,?\s+([0-9]{1,2})[:.]([0-9]{2})"
    r"(?:[:.]([0-9]{2})(?:[.,]([0-9]{1,9}))?)?\s*(?:([AaPp])\.?\s?[Mm]\.?)?"
)
_YEAR_FIRST = re.compile(
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}),?\s+([0-9]{1,2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
)


def _micro(fraction: str | None) -> int:
    return int((fraction + "00000")[:6]) if fraction else 0


# The shape Log Analytics writes: "T", no fraction or 6 to 9 fraction digits, then
# "Z" or nothing (naive means UTC). Such a value goes to datetime.fromisoformat as
# "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (digits past microseconds cut off, as _micro
# does), a form every supported Python (3.10 included) accepts, returning
# timezone.utc; a value it refuses (e.g. February 30th) and every other shape go
# through the regexes. The hour excludes 24: newer Pythons read "24:00" as midnight.
_ISO_FAST = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(?:\.[0-9]{6,9})?Z?"
).fullmatch
_fromisoformat = datetime.fromisoformat


def parse_datetime(value: object, order: str | None = None) -> datetime | None:
    """A tz-aware UTC datetime from the date styles in the package docstring, or None.

    ``A/B/YYYY`` dates are read in ``order``; without one, only the portal's en-US
    style (slashes, a 12-hour clock with AM/PM) is read, month first.
    """
    if type(value) is str and _ISO_FAST(value) is not None:
        try:
            return _fromisoformat((value[:26] if len(value) >= 26 else value[:19]) + "+00:00")
        except ValueError:
            pass
    return _parse_datetime_general(value, order)


def _utc(
    year: str, month: str, day: str, hour: int, minute: str, second: str | None, fraction: str | None
) -> datetime:
    """A UTC datetime from the matched fields (raises ValueError when out of range)."""
    return datetime(
        int(year),
        int(month),
        int(day),
        hour,
        int(minute),
        int(second) if second else 0,
        _micro(fraction),
        tzinfo=UTC,
    )


def _numeric(match: re.Match[str], order: str) -> datetime | None:
    """The datetime of a ``_NUMERIC`` match read in ``order`` (None when invalid)."""
    first, _sep, second, year, hour, minute, seconds, fraction, half = match.groups()
    month, day = (second, first) if order == DMY else (first, second)
    clock = int(hour)
    if half is not None:
        if not 1 <= clock <= 12:
            return None
        clock = clock % 12 + (12 if half in "Pp" else 0)
    return _utc(year, month, day, clock, minute, seconds, fraction)


def _parse_datetime_general(value: object, order: str | None = None) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        match = None if "/" in text else _ISO.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
            parsed = _utc(year, month, day, int(hour), minute, second, fraction)
            if sign is not None:
                offset = timedelta(hours=int(off_h), minutes=int(off_m))
                if offset >= timedelta(hours=24) or int(off_m) >= 60:
                    return None
                parsed = parsed - offset if sign == "+" else parsed + offset
            return parsed
        match = _NUMERIC.fullmatch(text)
        if match is not None:
            if order is None:  # no order known: only the en-US style, month first
                if match.group(2) != "/" or match.group(9) is None:
                    return None
                order = MDY
            return _numeric(match, order)
        match = _YEAR_FIRST.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, fraction = match.groups()
            return _utc(year, month, day, int(hour), minute, second, fraction)
    except (ValueError, OverflowError):
        return None
    return None


def swap_day_and_month(moment: datetime) -> datetime:
    """A provisional month-first reading of an ambiguous date, read day first instead
    (both fields are at most 12, so the swap is always a valid date)."""
    return moment.replace(month=moment.day, day=moment.month)


class DateReader:
    """Parses one file's datetimes and decides the order of its ``A/B/YYYY`` dates.

    With ``order`` given (``--date-order``) every such date is read in it. Otherwise
    the first value that settles the order decides it for the rest of the file; until
    then a value both orders can read is *ambiguous*: :meth:`parse` returns
    :data:`AMBIGUOUS`, :meth:`parse_provisional` the month-first reading and counts it
    (the reader holds such rows until the order is known, then swaps day and month if
    the file turned out to be day-first).
    """

    __slots__ = ("ambiguous", "example", "order", "us_style_only")

    def __init__(self, order: str | None = None) -> None:
        if order is not None and order not in DATE_ORDERS:
            raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, not {order!r}")
        self.order = order
        self.ambiguous = 0  #: values read provisionally (month first) so far
        self.example = ""  #: the first of them, for the error message
        self.us_style_only = True  #: every ambiguous value had slashes and AM/PM (en-US)

    @property
    def settled(self) -> bool:
        return self.order is not None

    def parse(self, value: object) -> datetime | None:
        """The datetime; :data:`AMBIGUOUS` for a date the file has not settled yet."""
        if type(value) is str and _ISO_FAST(value) is not None:  # parse_datetime's fast path
            try:
                return _fromisoformat((value[:26] if len(value) >= 26 else value[:19]) + "+00:00")
            except ValueError:
                pass
        return self._general(value, provisional=False)

    def parse_provisional(self, value: object) -> datetime | None:
        """The datetime; an ambiguous date is read month first and counted."""
        if type(value) is str and _ISO_FAST(value) is not None:
            return parse_datetime(value)
        return self._general(value, provisional=True)

    def _general(self, value: object, *, provisional: bool) -> datetime | None:
        order = self.order
        if order is not None or not isinstance(value, str):
            return _parse_datetime_general(value, order)
        match = _NUMERIC.fullmatch(value.strip())
        if match is None:
            return _parse_datetime_general(value)
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 and second > 12:  # no date in either order
            return None
        if first <= 12 and second <= 12 and not provisional:
            return AMBIGUOUS
        candidate = DMY if first > 12 else MDY
        try:
            parsed = _numeric(match, candidate)
        except (ValueError, OverflowError):
            return None
        if parsed is None:
            return None
        if first > 12 or second > 12:  # a valid date that only one order reads
            self.order = candidate
        else:
            self.ambiguous += 1
            self.example = self.example or value.strip()
            self.us_style_only &= match.group(2) == "/" and match.group(9) is not None
        return parsed

    def settle_by_default(self) -> bool:
        """At the end of a file that never settled its order: month first when every
        ambiguous date was in the en-US style (the portal's default, as before);
        False when the file stays ambiguous."""
        if self.order is None and self.us_style_only:
            self.order = MDY
        return self.order is not None
