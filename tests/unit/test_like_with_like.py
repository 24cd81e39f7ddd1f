"""Figures a council can publish (issue 17, parts 2, 3, 4 and 6): each audit finding as a test, with the
view's address in its name or docstring.

- Part 2, like with like: a comparison sets the same kind of figure side by side (a total with totals,
  one series with itself); a comparator names its kind; an area is never called higher / similar /
  lower than an area that contains it (that is context); a change joins only two consecutive points
  of one series.
- Part 3: every change names its months (card, at a glance, sentence, CSV); a figure covering less
  than its nominal period says so in its row.
- Part 4: every figure at a glance names its area where it is not the chosen one.
- Part 6: no "-0" or "-0.0"; interval bounds of counts and shares never below zero.

The rules are checked on figures made here (the shapes the audit found in the real tables), so they
hold on any warehouse; the police.uk rules run on the session warehouse, and ``*_in_the_mirror``
tests check the real figures when it is built from the open-data mirror (SDP_MIRROR).
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import codes, settings
from sdp_dash.config.months import default_start
from sdp_dash.domain import indicator_cards, outcomes, published, stats, words
from sdp_dash.domain.indicator_cards import CONTEXT, GlanceRow
from tests.support import north_east as ne
from tests.unit.test_published import fig, ind

mirror = pytest.mark.skipif(settings.mirror() is None, reason="needs the open-data mirror (SDP_MIRROR)")
FRAUD_PERIOD = "1 Apr 2017 - 31 Mar 2018"


@pytest.fixture(scope="module")
def period(con) -> tuple[str, str]:
    end = wh.latest_month(con)
    return default_start(end), end


@pytest.fixture(scope="module")
def board(con) -> str:
    """/being-safe?area=AAP-east-durham-aap on the mirror's warehouse; a board of the synthetic one otherwise."""
    boards = list(wh.areas(con, "aap")["area_code"])
    return "AAP-east-durham-aap" if "AAP-east-durham-aap" in boards else boards[0]


# Built once per module: a police card and a glance table each take a few warehouse queries.
@pytest.fixture(scope="module")
def county_card(con, period):
    return indicator_cards.police_card(con, "all_crime", codes.COUNTY, *period)


@pytest.fixture(scope="module")
def board_card(con, period, board):
    return indicator_cards.police_card(con, "all_crime", board, *period)


@pytest.fixture(scope="module")
def county_glance(county_card):
    return [indicator_cards._police_row(county_card)]  # the glance row of /being-safe's all-crime card


@pytest.fixture(scope="module")
def board_glance(con, period, board):
    return indicator_cards.glance(con, "being_safe", board, *period)


# --- Part 2: like with like -----------------------------------------------------------------------------------


def fraud_outcomes():
    """The shape of /cyber-crime's 'Outcomes of fraud cases passed to the local police': parts and totals."""
    rows = []
    for series, values in (
        ("judicial", {ne.DURHAM_FORCE: 88, ne.CLEVELAND_FORCE: 103, ne.NORTHUMBRIA_FORCE: 80, "": 9434}),
        ("non_judicial", {ne.DURHAM_FORCE: 147, ne.CLEVELAND_FORCE: 169, ne.NORTHUMBRIA_FORCE: 400, "": 49729}),
        ("total", {ne.DURHAM_FORCE: 235, ne.CLEVELAND_FORCE: 272, ne.NORTHUMBRIA_FORCE: 480, "": 59163}),
    ):
        for code, value in values.items():
            name = {
                ne.DURHAM_FORCE: "Durham (police force area)",
                ne.CLEVELAND_FORCE: "Cleveland (police force area)",
                ne.NORTHUMBRIA_FORCE: "Northumbria (police force area)",
            }.get(code, "All forces and agencies listed (total)")
            rows.append(fig(series, code, name, FRAUD_PERIOD, value, "count of outcomes"))
    return rows


