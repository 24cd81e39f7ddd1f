"""One colour per area (issue 17, part 5): on every page an area is drawn in one colour, in every chart,
map outline and key, by the one rule of ``charts.area_colours`` (the chosen area dark blue, County Durham
orange, the areas compared in the order chosen, Darlington and the force areas their own colours).

Each page is run as a shared link would open it; every Vega-Lite chart's spec and data, every map's
outlines and every HTML key are read (``tests/support/colours.py``)."""

from __future__ import annotations

import pytest

from sdp_dash import charts
from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, codes
from tests.app.conftest import assert_ok, open_page
from tests.support import north_east as ne
from tests.support.colours import Drawn, app_colours, chart_colours, key_colours

PRIORITY_PATHS = [p.url_path for p in catalogue.priorities()]


@pytest.fixture(scope="module")
def areas(warehouse) -> dict:
    """Real codes and names of this warehouse (the mirror's or the synthetic fixtures'), and every area name."""
    con = wh.connect(warehouse)
    try:
        boards = list(wh.areas(con, "aap")["area_code"])
        msoas = list(wh.areas(con, "msoa")["area_code"])
        names = {str(n) for (n,) in con.execute("select area_name from areas").fetchall()}
        names |= {str(n) for (n,) in con.execute("select distinct area_name from indicator_values").fetchall() if n}
        chosen = "AAP-east-durham-aap" if "AAP-east-durham-aap" in boards else boards[0]
        other = next(b for b in boards if b != chosen)
        small = msoas[0]
        name = {c: str(wh.area(con, c)["area_name"]) for c in (chosen, other, small, codes.COUNTY, *ne.FORCES, ne.DARLINGTON)}
    finally:
        con.close()
    return {"chosen": chosen, "other": other, "small": small, "names": names, "name": name}


def _check(drawn: Drawn) -> None:
    assert not drawn.problems, "\n".join(drawn.problems)
    assert not drawn.clashes(), "an area drawn in two colours on one page:\n" + "\n".join(drawn.clashes())


def _open_details(url_path: str, **params) -> object:
    """A priority page with every indicator's detail (comparisons, tables) open, as a visitor would open them."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import _script

    at = AppTest.from_function(_script, args=(url_path,), default_timeout=60)
    at.query_params.update(params)
    for ind in catalogue.catalogue().indicators:
        at.session_state[f"{ind.id}_detail"] = True
    return at.run()


def test_the_rule():
    c = charts.area_colours(
        [("X", "Chosen"), ("A", "First"), (codes.COUNTY, codes.COUNTY_NAME), ("B", "Second"), (ne.DARLINGTON, "Darlington")],
        chosen="X",
    )
    assert c["Chosen"] == charts.CHOSEN_COLOUR and c[codes.COUNTY_NAME] == charts.COUNTY_COLOUR
    assert c["Darlington"] == charts.comparator_colours()[ne.DARLINGTON]
    # The areas compared take the next colours no area of the page holds, in the order chosen.
    assert [c["First"], c["Second"]] == [x for x in charts.COMPARED_COLOURS if x != c["Darlington"]][:2]
    assert len(set(dict(c.pairs).values())) == 5
    # The county is orange also when it is the chosen area; the same list gives the same colours.
    assert (
        charts.area_colours([(codes.COUNTY, codes.COUNTY_NAME)], chosen=codes.COUNTY)[codes.COUNTY_NAME] == charts.COUNTY_COLOUR
    )
    assert charts.area_colours([("A", "a"), ("B", "b")]) == charts.area_colours([("A", "a"), ("B", "b")])
    # A published chart's other areas are grey context; the national figure black.
    context = charts.area_colours([(codes.ENGLAND, "England"), ("E06000001", "Hartlepool")], compared=False)
    assert context["England"] == charts.NATIONAL_COLOUR and context["Hartlepool"] == charts.CONTEXT_COLOUR


def test_the_scanner_finds_an_area_in_two_colours():
    """The audit's finding, made up: a key says East Durham is dark blue, a chart draws it dark pink."""
    import pandas as pd

    frame = pd.DataFrame(
        {"month": ["2025-01", "2025-02"] * 2, "area_name": ["East Durham"] * 2 + [codes.COUNTY_NAME] * 2, "rate": [1.0] * 4}
    )
    wrong = charts.AreaColours((("East Durham", charts.DARK_PINK), (codes.COUNTY_NAME, charts.DARK_BLUE)))
    spec = charts.trend(frame, value="rate", series="area_name", title="t", description="d", colours=wrong).to_dict()
    datasets = {k: pd.DataFrame(v) for k, v in spec["datasets"].items()}
    drawn = chart_colours("chart 0", spec, datasets, {"East Durham", codes.COUNTY_NAME})
    drawn.extend(
        key_colours(
            "key 0",
            "<li data-area='East Durham' data-colour='#12436D'></li><li data-area='County Durham' data-colour='#F46A25'></li>",
            set(),
        )
    )
    assert sorted(c.split(":")[0] for c in drawn.clashes()) == [codes.COUNTY_NAME, "East Durham"]
    implicit = charts.trend(frame, value="rate", series="area_name", title="t", description="d").to_dict()
    implicit["layer"][0]["layer"][0]["encoding"]["color"].pop("scale")
    assert chart_colours("chart 1", implicit, datasets, set()).problems, "a scale Vega would choose is found"


