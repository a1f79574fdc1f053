"""Date styles and the ISO fast path (acs_triage.sources.exports.datetimes)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acs_triage.sources.exports import datetimes
from acs_triage.sources.exports.datetimes import parse_datetime
from tests.sources.exports.helpers import UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T02:10:38.1234567Z", datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)),
        ("2026-11-28T02:10:38Z", datetime(2026, 11, 28, 2, 10, 38, tzinfo=UTC)),
        ("2026-11-28t02:10:38z", datetime(2026, 11, 28, 2, 10, 38, tzinfo=UTC)),
        ("2026-11-28 02:10", datetime(2026, 11, 28, 2, 10, tzinfo=UTC)),
        ("2026-11-28T02:10:38.5+05:30", datetime(2026, 11, 27, 20, 40, 38, 500000, tzinfo=UTC)),
        ("2026-11-28T02:10:38-0800", datetime(2026, 11, 28, 10, 10, 38, tzinfo=UTC)),
        ("  2026-11-28T02:10:38,25 Z ", datetime(2026, 11, 28, 2, 10, 38, 250000, tzinfo=UTC)),
        ("11/28/2026, 2:10:38.123 AM", datetime(2026, 11, 28, 2, 10, 38, 123000, tzinfo=UTC)),
        ("1/2/2026, 12:00:00 AM", datetime(2026, 1, 2, 0, 0, tzinfo=UTC)),
        ("1/2/2026, 12:30:00 PM", datetime(2026, 1, 2, 12, 30, tzinfo=UTC)),
        ("1/2/2026 11:59:59.9999999 pm", datetime(2026, 1, 2, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2020/10/16 0:00:01.403", datetime(2020, 10, 16, 0, 0, 1, 403000, tzinfo=UTC)),
    ],
)
def test_datetime_styles(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        "2026-11-28",  # no time
        "2026-02-30T00:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T02:10:38+24:00",
        "0001-01-01T00:00:00+01:00",  # before datetime.min once in UTC
        "28/11/2026, 14:10:38",  # day-first: ambiguous, not accepted
        "11/28/2026, 2:10:38",  # month-first without AM/PM: ambiguous too
        "11/28/2026, 13:10:38 PM",
        "11/28/2026, 0:10:38 AM",
        "20261128T021038Z",
        "2026-W48-1",
        "1764295838",
    ],
)
def test_datetime_rejected(text: str) -> None:
    assert parse_datetime(text) is None


def _fast_iso(moment: datetime, fraction: str, zone: str) -> str:
    clock = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
    return clock + (f".{moment.microsecond:06d}{fraction}" if fraction != "none" else "") + zone


FAST_ISO_TIMES = st.builds(
    _fast_iso,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.sampled_from(["none", "", "0", "99", "123"]),
    st.sampled_from(["Z", ""]),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(FAST_ISO_TIMES, st.text(alphabet="0123456789-:T.Z +", max_size=32)))
def test_iso_fast_path_agrees_with_the_general_parser(text: str) -> None:
    fast = parse_datetime(text)
    general = datetimes._parse_datetime_general(text)
    assert fast == general
    if fast is not None:
        assert fast.tzinfo is UTC and general is not None and general.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T00:00:00.000000Z",
        "2026-11-28T24:00:00.0000000Z",
        "2026-11-28T23:60:00Z",
        "2026-11-28T23:59:60.000000",
        "0000-01-01T00:00:00.000000Z",
        "2026-11-28T02:10:38.１23456Z",
        "2026-11-28T02:10:38.1234567890Z",
    ],
)
def test_iso_fast_path_refusals_still_take_the_general_path(text: str) -> None:
    assert parse_datetime(text) == datetimes._parse_datetime_general(text)


def test_iso_fast_path_shapes() -> None:
    expected = datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    for text in (
        "2026-11-28T02:10:38.123456Z",
        "2026-11-28T02:10:38.1234567Z",
        "2026-11-28T02:10:38.123456789",
    ):
        assert datetimes._ISO_FAST(text) is not None
        assert parse_datetime(text) == expected
    assert parse_datetime("2026-11-28T02:10:38Z") == expected.replace(microsecond=0)
