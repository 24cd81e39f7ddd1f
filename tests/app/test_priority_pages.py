"""AppTest: the six priority pages, generated from the indicator catalogue, open by their address as
a shared link would, for the county, an area board and an electoral division; every indicator has a
row at a glance linking to its card; the audit findings of issue 9 stay fixed on the page; and the one
page anatomy of issue 18 (an answer, a spine chart with its table view, contents, one Details per card,
"Since the plan" once per section, the analyses linked rather than drawn)."""

from __future__ import annotations

import pytest

from pages import analyses
from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue
from sdp_dash.domain import indicator_cards
from sdp_dash.domain.indicator_cards import anchor
from tests.app.conftest import alt_texts, assert_ok, markdown_text, open_page
from tests.support.colours import app_chart_datasets

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
    parts = (
        [markdown_text(at)]
        + [s.value for s in at.subheader]
        + [h.value for h in at.header]
        + [c.value for c in at.caption]
        + [alt_texts(at)]
    )
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
    findings = [m.value for m in at.markdown if " · " in m.value and "residents a year" in m.value]  # each card's one line
    assert len(findings) == sum(i.kind == "police_uk" for i in catalogue.indicators_for("being_safe")), findings
    assert all("no data" not in f and "not available" not in f for f in findings), findings


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


# --- One page anatomy (issue 18) ---------------------------------------------------------------------


def _spine(at) -> list[dict]:
    """The spine chart's rows (one per indicator), from its spec's data."""
    frames = []
    for c in at.get("vega_lite_chart"):
        _spec, datasets = app_chart_datasets(c.proto)
        frames += [df for df in datasets.values() if {"indicator", "significance", "position"} <= set(df.columns)]
    assert len(frames) == 1, "one spine chart at a glance"
    return frames[0].astype(object).where(frames[0].notna(), None).to_dict("records")


@pytest.mark.parametrize(("priority_id", "area"), [("being_safe", None), ("being_safe", "AAP-durham-aap"), ("cyber", None)])
def test_at_a_glance_is_a_spine_chart_with_a_table_view(con, priority_id, area):
    prio = catalogue.priority(priority_id)
    params = {"area": area, "to": "2025-12"} if area else {}
    at = open_page(prio.url_path, **params)
    assert_ok(at)
    rows = _spine(at)
    titles = [i.title for i in catalogue.indicators_for(priority_id)]
    assert sorted(r["indicator"] for r in rows) == sorted(titles), "one row per indicator"
    for r in rows:
        assert r["detail"] or r["significance"].startswith("no range"), r  # period and unit on the row
    assert [t.label for t in at.tabs] == ["Chart", "Table"]
    table = next(m.value for m in at.markdown if "sdp-glance" in m.value and "<table" in m.value)
    assert "Range of areas beside it" in table and table.count("<a href='#indicator-") == len(titles)
    assert not at.get("arrow_data_frame")
    if area:  # an area of the county: coloured by how it stands beside the rest of the county, never the county
        drawn = [r for r in rows if r["value"] is not None]
        assert drawn and all(r["significance"] != indicator_cards.THE_COUNTY for r in drawn)
        assert {r["compared_with"] for r in drawn} == {indicator_cards.rest_name()}
        assert "County Durham only" in table  # county-only figures stay labelled as the county's


def test_the_page_answers_its_question_in_one_sentence(con):
    at = open_page("being-safe", area="AAP-durham-aap", to="2025-12")
    assert_ok(at)
    rows = indicator_cards.spine(con, "being_safe", "AAP-durham-aap", "2025-01", "2025-12")
    sentence = indicator_cards.answer(rows, "Durham AAP", "January to December 2025")
    assert "police.uk measures" in sentence and "the rest of County Durham" in sentence
    texts = [m.value for m in at.markdown]
    answer = next(t for t in texts if "measures on this page" in t)
    assert texts.index(answer) < next(i for i, t in enumerate(texts) if "sdp-glance" in t), "the answer comes first"


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES)
def test_one_details_control_per_card_and_since_the_plan_once_per_section(priority_id, url_path):
    at = open_page(url_path)
    assert_ok(at)
    labels = [e.label for e in at.expander]
    n = len(catalogue.indicators_for(priority_id))
    assert labels.count("Details: comparisons, tables, downloads and sources") == n, labels
    assert not [x for x in labels if x.startswith("Detail:")], "no second detail control on a card"
    prio = catalogue.priority(priority_id)
    sections = [w for w in prio.work_areas if any(i.work_area == w.name for i in catalogue.indicators_for(priority_id))]
    assert labels.count("Since the plan (County Durham)") <= len(sections)
    assert "**Since the plan** (County Durham)" not in markdown_text(at), "not repeated on every card"
    contents = next(m.value for m in at.markdown if "aria-label='Contents'" in m.value)
    for w in sections:
        assert f">{w.name}</a>" in contents.replace("&#x27;", "'"), w.name
    headers = [h.value for h in at.header]
    for title in ("What happened next", "Who is most affected", "The long view, 2003 to 2018"):
        assert title not in headers, "the analyses have pages of their own"
    links = {link.proto.page: link.proto.query_string for link in at.get("page_link") if ": " in link.proto.label}
    for name in analyses.sections(priority_id):
        path = analyses.PAGES[name][0]
        found = [q for p, q in links.items() if p.endswith(path)]
        assert found and "area=" in found[0] and "to=" in found[0] and "measure=" in found[0], (path, links)


def test_since_the_plan_is_shown_once_with_the_plans_figures():
    at = open_page("being-safe")
    assert_ok(at)
    since = [e for e in at.expander if e.label == "Since the plan (County Durham)"]
    assert since, "the plan's figures are with their section"
    text = "\n".join(m.value for e in since for m in e.markdown).replace("\\", "")
    assert "51,000 crimes" in text and "Not comparable" in text