def test_compare_draws_each_area_in_its_key_colour(areas):
    chosen, other, small, name = areas["chosen"], areas["other"], areas["small"], areas["name"]
    # The chosen area not first and the county not second: the colours follow the rule, not the list's order.
    at = open_page(
        "compare",
        area=chosen,
        areas=f"{other},{chosen},{codes.COUNTY},{small}",
        measures="all_crime,robbery,burglary",
    )
    assert_ok(at)
    assert len(at.get("vega_lite_chart")) >= 4  # a chart per measure and the trend
    drawn = app_colours(at, areas["names"])
    _check(drawn)
    key = {area: colour for where, area, colour in drawn.records if where.startswith("key")}
    assert set(key) == {name[chosen], name[other], name[codes.COUNTY], name[small]}, key
    assert len(set(key.values())) == 4, "each area compared has its own colour"
    assert key[name[chosen]] == charts.CHOSEN_COLOUR and key[name[codes.COUNTY]] == charts.COUNTY_COLOUR
    assert [key[name[other]], key[name[small]]] == list(charts.COMPARED_COLOURS[:2]), "the others in the order chosen"
    charted = {area for where, area, _ in drawn.records if where.startswith("chart")}
    assert charted == set(key), "every chart's areas are in the key"


def test_compare_from_the_county_keeps_the_county_orange(areas):
    at = open_page("compare", areas=f"{codes.COUNTY},{areas['other']}")
    assert_ok(at)
    drawn = app_colours(at, areas["names"])
    _check(drawn)
    assert drawn.colour_of(codes.COUNTY_NAME) == charts.COUNTY_COLOUR
    assert drawn.colour_of(areas["name"][areas["other"]]) == charts.COMPARED_COLOURS[0]


def test_explore_profile_map_and_keys_agree(areas):
    chosen, name = areas["chosen"], areas["name"]
    at = open_page("explore", area=chosen)
    assert_ok(at)
    drawn = app_colours(at, areas["names"], selected=chosen)
    _check(drawn)
    assert drawn.colour_of(name[chosen]) == charts.CHOSEN_COLOUR
    assert drawn.colour_of(codes.COUNTY_NAME) == charts.COUNTY_COLOUR
    where = {w.split()[0] for w, a, _ in drawn.records if a == name[chosen]}
    assert {"chart", "map", "key"} <= where, where  # the charts, the map's outline and the keys all say so
    assert any(w.startswith("map") for w, a, _ in drawn.records if a == codes.COUNTY_NAME), "the county's boundary"


@pytest.mark.parametrize("which", ["county", "board"])
def test_overview_draws_the_area_and_the_forces_in_their_colours(areas, which):
    """The Overview: the area in its colour; for the county, the force areas in theirs."""
    code = codes.COUNTY if which == "county" else areas["chosen"]
    at = open_page("home", area=code)
    assert_ok(at)
    drawn = app_colours(at, areas["names"])
    _check(drawn)
    expected = charts.COUNTY_COLOUR if code == codes.COUNTY else charts.CHOSEN_COLOUR
    assert drawn.colour_of(areas["name"][code]) == expected
    if which == "county":  # the force areas are drawn for the county only (an area of the county is set against the county)
        for force in ne.FORCES:
            assert drawn.colour_of(areas["name"][force]) == charts.comparator_colours()[force]


@pytest.mark.parametrize("url_path", PRIORITY_PATHS)
def test_priority_pages_draw_each_area_in_one_colour(areas, url_path):
    chosen = areas["chosen"]
    at = _open_details(url_path, area=chosen)
    assert_ok(at)
    drawn = app_colours(at, areas["names"], selected=chosen)
    _check(drawn)
    if url_path == "being-safe":  # police.uk cards: the area, the county, Darlington and the force areas compared
        assert drawn.colour_of(areas["name"][chosen]) == charts.CHOSEN_COLOUR
        assert drawn.colour_of(codes.COUNTY_NAME) == charts.COUNTY_COLOUR
        assert drawn.colour_of(areas["name"][ne.DARLINGTON]) == charts.comparator_colours()[ne.DARLINGTON]