def test_cyber_crime_fraud_outcomes_set_totals_against_totals():
    """/cyber-crime: Durham's total (235) was set against Cleveland's and Northumbria's judicial and
    non-judicial parts ('Cleveland 103; Northumbria 80; Cleveland 169 and 6 more'): now totals (272, 480)."""
    figs = fraud_outcomes()
    head = published.headline(ind(["judicial", "non_judicial", "total"], "total"), figs)
    assert head.value == 235
    c = published.comparison(figs, head)
    assert [(p.area_code, p.value) for p in c.peers] == [(ne.CLEVELAND_FORCE, 272), (ne.NORTHUMBRIA_FORCE, 480)]
    assert [p.value for p in c.context] == [59163]  # all forces include Durham's: context, not a peer
    text = published.comparison_words(figs, head)
    assert "Cleveland force area 272; Northumbria force area 480 (no interval published: not compared)" in text
    assert "59,163" in text and "which includes Durham force area" in text
    for part in ("103", "169", " 80", "400", "9,434", "49,729"):
        assert part not in text, part
    assert text.count("Cleveland") == 1 and "more" not in text


def test_a_part_is_never_a_peer_of_a_total_but_a_national_series_is():
    """The rule in general: another series is the same kind of figure only when it has no figure for the
    headline's own area (a 'national average' series), never when it is a part of the headline's area's total."""
    county = fig("rate", codes.COUNTY, "County Durham", "2018", 30.0, "%")
    national = fig("rate_national_average", codes.ENGLAND_AND_WALES, "England and Wales", "2018", 29.0, "%")
    part = fig("rate_adults", codes.COUNTY, "County Durham", "2018", 12.0, "%")
    part_elsewhere = fig("rate_adults", ne.DARLINGTON, "Darlington", "2018", 11.0, "%")
    figs = [county, national, part, part_elsewhere]
    assert published.same_kind(figs, county, national)
    assert not published.same_kind(figs, county, part_elsewhere)
    other_year = fig("rate", ne.DARLINGTON, "Darlington", "2017", 25.0, "%")
    assert not published.same_kind([*figs, other_year], county, other_year)


def drug_misuse_deaths():
    period = "2016-2018"
    unit = "count of deaths (3 years pooled)"
    la = "deaths_related_to_drug_misuse_3_year_pooled_registrations"
    pfa = la + "_police_force_areas"
    return [
        fig(la, codes.COUNTY, "County Durham", period, 117, unit),
        fig(la, ne.DARLINGTON, "Darlington", period, 19, unit),
        fig(la, "E08000037", "Gateshead", period, 60, unit),
        fig(pfa, ne.DURHAM_FORCE, "Durham", period, 136, unit),
        fig(pfa, ne.CLEVELAND_FORCE, "Cleveland", period, 173, unit),
        fig(pfa, ne.NORTHUMBRIA_FORCE, "Northumbria", period, 328, unit),
    ], [la, pfa]


def test_alcohol_and_drugs_drug_misuse_deaths_force_areas_are_labelled_and_durhams_is_context():
    """/alcohol-and-drugs: County Durham 117 beside 'Durham 136; Cleveland 173; Northumbria 328', unlabelled
    force areas, Durham's including the county itself.  Now force areas are named as such and the Durham force
    area is context ('which includes County Durham'), never a peer."""
    figs, ids = drug_misuse_deaths()
    head = published.headline(ind(ids, ids[0]), figs)
    assert head.area_code == codes.COUNTY and head.value == 117
    c = published.comparison(figs, head)
    assert ne.DURHAM_FORCE not in {p.area_code for p in c.peers}
    assert [x.area_code for x in c.context] == [ne.DURHAM_FORCE]
    text = published.comparison_words(figs, head)
    assert "Cleveland force area 173; Northumbria force area 328" in text
    assert "Durham force area (County Durham and Darlington), which includes County Durham: 136" in text
    assert "Durham 136" not in text
    assert any(line.label.startswith("Cleveland force area") for line in published.lines(figs))  # chart and table too
    assert {f.row()["Area"] for f in figs} >= {"Cleveland force area", "Durham force area (County Durham and Darlington)"}


def test_containment_rule_for_published_areas():
    county = fig("s", codes.COUNTY, "County Durham", "2020", 1)
    force = fig("s", ne.DURHAM_FORCE, "Durham", "2020", 1)
    cleveland = fig("s", ne.CLEVELAND_FORCE, "Cleveland", "2020", 1)
    england = fig("s", codes.ENGLAND, "England", "2020", 1)
    region = fig("s", ne.NORTH_EAST, "North East", "2020", 1)
    darlington = fig("s", ne.DARLINGTON, "Darlington", "2020", 1)
    all_forces = fig("s", "", "All forces and agencies listed (total)", "2020", 1)
    assert published.contains(force, county) and published.contains(england, county) and published.contains(region, county)
    assert published.contains(all_forces, force) and published.contains(england, force)
    assert published.nested(county, force) and published.nested(force, county)
    for a, b in ((county, cleveland), (county, darlington), (force, cleveland), (county, county)):
        assert not published.nested(a, b), (a.area_name, b.area_name)


