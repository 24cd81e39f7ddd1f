"""Who is most affected (domain/inequality.py): the rate ratio and the decile figures."""

from __future__ import annotations

import math

from sdp_dash.config import codes
from sdp_dash.domain import crime, inequality
from sdp_dash.domain.figure import Figure, Period

PERIOD = Period("2025-01", "2025-12")


def _fig(count: int, population: int, sensitive: bool = False) -> Figure:
    return Figure("m", "M", "X", "X", PERIOD, count, population, sensitive=sensitive)


def test_rate_ratio_and_its_log_interval():
    r = inequality.rate_ratio(_fig(100, 1000), _fig(25, 1000), 1, 10)
    assert math.isclose(r.ratio, 4.0)
    half = 1.959963984540054 * math.sqrt(1 / 100 + 1 / 25)
    assert math.isclose(r.lower, 4 * math.exp(-half)) and math.isclose(r.upper, 4 * math.exp(half))
    assert r.extremes and "4.0 times" in r.text


def test_rate_ratio_is_withheld_with_a_small_sensitive_count_or_a_zero():
    assert inequality.rate_ratio(_fig(3, 1000, True), _fig(50, 1000, True)).reason == "too few to show"
    assert inequality.rate_ratio(_fig(0, 1000), _fig(50, 1000)).ratio is None
    assert inequality.rate_ratio(None, _fig(50, 1000)).ratio is None


def test_deciles_add_up_to_the_county(con):
    q = inequality.by_decile(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    county = crime.figure(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    assert q.without_decile == 0
    assert sum(f.count for _, _, f in q.deciles) == county.count
    assert sum(f.population for _, _, f in q.deciles) == county.population
    for _, _, f in q.deciles:
        assert f.lower <= f.rate <= f.upper
    assert q.sentence and q.area_name in q.sentence
    assert len(q.small_areas) == sum(n for _, n, _ in q.deciles)


def test_each_key_measure_has_a_gap_row(con):
    rows = inequality.export(con, area=codes.COUNTY, start="2025-01", end="2025-12", by="ratio")
    assert set(rows["measure_id"]) >= {"all_crime", "anti_social_behaviour"}


def test_small_sensitive_counts_are_withheld_in_every_decile_and_small_area(con):
    aap = con.execute("SELECT area_code FROM areas WHERE area_type = 'aap' ORDER BY 1 LIMIT 1").fetchone()[0]
    q = inequality.by_decile(con, aap, "robbery", "2025-01", "2025-03")
    for _, _, f in q.deciles:
        if 0 < f.count < 5:
            assert f.rate is None and f.count_text == "fewer than 5"
    for _, f in q.small_areas:
        if 0 < f.count < 5:
            assert f.rate is None
    df = inequality.export(con, area=aap, start="2025-01", end="2025-03", measure_id="robbery", by="lsoa")
    assert not ((df["count"].notna()) & (df["count"] > 0) & (df["count"] < 5)).any()
