"""The shared frame every page sits in: the banner, any warnings about the link, the side-panel
controls (find an area, period, measure, share), page headers and links, and the one error
handler around each run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date

import streamlit as st

from sdp_dash.config import codes
from sdp_dash.config.months import months_between, shift_month
from sdp_dash.domain import words
from sdp_dash.web import data, state
from sdp_dash.web.escape import html, md
from sdp_dash.web.state import ViewState

log = logging.getLogger("sdp_dash")
UPDATING = "The data is being updated. Please try again in a minute."
SORRY = "Sorry, this view could not be shown. Please try again, or go back to the Overview."


@contextmanager
def guard() -> Iterator[None]:
    """Any failure in a run (the frame included) is a plain message for the visitor; the detail is
    logged on the server, never shown (``client.showErrorDetails`` is "none" as well)."""
    try:
        yield
    except LookupError as exc:
        log.warning("page failed: %s", exc, exc_info=True)
        if "warehouse" in str(exc):
            st.info(UPDATING, icon=":material/update:")
        else:
            st.error(SORRY, icon=":material/error:")
    except Exception:  # noqa: BLE001 - the one place a run's failures are caught
        log.exception("page failed")
        st.error(SORRY, icon=":material/error:")


def draw(menu: Mapping[str, Sequence[st.Page]] | None = None, *, page: str = "", measure: bool = True) -> ViewState:
    """Banner, link warnings and the side panel (the menu of pages, then the controls); returns this
    run's view.  ``page``: this page's address; ``measure``: whether it draws by the chosen measure
    (only then is the control shown).  On a phone the side panel is hidden and the same menu and
    controls are panels at the top of the page (``phone_menu``)."""
    view = state.resolve()
    styles()
    months = data.present_months()
    st.markdown(
        f"<div class='sdp-banner'><strong>{html(codes.PARTNERSHIP)}</strong> · Community safety in {html(codes.COUNTY_NAME)}"
        f" · {html(banner_dates(months, data.built_at()))}</div>",
        unsafe_allow_html=True,
    )
    if menu:
        phone_menu(menu, view, page, months, measure)
    for w in view.warnings:
        st.warning(
            w + " Choose an area and period with the controls (on a phone: at the top of the page).", icon=":material/info:"
        )
    with st.sidebar:
        if menu:
            menu_links(menu, view)
        view_controls(view, months, measure)
    return view


def view_controls(view: ViewState, months: list[str], measure: bool, suffix: str = "") -> None:
    """The area, the period, the measure and the share link: in the side panel, and on a phone (which
    hides the side panel) in the page's "Area, period and measure" panel, whose widgets' keys end in ``suffix``."""
    _find_area(view, suffix)
    _period_controls(view, months, suffix)
    if measure:
        _measure_control(view, suffix)
    with st.expander("Share this view", icon=":material/link:"):
        st.caption("Copy this link: it opens this page with the same area, period and measure.")
        st.code(state.share_url(view), language=None, wrap_lines=True)


def banner_dates(months: Sequence[str], built_at: str) -> str:
    """'Data to December 2025 · refreshed 2 December 2026': the latest month with police.uk data and the
    day the warehouse was built, in words (either left out when unknown)."""
    bits = [f"Data to {words.month_words(months[-1])}"] if months else []
    try:
        day = date.fromisoformat(str(built_at)[:10])
    except ValueError:
        day = None
    if day is not None:
        bits.append(f"refreshed {day.day} {day:%B %Y}")
    return " · ".join(bits)


def menu_links(sections: Mapping[str, Sequence[st.Page]], view: ViewState, key: str = "sdp_menu") -> None:
    """The menu of pages, by section, drawn as page links (``st.navigation`` runs hidden: its own
    sectioned menu puts list items inside a ``<div>`` of the list, which screen readers miscount).
    Each link keeps the area, period and measure (and the page's own settings, ``state.link_params``:
    one history entry per page opened), so it can also be opened in a new tab."""
    with st.container(key=key, gap="small"):
        for title, pages in sections.items():
            shown = [p for p in pages if p.visibility != "hidden"]
            if not shown:
                continue
            st.markdown(f"<p class='sdp-menu-head'>{html(title)}</p>", unsafe_allow_html=True)
            for p in shown:
                st.page_link(p, query_params=state.link_params(view, p.url_path), width="stretch")
        st.divider()


_PHONE_MENU = "sdp_phone_menu_open"
_PHONE_VIEW = "sdp_phone_view_open"


def phone_menu(sections: Mapping[str, Sequence[st.Page]], view: ViewState, page: str, months: list[str], measure: bool) -> None:
    """The side panel's contents at the top of the page, for a phone (shown below 768 px by the styles,
    which hide the side panel there: it would cover the page, and its hidden controls would take the
    focus): the menu, then the area, period and measure.  Both panels are closed on every newly opened
    page, and their contents are sent only when opened (a rerun), not with every page."""
    if st.session_state.get("_sdp_menu_page") != page:
        st.session_state["_sdp_menu_page"] = page
        st.session_state[_PHONE_MENU] = st.session_state[_PHONE_VIEW] = False
    with st.container(key="sdp_phone_menu"):
        menu = st.expander("Menu: all pages", icon=":material/menu:", key=_PHONE_MENU, on_change="rerun")
        if menu.open:
            with menu:
                menu_links(sections, view, key="sdp_menu_phone")
        what = "Area, period and measure" if measure else "Area and period"
        panel = st.expander(what, icon=":material/tune:", key=_PHONE_VIEW, on_change="rerun")
        if panel.open:
            with panel:
                view_controls(view, months, measure, suffix="_phone")


FIND_LABEL = "Find your area: postcode, town, village or area name"


def _on_find() -> None:
    """Resolve the search; the typed text is cleared at once (a postcode is never kept or logged)."""
    query = str(st.session_state.get("sdp_q") or "")
    st.session_state["sdp_q"] = ""
    finding = data.find(query)
    if finding.open_code:
        state.new_area(finding.open_code)
    st.session_state["_sdp_found"] = {
        "message": finding.message,
        "hits": [(h.label, h.area_code) for h in finding.hits],
        "opened": bool(finding.open_code),
        "links": list(finding.links),  # pages with figures for a place outside the county (addresses of the site's own)
    }


def _on_pick(code: str) -> None:
    state.new_area(code)
    st.session_state.pop("_sdp_found", None)


def dashboard_title() -> str:
    """The dashboard's name: the partnership's without the word 'partnership' ("Middlesbrough community
    safety partnership" -> "Middlesbrough community safety dashboard"); the browser tab's title."""
    name = codes.PARTNERSHIP
    if name.lower().endswith(" partnership"):
        name = name[: -len(" partnership")]
    return f"{name} dashboard"


def find_box() -> None:
    """The search, on the page itself (a phone hides the side panel): a text box, a Find button, then
    the results as buttons that say in full what each opens."""
    examples = data.search_examples()
    with st.form("sdp_find_form", border=False, enter_to_submit=True):
        st.text_input(
            FIND_LABEL,
            key="sdp_q",
            max_chars=80,
            placeholder=examples.placeholder,
            help=f"A full postcode opens its small area; a postcode district ({examples.district}) or sector ({examples.sector}) "
            "lists the areas it covers. Postcodes are looked up and forgotten: they are not kept, logged or put in the link.",
            autocomplete="postal-code",
        )
        st.form_submit_button("Find", on_click=_on_find, icon=":material/search:")
    found = st.session_state.get("_sdp_found")
    if not found:
        return
    if found["opened"]:
        st.success(md(found["message"]), icon=":material/location_on:")
        st.session_state.pop("_sdp_found", None)  # shown once
        return
    links = "".join(f" See {_site_link(text, url)}." for text, url in found.get("links", ()))
    if not found["hits"]:
        st.info(md(found["message"]) + links, icon=":material/info:")
        st.session_state.pop("_sdp_found", None)
        return
    with st.container(border=True, key="sdp_results"):
        st.markdown(md(found["message"]) + links)
        for i, (label, code) in enumerate(found["hits"]):
            st.button(label, key=f"sdp_hit_{i}", on_click=_on_pick, args=(code,), width="stretch", wrap=True)
        st.button(
            "Close the results", key="sdp_hit_close", on_click=st.session_state.pop, args=("_sdp_found", None), type="tertiary"
        )


def _site_link(text: str, url: str) -> str:
    """A markdown link to one of the site's own pages (a relative address made by the search, never typed)."""
    safe = url if all(c.isalnum() or c in "-_?=&#" for c in url) else ""
    return f"[{md(text)}]({safe})" if safe else md(text)


def _find_area(view: ViewState, suffix: str = "") -> None:
    st.markdown(f"**Area:** {md(view.area_name)}")
    if view.area.get("approximate"):
        st.caption("Area boards are approximate (best fit from small areas).")
    st.caption("To choose another area, use the search at the top of the page.")
    if not view.is_county:
        st.button(
            f"Back to the whole {codes.AREA_WORD}",
            key=f"sdp_county{suffix}",
            on_click=state.set_param,
            args=("area", codes.COUNTY),
            icon=":material/undo:",
        )


def _on_to(suffix: str) -> None:
    end = st.session_state[f"sdp_to{suffix}"]
    start = st.session_state.get("_sdp_view", {}).get("from")
    state.set_param("to", end)
    if start and start > end:
        state.set_param("from", None)


def _on_from(suffix: str) -> None:
    start = st.session_state[f"sdp_from{suffix}"]
    state.set_param("from", None if start == "12" else start)


def _period_controls(view: ViewState, months: list[str], suffix: str = "") -> None:
    st.session_state[f"sdp_to{suffix}"] = view.end
    st.selectbox(
        "Period ends",
        list(reversed(months)),
        key=f"sdp_to{suffix}",
        format_func=words.month_words,
        on_change=_on_to,
        args=(suffix,),
    )
    starts = ["12"] + list(reversed(months_between(shift_month(months[0], -12), view.end)))
    st.session_state[f"sdp_from{suffix}"] = view.start if view.custom_period else "12"
    st.selectbox(
        "Period starts",
        starts,
        key=f"sdp_from{suffix}",
        format_func=lambda m: "12 months before the end" if m == "12" else words.month_words(m),
        on_change=_on_from,
        args=(suffix,),
        help="The standard period is the 12 months to the end month. Choose a start month for a custom period: "
        "rates are then given per year, annualised from the months with data.",
    )


def _on_measure(suffix: str) -> None:
    state.set_param("measure", st.session_state[f"sdp_measure{suffix}"])


def _measure_control(view: ViewState, suffix: str = "") -> None:
    labels = {m.measure_id: m.label for m in data.measures().values()}
    st.session_state[f"sdp_measure{suffix}"] = view.measure
    st.selectbox(
        "Measure for charts and maps",
        list(labels),
        key=f"sdp_measure{suffix}",
        format_func=lambda i: labels.get(i, i),
        on_change=_on_measure,
        args=(suffix,),
    )


def page_header(title: str, view: ViewState, first: Callable[[], None] | None = None) -> None:
    """Page title, then the area and period in words, the search and what the period's coverage means.

    ``first``: what a shared link asked for (a card), drawn straight under the area and period, above
    the search, so it is in view when the link is opened (an anchor further down would be scrolled to
    once, then pushed out of view as the charts above it load)."""
    st.title(title)
    area = view.area
    kind = str(area.get("type_noun") or "")
    approx = " (approximate area)" if area.get("approximate") else ""
    lead = f"**{md(view.area_name)}**" + (f" — {md(kind)}{approx}" if not view.is_county else "")
    st.markdown(f"{lead} · **{md(view.period)}**")
    if first is not None:
        first()
    find_box()
    per = data.period(view.area_code, view.start, view.end)
    if per.coverage_note:
        st.info(
            f"Rates for this period are per 1,000 residents a year, {per.coverage_note}. Counts are for the months with data.",
            icon=":material/event_busy:",
        )


def page_links(view: ViewState, links: dict[object, str]) -> None:
    """Links to other pages that keep the area, period and measure."""
    cols = st.columns(len(links))
    for col, (page, label) in zip(cols, links.items(), strict=True):
        with col:
            st.page_link(page, label=label, query_params=state.link_params(view, page.url_path), icon=":material/arrow_forward:")


def styles() -> None:
    """The site's stylesheet: ``st.html`` of style tags alone goes to Streamlit's event container, taking no room."""
    st.html(f"<style>{_LAYOUT}{_FOCUS}{_PHONE}</style>")


# The page starts at the top: Streamlit's header bar is see-through and its padding above the page is gone.
_LAYOUT = """
.sdp-banner {background:#12436D;color:#fff;padding:.35rem .8rem;border-radius:.3rem;font-size:.9rem;margin-bottom:.4rem}
[data-testid="stHeader"] {background:transparent;height:2.5rem}
[data-testid="stMainBlockContainer"] {padding-top:1rem}
[data-testid="stSidebarHeader"] {height:2.5rem;margin-bottom:0}
.sdp-legend ul {list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.sdp-legend li {display:flex;align-items:center;gap:.4rem}
.sdp-swatch {display:inline-block;width:1.4rem;height:1rem;border:1px solid #3D3D3D}
[data-testid="stCaptionContainer"] a {color:#12436D}
[data-testid="stVegaLiteChart"] svg.marks {max-width:100%;height:auto}
[data-testid="stTable"] {max-width:100%;overflow-x:auto}
[data-testid="stTable"] table {max-width:100%}
[data-testid="stMarkdownContainer"] {overflow-wrap:anywhere}
[data-testid="stMarkdownContainer"] table {display:block;max-width:100%;overflow-x:auto}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space:normal !important;overflow:visible !important;text-overflow:clip !important;max-width:100%}
[data-testid="stMetricLabel"] p {font-weight:600;overflow-wrap:break-word}
[data-testid="stMetricValue"] {font-size:1.9rem;overflow-wrap:anywhere}
[data-testid="stMultiSelect"] input[role="combobox"] {min-width:2.5rem}
.st-key-sdp_menu_phone hr {display:none}
.sdp-menu-head {font-size:.85rem;font-weight:600;color:#3D3D3D;margin:.6rem 0 -.2rem;text-transform:none}
[data-testid="stTable"] td, [data-testid="stTable"] th {overflow-wrap:anywhere}
/* The search's hints ("Press Enter to submit form", "0/80") sit under the box, in no space of their own. */
[data-testid="stTextInput"] {position:relative}
[data-testid="InputInstructions"] {position:absolute;top:100%;bottom:auto;right:0;margin-top:.1rem;
  font-size:.75rem;background:#fff;padding:0 .2rem;z-index:1}
"""

# Keyboard focus (WCAG 2.2 focus appearance): a 3 px near-black outline set 2 px off, on every control; a
# text box or a select shows it on its drawn box.  The current page's mark is a fill, never an outline.
_FOCUS = """
:focus-visible, a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible {
  outline:3px solid #0B0C0C !important;outline-offset:2px !important;box-shadow:none}
[data-testid="stTextInputRootElement"]:focus-within, [data-baseweb="select"] > div:focus-within,
.react-aria-ComboBox > div:focus-within {outline:3px solid #0B0C0C !important;outline-offset:2px !important}
input:focus-visible {outline:3px solid #0B0C0C !important;outline-offset:2px !important}
/* A collapsed side panel takes no focus. */
[data-testid="stSidebar"][aria-expanded="false"] {visibility:hidden}
"""

# A phone: no side panel (it would cover the page, and its hidden controls would take the focus) and no
# unlabelled ">>": the menu and the controls are panels at the top of the page (``phone_menu``).
_PHONE = """
@media (max-width: 767.98px) {
  .st-key-sdp_menu {display:none}
  [data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] {display:none !important}
}
@media (min-width: 768px) {.st-key-sdp_phone_menu {display:none}}
@media (max-width: 640px) {
  [data-testid="stTable"] table {table-layout:fixed;width:100%}
  [data-testid="stMain"] h1 {font-size:2rem}
}
"""
