"""Typed KQL literals: the one and only way a user value reaches a query.

:func:`kql_literal` renders a Python value of a declared KQL type as a typed
literal (``"text"``, ``long(5)``, ``datetime(...)``, ``time(...)``,
``dynamic([...])``). :func:`parse_value` turns command-line text into that Python
value (durations and datetimes through :mod:`acs_triage.times`), or raises
:class:`ParameterValueError` with a message that says what was expected. No other
code builds KQL from user input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from enum import Enum

from acs_triage.times import TimeValueError, parse_datetime, parse_duration


class KqlType(str, Enum):
    """The parameter types a query may declare."""

    STRING = "string"
    LONG = "long"
    REAL = "real"
    BOOL = "bool"
    DATETIME = "datetime"
    TIMESPAN = "timespan"
    STRING_LIST = "string_list"  # rendered as dynamic(["a", "b"])


class ParameterValueError(ValueError):
    """A value that does not fit the declared type."""


# KQL string escapes (same set as the .NET SDK's LogsQueryClient.CreateQuery).
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_TICK = timedelta(microseconds=1) / 10  # Kusto's tick is 100 ns; Python's resolution is 1 us


def _string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            # Other control characters and lone surrogates: unicode escape.
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _timespan(value: timedelta) -> str:
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    for unit, size in (
        ("d", 86_400_000_000),
        ("h", 3_600_000_000),
        ("m", 60_000_000),
        ("s", 1_000_000),
        ("ms", 1_000),
    ):
        if micros % size == 0:
            return f"time({micros // size}{unit})"
    return f"time({micros * 10}tick)"


def _datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ParameterValueError("a datetime must carry a time zone (naive datetimes are ambiguous)")
    utc = value.astimezone(timezone.utc)
    return f"datetime({utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}Z)"


def kql_literal(value: object, kql_type: KqlType | None = None) -> str:
    """Render ``value`` as a typed KQL literal.

    ``None`` needs a ``kql_type`` and becomes a typed null (``datetime(null)``).
    Raises :class:`ParameterValueError` for values that cannot be rendered safely.
    """
    if value is None:
        if kql_type in (None, KqlType.STRING, KqlType.STRING_LIST):
            raise ParameterValueError("untyped null: a string or list parameter cannot be null")
        assert kql_type is not None
        return f"{kql_type.value}(null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise ParameterValueError(f"{value} does not fit a 64-bit long")
        return f"long({value})"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterValueError("real values must be finite")
        return f"real({value!r})"
    if isinstance(value, datetime):
        return _datetime(value)
    if isinstance(value, timedelta):
        return _timespan(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Sequence):
        items = list(value)
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise ParameterValueError("lists may hold only strings and integers")
        return (
            "dynamic([" + ", ".join(_string(i) if isinstance(i, str) else str(int(i)) for i in items) + "])"
        )
    raise ParameterValueError(f"cannot render a {type(value).__name__} as a KQL literal")


def parse_value(kql_type: KqlType, text: str) -> object:
    """Turn command-line text into a Python value of ``kql_type``."""
    if kql_type is KqlType.STRING:
        return text
    if kql_type is KqlType.LONG:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise ParameterValueError(f"{text!r} is not a whole number") from None
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise ParameterValueError(f"{text!r} does not fit a 64-bit long")
        return value
    if kql_type is KqlType.REAL:
        try:
            real = float(text)
        except ValueError:
            raise ParameterValueError(f"{text!r} is not a number") from None
        if not math.isfinite(real):
            raise ParameterValueError("real values must be finite")
        return real
    if kql_type is KqlType.BOOL:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ParameterValueError(f"{text!r} is not true or false")
    try:
        if kql_type is KqlType.DATETIME:
            return parse_datetime(text)
        if kql_type is KqlType.TIMESPAN:
            return parse_duration(text)
    except TimeValueError as exc:
        raise ParameterValueError(str(exc)) from None
    if kql_type is KqlType.STRING_LIST:
        return [part.strip() for part in text.split(",") if part.strip()]
    raise ParameterValueError(f"unsupported parameter type {kql_type}")  # pragma: no cover
