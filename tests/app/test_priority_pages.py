"""AppTest: the six priority pages, generated from the indicator catalogue, open by their address as
a shared link would, for the county, an area board and an electoral division; every indicator has a
row at a glance linking to its card; and the audit findings of issue 9 stay fixed on the page."""

from __future__ import annotations

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue
from sdp_dash.domain.indicator_cards import anchor
from tests.app.conftest import assert_ok, markdown_text, open_page

PRIORITIES = [(p.id, p.url_path) for p in catalogue.priorities()]


@pytest.fixture(scope="module")
def division(warehouse) -> str:
    con = wh.connect(warehouse)
    try:
        row = con.execute("SELECT min(area_code) FROM areas WHERE area_type = 'division_2025'").fetchone()
    finally:
        con.close()
    assert row and row[0], "the warehouse has 2025 divisions"
    return row[0]


def page_text(at) -> str:
    parts = [markdown_text(at)] + [s.value for s in at.subheader] + [h.value for h in at.header] + [c.value for c in at.caption]
    return "\n".join(parts)


def check(at, priority_id: str) -> str:
    assert_ok(at)
    prio = catalogue.priority(priority_id)
    assert at.title[0].value == prio.title
    text = page_text(at)
    assert "At a glance" in text and "What is not measured locally" in text
    subheaders = {s.value for s in at.subheader}
    for ind in catalogue.indicators_for(priority_id):
        assert ind.title in subheaders, f"{ind.id} has no card on {priority_id}"
        assert f"href='#{anchor(ind.id)}'" in text, f"{ind.id} has no row at a glance"
    assert not at.get("arrow_data_frame"), "tables are st.table, not st.dataframe"
    map_links = [link.proto.query_string for link in at.get("page_link") if "explore" in link.proto.page]
    for ind in catalogue.indicators_for(priority_id):
        if ind.kind == "police_uk":
            assert any(f"measure={ind.measure}" in q for q in map_links), f"{ind.id} links to its map"
            assert at.get("vega_lite_chart"), "a police.uk card draws its monthly trend"
    return text


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES)
def test_priority_page_for_county(priority_id, url_path):
    text = check(open_page(url_path), priority_id)
    assert "**County Durham**" in text


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES[:2])
def test_priority_page_for_area_board(priority_id, url_path):
    text = check(open_page(url_path, area="AAP-durham-aap", to="2025-12"), priority_id)
    assert "Durham AAP" in text


def test_priority_page_for_division(division):
    at = open_page("victims", area=division)
    check(at, "victims")
    assert at.query_params["area"] == division


def test_a_period_with_missing_months_is_not_blank():
    """/being-safe?area=AAP-stanley-aap&to=2025-09 showed 'not available' and empty charts."""
    at = open_page("being-safe", area="AAP-stanley-aap", to="2025-09")
    check(at, "being_safe")
    text = page_text(at)
    assert "not available" not in text
    assert "annualised from" in text
    values = [m.value for m in at.metric]
    assert values and all(v not in ("no data", "not available", "") for v in values), values


def test_being_safe_shows_the_plans_crime_and_asb_baselines_honestly():
    text = page_text(open_page("being-safe"))
    for figure in ("51,000 crimes", "97 crimes per 1,000 residents", "93 crimes per 1,000 residents", "58 incidents per 1,000"):
        assert figure in text.replace("\\", ""), figure
    assert "different sources" in text and "not evidence of a real change" in text
    assert "Not comparable" in text


def test_victims_does_not_call_a_difference_across_sources_real():
    text = page_text(open_page("victims")).replace("\\", "")
    assert "40.7 crimes per 1,000 residents" in text
    assert "lower than the plan" not in text and "higher than the plan" not in text


def test_quality_is_on_the_headline_and_the_card():
    text = page_text(open_page("reoffending", area="AAP-durham-aap", to="2025-12")).replace("\\", "")
    assert "Quality: secondary quotation" in text
    assert "Published only for" in text


def test_prevent_is_labelled_national_and_never_headlines_a_median_as_latest():
    text = page_text(open_page("prevent")).replace("\\", "")
    assert "National figure" in text
    assert "Latest:" not in text
