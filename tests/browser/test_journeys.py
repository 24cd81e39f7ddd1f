"""In a real browser, two journeys of the issue's "Done when", with the visitor's actions counted:
(a) a resident goes from a postcode to the burglary trend of their area and what it means in at most
three actions; (b) an officer's link to a card, opened in a fresh browser, opens with that card in view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from sdp_dash.config import catalogue
from sdp_dash.web.frame import FIND_LABEL

from .conftest import DESKTOP, PHONE, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser

CARD = ".st-key-card_burglary"
CHART = f"{CARD} [data-testid='stVegaLiteChart']"
FINDING = f"{CARD} [data-testid='stMarkdown']"  # the card's one-line finding, under its title
PRIORITY = catalogue.priority(catalogue.indicator("burglary").priority)

_IN_VIEW = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, inside: r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0};
}"""


@pytest.fixture(scope="module")
def postcode(warehouse) -> tuple[str, str]:
    """A live postcode of the county and the small area (LSOA) it lies in."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            """SELECT p.postcode, p.lsoa21_code FROM postcodes p JOIN areas a ON a.area_code = p.lsoa21_code
               WHERE NOT p.terminated AND a.area_type = 'lsoa' ORDER BY p.postcode LIMIT 1"""
        ).fetchone()
    if row is None:
        pytest.skip("the warehouse has no live postcode of the county")
    return row


def _in_view(page, selector: str) -> dict:
    box = page.evaluate(_IN_VIEW, selector)
    assert box is not None, f"{selector} is not on the page"
    return box


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_resident_reaches_the_burglary_trend_of_their_area_in_three_actions(app_url, new_context, postcode, viewport):
    """From the Overview: the postcode and Enter open the resident's small area; the Overview's link to
    burglary opens the burglary card, first on its priority page.  A scroll needed to see the link
    counts as an action."""
    pc, lsoa = postcode
    page = new_context(viewport).new_page()
    open_page(page, f"{app_url}/")
    actions = 0
    box = page.get_by_label(FIND_LABEL, exact=True)
    box.fill(pc)
    box.press("Enter")  # 1: type the postcode, Enter (a full postcode opens its small area: no result to choose)
    actions += 1
    wait_ready(page)
    assert parse_qs(urlsplit(page.url).query)["area"] == [lsoa]
    link = page.locator(".st-key-sdp_crime_links").get_by_role("link", name="Burglary", exact=True)
    if not _in_view(page, ".st-key-sdp_crime_links")["inside"]:
        link.scroll_into_view_if_needed()  # a scroll to see it
        actions += 1
    link.click()  # 2 (or 3): burglary, for the same area
    actions += 1
    page.wait_for_url(f"**/{PRIORITY.url_path}?**")
    wait_ready(page)
    assert urlsplit(page.url).path == f"/{PRIORITY.url_path}" and f"area={lsoa}" in page.url
    screenshot(page, f"journey-burglary-{viewport['width']}")
    assert actions <= 3, f"{actions} actions"
    chart, finding = _in_view(page, CHART), _in_view(page, FINDING)
    assert chart["inside"], f"the burglary trend is not in view: {chart}"
    assert finding["inside"], f"the burglary finding is not in view: {finding}"
    assert page.locator(FINDING).first.inner_text().strip(), "the finding is empty"


def test_an_officers_link_to_a_card_opens_with_that_card_in_view(app_url, new_context, postcode):
    _, lsoa = postcode
    officer = new_context(DESKTOP).new_page()
    open_page(officer, f"{app_url}/{PRIORITY.url_path}?area={lsoa}")
    card = officer.locator(CARD)
    card.locator("summary").first.click()  # the card's Details: its link is there
    wait_ready(officer)
    link = card.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert "card=burglary" in link and f"area={lsoa}" in link, link
    colleague = new_context(DESKTOP).new_page()  # a fresh browser: no session, no cache
    open_page(colleague, link)
    box = _in_view(colleague, CARD)
    assert box["inside"], f"the burglary card is not in view when the link opens: {box}"
    assert _in_view(colleague, CHART)["inside"]
    assert colleague.locator(CARD).count() == 1, "the card is drawn twice"
    screenshot(colleague, "journey-card-link-1280")
