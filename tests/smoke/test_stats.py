"""The gate's statistics against hand-computed and reference values."""

from __future__ import annotations

from statistics import NormalDist

import pytest

from acs_triage.smoke.stats import normal_sf, two_proportion_z_test, wilson_interval


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
