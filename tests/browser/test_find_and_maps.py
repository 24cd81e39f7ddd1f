"""In the browser: find your area by postcode (one from each postcode area), district, sector and
place name; the map shows place labels; no request leaves the app's own host with the default
settings (the Vega-Lite map, and deck.gl's when points are on); a shared Explore link with the
small-area level and points on reopens exactly that."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from .conftest import DESKTOP, MAP, PHONE, open_page, screenshot, wait_ready

FIND = "Find your area: postcode, town, village or area name"


def _postcodes(warehouse) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """SELECT left(postcode, 2), min(postcode) FROM postcodes WHERE NOT terminated
               AND regexp_matches(postcode, '^[A-Z]{2}') GROUP BY 1"""
        ).fetchall()
        return {
            a: (pc, con.execute("SELECT lsoa21_code FROM postcodes WHERE postcode = ?", [pc]).fetchone()[0]) for a, pc in rows
        }


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _search(page, text: str) -> None:
    box = page.get_by_label(FIND, exact=True)
    box.focus()
    box.fill(text)
    box.press("Enter")  # the keyboard alone: type, then Enter
    wait_ready(page)


def test_postcodes_from_each_area_open_their_small_area(app_url, warehouse, new_context):
    page = new_context(DESKTOP).new_page()
    open_page(page, f"{app_url}/explore")
    for area, (pc, lsoa) in sorted(_postcodes(warehouse).items()):
        _search(page, pc.lower())
        page.wait_for_function("(code) => location.search.includes('area=' + code)", arg=lsoa, timeout=30_000)
        assert _query(page)["area"] == lsoa, area
        assert pc.replace(" ", "") not in page.url.upper().replace("%20", "").replace("+", ""), (
            "the postcode is never in the address"
        )
        assert page.get_by_label(FIND, exact=True).input_value() == ""
        wait_ready(page)
    assert set(_postcodes(warehouse)) >= {"DH", "DL", "SR", "TS", "NE"}
    page.close()


def test_district_sector_and_place_names_by_keyboard(app_url, warehouse, new_context):
    page = new_context(PHONE).new_page()
    open_page(page, f"{app_url}/")
    pc = _postcodes(warehouse)["SR"][0]
    _search(page, pc.split(" ")[0])  # the district, e.g. SR7
    assert page.get_by_role("button", name="electoral division (from May 2025)").first.is_visible()
    _search(page, pc[:-2])  # the sector, e.g. SR7 7
    first = page.get_by_role("button", name="— neighbourhood:").first
    first.focus()
    page.keyboard.press("Enter")
    wait_ready(page)
    assert _query(page)["area"].startswith("E02")
    # The side panel stays closed on a phone: the search is on the page.
    assert not page.locator('[data-testid="stSidebar"][aria-expanded="true"]').count()
    for typed, name in (("seaham harbour", "Seaham"), ("barnard castle", "Barnard Castle")):
        _search(page, typed)
        hit = page.get_by_role("button", name=f"{name} — town").first
        assert hit.is_visible(), typed
        box = hit.bounding_box()
        assert box and box["width"] <= PHONE["width"], "results fit the phone's width (they wrap, never cut off)"
    screenshot(page, "find-results-375")
    hit.click()
    wait_ready(page)
    assert _query(page)["area"].startswith("E02")
    page.close()


@pytest.mark.parametrize(
    "viewport, tag, query",
    [
        (DESKTOP, "1280", "area=E06000047&to=2025-12"),
        (PHONE, "375", "area=E06000047&to=2025-12"),
        (DESKTOP, "points-1280", "area=AAP-durham-aap&to=2025-12&measure=burglary&points=1"),  # deck.gl's map
    ],
)
def test_explore_map_has_labels_and_no_third_party_request(app_url, new_context, viewport, tag, query):
    context = new_context(viewport)
    hosts: set[str] = set()
    context.on("request", lambda req: hosts.add(urlsplit(req.url).netloc) if req.url.startswith("http") else None)
    page = context.new_page()
    open_page(page, f"{app_url}/explore?{query}")
    page.locator(MAP).first.locator("svg, canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)  # let the map draw (a basemap would be fetched now)
    assert page.locator(MAP).count() >= 1
    if "points=1" not in query:  # the Vega-Lite map writes its names as SVG text (deck.gl's are drawn on its canvas)
        assert "Seaham" in page.locator(MAP).first.locator("svg text").all_text_contents()
    own = urlsplit(app_url).netloc
    assert hosts <= {own}, f"requests to other hosts: {sorted(hosts - {own})}"
    screenshot(page, f"explore-map-{tag}")
    page.close()


def test_a_shared_explore_link_reopens_the_same_view_in_a_fresh_context(app_url, warehouse, new_context):
    pc, lsoa = _postcodes(warehouse)["DH"]
    first = new_context(DESKTOP).new_page()
    open_page(first, f"{app_url}/explore?area={lsoa}&measure=burglary&to=2025-12")
    # Choose the small-area level and turn points on, as an officer would, then copy the address.
    first.get_by_label("Show areas on the map as").click()
    first.get_by_role("option", name="Small areas (LSOA)").click()
    wait_ready(first)
    first.get_by_role("switch", name="Show anonymised incident points in this area").check(force=True)
    wait_ready(first)
    first.wait_for_function("() => location.search.includes('points=1')", timeout=30_000)
    shared = first.url
    assert _query(first)["level"] == "lsoa"
    first.close()
    page = new_context(DESKTOP).new_page()
    open_page(page, shared)
    q = _query(page)
    assert q["level"] == "lsoa" and q["points"] == "1" and q["area"] == lsoa
    assert page.get_by_role("switch", name="Show anonymised incident points in this area").is_checked()
    assert page.get_by_text(": small areas (LSOA)").first.is_visible()  # the map card's title names the level
    page.close()