def test_being_safe_county_is_not_compared_with_the_force_area_that_contains_it(county_card, county_glance):
    """/being-safe: County Durham was called similar to the Durham Constabulary area, which contains it (92.7
    against 93.2).  Now that area is context; the county is compared with Darlington, Cleveland and Northumbria."""
    card = county_card
    results = {f.area_code: c.result for f, c in card.comparators}
    assert results[ne.DURHAM_FORCE] == CONTEXT
    assert all(results[c] != CONTEXT for c in (ne.DARLINGTON, ne.CLEVELAND_FORCE, ne.NORTHUMBRIA_FORCE))
    assert [f.area_code for f, _ in card.peers] == [ne.DARLINGTON, ne.CLEVELAND_FORCE, ne.NORTHUMBRIA_FORCE]
    assert "Durham force area (County Durham and Darlington), which includes County Durham" in card.comparison
    assert not re.search(r"(higher|lower) than Durham|similar to Durham", card.comparison)
    row = next(r for r in county_glance if r.indicator_id == "all_crime")
    assert (
        row.comparison == "not compared"
        or "all 3 areas" in row.comparison
        or (sum(int(n) for n in re.findall(r"(?:than|to) (\d+)", row.comparison)) == 3)
    ), row.comparison
    roles = {f.area_code: how for f, _role, how in indicator_cards.comparison_table(card)}
    assert roles[ne.DURHAM_FORCE].startswith("context, not compared")


def test_being_safe_area_board_is_compared_with_the_rest_of_the_county_not_the_county(board_card, board_glance):
    """/being-safe?area=AAP-east-durham-aap: an area board was called higher or lower than County Durham, which
    contains it.  Now it is compared with the rest of the county; the county is context."""
    card = board_card
    me, county = card.figure, card.county
    assert {f.area_code: c.result for f, c in card.comparators}[codes.COUNTY] == CONTEXT
    (rest, cmp), *_ = card.peers
    assert rest.area_code.startswith(published.REST_OF_COUNTY) and len(card.peers) == 1
    assert rest.count == county.count - me.count and rest.population == county.population - me.population
    assert cmp.result in ("higher", "similar", "lower")
    assert "the rest of County Durham" in card.comparison and f"County Durham, which includes {me.area_name}" in card.comparison
    assert "than County Durham" not in card.comparison and "similar to County Durham" not in card.comparison
    row = next(r for r in board_glance if r.indicator_id == "all_crime")
    assert row.comparison.endswith("the rest of the county")


def test_no_rest_of_the_county_beside_a_withheld_figure(con, period):
    """The rest of the county is the county minus the area: beside a withheld count it would give it back."""
    county = indicator_cards.crime.figure(con, codes.COUNTY, "robbery", *period)
    small = dataclasses.replace(county, area_code="X", area_name="X", count=3, population=1000)
    assert small.suppressed and indicator_cards.rest_of_county(county, small) is None


def test_reoffending_change_joins_only_two_points_of_one_series():
    """/reoffending: '161, down from 1,129' set 2015/16 against 2007/08.  A change joins only consecutive points
    of one line; the figure eight years earlier is named as such, not made a change."""
    figs = [
        fig("fte", codes.COUNTY, "County Durham", "2007/08", 1129, "count of young people"),
        fig("fte", codes.COUNTY, "County Durham", "2015/16", 161, "count of young people"),
    ]
    head = published.headline(ind(["fte"]), figs)
    assert published.previous(figs, head) is None and published.earlier(figs, head).value == 1129
    assert published.gap_years(figs, head) == 8
    text = published.direction_words(figs, head)
    assert "down from" not in text and text.startswith("no change shown") and "8 years earlier" in text
    assert indicator_cards._published_change(figs, head) == "no figure for the year before"
    assert published.change_periods(figs, head) == ""
    # The year before is a point of the same line: a change, naming both periods.
    figs.append(fig("fte", codes.COUNTY, "County Durham", "2014/15", 193, "count of young people"))
    assert published.previous(figs, head).value == 193
    assert published.direction_words(figs, head) == "down from 193 in 2014/15 to 161 in 2015/16"
    assert published.change_periods(figs, head) == "2015/16 against 2014/15"


