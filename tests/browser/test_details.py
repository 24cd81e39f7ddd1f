"""In a real browser, the details that make the site look finished (issue 18, item 11): no blank band
above the page; on a phone the search's hints sit under the box, the period controls are on the page
and nothing hidden takes the focus; keyboard focus is a visible outline, unlike the current-page mark;
Back works from the first page opened; an unknown address says "Page not found" with the pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from sdp_dash.web.frame import FIND_LABEL

from .conftest import DESKTOP, PAGES, PHONE, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser

PRIORITY = "being-safe"  # a priority page: links, buttons, inputs, tabs and expanders

_TOP = """() => ({
  banner: document.querySelector('.sdp-banner').getBoundingClientRect().top,
  heading: document.querySelector('[data-testid="stMain"] h1').getBoundingClientRect().top,
})"""

# The focus indicator of the focused element: its own outline, or (for a text box or a select, whose
# input sits inside a drawn box) the outline of that box.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.tagName === 'INPUT' ? el.closest('[data-testid$="RootElement"], .react-aria-ComboBox > div, [data-baseweb="select"] > div') || el : el;
  const s = getComputedStyle(box), r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, offset: parseFloat(s.outlineOffset),
          sidebar: !!el.closest('[data-testid="stSidebar"]'), left: r.left, right: r.right, visible: el.checkVisibility()};
}"""


def _tab(page, presses: int) -> list[dict]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUS)
        if info:
            seen.append(info)
    return seen


@pytest.mark.parametrize("path", ["about", "explore", PRIORITY])
def test_no_blank_band_above_the_page(app_url, new_context, path):
    page = new_context(DESKTOP).new_page()
    open_page(page, f"{app_url}/{path}")
    top = page.evaluate(_TOP)
    assert top["banner"] < 30, f"/{path}: {top['banner']:.0f} px above the banner"
    assert top["heading"] < 80, f"/{path}: the page title starts {top['heading']:.0f} px down"
    phone = new_context(PHONE).new_page()
    open_page(phone, f"{app_url}/{path}")
    assert phone.evaluate(_TOP)["banner"] < 30, f"/{path} at 375 px: a blank band above the banner"


def test_keyboard_focus_is_an_outline_unlike_the_current_page_mark(app_url, page):
    open_page(page, f"{app_url}/{PRIORITY}?area=AAP-durham-aap&to=2025-12")
    current = page.locator(f'.st-key-sdp_menu a[href^="{PRIORITY}?"]')
    assert current.count() == 1
    mark = current.evaluate("a => [getComputedStyle(a).outlineStyle, getComputedStyle(a).backgroundColor]")
    assert mark[0] == "none" and mark[1] != "rgba(0, 0, 0, 0)", f"the current page is marked by a fill, not an outline: {mark}"
    seen = _tab(page, 70)
    kinds = {i["role"] == "tab" and "tab" or i["tag"] for i in seen}
    assert {"a", "button", "input", "summary", "tab"} <= kinds, f"Tab did not reach every kind of control: {kinds}"
    for info in seen:
        assert info["style"] == "solid" and info["width"] >= 2, f"focus not shown on {info}"
        assert info["offset"] >= 0 or info["tag"] == "main", f"the outline is not set off from {info}"
        assert info["colour"] == "rgb(11, 12, 12)", info  # #0B0C0C: 19.9:1 on white, 18:1 on the side panel
    screenshot(page, "focus-1280")


def test_on_a_phone_tab_stays_on_the_page_and_the_period_is_at_the_top(app_url, new_context):
    page = new_context(PHONE).new_page()
    open_page(page, f"{app_url}/explore")
    assert page.locator('[data-testid="stExpandSidebarButton"]').is_hidden(), "an unlabelled '>>' is shown"
    for info in _tab(page, 12):
        assert not info["sidebar"], f"Tab landed in the hidden side panel: {info}"
        assert info["visible"] and info["left"] >= 0 and info["right"] <= PHONE["width"], f"focus off screen: {info}"
        assert info["style"] == "solid" and info["width"] >= 2, f"focus not shown on {info}"
    panel = page.get_by_text("Area, period and measure", exact=True)
    assert panel.bounding_box()["y"] < PHONE["height"] / 2, "the period controls are not near the top"
    panel.click()
    wait_ready(page)
    ends = page.locator(".st-key-sdp_phone_menu").get_by_label("Period ends")
    assert ends.is_visible()
    ends.click()
    page.get_by_role("option").nth(1).click()  # the month before the latest
    wait_ready(page)
    assert "to=" in page.url and "to=2025-12" not in page.url, f"the period did not change: {page.url}"
    screenshot(page, "period-panel-375")


def test_on_a_phone_the_search_hints_sit_under_the_box(app_url, new_context):
    page = new_context(PHONE).new_page()
    open_page(page, f"{app_url}/")
    box = page.get_by_label(FIND_LABEL, exact=True)
    box.focus()
    page.keyboard.type("Seaham harbour and more")
    hint = page.locator('[data-testid="InputInstructions"]')
    hint.wait_for()
    field = page.locator('[data-testid="stTextInputRootElement"]').first.bounding_box()
    under = hint.bounding_box()
    assert under["y"] >= field["y"] + field["height"] - 1, f"the hint {under} overlaps the search box {field}"
    assert "/80" in hint.inner_text()


@pytest.mark.parametrize("target", ["Explore an area", "Compare areas", "Being safe and feeling safe"])
def test_back_returns_to_the_page_before_on_the_first_press(app_url, page, target):
    open_page(page, f"{app_url}/about")
    page.locator(".st-key-sdp_menu").get_by_role("link", name=target).click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/about")
    wait_ready(page)
    page.go_back()
    page.wait_for_url(lambda url: urlsplit(url).path == "/about", timeout=5_000)
    wait_ready(page)
    assert urlsplit(page.url).path == "/about", f"the first Back after opening {target!r} stayed on {page.url}"
    assert page.locator("h1").first.inner_text() == "About the data"


def test_an_unknown_address_says_page_not_found_with_the_pages(app_url, new_context):
    page = new_context(DESKTOP).new_page()
    page.goto(f"{app_url}/no-such-page", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.locator("h1").first.inner_text() == "Page not found"
    assert urlsplit(page.url).path == "/no-such-page", "the address was changed to another page"
    assert page.get_by_role("dialog").count() == 0, "Streamlit's own 'Page not found' dialog is shown"
    links = page.locator(".st-key-sdp_not_found a")
    assert links.count() == len(PAGES)
    links.filter(has_text="Explore an area").click()
    page.wait_for_url("**/explore?**")
    wait_ready(page)
    assert urlsplit(page.url).path == "/explore"
    open_page(page, f"{app_url}/overview")  # a known address is never "not found"
