"""AppTest: every page opens from app.py, with default and shared-link (URL) parameters, and bad
links give a friendly warning rather than a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sdp_dash.domain import words

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
COUNTY = "E06000047"
FILE_PAGES = ["pages/overview.py", "pages/explore.py", "pages/compare.py", "pages/about.py"]
PRIORITY_PATHS = ["being-safe", "victims", "prevent", "reoffending", "alcohol-and-drugs", "cyber-crime"]


@pytest.fixture(autouse=True)
def clear_caches(warehouse):
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def latest(warehouse) -> str:
    con = warehouse.connect(warehouse)
    try:
        return warehouse.latest_month(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def codes(warehouse) -> dict[str, str]:
    """Real area codes of this warehouse (the mirror's, or the synthetic fixtures')."""
    con = warehouse.connect(warehouse)
    try:
        boards = list(warehouse.areas(con, "aap")["area_code"])
        divisions = list(warehouse.areas(con, "division_2013")["area_code"])
    finally:
        con.close()
    board = "AAP-durham-aap" if "AAP-durham-aap" in boards else boards[0]
    other = next(b for b in boards if b != board)
    return {"board": board, "other": other, "division": divisions[0]}


def name_of(warehouse, code: str) -> str:
    con = warehouse.connect(warehouse)
    try:
        return warehouse.area(con, code)["area_name"]
    finally:
        con.close()


def open_page(page: str | None = None, **params: str) -> AppTest:
    """Start from app.py (as a browser does), go to a page, with the given URL parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page is None:
        at.query_params.update(params)
        return at.run()
    at.run()
    if page.startswith("pages/"):
        at.switch_page(page)
    else:  # a callable page, known only by its url_path
        at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == page)
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert "Safe Durham Partnership" in markdown_text(at)


# --- Default pages ---------------------------------------------------------------------------------


def test_overview_by_default_shows_county_latest_12_months(latest):
    at = open_page()
    assert_ok(at)
    assert at.title[0].value == "Overview"
    assert "**County Durham**" in markdown_text(at)
    assert "12 months to" in markdown_text(at)
    assert len(at.get("vega_lite_chart")) >= 3
    assert len(at.metric) == 5
    assert at.query_params["area"] == COUNTY and at.query_params["to"] == latest
    assert not at.warning


@pytest.mark.parametrize("page", FILE_PAGES)
def test_every_page_opens_with_defaults(page):
    at = open_page(page)
    assert_ok(at)
    assert not at.warning
    if page != "pages/about.py":
        assert at.get("vega_lite_chart"), "charts expected"
    if page == "pages/explore.py":
        assert len(at.get("deck_gl_json_chart")) == 1


@pytest.mark.parametrize("url_path", PRIORITY_PATHS)
def test_priority_pages_open(url_path, codes, warehouse):
    at = open_page(url_path, area=codes["board"])
    assert_ok(at)
    assert at.title, "a priority page has a title"
    assert name_of(warehouse, codes["board"]) in markdown_text(at)


# --- Shared links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", FILE_PAGES)
def test_shared_link_opens_same_area_period_and_measure(page, latest, codes, warehouse):
    start = words.shift_month(latest, -5)  # a custom six-month period
    at = open_page(page, area=codes["board"], to=latest, measure="burglary", **{"from": start})
    assert_ok(at)
    assert not at.warning
    assert at.query_params["area"] == codes["board"]
    assert at.query_params["from"] == start
    assert at.query_params["measure"] == "burglary"
    assert at.query_params["to"] == latest
    if page != "pages/about.py":
        assert f"**{name_of(warehouse, codes['board'])}**" in markdown_text(at)
        assert at.get("vega_lite_chart")


def test_explore_division_with_points_and_lsoa_level(codes):
    at = open_page("pages/explore.py", area=codes["division"], measure="burglary")
    assert_ok(at)
    at.toggle(key="sdp_points").set_value(True).run()
    assert_ok(at)
    assert len(at.get("deck_gl_json_chart")) == 1
    assert "anonymous map point" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="sdp_level").set_value("lsoa").run()
    assert_ok(at)
    assert len(at.get("deck_gl_json_chart")) == 1


def test_no_points_for_sensitive_measures(codes):
    at = open_page("pages/explore.py", area=codes["division"], measure="violence_and_sexual_offences")
    assert_ok(at)
    assert not [t for t in at.toggle if t.key == "sdp_points"]


