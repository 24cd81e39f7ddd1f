"""AppTest: figures a council can publish (issue 17, parts 2, 3, 4 and 6), on the pages the audit named,
opened by their address as a shared link would open them.

The texts are checked against what the domain layer builds (so they hold on any warehouse) and, on the
open-data mirror's warehouse (SDP_MIRROR), against the audit's own numbers.
"""

from __future__ import annotations

import re

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import settings
from sdp_dash.config.months import default_start
from sdp_dash.domain import indicator_cards
from tests.app.conftest import assert_ok, open_page
from tests.app.test_priority_pages import page_text

MIRROR = settings.mirror() is not None


@pytest.fixture(scope="module")
def board(warehouse) -> str:
    con = wh.connect(warehouse)
    try:
        boards = list(wh.areas(con, "aap")["area_code"])
    finally:
        con.close()
    return "AAP-east-durham-aap" if "AAP-east-durham-aap" in boards else boards[0]


def opened(url_path: str, **params: str) -> str:
    at = open_page(url_path, **params)
    assert_ok(at)
    text = page_text(at).replace("\\", "")
    assert not re.search(r"-0\.0\b|−0\.0\b|-0%", text), "no minus zero anywhere"  # part 6
    return text


def test_cyber_crime_sets_totals_against_totals(con):
    """/cyber-crime, 'Outcomes of fraud cases passed to the local police': Durham's total was set against
    Cleveland's and Northumbria's judicial and non-judicial parts ('Cleveland 103; Northumbria 80; Cleveland 169
    and 6 more')."""
    text = opened("cyber-crime")
    card = indicator_cards.published_card(con, "fraud_outcomes_force")
    assert card.comparison in text
    assert "Durham force area (County Durham and Darlington) only" in text  # its glance group names the area
    if MIRROR:
        assert "Cleveland force area 272; Northumbria force area 480 (no interval published: not compared)" in text
        for before in ("Cleveland (police force area) 103", "Cleveland (police force area) 169", "and 6 more"):
            assert before not in text, before


def test_alcohol_and_drugs_labels_force_areas_and_keeps_durhams_as_context(con):
    """/alcohol-and-drugs, drug misuse deaths: County Durham 117 beside 'Durham 136; Cleveland 173; Northumbria
    328', unlabelled force areas, the Durham one including the county."""
    text = opened("alcohol-and-drugs")
    card = indicator_cards.published_card(con, "drug_misuse_deaths_3yr")
    assert card.comparison in text
    assert "Durham 136" not in text and "; Durham " not in text
    if MIRROR:
        assert "Cleveland force area 173; Northumbria force area 328" in text
        assert "Durham force area (County Durham and Darlington), which includes County Durham: 136" in text


def test_reoffending_never_joins_two_distant_years_as_a_change(con):
    """/reoffending: '161, down from 1,129' set 2015/16 against 2007/08, not one series."""
    text = opened("reoffending")
    card = indicator_cards.published_card(con, "first_time_entrants_count")
    assert card.direction in text
    if MIRROR:
        assert "down from 1,129" not in text
        assert "no change shown" in text and "1,129 in 2007/08, is 8 years earlier" in text
        assert "no figure for the year before" in text


def test_being_safe_area_board_names_areas_and_months(con, board):
    """/being-safe?area=AAP-east-durham-aap: county-only figures (593 hate crimes, 7,541 fly-tipping incidents,
    166 child casualties) sat among the board's own rates; '14% higher*' did not say it was January-April 2025
    against January-April 2024; the board was called higher or lower than the county that contains it."""
    text = opened("being-safe", area=board)
    name = str(wh.area(con, board)["area_name"])
    end = wh.latest_month(con)
    period = (default_start(end), end)
    glance = next(m for m in text.split("\n") if "sdp-glance" in m and "<table" in m)
    mine, county_only = glance.split("County Durham only</th>", 1)
    assert f">{name}</th>" in mine
    rows = {r.indicator_id: r for r in indicator_cards.glance(con, "being_safe", board, *period)}
    for i in ("hate_crimes", "fly_tipping", "child_road_casualties"):
        assert rows[i].title in county_only and rows[i].title not in mine, i
    months = rows["anti_social_behaviour"].months
    assert months and months in mine  # the change names its months at a glance
    card = indicator_cards.police_card(con, "all_crime", board, *period)
    assert card.change_text in text and card.comparison in text
    assert "the rest of County Durham" in card.comparison
    assert f"County Durham, which includes {name}" in card.comparison
    if MIRROR:
        assert "593 crimes in 9 months" in county_only and "7,541 incidents" in county_only
        assert "Jan to Apr 2025 against Jan to Apr 2024" in mine
        assert "in January to April 2025 than in January to April 2024" in text


def test_being_safe_county_is_not_compared_with_the_durham_force_area(con):
    """/being-safe: 'similar to Durham Constabulary area' (92.7 against 93.2) for the county it contains."""
    text = opened("being-safe")
    compared = [line for line in text.split("\n") if line.startswith("**Compared:**") and "than Darlington" in line]
    assert compared and all("Durham force area (County Durham and Darlington), which includes" in c for c in compared)
    said = "\n".join(compared)
    assert not re.search(r"(higher|lower) than Durham (Constabulary|force)|similar to Durham (Constabulary|force)", said)
    assert "Durham Constabulary area" not in said


def test_being_safe_card_detail_shows_how_each_area_stands_and_the_change_months(con, board):
    """/being-safe?area=AAP-east-durham-aap with a card's detail open: the table says which figure the area is
    compared with (the rest of the county) and which are context; the change table (and its CSV) names its months."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import _script

    at = AppTest.from_function(_script, args=("being-safe",), default_timeout=60)
    at.query_params.update({"area": board})
    at.session_state["all_crime_detail"] = True
    at.run()
    assert_ok(at)
    tables = [t.value for t in at.table]
    compared = next(t for t in tables if "How it stands beside the chosen area" in t.columns)
    how = dict(zip(compared["Area"], compared["How it stands beside the chosen area"], strict=True))
    assert how["County Durham"].startswith("context, not compared")
    rest = next(a for a in how if str(a).startswith("Rest of County Durham"))
    assert re.search(r"is (higher than|similar to|lower than) it", how[rest])
    change = next(t for t in tables if "Months compared" in t.columns)
    assert change["Months compared"].iloc[0] != "none" and change["Against (a year earlier)"].iloc[0] != "none"
    if MIRROR:
        assert change["Months compared"].iloc[0] == "January to April 2025"
        assert change["Against (a year earlier)"].iloc[0] == "January to April 2024"
