"""The figure model: one rule each for periods, annual rates, intervals, suppression and comparison."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from sdp_dash.domain import stats
from sdp_dash.domain.figure import SUPPRESSED_TEXT, Figure, Period, compare, count_text, is_suppressed

YEAR = Period("2025-01", "2025-12")
POP = 10_000


def fig(count, *, period=YEAR, sensitive=False, pop=POP, code="A"):
    return Figure(
        "robbery" if sensitive else "burglary", "Robbery" if sensitive else "Burglary", code, code, period, count, pop, sensitive
    )


def test_a_full_year_is_the_plain_rate():
    f = fig(500)
    assert YEAR.standard and YEAR.coverage_note == ""
    assert f.rate == pytest.approx(50.0)
    lo, hi = stats.poisson_interval(500)
    assert (f.lower, f.upper) == pytest.approx((float(lo) / POP * 1000, float(hi) / POP * 1000))
    assert f.headline == "50.0 per 1,000 residents a year"


def test_four_months_of_data_are_annualised_and_say_so():
    # The audit: with to=2025-04 the pages showed 4 months' count as "12 months to April 2025".
    per = Period("2024-05", "2025-04", tuple(f"2024-{m:02d}" for m in range(5, 13)))
    f = fig(100, period=per)
    assert per.n_present == 4
    assert f.rate == pytest.approx(100 * 3 / POP * 1000)
    assert f.note == "annualised from 4 of 12 months (no police.uk data for May to December 2024)"


def test_a_24_month_period_is_on_the_same_yearly_scale():
    # The audit: a 24-month custom period showed 152.3 per 1,000 beside 115.2 for 12 months.
    two_years = Period("2024-01", "2025-12")
    assert fig(1000, period=two_years).rate == pytest.approx(fig(500).rate)
    assert "annualised from 24 months" in fig(1000, period=two_years).note


def test_a_period_without_data_has_no_figure():
    per = Period("2024-06", "2024-08", ("2024-06", "2024-07", "2024-08"))
    f = Figure("x", "X", "A", "A", per, None, POP)
    assert not f.available and f.rate is None and f.count_text == "no data" and f.headline == "no data"


@given(count=hs.integers(0, 40), sensitive=hs.booleans(), pop=hs.integers(1, 50_000))
def test_suppression_withholds_count_rate_and_interval_together(count, sensitive, pop):
    f = fig(count, sensitive=sensitive, pop=pop)
    hidden = sensitive and 1 <= count <= 4
    assert f.suppressed == hidden == is_suppressed(count, sensitive)
    if hidden:
        assert f.count_text == SUPPRESSED_TEXT and f.shown_count is None
        assert f.rate is None and f.lower is None and f.upper is None and f.interval_text == ""
        row, data = f.row(), f.data()
        assert str(count) not in (row["Count"], row["Rate per 1,000 residents a year"])
        assert data["count"] is None and data["rate"] is None and data["lower"] is None
    else:
        assert f.count_text == f"{count:,}" and f.shown_count == count
    assert count_text(0, True) == "0", "a true zero is shown as zero"


def test_comparisons_only_over_the_same_months():
    a, b = fig(900, code="A"), fig(500, code="B")
    assert compare(a, b).result == "higher"
    assert compare(b, a).words("A") == "lower than A"
    assert compare(fig(500), fig(505)).result == "similar"
    other = Period("2024-01", "2024-12", ("2024-05",))
    assert compare(a, fig(500, period=other)).reason == "the figures cover different months"
    assert compare(a, fig(3, sensitive=True)).words("B") == "not compared (too few to show)"


def test_approximate_areas_say_so():
    f = Figure("burglary", "Burglary", "AAP-x", "X AAP", YEAR, 10, POP, approximate=True)
    assert "approximate area" in f.note
