"""Parsing the datetime values of an export (the date styles in the package docstring).

:func:`parse_datetime` takes the shape Log Analytics writes through a fast path and
every other accepted style (ISO 8601 variants, the portal's en-US style, the
year-first 24-hour style) through :func:`_parse_datetime_general`. Every result is
timezone-aware in UTC; anything else is ``None``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

UTC = timezone.utc

_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"\s*(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?"
)
_US = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}),?\s+([0-9]{1,2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?\s*([AaPp])\.?[Mm]\.?"
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


def parse_datetime(value: object) -> datetime | None:
    """A tz-aware UTC datetime from the date styles in the package docstring, or None."""
    if type(value) is str and _ISO_FAST(value) is not None:
        try:
            return _fromisoformat((value[:26] if len(value) >= 26 else value[:19]) + "+00:00")
        except ValueError:
            pass
    return _parse_datetime_general(value)


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


def _parse_datetime_general(value: object) -> datetime | None:
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
        match = _US.fullmatch(text)
        if match is not None:
            month, day, year, hour, minute, second, fraction, half = match.groups()
            hour12 = int(hour)
            if not 1 <= hour12 <= 12:
                return None
            return _utc(year, month, day, hour12 % 12 + (12 if half in "Pp" else 0), minute, second, fraction)
        match = _YEAR_FIRST.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, fraction = match.groups()
            return _utc(year, month, day, int(hour), minute, second, fraction)
    except (ValueError, OverflowError):
        return None
    return None
