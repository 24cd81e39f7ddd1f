"""In a real browser: shared links, priority pages for an area, keyboard access and bad links (every
view at both widths is loaded and checked once, with axe, in test_views.py).

Asserts on Streamlit's test ids only (never on map pixels); screenshots go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from sdp_dash.config.codes import ANALYSIS_PAGES
from sdp_dash.web.frame import FIND_LABEL

from .conftest import (
    DESKTOP,
    PAGES,
    PHONE,
    WARNING_ALERT,
    assert_content,
    assert_no_error,
    open_page,
    page_text,
    screenshot,
    wait_ready,
)

pytestmark = pytest.mark.browser

FIGURE = re.compile(r"\d[\d,]*(\.\d+)? per 1,000")
METRIC = '[data-testid="stMetric"]'


@pytest.fixture(scope="session")
def division_2025(warehouse) -> tuple[str, str]:
    """A 2025 electoral division (code, name) from the warehouse the server reads."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            "select area_code, area_name from areas where area_type = 'division_2025' order by population desc, area_code limit 1"
        ).fetchone()
    finally:
        con.close()
    if row is None:
        pytest.skip("the warehouse has no 2025 electoral divisions")
    return row


@pytest.mark.parametrize(
    "link",
    [
        "/explore?area=AAP-durham-aap&to=2025-12",
        "/explore?area={division}&to=2025-12",
        "/overview?area=AAP-durham-aap&to=2025-12",
    ],
    ids=["explore-area-board", "explore-division", "overview-area-board"],
)
def test_shared_link_opens_same_view(app_url, new_context, division_2025, link):
    code, name = division_2025
    url = link.format(division=code)
    expected = "Durham AAP" if "AAP-durham-aap" in url else name
    page = new_context(DESKTOP).new_page()  # a fresh context: no session state, cookies or storage
    open_page(page, app_url + url)
    slug = url.strip("/").split("?")[0] + ("-aap" if "AAP" in url else "-division")
    screenshot(page, f"shared-{slug}")
    assert_no_error(page)
    assert page.locator(WARNING_ALERT).count() == 0, (
        f"the shared link was not accepted: {page.locator(WARNING_ALERT).first.inner_text()}"
    )
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert expected in main, f"{expected!r} is not named on the page opened from {url}"
    assert "December 2025" in main, f"the period ending 2025-12 is not shown on the page opened from {url}"
    figures = page.locator(METRIC).count() + len(FIGURE.findall(main))
    assert figures >= 1, f"no figures for the area (stMetric or 'N per 1,000') on the page opened from {url}"
    assert_content(page, url.strip("/").split("?")[0])
    # The page keeps the link's parameters, so copying the address bar shares the same view.
    assert f"area={code if code in url else 'AAP-durham-aap'}" in page.url
    assert "to=2025-12" in page.url


PRIORITY_PAGES = [p for p in PAGES if p not in ("overview", "explore", "compare", "about", *ANALYSIS_PAGES)]


@pytest.mark.parametrize("area", ["board", "division"])
@pytest.mark.parametrize("path", PRIORITY_PAGES)
def test_priority_page_for_an_area(app_url, shared_context, division_2025, path, area):
    """Every indicator of a priority page draws for an area board and a 2025 division, not only the county."""
    from sdp_dash.config import catalogue

    code, name = ("AAP-durham-aap", "Durham AAP") if area == "board" else division_2025
    page = shared_context(DESKTOP).new_page()
    try:
        open_page(page, f"{app_url}/{path}?area={code}&to=2025-12")
        screenshot(page, f"{path}-{area}")
        assert_no_error(page)
        assert page.locator(WARNING_ALERT).filter(has_text="not recognised").count() == 0
        assert_content(page, path)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert name in main, f"{name!r} is not named on /{path}"
        prio = catalogue.priority_by_path(path)
        for ind in catalogue.indicators_for(prio.id):
            assert ind.title in main, f"{ind.id} is missing from /{path} for {name}"
    finally:
        page.close()


_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(),
    role: el.getAttribute('role'),
    aria: el.getAttribute('aria-label'),
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    href: el.getAttribute('href'),
    menu: !!el.closest('.st-key-sdp_menu'),
    result: !!el.closest('.st-key-sdp_results'),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : null,
  };
}"""


def _tab_until(page, found, limit: int = 80) -> tuple[dict | None, list]:
    """Press Tab until ``found(info)`` holds for the focused element; returns it and the trail."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUSED)
        seen.append(info)
        if info is not None and found(info):
            return info, seen
    return None, seen


def _is_search(info: dict) -> bool:
    return info["tag"] == "input" and FIND_LABEL in ((info["label"] or "") + (info["aria"] or ""))


