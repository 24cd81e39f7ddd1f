"""'Find your area' on the page: postcodes (full, sector, district, retired, outside the county) and
forgiving place names.  Runs on the synthetic warehouse and on the mirror's (SDP_MIRROR)."""

from __future__ import annotations

import pytest

from sdp_dash import warehouse as wh
from tests.app.conftest import assert_ok, open_page

COUNTY = "E06000047"


def _postcodes(con) -> dict[str, str]:
    """One live postcode (with its LSOA) from each postcode area the warehouse holds."""
    rows = con.execute(
        """SELECT left(postcode, 2) AS area, min(postcode) AS pc FROM postcodes
           WHERE NOT terminated AND regexp_matches(postcode, '^[A-Z]{2}') GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    return {area: pc for area, pc in rows}


def _search(at, text: str):
    at.text_input(key="sdp_q").input(text)
    at.button(key="FormSubmitter:sdp_find_form-Find").click()
    return at.run()


def _hits(at) -> list:
    return [b for b in at.button if str(b.key or "").startswith("sdp_hit_") and b.key != "sdp_hit_close"]


@pytest.mark.parametrize("area", ["DH", "DL", "SR", "TS", "NE"])
def test_a_postcode_from_each_area_opens_its_lsoa_and_is_not_kept(con, area):
    pcs = _postcodes(con)
    assert area in pcs, f"no {area} postcode in the warehouse"
    pc = pcs[area]
    lsoa = wh.postcode(con, pc)["lsoa21_code"]
    at = open_page("explore")
    messy = pc.lower().replace(" ", "") if area != "NE" else "  " + pc.replace(" ", "   ") + " "
    at = _search(at, messy)
    assert_ok(at)
    assert at.query_params["area"] == lsoa
    assert set(at.query_params) <= {"area", "from", "to", "measure", "level", "points", "areas", "measures"}
    assert pc.replace(" ", "") not in "".join(at.query_params.values()).replace(" ", "").upper()
    assert at.text_input(key="sdp_q").value == ""
    kept = repr({k: at.session_state[k] for k in at.session_state.keys()})
    assert pc not in kept.upper() and pc.replace(" ", "") not in kept.upper().replace(" ", "")
    assert any("holds your postcode" in s.value for s in at.success)


def test_sector_and_district_list_the_areas_they_cover(con):
    pc = _postcodes(con)["SR"]
    sector, district = pc[:-2], pc.split(" ")[0]
    at = _search(open_page("home"), sector.lower())
    assert_ok(at)
    hits = _hits(at)
    assert hits and all("— neighbourhood:" in b.label and f"postcodes in {sector}" in b.label for b in hits)
    hits[0].click()
    at.run()
    assert at.query_params["area"].startswith("E02")
    at = _search(open_page("home"), district)
    hits = _hits(at)
    assert hits and all("electoral division (from May 2025)" in b.label for b in hits)


def test_retired_and_outside_postcodes_get_a_plain_message(con):
    ended, lsoa = con.execute(
        "SELECT postcode, lsoa21_code FROM postcodes WHERE terminated AND lsoa21_code IS NOT NULL ORDER BY 1 LIMIT 1"
    ).fetchone()
    at = _search(open_page("home"), ended)
    assert_ok(at)
    assert at.query_params["area"] == lsoa  # the small area the ONS lookup still gives it
    assert any("retired" in s.value and "ONS postcode lookup" in s.value for s in at.success)
    kept = repr({k: at.session_state[k] for k in at.session_state.keys()})
    assert ended not in kept.upper() and ended.replace(" ", "") not in kept.upper().replace(" ", "")
    at = _search(open_page("home"), "DL1 1AA")  # Darlington: not County Durham
    assert any("find that postcode in County Durham" in i.value for i in at.info)
    at = _search(open_page("home"), "not a place anywhere")
    assert any("Nothing in County Durham matches" in i.value for i in at.info)


@pytest.mark.parametrize(
    "typed, name", [("seaham harbour", "Seaham"), ("BARNARD castle", "Barnard Castle"), ("bishop auck", "Bishop Auckland")]
)
def test_places_found_from_forgiving_text(typed, name):
    at = _search(open_page("explore"), typed)
    assert_ok(at)
    hits = _hits(at)
    assert hits, f"nothing found for {typed!r}"
    first = hits[0].label
    assert first.startswith(f"{name} — town"), first
    assert "MSOA" not in first and "LSOA" not in first
    labels = [b.label for b in hits]
    assert len(labels) == len(set(labels)), "identical results are told apart"
    hits[0].click()
    at.run()
    assert_ok(at)
    # A town in one neighbourhood opens it; a town in several opens the smallest area holding them all.
    opened = at.query_params["area"]
    assert opened.startswith("E02") if "opens the neighbourhood" in first else not opened.startswith("E01"), first
    assert not _hits(at), "the results close after a pick"


def test_a_place_outside_the_county_is_named_with_its_partnership_and_a_link():
    at = _search(open_page("explore"), "Darlington")
    assert_ok(at)
    said = " ".join(i.value for i in at.info).replace("\\", "")  # the markdown source, escapes removed
    assert "Darlington is outside County Durham: it is covered by Darlington's community safety partnership" in said
    assert "](being-safe?area=E06000047#at-a-glance)" in said  # Darlington's figures are on the priority pages
    assert at.query_params["area"] == COUNTY  # nothing opened
    assert not _hits(at), "no look-alike village inside the county"


def test_results_are_in_plain_words():
    at = _search(open_page("home"), "durham")
    assert_ok(at)
    labels = [b.label for b in _hits(at)]
    assert labels and not [lab for lab in labels if "MSOA" in lab or "LSOA" in lab or "Area Action" in lab]
