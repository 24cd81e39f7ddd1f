"""The site map: every view is a function in ``pages/``, registered here as a callable ``st.Page``
with its address.  ``run`` hands ``navigation()`` to ``st.navigation`` (hidden) and to the frame,
which draws the menu from the same page objects; pages link to each other through these objects, so
an address is written once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from pages import about, analyses, compare, explore, overview
from sdp_dash.config import catalogue, codes
from sdp_dash.web import connection, frame, process, state

process.configure()  # once per server process: see sdp_dash/web/process.py


def _priority_view(priority_id: str) -> Callable[[], None]:
    def view() -> None:
        from pages import priority

        priority.render(priority_id)

    view.__name__ = view.__qualname__ = f"priority_{priority_id}"
    return view


VIEWS = {  # url path -> (view, menu title, icon)
    "home": (overview.render, "Overview", ":material/home:"),
    "explore": (explore.render, "Explore an area", ":material/map:"),
    "compare": (compare.render, "Compare areas", ":material/compare_arrows:"),
    "about": (about.render, "About the data", ":material/info:"),
    # The analyses (issue 18): pages of their own, linked from the priority pages with the view kept.
    "outcomes": (analyses.outcomes_page, "What happened next", ":material/gavel:"),
    "deprivation": (analyses.deprivation_page, "Who is most affected", ":material/groups:"),
    "long-view": (analyses.long_view_page, "The long view, 2003-2018", ":material/timeline:"),
}
ANALYSES = codes.ANALYSIS_PAGES


def _page(url_path: str, default: str, **kwargs) -> st.Page:
    fn, title, icon = VIEWS[url_path]
    return st.Page(fn, title=title, url_path=url_path, icon=icon, default=url_path == default, **kwargs)


def navigation(default: str = "home") -> dict[str, list[st.Page]]:
    """The menu: pages by section, ``default`` the one served at "/" (tests open any page this way)."""
    priorities = [
        st.Page(_priority_view(p.id), title=p.menu_title, url_path=p.url_path, default=p.url_path == default)
        for p in catalogue.priorities()
    ]
    dashboard = [_page("home", default), _page("explore", default), _page("compare", default)]
    if default == "home":
        # "/" serves the default page; a hidden twin answers a typed or older "/overview" link.
        dashboard.insert(1, st.Page(overview.render, title="Overview", url_path="overview", visibility="hidden"))
    return {
        "Dashboard": dashboard,
        "Partnership priorities": priorities,
        "Analyses": [_page(p, default) for p in ANALYSES],
        "About": [_page("about", default)],
    }


@functools.cache
def page(url_path: str) -> st.Page:
    """A page object to link to (``st.page_link``), by its address (Streamlit matches pages by address);
    made once per address (a link only reads it)."""
    if url_path in VIEWS:
        return _page(url_path, default="")
    prio = catalogue.priority_by_path(url_path)
    return st.Page(_priority_view(prio.id), title=prio.menu_title, url_path=url_path)


# Pages drawn by the chosen measure: only they show the side panel's "Measure for charts and maps".
MEASURE_PAGES = frozenset({"home", "overview", "explore", "compare", *ANALYSES})


def not_found() -> None:
    """An address that is no page: says so, with the menu of pages (keeping the view)."""
    st.title("Page not found")
    st.markdown(
        "There is no page at this address: it may be mistyped, or the link may be out of date. These are the dashboard's pages."
    )
    frame.menu_links(navigation(), state.current(), key="sdp_not_found")


def _asked_path() -> str:
    """The page address the browser is at (``st.context.url``: Streamlit strips the query and names a
    known page by its own address), without slashes; "" for the default page."""
    try:
        return urlsplit(st.context.url or "").path.strip("/")
    except Exception:  # noqa: BLE001 - no browser context (AppTest): no address to check
        return ""


def _with_not_found(sections: dict[str, list[st.Page]], default: str) -> dict[str, list[st.Page]]:
    """An unknown address gets a hidden "Page not found" page of its own, at that address (Streamlit
    would show a dialog and then the default page, changing the address).  The default page's own name
    ("/home") is not unknown: Streamlit reserves it for the default page."""
    asked = _asked_path()
    known = {p.url_path for group in sections.values() for p in group} | {default}
    if asked and asked not in known and "/" not in asked:
        lost = st.Page(not_found, title="Page not found", url_path=asked, visibility="hidden")
        sections = {**sections, "About": [*sections["About"], lost]}
    return sections


def run(default: str = "home") -> None:
    """The app: page config, navigation (run hidden: the frame draws the menu as page links), then
    the frame and the page inside the one error handler, reading one warehouse generation."""
    st.set_page_config(page_title=frame.dashboard_title(), page_icon="🛡️", layout="wide")
    sections = _with_not_found(navigation(default), default)
    current = st.navigation(sections, position="hidden")
    path = current.url_path or default  # the default page is served at "/" (url_path "")
    try:
        with connection.pinned(), frame.guard():  # one warehouse generation for the whole run
            frame.draw(sections, page=path, measure=path in MEASURE_PAGES)
            current.run()
    finally:
        process.trim_now_and_then()  # at most every 30 s: freed memory back to the system
