"""The gate's statistics against hand-computed and reference values."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from acs_triage.smoke.result import WindowStats
from acs_triage.smoke.stats import ZTest, normal_sf, two_proportion_z_test, wilson_interval
from acs_triage.windows import Window


def test_normal_sf_known_values() -> None:
    assert normal_sf(0.0) == pytest.approx(0.5, abs=1e-15)
    assert normal_sf(1.6448536269514722) == pytest.approx(0.05, abs=1e-12)
    assert normal_sf(2.3263478740408408) == pytest.approx(0.01, abs=1e-12)
    assert normal_sf(3.090232306167813) == pytest.approx(0.001, abs=1e-12)
    assert normal_sf(-1.959963984540054) == pytest.approx(0.975, abs=1e-12)
    reference = NormalDist()
    for z in (-4.0, -1.3, -0.2, 0.7, 1.1, 2.5, 5.0):
        assert normal_sf(z) == pytest.approx(1.0 - reference.cdf(z), abs=1e-12)


def test_z_test_hand_computed() -> None:
    # 30/200 = 15 % now vs 500/5000 = 10 %: pooled p = 530/5200,
    # SE = sqrt(p (1-p) (1/200 + 1/5000)) = 0.0218170, z = 0.05 / SE = 2.291793
    test = two_proportion_z_test(30, 200, 500, 5000)
    assert test.z == pytest.approx(2.291793, abs=1e-6)
    assert test.p_value == pytest.approx(0.010959, abs=1e-6)
    assert test.increase == pytest.approx(0.05)
    # one-sided: the mirrored comparison has the complementary p-value
    mirrored = two_proportion_z_test(500, 5000, 30, 200)
    assert mirrored.z == pytest.approx(-test.z)
    assert mirrored.p_value == pytest.approx(1.0 - test.p_value)
    # textbook-sized example: 72/900 (8 %) vs 48/2400 (2 %) -> z = 8.2003
    assert two_proportion_z_test(72, 900, 48, 2400).z == pytest.approx(8.200322, abs=1e-6)


def test_z_test_degenerate_and_invalid() -> None:
    same = two_proportion_z_test(0, 50, 0, 500)
    assert (same.z, same.p_value, same.increase) == (0.0, 0.5, 0.0)
    assert two_proportion_z_test(50, 50, 10, 10).p_value == 0.5
    for args in ((1, 0, 1, 10), (11, 10, 1, 10), (1, 10, -1, 10)):
        with pytest.raises(ValueError):
            two_proportion_z_test(*args)


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(10, 100)
    assert (low, high) == (pytest.approx(0.0552, abs=1e-4), pytest.approx(0.1744, abs=1e-4))
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson_interval(50, 50)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """The textbook Wilson score interval, written again here."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def test_wilson_interval_at_totals_zero_and_one() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 0, confidence=0.5) == (0.0, 1.0)
    z = 1.959963984540054
    # n = 1: z²/(1+z²) = 0.7935 bounds the interval on the side that is not pinned
    assert wilson_interval(0, 1) == (0.0, pytest.approx(_wilson(0, 1, z)[1], abs=1e-12))
    assert wilson_interval(0, 1)[1] == pytest.approx(z * z / (1 + z * z), abs=1e-12)
    assert wilson_interval(1, 1) == (pytest.approx(1 / (1 + z * z), abs=1e-12), 1.0)
    for bad in ((-1, 0), (1, 0), (-1, 5), (6, 5), (0, -1)):
        with pytest.raises(ValueError, match="successes <= total"):
            wilson_interval(*bad)


def test_wilson_interval_confidence_levels() -> None:
    for confidence in (0.5, 0.9, 0.99):
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        for x, n in ((1, 3), (7, 40), (39, 40), (500, 1000)):
            expected = _wilson(x, n, z)
            assert wilson_interval(x, n, confidence) == (
                pytest.approx(expected[0], abs=1e-12),
                pytest.approx(expected[1], abs=1e-12),
            )
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="confidence"):
            wilson_interval(1, 2, bad)


def test_z_test_at_totals_one() -> None:
    # 1/1 vs 0/1: pooled 0.5, variance 0.25 * 2, z = 1 / sqrt(0.5) = sqrt(2)
    test = two_proportion_z_test(1, 1, 0, 1)
    assert (test.current_rate, test.baseline_rate) == (1.0, 0.0)
    assert test.z == pytest.approx(math.sqrt(2.0), abs=1e-12)
    assert test.p_value == pytest.approx(1.0 - NormalDist().cdf(math.sqrt(2.0)), abs=1e-12)
    assert two_proportion_z_test(0, 1, 1, 1).z == pytest.approx(-math.sqrt(2.0), abs=1e-12)
    assert two_proportion_z_test(1, 1, 1, 1) == ZTest(1.0, 1.0, 0.0, 0.5)
    # one failure in 3 against none in 5: p1 = 1/3, pooled 1/8, z = (1/3) / sqrt(7/64 * 8/15)
    z = (1 / 3) / math.sqrt(7 / 64 * (1 / 3 + 1 / 5))
    assert two_proportion_z_test(1, 3, 0, 5).z == pytest.approx(z, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 0, 0, 1), "current total must be positive, got 0"),
        ((0, 1, 0, 0), "baseline total must be positive, got 0"),
        ((0, -3, 0, 1), "current total must be positive, got -3"),
        ((2, 1, 0, 1), "current failures must be within 0..1, got 2"),
        ((-1, 1, 0, 1), "current failures must be within 0..1, got -1"),
        ((0, 1, 2, 1), "baseline failures must be within 0..1, got 2"),
        ((0, 1, -1, 1), "baseline failures must be within 0..1, got -1"),
    ],
)
def test_z_test_rejects(args: tuple[int, int, int, int], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        two_proportion_z_test(*args)
    assert str(raised.value) == message


def test_window_stats_at_totals_zero_and_one() -> None:
    window = Window(None, None)
    empty = WindowStats(window, legs=0, failed_legs=0, ignored_legs=0)
    assert (empty.considered_legs, empty.counted_failures, empty.failure_rate, empty.unexpected_rate) == (
        0,
        0,
        None,
        None,
    )
    one = WindowStats(window, legs=1, failed_legs=1, ignored_legs=0, unexpected_legs=1)
    assert (one.considered_legs, one.counted_failures, one.failure_rate, one.unexpected_rate) == (
        1,
        1,
        1.0,
        1.0,
    )
    ignored = WindowStats(
        window, legs=1, failed_legs=1, ignored_legs=1, ignored_by_category=(("canceled", 1),)
    )
    assert (ignored.considered_legs, ignored.counted_failures, ignored.failure_rate) == (0, 0, None)
    assert ignored.to_dict()["ignored_by_category"] == {"canceled": 1}


def test_wilson_interval_ends_exactly_at_zero_and_one() -> None:
    """All failed (or none): the pinned end is exactly 1 (or 0), whatever floating point gives
    for the formula (for 13, 15, 17 or 19 legs it gives 0.9999999999999999)."""
    for n in (1, 13, 15, 17, 19, 33, 50):
        assert wilson_interval(n, n)[1] == 1.0
        assert wilson_interval(0, n)[0] == 0.0
