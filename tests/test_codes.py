"""End-code values as logs, exports and APIs hold them, each normalised to the text asked for."""

from __future__ import annotations

import sys
from fractions import Fraction

import numpy as np
import pytest

from acs_triage.codes import http_status, is_failed_operation, is_failure_end, normalize_code


class _Shown:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class _Hostile:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("403", "403"),
        (" 560403 ", "560403"),
        ("\t0\n", "0"),
        ("403.0", "403"),
        ("403.000", "403"),
        ("403.", "403"),
        ("+403.0", "+403"),
        ("-1.0", "-1"),
        (" 560403.0 ", "560403"),
        ("403.01", "403.01"),
        ("4O3", "4O3"),
        (" abc ", "abc"),
        ("\u0664\u0660\u0663", "\u0664\u0660\u0663"),  # Arabic-Indic digits: text, not a number
        ("", ""),
        ("   ", ""),
        ("null", ""),
        (" NULL ", ""),
        ("None", ""),
        ("nan", ""),
        ("NaN", ""),
        (None, ""),
        (True, ""),
        (False, ""),
        (403, "403"),
        (0, "0"),
        (-5, "-5"),
        (np.int64(560403), "560403"),
        (403.0, "403"),
        (-0.0, "0"),
        (403.5, "403.5"),
        (float("nan"), ""),
        (float("inf"), ""),
        (float("-inf"), ""),
        (np.float64(486.0), "486"),
        (Fraction(8, 2), "4"),
        (Fraction(7, 2), "3.5"),
        (b" 403 ", "403"),
        (bytearray(b"null"), ""),
        (b"403.0", "403"),
        (b"\xff", "\ufffd"),
        (_Shown(" 404.0 "), "404"),
        (_Shown("None"), ""),
        (_Hostile(), ""),
    ],
)
def test_normalize_code(value: object, expected: str) -> None:
    assert normalize_code(value) == expected


@pytest.mark.skipif(
    not hasattr(sys, "get_int_max_str_digits"),
    reason="Python before 3.10.7 prints integers of any length (no int_max_str_digits)",
)
def test_normalize_code_never_raises_on_huge_integers() -> None:
    assert normalize_code(10**5000) == ""


@pytest.mark.parametrize(
    ("reason", "failed"),
    [
        ("0", False),
        (" 0 ", False),
        (0, False),
        (0.0, False),
        ("200", False),
        ("202", False),
        ("2", False),
        (200.0, False),
        ("00", True),
        ("403", True),
        ("1", True),
        ("", True),
        (None, True),
        ("487", True),
        ("603", True),
    ],
)
def test_is_failure_end(reason: object, failed: bool) -> None:
    assert is_failure_end(reason) is failed


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("403", 403),
        (403, 403),
        (403.0, 403),
        (" 500 ", 500),
        ("0", 0),
        ("999999999", 999_999_999),
        ("1000000000", None),
        ("", None),
        (None, None),
        ("abc", None),
        ("-1", None),
        ("403.5", None),
        ("\u0664\u0660\u0663", None),
    ],
)
def test_http_status(value: object, status: int | None) -> None:
    assert http_status(value) == status


@pytest.mark.parametrize(
    ("result_type", "signature", "failed"),
    [
        ("Succeeded", "200", False),
        ("Succeeded", "399", False),
        ("Succeeded", "400", True),
        ("Succeeded", 500, True),
        ("Failed", "200", True),
        (" failed ", None, True),
        ("FAILED", "", True),
        ("Failure", "202", False),
        (None, None, False),
        (None, "404", True),
        (123, "200", False),
        ("", "x", False),
    ],
)
def test_is_failed_operation(result_type: object, signature: object, failed: bool) -> None:
    assert is_failed_operation(result_type, signature) is failed
