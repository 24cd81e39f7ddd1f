"""The link is the view: the Explore map level and points toggle, and Compare's areas and measures,
are in the address, validated and written back canonically."""

from __future__ import annotations

from tests.app.conftest import assert_ok, open_page

COUNTY = "E06000047"


def _lsoa(con) -> str:
    """A small area with anonymous points for burglary (so the toggle has something to show)."""
    return con.execute(
        """SELECT c.lsoa21_code FROM crime_counts c JOIN areas a ON a.area_code = c.lsoa21_code AND a.area_type = 'lsoa'
           WHERE c.crime_type = 'Burglary' GROUP BY 1 ORDER BY sum(n) DESC LIMIT 1"""
    ).fetchone()[0]


def test_explore_level_and_points_come_from_the_link_and_go_back_into_it(con):
    code = _lsoa(con)
    at = open_page("explore", area=code, level="lsoa", points="1", measure="burglary", to="2025-12")
    assert_ok(at)
    assert at.selectbox(key="sdp_level").value == "lsoa"
    assert at.toggle(key="sdp_points").value is True
    assert at.query_params["level"] == "lsoa" and at.query_params["points"] == "1"
    assert "anonymous map point" in "\n".join(c.value for c in at.caption)
    # Changing them writes the address back.
    at.selectbox(key="sdp_level").set_value("msoa").run()
    at.toggle(key="sdp_points").set_value(False).run()
    assert_ok(at)
    assert at.query_params["level"] == "msoa"
    assert "points" not in at.query_params


def test_bad_level_and_points_values_are_explained_and_replaced(con):
    at = open_page("explore", area=COUNTY, level="<b>x</b>", points="maybe")
    assert_ok(at)
    warnings = "\n".join(w.value for w in at.warning)
    assert "map level" in warnings and "<b>" not in warnings
    assert at.query_params["level"] == "aap"
    assert "points" not in at.query_params  # never points for the whole county


def test_points_are_refused_for_sensitive_measures_even_from_a_link(con):
    at = open_page("explore", area=_lsoa(con), points="1", measure="violence_and_sexual_offences")
    assert_ok(at)
    assert "points" not in at.query_params
    assert not [t for t in at.toggle if t.key == "sdp_points"]


def test_compare_defaults_to_the_area_against_the_county_and_takes_measures_from_the_link(con):
    board = con.execute("SELECT min(area_code) FROM areas WHERE area_type = 'aap'").fetchone()[0]
    at = open_page("compare", area=board, measures="burglary,all_crime,nonsense")
    assert_ok(at)
    assert at.query_params["areas"] == f"{board},{COUNTY}"
    assert at.query_params["measures"] == "burglary,all_crime"
    assert any("not recognised" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 3  # two measures and the trend
    legend = "\n".join(m.value for m in at.markdown if "sdp-legend" in m.value)
    assert "#12436D" in legend and "#F46A25" in legend  # the chosen area and the county in their own colours
