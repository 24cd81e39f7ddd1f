"""AppTest: the dashboard for a partnership other than County Durham (issue 20): Middlesbrough (Cleveland
Police) and Sunderland (Northumbria Police), each from its own warehouse (tests/conftest.py builds them from
the session's sources: the synthetic world, or the mirror with SDP_MIRROR).

The main views (and a priority page, the analyses and About) run without an exception, name the partnership,
call its electoral areas "wards" and say nothing of County Durham; "Find your area" finds the partnership's
postcodes (a retired one opens its small area with the retired note) and says a County Durham postcode, or a
town of another partnership, is not in Middlesbrough.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, partnership
from sdp_dash.config.codes import POSTCODE_OUTWARD
from sdp_dash.config.months import shift_month
from sdp_dash.web import connection
from tests.app.conftest import assert_partnership_page, assert_ran, open_page, page_words
from tests.conftest import PARTNERSHIPS

VIEWS = ["home", "explore", "compare", "about", "outcomes", "deprivation", "long-view"]  # the menu, less priorities


@pytest.fixture(params=sorted(PARTNERSHIPS), ids=lambda c: PARTNERSHIPS[c])
def shown(request, run_as_partnership):
    """This test runs the app as the partnership: (code, name, warehouse path)."""
    path = run_as_partnership(request.param)
    return request.param, PARTNERSHIPS[request.param], path


def _search(at, text: str):
    at.text_input(key="sdp_q").input(text)
    at.button(key="FormSubmitter:sdp_find_form-Find").click()
    return at.run()


def _one(path, sql: str) -> tuple:
    with wh.connect(path) as con:
        row = con.execute(sql).fetchone()
    assert row is not None, f"nothing in {path} for: {sql}"
    return row


# --- The main views -------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_main_views_run_in_the_partnerships_words(shown, view):
    code, name, _ = shown
    assert partnership.active().code == code and partnership.active().name == name  # the warehouse's own record
    assert_partnership_page(open_page(view), name)


def test_a_priority_page_runs_in_the_partnerships_words(shown):
    _, name, _ = shown
    first = catalogue.priorities()[0]  # the partnership's own priorities (the default set without a file)
    assert_partnership_page(open_page(first.url_path), name)


def test_the_banner_names_the_partnership_not_safe_durham(shown):
    code, name, _ = shown
    title = partnership.active().title
    assert name in title and "Durham" not in title
    assert title in page_words(open_page("home"))


def test_explore_offers_wards_where_county_durham_has_electoral_divisions(shown):
    _, name, _ = shown
    at = open_page("explore")
    assert_ran(at)
    levels = at.selectbox(key="sdp_level").options
    assert any("ward" in str(o).lower() for o in levels), levels
    assert not any("division" in str(o).lower() for o in levels), levels
    assert not any("area board" in str(o).lower() or "aap" in str(o).lower() for o in levels), levels


def test_the_warehouse_holds_the_partnerships_own_areas_and_crimes(shown, con):
    """Its small areas are its own (none of County Durham's) and its own force's rows are counted there."""
    code, _, path = shown
    durham = {r[0] for r in con.execute("SELECT lsoa21_code FROM area_lsoa WHERE area_code = 'E06000047'").fetchall()}
    with wh.connect(path) as mine:
        lsoas = {r[0] for r in mine.execute("SELECT lsoa21_code FROM area_lsoa WHERE area_code = ?", [code]).fetchall()}
        end = wh.latest_month(mine)
        got = wh.counts_by_measure(mine, code, shift_month(end, -11), end).set_index("measure_id")["count"]
    assert lsoas and not lsoas & durham
    assert got["all_crime"] > 0


def test_each_partnership_has_a_warehouse_of_its_own_and_the_app_refuses_the_other(
    middlesbrough_warehouse, sunderland_warehouse, monkeypatch
):
    assert middlesbrough_warehouse != sunderland_warehouse
    for path, code in ((middlesbrough_warehouse, "E06000002"), (sunderland_warehouse, "E08000024")):
        assert _one(path, "SELECT code FROM partnership") == (code,)
    monkeypatch.setenv("SDP_PARTNERSHIP", "E06000002")
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{sunderland_warehouse}' AS wh (READ_ONLY)")
        con.execute("USE wh")  # as the app's connection does
        with pytest.raises(duckdb.Error, match=r"holds Sunderland \(E08000024\), not SDP_PARTNERSHIP=E06000002"):
            connection.check(con)
    finally:
        con.close()


# --- Find your area -------------------------------------------------------------------------------


def test_the_search_hint_gives_the_partnerships_own_examples(shown, con):
    """The search's hint ("For example DH1 3, SR7 7AA, Seaham ..." on County Durham's): every postcode in it
    is in one of the partnership's own postcode districts, and no town of County Durham's is offered unless
    the partnership has one of that name too."""
    _, name, path = shown
    hint = open_page("explore").text_input(key="sdp_q").placeholder
    with wh.connect(path) as mine:
        districts = {r[0] for r in mine.execute("SELECT DISTINCT split_part(postcode, ' ', 1) FROM postcodes").fetchall()}
        own_places = {r[0] for r in mine.execute("SELECT name FROM places").fetchall()}
    written = re.findall(rf"\b({POSTCODE_OUTWARD})(?: \d(?:[A-Z]{{2}})?)?\b", hint)
    assert all(d in districts for d in written), f"{hint!r}: postcodes outside {name} ({sorted(districts)[:5]}...)"
    durham_places = {r[0] for r in con.execute("SELECT name FROM places ORDER BY population DESC LIMIT 20").fetchall()}
    assert not [p for p in durham_places - own_places if re.search(rf"\b{re.escape(p)}\b", hint, re.I)], hint


def test_a_postcode_in_the_partnership_opens_its_small_area(shown):
    _, _, path = shown
    pc, lsoa = _one(path, "SELECT postcode, lsoa21_code FROM postcodes WHERE NOT terminated ORDER BY postcode LIMIT 1")
    at = _search(open_page("explore"), pc.lower())
    assert_ran(at)
    assert at.query_params["area"] == lsoa
    assert any("holds your postcode" in s.value for s in at.success)


def test_a_retired_postcode_opens_its_small_area_with_the_retired_note(shown):
    _, _, path = shown
    ended, lsoa = _one(
        path, "SELECT postcode, lsoa21_code FROM postcodes WHERE terminated AND lsoa21_code IS NOT NULL ORDER BY 1 LIMIT 1"
    )
    at = _search(open_page("home"), ended)
    assert_ran(at)
    assert at.query_params["area"] == lsoa
    assert any("retired" in s.value and "ONS postcode lookup" in s.value for s in at.success)


def test_a_county_durham_postcode_is_outside_middlesbrough(con, run_as_partnership):
    """A live County Durham postcode (from County Durham's own warehouse) on Middlesbrough's site: nothing
    opens, and the message is about Middlesbrough, not the county."""
    durham_pc = con.execute("SELECT min(postcode) FROM postcodes WHERE NOT terminated").fetchone()[0]
    run_as_partnership("E06000002")
    at = _search(open_page("home"), durham_pc)
    assert_ran(at)
    assert at.query_params.get("area", "E06000002") == "E06000002"  # no area of County Durham's opened
    said = "\n".join(i.value for i in at.info)
    assert "Middlesbrough" in said and ("outside" in said or "couldn't find" in said), said
    assert "find that postcode in County Durham" not in said, said


def test_a_place_in_another_partnership_is_outside_middlesbrough(run_as_partnership):
    """A town of another partnership typed on Middlesbrough's site: it is said to be outside Middlesbrough
    (as "Darlington is outside County Durham" on County Durham's), with who covers it."""
    run_as_partnership("E06000002")
    at = _search(open_page("home"), "Sunderland")
    assert_ran(at)
    said = "\n".join(i.value for i in [*at.info, *at.success, *at.warning])
    assert "Sunderland is outside Middlesbrough" in said, said
