"""AppTest: every page opens from app.py, with default and shared-link (URL) parameters, and bad
links give a friendly warning rather than a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config.catalogue import priorities
from sdp_dash.config.months import default_start, shift_month
from sdp_dash.domain import crime
from sdp_dash.web.cards import NOTHING_TO_CHART
from tests.app.conftest import assert_ok, markdown_text, open_page

COUNTY = "E06000047"
VIEWS = ["home", "explore", "compare", "about"]
PRIORITY_PATHS = [p.url_path for p in priorities()]


@pytest.fixture(scope="module")
def latest(warehouse) -> str:
    con = wh.connect(warehouse)
    try:
        return wh.latest_month(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def codes(warehouse) -> dict[str, str]:
    """Real area codes of this warehouse (the mirror's, or the synthetic fixtures')."""
    con = wh.connect(warehouse)
    try:
        boards = list(wh.areas(con, "aap")["area_code"])
        divisions = list(wh.areas(con, "division_2013")["area_code"])
    finally:
        con.close()
    board = "AAP-durham-aap" if "AAP-durham-aap" in boards else boards[0]
    other = next(b for b in boards if b != board)
    return {"board": board, "other": other, "division": divisions[0]}


def name_of(warehouse, code: str) -> str:
    con = wh.connect(warehouse)
    try:
        return wh.area(con, code)["area_name"]
    finally:
        con.close()


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


@pytest.mark.parametrize("page", VIEWS)
def test_every_page_opens_with_defaults(page):
    at = open_page(page)
    assert_ok(at)
    assert not at.warning
    if page != "about":
        assert at.get("vega_lite_chart"), "charts expected"
    if page == "explore":  # its map is Vega-Lite's (deck.gl only for points or a basemap: issue 18)
        assert sum('"projection"' in c.proto.spec for c in at.get("vega_lite_chart")) == 1
        assert not at.get("deck_gl_json_chart")


@pytest.mark.parametrize("url_path", PRIORITY_PATHS)
def test_priority_pages_open(url_path, codes, warehouse):
    at = open_page(url_path, area=codes["board"])
    assert_ok(at)
    assert at.title, "a priority page has a title"
    assert name_of(warehouse, codes["board"]) in markdown_text(at)


# --- Shared links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", VIEWS)
def test_shared_link_opens_same_area_period_and_measure(page, latest, codes, warehouse):
    start = shift_month(latest, -5)  # a custom six-month period
    at = open_page(page, area=codes["board"], to=latest, measure="burglary", **{"from": start})
    assert_ok(at)
    assert not at.warning
    assert at.query_params["area"] == codes["board"]
    assert at.query_params["from"] == start
    assert at.query_params["measure"] == "burglary"
    assert at.query_params["to"] == latest
    if page != "about":
        assert f"**{name_of(warehouse, codes['board'])}**" in markdown_text(at)
        assert at.get("vega_lite_chart")


def test_explore_division_with_points_and_lsoa_level(codes):
    at = open_page("explore", area=codes["division"], measure="burglary")
    assert_ok(at)
    at.toggle(key="sdp_points").set_value(True).run()
    assert_ok(at)
    assert len(at.get("deck_gl_json_chart")) == 1
    assert "anonymous map point" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="sdp_level").set_value("lsoa").run()
    assert_ok(at)
    assert len(at.get("deck_gl_json_chart")) == 1


def test_no_points_for_sensitive_measures(codes):
    at = open_page("explore", area=codes["division"], measure="violence_and_sexual_offences")
    assert_ok(at)
    assert not [t for t in at.toggle if t.key == "sdp_points"]


def test_a_link_without_parameters_keeps_the_sessions_view(latest, codes, warehouse):
    # The side-panel navigation drops the query string: the session's view carries over (the browser
    # suite checks the same across pages).
    at = open_page("home", area=codes["other"], to=latest)
    assert_ok(at)
    at.query_params.clear()
    at.run()
    assert_ok(at)
    assert at.query_params["area"] == codes["other"]
    assert at.query_params["to"] == latest
    assert f"**{name_of(warehouse, codes['other'])}**" in markdown_text(at)


def test_find_your_area_by_place_name(warehouse):
    """The on-page search (text box and Find button) on the Overview: a place name lists results that
    say in full what they open, never a bare code; a pick opens the area (tests/app/test_find.py has
    postcodes and the forgiving spellings)."""
    at = open_page()
    at.text_input(key="sdp_q").input("Barnard Castle")
    at.button(key="FormSubmitter:sdp_find_form-Find").click()
    at.run()
    assert_ok(at)
    hits = [b for b in at.button if str(b.key or "").startswith("sdp_hit_") and b.key != "sdp_hit_close"]
    assert hits, "nothing found for 'Barnard Castle'"
    assert not any(b.label.startswith("E0") for b in hits), "codes are never the only label"
    assert hits[0].label.startswith("Barnard Castle")
    hits[0].click()
    at.run()
    assert_ok(at)
    assert at.query_params["area"] != COUNTY
    assert at.query_params["area"].startswith(("E05", "E02", "E01", "AAP-"))


def test_compare_areas_from_link(codes, warehouse):
    areas = f"{codes['board']},{codes['other']},{COUNTY}"
    at = open_page("compare", areas=areas)
    assert_ok(at)
    assert not at.warning
    assert at.query_params["areas"] == areas
    assert len(at.get("vega_lite_chart")) == 2
    assert name_of(warehouse, codes["other"]) in markdown_text(at)


def test_compare_answers_first_in_a_summary_with_the_county_as_yardstick(codes, warehouse):
    """Areas by measures, each against the rest of the county; the county is the yardstick, not a slot."""
    at = open_page("compare", areas=f"{COUNTY},{codes['board']},{codes['other']}", measures="all_crime,burglary")
    assert_ok(at)
    assert COUNTY not in at.multiselect(key="sdp_compare").value, "the county is not one of the four"
    summary = at.table[0].value
    assert list(summary.columns[:2]) == ["Area", "Measure"]
    assert len(summary) == 2 * 3, "two areas and the county, for each of two measures"
    yardstick = summary[summary["Area"].str.endswith("(the yardstick)")]
    assert len(yardstick) == 2 and set(yardstick["Against the rest of the county"]) == {""}
    said = set(summary.loc[~summary.index.isin(yardstick.index), "Against the rest of the county"])
    assert all(w.startswith(("higher than", "similar to", "lower than", "not compared")) for w in said), said
    assert all("the rest of the county" in w for w in said if not w.startswith("not compared"))


def test_overview_sets_an_areas_headlines_against_the_county(codes):
    """For an area of the county: each headline with the county's rate and the area against the rest of the
    county; the force areas only for the county itself."""
    at = open_page("home", area=codes["board"])
    assert_ok(at)
    text = markdown_text(at).replace("\\", "")  # the page escapes markdown characters
    assert text.count("County Durham: ") >= 4 and "the rest of the county" in text
    assert not [h for h in at.header if "police forces" in h.value]
    county = open_page("home")
    assert [h for h in county.header if "police forces" in h.value]


def test_compare_with_nothing_to_draw_says_so(codes):
    # June to August 2024: no police.uk data in the mirror or the fixtures, so no figure can be drawn.
    at = open_page("compare", areas=f"{codes['board']},{codes['other']}", measure="robbery", to="2024-08", **{"from": "2024-06"})
    assert_ok(at)
    assert NOTHING_TO_CHART in markdown_text(at)
    assert at.table, "the table still says which figures are missing"


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
@pytest.mark.parametrize("page", ["home", "explore"])
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
    for page in ["compare", "about", "being-safe"]:
        at = open_page(page, area="<script>", to="2025-99", areas=f"<b>x</b>,{codes['board']}")
        assert_ok(at)
        assert at.warning


# --- Figures agree with the command line's export ---------------------------------------------------


def test_overview_county_figures_equal_export(warehouse, latest):
    # With the mirror, latest is 2025-12: all crime 48,409, 92.7 per 1,000 residents a year; ASB 11,540.
    end = latest
    start = default_start(end)
    at = open_page(area=COUNTY, to=end)
    assert_ok(at)
    con = wh.connect(warehouse)
    try:
        export = crime.export(con, area=COUNTY, start=start, end=end)
        figs = crime.key_figures(con, COUNTY, start, end)
    finally:
        con.close()
    # The page shows one decimal of the exact rate; the CSV keeps two (so 161.649 is 161.6 and 161.65).
    assert [f.measure for f in figs] == list(export["measure"])
    assert [round(f.rate, 2) for f in figs] == list(export["rate"])
    metrics = {m.label: m.value for m in at.metric}
    for f in figs:
        assert metrics[f.measure] == f.rate_text
    table = at.table[0].value
    assert list(table["Measure"]) == list(export["measure"])
    assert list(table["Count"]) == [f.count_text for f in figs]
    assert [f.shown_count for f in figs] == [None if pd.isna(c) else int(c) for c in export["count"]]
    assert list(table["Rate per 1,000 residents a year"]) == [f.rate_text for f in figs]
    captions = "\n".join(c.value for c in at.caption)
    for f in figs:
        assert f"{f.count_text} recorded" in captions