def test_moving_between_pages_keeps_area_and_period(latest, codes, warehouse):
    at = open_page("pages/overview.py", area=codes["other"], to=latest)
    assert_ok(at)
    at.switch_page("pages/explore.py")
    at.query_params.clear()  # the sidebar navigation drops the query string
    at.run()
    assert_ok(at)
    assert at.query_params["area"] == codes["other"]
    assert at.query_params["to"] == latest
    assert f"**{name_of(warehouse, codes['other'])}**" in markdown_text(at)


def test_find_your_area_by_place_name(warehouse):
    at = open_page()
    box = at.selectbox(key="sdp_find")
    assert not any(o.startswith("E0") for o in box.options), "codes are never the only label"
    places = [o for o in box.options if " — in " in o]
    if "Barnard Castle" in " ".join(box.options):  # the real mirror: settlements from the evidence are searchable
        assert any(o.startswith("Middleton-in-Teesdale") for o in places)
        label = next(o for o in box.options if o.startswith("Barnard Castle"))
    else:
        label = places[0] if places else box.options[1]
    box.set_value(label).run()
    assert_ok(at)
    assert at.query_params["area"] != COUNTY
    assert at.query_params["area"].startswith(("E05", "E02", "E01", "AAP-"))


def test_compare_areas_from_link(codes, warehouse):
    areas = f"{codes['board']},{codes['other']},{COUNTY}"
    at = open_page("pages/compare.py", areas=areas)
    assert_ok(at)
    assert not at.warning
    assert at.query_params["areas"] == areas
    assert len(at.get("vega_lite_chart")) == 2
    assert name_of(warehouse, codes["other"]) in markdown_text(at)


# --- Bad links -------------------------------------------------------------------------------------

BAD = [
    ({"area": "<script>alert(1)</script>"}, "area"),
    ({"area": "E06000047'; DROP TABLE areas; --"}, "area"),
    ({"area": "x" * 5000}, "area"),
    ({"area": "E23000013"}, "area"),  # a real code, but outside the county
    ({"to": "2025-13"}, "end month"),
    ({"to": "December"}, "end month"),
    ({"to": "2030-01"}, "end month"),
    ({"from": "2030-01"}, "start month"),
    ({"from": "<img src=x onerror=alert(1)>"}, "start month"),
    ({"measure": "all_crime UNION SELECT 1"}, "measure"),
    ({"measure": "[click](javascript:alert(1))"}, "measure"),
]


@pytest.mark.parametrize(("params", "what"), BAD)
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/explore.py"])
def test_bad_links_warn_and_fall_back(page, params, what, latest):
    at = open_page(page, **params)
    assert_ok(at)
    assert at.warning, "a warning says what was ignored"
    text = " ".join(w.value for w in at.warning)
    assert what in text
    for raw in params.values():
        assert raw not in text or raw.isalnum(), "raw input is never echoed unescaped"
    assert "<script>" not in markdown_text(at) and "<img" not in markdown_text(at)
    assert at.query_params["area"] in (COUNTY, params.get("area"))
    assert at.query_params["measure"] in ("all_crime", params.get("measure"))
    assert at.get("vega_lite_chart")


def test_bad_links_on_other_pages(codes):
    for page in ["pages/compare.py", "pages/about.py", "being-safe"]:
        at = open_page(page, area="<script>", to="2025-99", areas=f"<b>x</b>,{codes['board']}")
        assert_ok(at)
        assert at.warning


# --- Figures agree with the command line's export ---------------------------------------------------


def test_overview_county_figures_equal_export(warehouse, latest):
    # With the mirror, latest is 2025-12: the spec's example (all crime 48,409, 92.7 per 1,000; ASB 11,540).
    end = latest
    start = words.default_start(end)
    at = open_page(area=COUNTY, to=end)
    assert_ok(at)
    con = warehouse.connect(warehouse)
    try:
        export = warehouse.export_crime(con, area=COUNTY, start=start, end=end)
    finally:
        con.close()
    metrics = {m.label: m.value for m in at.metric}
    for r in export.itertuples():
        assert metrics[r.measure] == f"{r.rate_per_1000:,.1f} per 1,000"
    table = at.table[0].value
    assert list(table["Measure"]) == list(export["measure"])
    assert list(table["Count"]) == [f"{c:,}" for c in export["count"]]
    assert list(table["Rate per 1,000"]) == list(export["rate_per_1000"].round(1))
    captions = "\n".join(c.value for c in at.caption)
    for c in export["count"]:
        assert f"{c:,} recorded" in captions
