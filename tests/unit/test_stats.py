import math

import numpy as np
import pytest

from sdp_dash.domain import stats


def test_exact_poisson_limits_for_small_counts():
    # Garwood exact limits (public-health tables): 0 -> (0, 3.689), 1 -> (0.0253, 5.572), 5 -> (1.623, 11.668)
    lo, hi = stats.poisson_interval([0, 1, 5])
    assert lo == pytest.approx([0.0, 0.0253, 1.6235], abs=1e-3)
    assert hi == pytest.approx([3.6889, 5.5716, 11.6683], abs=1e-3)


def test_byars_limits_for_larger_counts():
    o = 100
    z = 1.959963984540054
    lo_expected = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    hi_expected = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    lo, hi = stats.poisson_interval([o])
    assert lo[0] == pytest.approx(lo_expected) and hi[0] == pytest.approx(hi_expected)
    assert lo[0] == pytest.approx(81.36, abs=0.01) and hi[0] == pytest.approx(121.63, abs=0.01)


def test_rate_per_1000_with_interval():
    rate, lo, hi = stats.rate_interval([48409], [522044])
    assert rate[0] == pytest.approx(92.730, abs=1e-3)
    assert lo[0] < rate[0] < hi[0]


def test_wilson_interval():
    lo, hi = stats.wilson_interval([30], [100])
    assert lo[0] == pytest.approx(0.2189, abs=1e-3) and hi[0] == pytest.approx(0.3958, abs=1e-3)


@pytest.mark.parametrize(
    ("interval", "reference", "expected"),
    [
        ((10, 12), (5, 9), "higher"),
        ((1, 2), (5, 9), "lower"),
        ((5, 10), (9, 12), "similar"),
        ((np.nan, 1), (1, 2), "not compared"),
    ],
)
def test_compare_from_intervals(interval, reference, expected):
    assert stats.compare(*interval, *reference) == expected


def test_change_test_says_chance_for_small_differences_and_not_for_large():
    assert stats.change_p_value(105, 100) > 0.05
    assert stats.change_p_value(1500, 1000) < 0.001
    assert stats.change_p_value(0, 0) == 1.0


def test_suppression_never_shows_a_small_sensitive_count_or_a_false_zero():
    assert stats.suppress(3, sensitive=True) == "fewer than 5"
    assert stats.suppress(3, sensitive=False) == "3"
    assert stats.suppress(0, sensitive=True) == "0"
    assert stats.suppress(1234, sensitive=True) == "1,234"
    assert stats.suppress(None, sensitive=True) == "not available"
