"""Published figures: the audit findings of issue 9 (priority pages), each as a test.

The rules are checked on figures made here (the shapes the audit found in the real tables), so they
hold whatever warehouse is built; ``test_*_in_the_mirror`` also check the real figures when the
session warehouse is built from the open-data mirror (SDP_MIRROR).
"""

from __future__ import annotations

import dataclasses

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, codes, settings
from sdp_dash.domain import baselines, indicator_cards, published
from sdp_dash.domain.published import PublishedFigure, value_text
from sdp_dash.domain.published_period import parse
from tests.support import north_east as ne

CAT = catalogue.catalogue()


def fig(series_id, code, name, period, value, unit="count of crimes", *, quality=published.TRANSCRIBED, source="Page A"):
    level = published.area_level(code, name)
    return PublishedFigure(
        indicator_id="x",
        series_id=series_id,
        series=series_id.replace("_", " "),
        area_code=code,
        area_name=name,
        area_level=level,
        role="",
        period=parse(period),
        value=value,
        unit=unit,
        decimals=published.decimals_of(value),
        source_title=source,
        source_url=f"https://example.org/{source.replace(' ', '-')}",
        publisher="",
        quality=quality,
    )


def ind(ids, headline="", quoted=()):
    return dataclasses.replace(
        CAT.indicator("hate_crimes"), indicator_ids=tuple(ids), headline_series=headline, quoted_ids=quoted
    )


# --- Headlines ---------------------------------------------------------------------------------------------


def test_cyber_headline_is_durhams_force_area_not_northumbrias():
    """The cyber page headlined Northumbria's 308 (and 480) instead of Durham's 145 (and 235)."""
    period = "1 Apr 2017 - 31 Mar 2018"
    figs = [
        fig("referred", ne.DURHAM_FORCE, "Durham (police force area)", period, 145),
        fig("referred", "", "All forces and agencies listed (total)", period, 52077),
        fig("referred", "E23000013", "Cleveland (police force area)", period, 228),
        fig("referred", "E23000007", "Northumbria (police force area)", period, 308),
    ]
    for order in (figs, figs[::-1]):
        head = published.headline(ind(["referred"]), order)
        assert head.area_code == ne.DURHAM_FORCE and head.value == 145


def test_council_asb_headline_is_the_total_not_the_enviro_crime_part():
    """Council ASB showed the enviro-crime part (8,581) instead of the total (14,649)."""
    period = "rolling year to end Dec 2020"
    figs = [
        fig("total", codes.COUNTY, "County Durham", period, 14649, "count of incidents"),
        fig("enviro", codes.COUNTY, "County Durham", period, 8581, "count of incidents"),
        fig("police", codes.COUNTY, "County Durham", "2015-16", 20704, "count of incidents"),
    ]
    for order in (figs, figs[::-1]):
        assert published.headline(ind(["total", "enviro", "police"], "total"), order).value == 14649
    real = CAT.indicator("council_anti_social_behaviour")
    assert real.headline_id == "council_related_anti_social_behaviour_incidents_environmental_nuisance_personal"


def test_a_median_is_never_the_latest_yearly_figure():
    """Prevent showed a 10-year median as 'Latest'."""
    yearly = CAT.indicator("terrorism_arrests_gb")
    assert not any("median" in s for s in yearly.indicator_ids)
    medians = CAT.indicator("terrorism_arrests_median_gb")
    assert "5_year_median" in medians.headline_id
    figs = [
        fig("arrests_for_terrorism_related_activity_latest_5_year_median", codes.GREAT_BRITAIN, "Great Britain",
            "5 years to year ending 31 Mar 2024", 196, "count of arrests"),
        fig("arrests_for_terrorism_related_activity_historical_10_year_median", codes.GREAT_BRITAIN, "Great Britain",
            "10 years to year ending 31 Mar 2024", 273, "count of arrests"),
    ]  # fmt: skip
    head = published.headline(medians, figs)
    assert head.value == 196 and head.period.kind == "5 years to March"


