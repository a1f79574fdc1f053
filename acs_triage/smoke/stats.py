"""The statistics behind the smoke gate's regression check. Standard library only.

:func:`two_proportion_z_test` asks whether the failure rate of the current window
is higher than the baseline's by more than chance: a one-sided test with a pooled
standard error (the textbook two-proportion z-test, no continuity correction).
:func:`wilson_interval` gives a confidence interval for one rate that stays sane
at small counts and at 0 % or 100 %, for messages and reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["ZTest", "normal_sf", "two_proportion_z_test", "wilson_interval"]


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z (the upper-tail p-value of ``z``)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


@dataclass(frozen=True)
class ZTest:
    """Result of a one-sided two-proportion z-test (H1: current rate > baseline rate)."""

    current_rate: float
    baseline_rate: float
    z: float  #: 0.0 when the pooled rate is 0 or 1 (both windows identical)
    p_value: float  #: P(Z > z); 0.5 when z is 0

    @property
    def increase(self) -> float:
        """Current minus baseline rate, as a fraction (0.02 = 2 percentage points)."""
        return self.current_rate - self.baseline_rate


def two_proportion_z_test(
    current_failures: int, current_total: int, baseline_failures: int, baseline_total: int
) -> ZTest:
    """One-sided pooled two-proportion z-test that the current rate exceeds the baseline's.

    ``z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0))`` with the pooled rate
    ``p = (x1 + x0) / (n1 + n0)``; the p-value is ``P(Z > z)``. Both totals must be
    positive and each failure count within ``0..total``.
    """
    for failures, total, label in (
        (current_failures, current_total, "current"),
        (baseline_failures, baseline_total, "baseline"),
    ):
        if total <= 0:
            raise ValueError(f"{label} total must be positive, got {total}")
        if not 0 <= failures <= total:
            raise ValueError(f"{label} failures must be within 0..{total}, got {failures}")
    p1 = current_failures / current_total
    p0 = baseline_failures / baseline_total
    pooled = (current_failures + baseline_failures) / (current_total + baseline_total)
    variance = pooled * (1.0 - pooled) * (1.0 / current_total + 1.0 / baseline_total)
    if variance <= 0.0:
        # Pooled rate 0 or 1: both windows are all-normal or all-failed, so p1 == p0.
        return ZTest(p1, p0, 0.0, 0.5)
    z = (p1 - p0) / math.sqrt(variance)
    return ZTest(p1, p0, z, normal_sf(z))


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided Wilson score interval for ``successes / total`` (``(0, 1)`` when total is 0)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be within (0, 1), got {confidence}")
    if total < 0 or not 0 <= successes <= max(total, 0):
        raise ValueError(f"need 0 <= successes <= total, got {successes}/{total}")
    if total == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n = float(total)
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == total else min(1.0, centre + half)
    return low, high