def test_a_change_never_joins_two_series_or_two_kinds_of_period():
    figs = [
        fig("a", codes.COUNTY, "County Durham", "2019/20", 100),
        fig("b", codes.COUNTY, "County Durham", "2018/19", 90),
        fig("a", codes.COUNTY, "County Durham", "Apr 2018 - Dec 2018", 70),
        fig("a", ne.DARLINGTON, "Darlington", "2018/19", 20),
    ]
    head = published.headline(ind(["a", "b"], "a"), figs)
    assert published.previous(figs, head) is None and published.earlier(figs, head) is None


@mirror
def test_like_with_like_in_the_mirror(con):
    """The real tables behind /cyber-crime, /alcohol-and-drugs and /reoffending."""
    fraud = indicator_cards.published_card(con, "fraud_outcomes_force")
    assert "Cleveland force area 272; Northumbria force area 480" in fraud.comparison
    assert "103" not in fraud.comparison and "169" not in fraud.comparison
    drugs = indicator_cards.published_card(con, "drug_misuse_deaths_3yr")
    assert "Cleveland force area 173; Northumbria force area 328" in drugs.comparison
    assert "Durham force area (County Durham and Darlington), which includes County Durham: 136" in drugs.comparison
    assert "Durham 136" not in drugs.comparison
    fte = indicator_cards.published_card(con, "first_time_entrants_count")
    assert "down from" not in fte.direction and "1,129 in 2007/08" in fte.direction
    rows = {r.indicator_id: r for r in indicator_cards.glance(con, "reoffending", codes.COUNTY, "2025-01", "2025-12")}
    assert rows["first_time_entrants_count"].change == "no figure for the year before"


# --- Part 3: every change names its months ---------------------------------------------------------------------


def test_change_sentence_names_its_months_whether_or_not_all_are_compared():
    """Overview and cards said 'than in the same months a year earlier' without naming them."""
    full = words.comparable("2025-01", "2025-12", [], [])
    text = words.change_sentence("Burglary", 110, 100, full)
    assert "in January to December 2025 (110) than in January to December 2024 (100)" in text
    part = words.comparable("2025-01", "2025-12", [], [f"2024-{m:02d}" for m in range(5, 13)])
    text = words.change_sentence("Burglary", 114, 100, part)
    assert "14% higher in January to April 2025 (114) than in January to April 2024 (100)" in text
    assert words.change_months(part) == "January to April 2025 against January to April 2024"
    assert words.change_months(part, short=True) == "Jan to Apr 2025 against Jan to Apr 2024"
    assert words.change_months(words.comparable("2025-01", "2025-01", [], ["2024-01"])) == ""


def test_being_safe_change_names_its_months_on_card_glance_and_csv(county_card, county_glance):
    """/being-safe: '14% higher*' on cards and At a glance was January-April 2025 against January-April 2024,
    and only the Overview said so.  Now the card, the glance row and the change's CSV name the months."""
    card = county_card
    comp = card.change.comparable
    assert comp.current, "the session warehouse has months a year before the latest period"
    now, before = words.months_words(comp.current), words.months_words(comp.previous)
    assert f"in {now} than in {before}" in card.change_text or f"in {now} as in {before}" in card.change_text
    assert now in card.change.sentence and before in card.change.sentence
    if not comp.complete:
        assert "police.uk has no data for" in card.change_text
    row = next(r for r in county_glance if r.indicator_id == card.indicator_id)
    assert row.months == words.change_months(comp, short=True) and " against " in row.months
    csv = indicator_cards.change_table(card).to_csv(index=False)
    assert now in csv and before in csv and "Months compared" in csv


def test_a_published_change_names_both_periods_at_a_glance():
    figs = [
        fig("inc", codes.COUNTY, "County Durham", "Apr 2019 - Dec 2019", 344, "count of incidents"),
        fig("inc", codes.COUNTY, "County Durham", "Apr 2020 - Dec 2020", 359, "count of incidents"),
    ]
    head = published.headline(ind(["inc"]), figs)
    assert published.change_periods(figs, head) == "Apr 2020 - Dec 2020 against Apr 2019 - Dec 2019"
    assert "to 359 in Apr 2020 - Dec 2020 (part year: 9 months)" in published.direction_words(figs, head)