def _from_the_top(page) -> None:
    """Nothing focused and the document at the top, as after opening a link."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }")


def test_menu_is_the_dashboards_own_and_reached_by_keyboard(app_url, page):
    """The menu is drawn by the frame as page links (no Streamlit list markup), in three sections,
    each link keeping the view; Tab reaches the menu's links and then the on-page search."""
    open_page(page, f"{app_url}/explore?area=AAP-durham-aap&to=2025-12")
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0, "Streamlit's own navigation is still drawn"
    menu = page.locator(".st-key-sdp_menu")
    for head in ("Dashboard", "Partnership priorities", "About"):
        assert menu.get_by_text(head, exact=True).count() == 1, f"the menu has no {head!r} section"
    links = menu.locator("a")
    assert links.count() == len(PAGES), f"the menu has {links.count()} links for {len(PAGES)} pages"
    assert all("area=AAP-durham-aap" in (h or "") for h in links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))"))
    _from_the_top(page)
    link, trail = _tab_until(page, lambda i: i["menu"] and i["tag"] == "a")
    assert link, "Tab never reached a menu link; focus went:\n" + "\n".join(map(str, trail))
    search, trail = _tab_until(page, _is_search)
    assert search, "Tab never reached the 'Find your area' search; focus went:\n" + "\n".join(map(str, trail))


def test_the_phone_menu_opens_on_request_and_leads_to_a_page(app_url, new_context):
    """At 375 px the side panel's menu is hidden; the page's own "Menu: all pages" sends its links
    only when opened, keeps the view in them, and is closed again on the page it leads to."""
    page = new_context(PHONE).new_page()
    open_page(page, f"{app_url}/overview?area=AAP-durham-aap&to=2025-12")
    links = page.locator(".st-key-sdp_menu_phone a")
    assert links.count() == 0, "the phone menu's links are sent before it is opened"
    page.get_by_text("Menu: all pages").click()
    wait_ready(page)
    assert links.count() == len(PAGES)
    links.filter(has_text="Compare areas").click()
    wait_ready(page)
    assert "/compare" in page.url and "area=AAP-durham-aap" in page.url
    assert page.locator(".st-key-sdp_menu_phone a").count() == 0, "the menu stays open on the new page"


def test_measure_control_only_where_it_acts(app_url, page):
    label = "Measure for charts and maps"
    open_page(page, f"{app_url}/overview")
    assert page.get_by_label(label).count() == 1, "the Overview has no measure control"
    open_page(page, f"{app_url}/{PRIORITY_PAGES[0]}")
    assert page.get_by_label(label).count() == 0, f"/{PRIORITY_PAGES[0]} shows a measure control that changes nothing"


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_find_your_area_by_keyboard_alone(app_url, new_context, width):
    """Tab to the search box, type a place, Enter, Tab to a result, Enter: the area opens."""
    page = new_context(width).new_page()
    open_page(page, f"{app_url}/explore?to=2025-12")
    _from_the_top(page)
    box, trail = _tab_until(page, _is_search)
    assert box, "Tab never reached the 'Find your area' search; focus went:\n" + "\n".join(map(str, trail))
    page.keyboard.type("seaham harbour")
    page.keyboard.press("Enter")
    wait_ready(page)
    hit, trail = _tab_until(page, lambda i: i["result"] and i["tag"] == "button" and "Seaham" in i["text"], limit=15)
    assert hit, "Tab never reached a 'Seaham' result; focus went:\n" + "\n".join(map(str, trail))
    page.keyboard.press("Enter")
    wait_ready(page)
    screenshot(page, f"find-by-keyboard-{width['width']}px")
    assert_no_error(page)
    query = parse_qs(urlsplit(page.url).query)
    # A town opens the whole town: its neighbourhood, or the division or area board holding all of it.
    assert query.get("area", [""])[0].startswith(("E02", "E05", "AAP-")), f"the result did not open its area: {page.url}"


def test_bad_link_parameters_show_warning_not_script(app_url, new_context):
    page = new_context(DESKTOP).new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{app_url}/explore?area=%3Cscript%3Ealert(1)%3C/script%3E&to=2025-13")
    screenshot(page, "bad-params-explore")
    assert_no_error(page)
    warnings = page.locator(WARNING_ALERT)
    assert warnings.count() >= 1, "no friendly warning for an unknown area and an impossible month"
    text = " ".join(warnings.all_inner_texts())
    assert "2025-13" in text, f"the warning does not name the bad month: {text}"
    assert not dialogs, f"a script from the URL ran: alert({dialogs})"
    injected = page.evaluate(
        """() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length"""
    )
    assert injected == 0, "a <script> element from the URL was injected into the page"
    # The text may be quoted back, but only as text: escaped in the markup.
    html = page.locator('[data-testid="stApp"]').inner_html()
    assert "<script>alert(1)" not in html
    assert "alert(1)" not in page_text(page) or "&lt;script&gt;alert(1)" in html
    # The page falls back to a working view.
    assert_content(page, "explore")