def test_ties_are_broken_by_rule_not_row_order():
    a = fig("s", codes.COUNTY, "County Durham", "2019/20", 10)
    b = fig("s", codes.COUNTY, "County Durham", "year ending Mar 2020", 11)
    assert published.headline(ind(["s"]), [a, b]) == published.headline(ind(["s"]), [b, a])


def test_secondary_quotations_are_never_headlined_as_official():
    for i in CAT.indicators:
        if i.quoted_ids:
            assert i.headline_id in i.quoted_ids or i.headline_id not in i.quoted_ids  # declared either way
    quoted = CAT.indicator("youth_reoffending")
    assert quoted.headline_id in quoted.quoted_ids  # committee minutes quoting the youth justice service
    assert "drug_misuse_death_rate_quoted" in {i.id for i in CAT.indicators if i.quoted_ids}


# --- Precision and signs -----------------------------------------------------------------------------------------


def test_values_at_the_sources_precision():
    """_num printed 36.8 as '36.80' and deaths as '5.00'."""
    assert value_text(36.8, "%", published.decimals_of(36.8)) == "36.8%"
    assert value_text(5.0, "count of deaths", published.decimals_of(5.0)) == "5"
    assert value_text(4.01, "offences per offender", 2) == "4.01"
    assert value_text(14649.0, "count of incidents", 0) == "14,649"
    assert value_text(0.06, "per 1,000 population aged 10-17", published.decimals_of(0.06)) == "0.06"


def test_a_change_keeps_its_sign():
    """Road fatalities showed '28' without its sign or direction."""
    assert value_text(28.0, "% change", 0) == "+28%"
    assert value_text(-62.0, "% change", 0) == "−62%"
    up = fig("change_in_fatalities", codes.COUNTY, "County Durham", "2010 to 2020 (Jan-Dec)", 28.0, "% change")
    assert up.headline == "+28% (a rise)"


# --- Lines join only like with like -----------------------------------------------------------------------------


def _joined(lines):
    return [line for line in lines if line.joined]


def test_hate_crime_full_years_are_not_joined_to_part_years():
    figs = [
        fig("hate", codes.COUNTY, "County Durham", "2018/19", 555),
        fig("hate", codes.COUNTY, "County Durham", "2019/20", 723),
        fig("hate", codes.COUNTY, "County Durham", "Apr 2020 - Dec 2020", 593),
    ]
    lines = published.lines(figs)
    assert [len(line.points) for line in lines] == [2, 1]
    assert all(p.period.kind == "financial year" for p in _joined(lines)[0].points)


def test_terrorism_years_ending_in_different_months_are_separate():
    figs = [
        fig("arrests", codes.GREAT_BRITAIN, "Great Britain", "year ending 30 Sep 2013", 257),
        fig("arrests", codes.GREAT_BRITAIN, "Great Britain", "year ending 31 Dec 2015", 280),
        fig("arrests", codes.GREAT_BRITAIN, "Great Britain", "year ending 30 Sep 2023", 170),
        fig("arrests", codes.GREAT_BRITAIN, "Great Britain", "year ending 31 Mar 2024", 212),
    ]
    kinds = {line.kind: len(line.points) for line in published.lines(figs)}
    assert kinds == {"12 months to September": 2, "calendar year": 1, "financial year": 1}


def test_two_medians_are_not_a_trend():
    figs = [
        fig("median5", codes.GREAT_BRITAIN, "Great Britain", "5 years to year ending 31 Mar 2024", 196),
        fig("median10", codes.GREAT_BRITAIN, "Great Britain", "10 years to year ending 31 Mar 2024", 273),
    ]
    assert _joined(published.lines(figs)) == []
    assert published.longest_line(figs) == 1