def test_being_safe_hate_crime_row_says_it_covers_9_months():
    """/being-safe: the hate-crime row showed 593 without saying it covers 9 months (April to December 2020)."""
    hate = fig("hate", codes.COUNTY, "County Durham", "Apr 2020 - Dec 2020", 593, "count of crimes")
    assert indicator_cards._published_value(hate) == "593 crimes in 9 months"
    full = fig("hate", codes.COUNTY, "County Durham", "2019/20", 723, "count of crimes")
    assert indicator_cards._published_value(full) == "723 crimes"


# --- Part 4: every figure names its area --------------------------------------------------------------------------


def row(indicator_id: str, area: str) -> GlanceRow:
    return GlanceRow(indicator_id, indicator_id, "1", "", "—", "—", "—", "current", False, area=area)


def test_glance_groups_put_county_only_figures_in_their_own_group():
    rows = [
        row("asb", "East Durham AAP"),
        row("hate", "County Durham"),
        row("fires", ""),
        row("fraud", "Durham force area (County Durham and Darlington)"),
        row("burglary", "East Durham AAP"),
        row("csew", "England and Wales"),
    ]
    groups = indicator_cards.glance_groups(rows, "East Durham AAP")
    assert [(h, [r.indicator_id for r in rs]) for h, rs in groups] == [
        ("East Durham AAP", ["asb", "fires", "burglary"]),
        ("County Durham only", ["hate"]),
        ("Durham force area (County Durham and Darlington) only", ["fraud"]),
        ("England and Wales only", ["csew"]),
    ]
    county = indicator_cards.glance_groups(rows[1:2], "County Durham")
    assert county == [("County Durham", rows[1:2])]


def test_being_safe_area_board_glance_keeps_county_figures_apart(con, board, board_glance):
    """/being-safe?area=AAP-east-durham-aap: 593 hate crimes, 7,541 fly-tipping incidents and 166 child casualties
    (County Durham figures) sat in the same column as the board's own rates."""
    name = str(wh.area(con, board)["area_name"])
    rows = board_glance
    groups = dict(indicator_cards.glance_groups(rows, name))
    mine = {r.indicator_id for r in groups[name]}
    county_only = {r.indicator_id for r in groups["County Durham only"]}
    assert {"hate_crimes", "fly_tipping", "child_road_casualties"} <= county_only
    assert not mine & county_only
    for r in groups[name]:
        assert r.area in (name, ""), r
    for r in rows:
        assert r.area or r.value == "no official figure held", r


# --- Part 6: no -0.0, bounds never below zero ----------------------------------------------------------------------


def test_interval_bounds_of_shares_stay_within_0_and_1():
    """Wilson limits at 0 of n came out as -1e-17 and printed '-0.0%' (e.g. an outcome share)."""
    for n in (3, 7, 16, 21, 37, 100, 1000, 2999):
        s = np.arange(0, n + 1)
        lo, hi = stats.wilson_interval(s, np.full_like(s, n))
        assert (lo >= 0).all() and (hi <= 1).all() and (lo <= hi).all(), n
    share = outcomes.Share("g", "label", 0, 21, False, False)
    assert "-" not in share.interval_text and share.interval_text.startswith("0.0%")


def test_interval_bounds_of_counts_are_never_below_zero():
    lo, hi = stats.poisson_interval(np.arange(0, 500))
    assert (lo >= 0).all() and (hi > lo).all()


def test_no_minus_zero_anywhere():
    assert words.number(-0.04, 1) == "0.0" and words.number(-0.4) == "0" and words.number(-0.0, 2) == "0.00"
    assert words.number(-1234.5, 0) == "-1,234" or words.number(-1234.5, 0) == "-1,235"
    assert words.number(-3, 0, sign=True) == "−3" and words.number(3, 0, sign=True) == "+3"
    assert words.number(-0.2, 0, sign=True) == "0"
    assert published.value_text(-0.04, "%", 1) == "0.0%"
    assert published.value_text(-0.3, "% change", 0) == "0%"
    assert published.value_text(-0.001, "rate per 100,000", 1) == "0.0"
