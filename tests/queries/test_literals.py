"""Typed KQL literals and command-line values, compared with the value asked for.

Every expected literal is written out by hand from Kusto's syntax (string escapes,
``time(...)`` units, UTC ``datetime(...)``); ``tests/test_kql_library.py`` has Kusto
itself read rendered strings back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo

import pytest

from acs_triage.queries.literals import KqlType, ParameterValueError, kql_literal, parse_value

UTC = timezone.utc


def _refused(message: str, call: Callable[..., object], *args: object) -> None:
    with pytest.raises(ParameterValueError) as raised:
        call(*args)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("", '""'),
        ("plain text", '"plain text"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("a\nb\rc\td", '"a\\nb\\rc\\td"'),
        ("\x00\x01\x1f", '"\\u0000\\u0001\\u001f"'),
        ("\x7f", '"\\u007f"'),
        (" ~\x80é", '" ~\x80é"'),  # space, tilde, C1 and Latin-1: as they are
        ("\ud800|\udfff", '"\\ud800|\\udfff"'),  # lone surrogates
        ("\ud7ff\ue000", '"\ud7ff\ue000"'),  # just outside the surrogate range
        ("+14255550123", '"+14255550123"'),
    ],
)
def test_string_literals(value: str, literal: str) -> None:
    assert kql_literal(value) == literal
    assert kql_literal(value, KqlType.STRING) == literal


def test_control_characters_never_go_out_raw() -> None:
    for code in [*range(0x20), 0x7F, 0xD800, 0xDBFF, 0xDC00, 0xDFFF]:
        literal = kql_literal(f"a{chr(code)}b")
        assert chr(code) not in literal
        escape = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(code, "\\u" + format(code, "04x"))
        assert literal == '"a' + escape + 'b"'


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (timedelta(0), "time(0d)"),
        (timedelta(days=2), "time(2d)"),
        (timedelta(hours=36), "time(36h)"),
        (timedelta(hours=3), "time(3h)"),
        (timedelta(minutes=90), "time(90m)"),
        (timedelta(days=1, seconds=5), "time(86405s)"),
        (timedelta(seconds=1, microseconds=500_000), "time(1500ms)"),
        (timedelta(milliseconds=1), "time(1ms)"),
        (timedelta(microseconds=1), "time(10tick)"),
        (timedelta(microseconds=1500), "time(15000tick)"),
        (timedelta(hours=-1), "time(-1h)"),
        (timedelta(seconds=-1, microseconds=999_999), "time(-10tick)"),
    ],
)
def test_timespan_literals(value: timedelta, literal: str) -> None:
    assert kql_literal(value) == literal


@pytest.mark.parametrize(
    ("text", "expected", "literal"),
    [
        ("90m", timedelta(minutes=90), "time(90m)"),
        ("36h", timedelta(hours=36), "time(36h)"),
        ("7d", timedelta(days=7), "time(7d)"),
        ("45s", timedelta(seconds=45), "time(45s)"),
    ],
)
def test_timespan_values_as_asked(text: str, expected: timedelta, literal: str) -> None:
    value = parse_value(KqlType.TIMESPAN, text)
    assert value == expected
    assert kql_literal(value, KqlType.TIMESPAN) == literal


@pytest.mark.parametrize(
    ("text", "expected", "literal"),
    [
        ("2026-11-28", datetime(2026, 11, 28, tzinfo=UTC), "datetime(2026-11-28T00:00:00.000000Z)"),
        (
            "2026-11-28T02:10:38Z",
            datetime(2026, 11, 28, 2, 10, 38, tzinfo=UTC),
            "datetime(2026-11-28T02:10:38.000000Z)",
        ),
        (
            "2026-11-28T02:10",
            datetime(2026, 11, 28, 2, 10, tzinfo=UTC),
            "datetime(2026-11-28T02:10:00.000000Z)",
        ),
        (
            "2026-11-28T02:00:00+0530",
            datetime(2026, 11, 27, 20, 30, tzinfo=UTC),
            "datetime(2026-11-27T20:30:00.000000Z)",
        ),
        (
            "2026-11-28T02:00:00+05:30",
            datetime(2026, 11, 27, 20, 30, tzinfo=UTC),
            "datetime(2026-11-27T20:30:00.000000Z)",
        ),
        (
            "2026-11-28T22:00:00-0800",
            datetime(2026, 11, 29, 6, 0, tzinfo=UTC),
            "datetime(2026-11-29T06:00:00.000000Z)",
        ),
        (
            " 2026-11-28T02:10:38.5z ",
            datetime(2026, 11, 28, 2, 10, 38, 500_000, tzinfo=UTC),
            "datetime(2026-11-28T02:10:38.500000Z)",
        ),
        (
            "2026-11-28T02:10:38.1234567Z",
            datetime(2026, 11, 28, 2, 10, 38, 123_456, tzinfo=UTC),
            "datetime(2026-11-28T02:10:38.123456Z)",
        ),
        (
            "2026-11-28T02:10:38.000042+01:00",
            datetime(2026, 11, 28, 1, 10, 38, 42, tzinfo=UTC),
            "datetime(2026-11-28T01:10:38.000042Z)",
        ),
    ],
)
def test_datetime_values_as_asked(text: str, expected: datetime, literal: str) -> None:
    value = parse_value(KqlType.DATETIME, text)
    assert value == expected
    assert isinstance(value, datetime) and value.utcoffset() == timedelta(0)
    assert kql_literal(value, KqlType.DATETIME) == literal


def test_datetime_literals_convert_to_utc() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 1, 2, 3, 4, 5, 123_456, tzinfo=india)
    assert kql_literal(moment) == "datetime(2026-01-01T21:34:05.123456Z)"

    class NoOffset(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta | None:
            return None

        def dst(self, dt: datetime | None) -> timedelta | None:
            return None

        def tzname(self, dt: datetime | None) -> str | None:
            return None

    for naive in (datetime(2026, 1, 2), datetime(2026, 1, 2, tzinfo=NoOffset())):
        with pytest.raises(ParameterValueError, match="must carry a time zone"):
            kql_literal(naive)


def test_scalar_and_null_literals() -> None:
    assert kql_literal(True) == "true"
    assert kql_literal(False) == "false"
    assert kql_literal(0) == "long(0)"
    assert kql_literal(2**63 - 1) == "long(9223372036854775807)"
    assert kql_literal(-(2**63)) == "long(-9223372036854775808)"
    for too_big in (2**63, -(2**63) - 1):
        _refused(f"{too_big} does not fit a 64-bit long", kql_literal, too_big)
    assert kql_literal(1.5) == "real(1.5)"
    assert kql_literal(0.1) == "real(0.1)"
    for bad in (float("inf"), float("-inf"), float("nan")):
        _refused("real values must be finite", kql_literal, bad)
    for kql_type, literal in (
        (KqlType.LONG, "long(null)"),
        (KqlType.REAL, "real(null)"),
        (KqlType.BOOL, "bool(null)"),
        (KqlType.DATETIME, "datetime(null)"),
        (KqlType.TIMESPAN, "timespan(null)"),
    ):
        assert kql_literal(None, kql_type) == literal
    for untyped in (None, KqlType.STRING, KqlType.STRING_LIST):
        _refused("untyped null: a string or list parameter cannot be null", kql_literal, None, untyped)


def test_list_literals() -> None:
    assert kql_literal([]) == "dynamic([])"
    assert kql_literal(["403", 'a"b', 560403]) == 'dynamic(["403", "a\\"b", 560403])'
    assert kql_literal(("x",)) == 'dynamic(["x"])'
    for bad in ([True], ["a", 1.5], [None], [["nested"]]):
        _refused("lists may hold only strings and integers", kql_literal, bad)
    _refused("cannot render a dict as a KQL literal", kql_literal, {"a": 1})


def test_parse_scalars() -> None:
    assert parse_value(KqlType.STRING, "  as is, \n") == "  as is, \n"
    assert parse_value(KqlType.LONG, " 42 ") == 42
    assert parse_value(KqlType.LONG, "-19") == -19
    assert parse_value(KqlType.LONG, "9223372036854775807") == 2**63 - 1
    assert parse_value(KqlType.LONG, "-9223372036854775808") == -(2**63)
    for text, message in (
        ("4.2", "'4.2' is not a whole number"),
        ("0x10", "'0x10' is not a whole number"),
        ("", "'' is not a whole number"),
        ("9223372036854775808", "'9223372036854775808' does not fit a 64-bit long"),
        ("-9223372036854775809", "'-9223372036854775809' does not fit a 64-bit long"),
    ):
        with pytest.raises(ParameterValueError) as raised:
            parse_value(KqlType.LONG, text)
        assert str(raised.value) == message
    assert parse_value(KqlType.REAL, "1e3") == 1000.0
    assert parse_value(KqlType.REAL, " -0.25 ") == -0.25
    for text, message in (("abc", "'abc' is not a number"), ("inf", "real values must be finite")):
        with pytest.raises(ParameterValueError) as raised:
            parse_value(KqlType.REAL, text)
        assert str(raised.value) == message
    _refused("real values must be finite", parse_value, KqlType.REAL, "nan")


def test_parse_bool_and_lists() -> None:
    for text in ("true", " TRUE ", "Yes", "1"):
        assert parse_value(KqlType.BOOL, text) is True
    for text in ("false", "No", " 0"):
        assert parse_value(KqlType.BOOL, text) is False
    with pytest.raises(ParameterValueError) as raised:
        parse_value(KqlType.BOOL, "maybe")
    assert str(raised.value) == "'maybe' is not true or false"
    assert parse_value(KqlType.STRING_LIST, " 403, 404 ,,560403 , ") == ["403", "404", "560403"]
    assert parse_value(KqlType.STRING_LIST, "") == []


def test_parse_time_errors_are_parameter_errors() -> None:
    with pytest.raises(ParameterValueError) as raised:
        parse_value(KqlType.DATETIME, "2026-13-01")
    assert str(raised.value) == "'2026-13-01' is not an ISO-8601 datetime such as 2026-11-28T02:00:00Z"
    with pytest.raises(ParameterValueError, match="soon"):
        parse_value(KqlType.TIMESPAN, "soon")


def test_datetime_literals_do_not_depend_on_the_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-8)))
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        assert moment.astimezone().utcoffset() == timedelta(hours=5, minutes=30)  # the zone took effect
        assert kql_literal(moment) == "datetime(2026-01-02T11:04:05.000000Z)"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_naive_datetime_message() -> None:
    _refused(
        "a datetime must carry a time zone (naive datetimes are ambiguous)", kql_literal, datetime(2026, 1, 2)
    )
