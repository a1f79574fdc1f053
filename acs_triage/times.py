"""Durations and datetimes as people type them, and as reports print them.

The ground floor for every command: ``--since 30m``, ``--start 2026-11-28T02:00Z``,
``--baseline 7d`` and the typed KQL parameters all go through :func:`parse_duration`
and :func:`parse_datetime`; reports print datetimes with :func:`iso`. Both parsers
raise :class:`TimeValueError` (a :class:`ValueError`) with a message that says what
was expected.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["MAX_DURATION", "TimeValueError", "iso", "parse_datetime", "parse_duration"]

#: Longest accepted duration (``--since``, ``--baseline``, timespan parameters).
MAX_DURATION = timedelta(days=3650)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$", re.IGNORECASE)
_UNIT = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?$"
)


class TimeValueError(ValueError):
    """Text that is not the duration or datetime it should be."""


def parse_duration(text: str) -> timedelta:
    """Parse ``30m``, ``24h``, ``7d``, ``1.5h``, ``90s``, ``500ms``, ``2w`` (positive, at most
    :data:`MAX_DURATION`)."""
    match = _DURATION.match(text)
    if not match:
        raise TimeValueError(f"{text!r} is not a duration; use a number and a unit: 30m, 24h, 7d, 90s, 500ms")
    number, unit = match.groups()
    try:
        result = _UNIT[unit.lower()] * float(number)
    except OverflowError:
        result = timedelta.max
    if result <= timedelta(0):
        raise TimeValueError(f"{text!r}: a duration must be positive")
    if result > MAX_DURATION:
        raise TimeValueError(f"{text!r}: a duration must be at most {MAX_DURATION.days} days")
    return result


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 date or datetime (``Z``, offsets, up to 9 fraction digits);
    naive values are UTC. The same on every supported Python (3.10's
    ``fromisoformat`` alone rejects ``Z`` and 7 fraction digits)."""
    match = _ISO.match(text.strip())
    problem = f"{text!r} is not an ISO-8601 datetime such as 2026-11-28T02:00:00Z"
    if match is None:
        raise TimeValueError(problem)
    zone = match.group("zone") or ""
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif zone and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    normal = match.group("date") + "T" + (match.group("time") or "00:00")
    if match.group("fraction"):
        normal += "." + match.group("fraction")[:6].ljust(6, "0")
    try:
        parsed = datetime.fromisoformat(normal + zone)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise TimeValueError(problem) from None


def iso(value: datetime | None) -> str | None:
    """UTC ISO-8601 with a ``Z``, or None."""
    if value is None:
        return None
    text = value.isoformat().replace("+00:00", "Z")
    return text if value.tzinfo is not None else text + "Z"
