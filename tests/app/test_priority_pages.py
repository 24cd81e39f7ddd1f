"""AppTest: the six priority pages, generated from the indicator catalogue, render for the county,
an area board and an electoral division, with a chart and every catalogue indicator on each."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sdp_dash.config import catalogue

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
# url paths as app.py registers them
PRIORITIES = [
    ("being_safe", "being-safe"),
    ("victims", "victims"),
    ("prevent", "prevent"),
    ("reoffending", "reoffending"),
    ("alcohol_drugs", "alcohol-and-drugs"),
    ("cyber", "cyber-crime"),
]


@pytest.fixture(scope="module", autouse=True)
def clear_caches(warehouse):
    # Cleared once for this module, not per test: the pages share cached figures (fast), and the
    # cache keys include the warehouse file, so nothing stale is reused.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def division(warehouse) -> str:
    con = warehouse.connect(warehouse)
    try:
        row = con.execute("SELECT area_code FROM areas WHERE area_type = 'division_2025' ORDER BY area_code LIMIT 1").fetchone()
    finally:
        con.close()
    assert row, "the warehouse has 2025 divisions"
    return row[0]


def open_priority(url_path: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path)
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.subheader] + [h.value for h in at.header]
    return "\n".join(parts)


def check(at: AppTest, priority_id: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    prio = catalogue.priority(priority_id)
    assert at.title[0].value == prio.title
    assert at.get("vega_lite_chart"), "at least one chart"
    text = page_text(at)
    for ind in catalogue.indicators_for(priority_id):
        assert ind.title in text, f"{ind.id} missing from {priority_id}"
    assert "What is not measured locally" in text
    assert not at.get("arrow_data_frame"), "tables are st.table, not st.dataframe"
    map_links = [link.proto.query_string for link in at.get("page_link") if link.proto.page == "explore"]
    for ind in catalogue.indicators_for(priority_id):
        if ind.kind == "police_uk":
            assert any(f"measure={ind.measure}" in q for q in map_links), f"{ind.id} links to its map"


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES)
def test_priority_page_for_county(priority_id, url_path):
    at = open_priority(url_path)
    check(at, priority_id)
    assert "**County Durham**" in page_text(at)


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES)
def test_priority_page_for_area_board(priority_id, url_path):
    at = open_priority(url_path, area="AAP-durham-aap", to="2025-12")
    check(at, priority_id)
    assert "Durham AAP" in page_text(at)


@pytest.mark.parametrize(("priority_id", "url_path"), PRIORITIES)
def test_priority_page_for_division(priority_id, url_path, division):
    at = open_priority(url_path, area=division)
    check(at, priority_id)
    assert at.query_params["area"] == division


def test_published_table_says_it_has_no_figures_for_a_smaller_area():
    at = open_priority("reoffending", area="AAP-durham-aap", to="2025-12")
    assert not at.exception
    infos = "\n".join(i.value for i in at.info)
    assert "The published table has no figures for Durham AAP" in infos


def test_prevent_figures_are_labelled_national():
    at = open_priority("prevent")
    assert not at.exception
    assert "Clearly national" in "\n".join(w.value for w in at.warning)