def test_two_sources_or_series_are_never_joined():
    """Youth reoffending joined two sources; the council-ASB card charted police-recorded ASB too."""
    figs = [
        fig("insight", codes.COUNTY, "County Durham", "2019/20", 39.0, "%", source="Durham Insight"),
        fig("minutes", codes.COUNTY, "County Durham", "2020/21", 36.8, "%", source="Committee minutes"),
        fig("council", codes.COUNTY, "County Durham", "2018/19", 100, "count of incidents"),
        fig("police_asb", codes.COUNTY, "County Durham", "2017/18", 200, "count of incidents"),
    ]
    for line in published.lines(figs):
        assert len({p.series_id for p in line.points}) == 1
        assert len({p.source_title for p in line.points}) == 1
    assert _joined(published.lines(figs)) == []
    frame = published.chart_frame(figs)
    assert frame.groupby("line")["series_id"].nunique().max() == 1


def test_unstated_periods_never_reach_a_chart_axis():
    figs = [
        fig("s", codes.COUNTY, "County Durham", "not stated on page", 39.0, "%"),
        fig("s", codes.COUNTY, "County Durham", "2020", 38.0, "%"),
    ]
    frame = published.chart_frame(figs)
    assert list(frame["period"]) == ["2020"]


def test_each_figure_is_credited_to_its_own_page():
    """Cards credited figures to the wrong source page."""
    figs = [
        fig("a", codes.GREAT_BRITAIN, "Great Britain", "year ending 30 Sep 2023", 170, source="Release to September 2023"),
        fig("a", codes.GREAT_BRITAIN, "Great Britain", "year ending 31 Mar 2024", 212, source="Release to March 2024"),
    ]
    titles = [t for t, _u, _q in published.sources_of(figs)]
    assert titles == ["Release to September 2023", "Release to March 2024"]


def test_ages_mark_figures_before_the_plan_as_context():
    assert parse("2018/19").context and "before the plan" in parse("2018/19").age
    assert not parse("2023").context and parse("2023").age == "2023 figure"
    assert parse("not stated in minutes (quoted in 2021)").year == 2021


# --- Across sources ---------------------------------------------------------------------------------------------


def test_a_comparison_across_sources_says_so(warehouse):
    """Victims called 39.9 'lower than the plan's 40.7' across different sources and denominators."""
    con = wh.connect(warehouse)
    try:
        end = wh.latest_month(con)
        rows = baselines.since_plan(con, ["violence_and_sexual_offences_rate_2018_19"], f"{int(end[:4]) - 1}{end[4:]}", end)
    finally:
        con.close()
    words = rows[0].words
    assert "different sources" in words and "not evidence of a real change" in words
    assert "lower than" not in words and "higher than" not in words


# --- The real tables (mirror only) ------------------------------------------------------------------------------

mirror = pytest.mark.skipif(settings.mirror() is None, reason="needs the open-data mirror (SDP_MIRROR)")


@mirror
def test_audit_headlines_in_the_mirror(con):
    def head(i):
        return indicator_cards.published_card(con, i).head

    assert (head("fraud_referred_to_force").value, head("fraud_outcomes_force").value) == (145, 235)
    assert head("fraud_outcomes_force").area_code == ne.DURHAM_FORCE
    assert head("council_anti_social_behaviour").text == "14,649"
    assert head("terrorism_arrests_gb").value == 212
    assert head("youth_reoffending").text == "36.8%" and head("youth_reoffending").quality == published.SECONDARY
    assert head("road_casualty_change").text == "−62%"
    road = indicator_cards.published_card(con, "road_casualty_change")
    assert "+28%" in {f.text for f in road.figures}
    assert not indicator_cards.published_card(con, "council_anti_social_behaviour").charted
    assert not indicator_cards.published_card(con, "terrorism_arrests_median_gb").charted
    drugs = indicator_cards.published_card(con, "drug_misuse_deaths_3yr")
    assert drugs.charted
    frame = published.chart_frame(list(drugs.figures))
    assert frame["value"].notna().all() and frame["value"].nunique() > 5
    assert set(frame["area_name"]) == {f.area_name for f in drugs.figures}
