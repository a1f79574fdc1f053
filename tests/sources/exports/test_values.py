"""Values of a row: end codes, the memo, the Leg record (acs_triage.sources.exports.values).

The normalize_code tests cover acs_triage.codes, through which the end-code columns go."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acs_triage.codes import normalize_code
from acs_triage.records import Leg
from acs_triage.sources.exports import values
from acs_triage.sources.exports.values import LegBuilder, Memo, new_leg
from tests.sources.exports.helpers import UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (403, "403"),
        (" 560403 ", "560403"),
        ("null", ""),
        ("NULL", ""),
        ("None", ""),
        (None, ""),
        ("", ""),
        ("   ", ""),
        (403.0, "403"),
        ("403.0", "403"),
        ("403.", "403"),
        (" 0 ", "0"),
        (0, "0"),
        (True, ""),
        (False, ""),
        (float("nan"), ""),
        (float("inf"), ""),
        (403.5, "403.5"),
        ("abc", "abc"),
        (" Call ended ", "Call ended"),
        (b" 403 ", "403"),
        ("\u0663", "\u0663"),  # a non-ASCII digit is kept as text
        ([1], "[1]"),
    ],
)
def test_normalize_code(value: object, expected: str) -> None:
    assert normalize_code(value) == expected


def test_normalize_code_huge_integer_does_not_raise() -> None:
    assert isinstance(normalize_code(10**5000), str)


class _Hostile:
    def __str__(self) -> str:
        raise RuntimeError("no")


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(),
        st.binary(),
        st.lists(st.integers()),
        st.dictionaries(st.text(), st.integers()),
        st.just(_Hostile()),
    )
)
def test_normalize_code_never_raises_and_is_stripped(value: object) -> None:
    result = normalize_code(value)
    assert isinstance(result, str)
    assert result == result.strip()
    assert normalize_code(result) == result  # idempotent


# The reader's fast paths must agree exactly with the general code they short-cut.
def test_leg_is_an_immutable_record() -> None:
    moment = datetime(2026, 11, 28, 2, 10, 38, 123456, tzinfo=UTC)
    values = (moment, "c-1", "PSTN", "403", "560403", "p", "4:+1555", None, "Outbound", "", 7, 9)
    leg = new_leg(*values)
    assert type(leg) is Leg and tuple(leg) == values
    assert leg == Leg(*values) and hash(leg) == hash(Leg(*values))
    with pytest.raises(AttributeError):
        leg.line = 8  # type: ignore[misc]


def test_memo_is_bounded() -> None:
    memo = Memo(str.upper)
    for number in range(values._MEMO_MAX + 10):
        assert memo[f"v{number}"] == f"V{number}"
    long_key = "x" * (values._MEMO_KEY_CHARS + 1)
    assert memo[long_key] == long_key.upper()
    assert len(memo) == values._MEMO_MAX and long_key not in memo


def test_each_leg_builder_remembers_its_own_call_start() -> None:
    # Each reader owns a LegBuilder: no reader sees another's last CallStartTime.
    text = "2026-11-28T00:59:00Z"
    first, second = LegBuilder(), LegBuilder()
    remembered, flags = first.call_start(text)
    assert remembered == datetime(2026, 11, 28, 0, 59, tzinfo=UTC) and flags == 0
    assert first.call_start(text)[0] is remembered  # the repeat is remembered, not parsed again
    assert second.call_start(text)[0] == remembered
    assert second.call_start(text)[0] is not remembered  # ... by that builder only
    assert first.call_start(7)[0] is None and first.call_start(text)[0] == remembered
