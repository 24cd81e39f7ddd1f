"""The thin Streamlit layer: cached connection and queries, the view state in the URL, the shared
frame (header and sidebar controls) and the chart card.

Only this module (and the pages) import Streamlit.  User input from the URL is validated here,
and is only ever shown escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd
import pydeck as pdk
import streamlit as st

from sdp_dash import charts, warehouse
from sdp_dash.config import settings
from sdp_dash.domain import places, words

PARTNERSHIP = "Safe Durham Partnership"
COUNTY = "E06000047"
DEFAULT_MEASURE = "all_crime"
# Area types a page can show: the county and the areas inside it.
COUNTY_TYPES = ("county", "aap", "division_2025", "division_2013", "msoa", "lsoa")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,79}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MEASURE = re.compile(r"^[a-z0-9_]{1,60}$")
_PARAMS = ("area", "from", "to", "measure")
_STATE_KEY = "_sdp_view"

CAVEAT_POINTS = "police.uk locations are snapped to an anonymous map point on or near the street, so figures are given for areas, not streets."
CAVEAT_RECORDING = (
    "Recorded crime reflects how often people report crime and how the police record it, as well as how much crime there is."
)
CAVEAT_AAP = "Area boards (Area Action Partnerships) have no official boundary: their areas here are an approximate best fit built from electoral divisions."
CAVEAT_FORCE = "Figures for an area come from its own police force's files: crimes another force recorded there are not included."
CAVEATS = (CAVEAT_POINTS, CAVEAT_RECORDING, CAVEAT_AAP, CAVEAT_FORCE)


# --- Escaping ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:\"'=])")


def md_escape(text: object, limit: int | None = None) -> str:
    """Text made safe for st.markdown: markdown and HTML characters escaped, optionally shortened."""
    s = str(text)
    s = re.sub(r"\s+", " ", s)
    if limit and len(s) > limit:
        s = s[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def h(text: object) -> str:
    """HTML-escaped text for unsafe_allow_html blocks (which only ever contain our own markup)."""
    return html.escape(str(text), quote=True)


# --- Connection and cached queries ---------------------------------------------------------------


def _warehouse_key() -> str:
    path = settings.path("SDP_WAREHOUSE")
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


@st.cache_resource(show_spinner=False)
def _connection(key: str):
    path = key.rsplit(":", 1)[0] if key.count(":") else key
    return warehouse.connect(path)


def connection():
    """A cursor of the cached read-only DuckDB connection (one per query: a connection is not thread-safe)."""
    return _connection(_warehouse_key()).cursor()


_MODULES = {"queries": queries, "figures": figures, "indicators": indicators}


@st.cache_data(show_spinner=False, max_entries=4000)
def _cached(_con, key: str, module: str, name: str, args: tuple, kwargs: tuple):
    return getattr(_MODULES[module], name)(_con, *args, **dict(kwargs))


def q(name: str, *args, **kwargs):
    """Run the named function of ``queries`` on a fresh cursor, cached by its arguments."""
    return _cached(connection(), _warehouse_key(), "queries", name, args, tuple(sorted(kwargs.items())))


def fig(name: str, *args, **kwargs):
    """Run the named function of ``figures`` on a fresh cursor, cached by its arguments."""
    return _cached(connection(), _warehouse_key(), "figures", name, args, tuple(sorted(kwargs.items())))


def ind(name: str, *args):
    """Run the named function of ``indicators`` on a fresh cursor, cached by its arguments."""
    return _cached(connection(), _warehouse_key(), "indicators", name, args, ())


def vega_spec(chart) -> dict:
    """An Altair chart as the Vega-Lite spec ``st.vega_lite_chart`` draws, its data already in Arrow.

    Streamlit turns a spec's inline datasets into Arrow IPC bytes on every run unless they already
    are bytes; converting them here, once per cached chart, saves that on every rerun.  The same
    Streamlit function does the conversion, so the result is what it would have sent.
    """
    from streamlit import dataframe_util

    spec = charts.vega_lite(chart)
    spec["datasets"] = {
        name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


@st.cache_data(show_spinner=False, max_entries=2000)
def _chart_spec(builder: str, df: pd.DataFrame, kwargs: tuple) -> dict:
    return vega_spec(getattr(charts, builder)(df, **dict(kwargs)))


def chart(builder: str, df: pd.DataFrame, **kwargs) -> dict:
    """``charts.<builder>(df, **kwargs)`` as a Vega-Lite spec, built once for the same data and arguments."""
    return _chart_spec(builder, df, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False)
def _search_index(_con, key: str) -> pd.DataFrame:
    return places.search_index(warehouse.search_areas(_con), warehouse.aap_evidence(_con))


def search_index() -> pd.DataFrame:
    return _search_index(connection(), _warehouse_key())


def measure_table() -> pd.DataFrame:
    return q("measures")


def measure_label(measure: str) -> str:
    m = measure_table()
    row = m[m["measure_id"] == measure]
    return str(row["label"].iloc[0]) if len(row) else measure


def measure_is_sensitive(measure: str) -> bool:
    m = measure_table()
    row = m[m["measure_id"] == measure]
    return bool(row["sensitive"].iloc[0]) if len(row) else False


# --- View state in the URL -----------------------------------------------------------------------


@dataclass(frozen=True)
class ViewState:
    area_code: str
    area: dict  # row of warehouse.area()
    start: str  # YYYY-MM inclusive
    end: str
    measure: str
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def area_name(self) -> str:
        return str(self.area["area_name"])

    @property
    def period(self) -> str:
        return words.period_words(self.start, self.end)

    @property
    def custom_period(self) -> bool:
        return self.start != words.default_start(self.end)

    def params(self, **changes) -> dict[str, str]:
        """The URL query parameters for this view (with optional changes)."""
        p = {"area": self.area_code, "to": self.end, "measure": self.measure}
        if self.custom_period:
            p["from"] = self.start
        p.update({k: v for k, v in changes.items() if v is not None})
        return p


def _valid_month(text: str) -> bool:
    m = _MONTH.match(text)
    return bool(m) and 1 <= int(m.group(2)) <= 12 and 1990 <= int(m.group(1)) <= 2100


def _parse(raw: dict[str, str]) -> ViewState:
    """Validate the raw URL values; anything unusable is replaced by a default and explained."""
    warn: list[str] = []
    months = q("present_months")
    first, latest = months[0], months[-1]

    code = raw.get("area")
    area = None
    if code is not None:
        if _CODE.match(code):
            try:
                found = q("area", code)
                if found["area_type"] in COUNTY_TYPES:
                    area = found
                else:
                    warn.append(f"The area “{md_escape(found['area_name'])}” is outside County Durham")
            except LookupError:
                pass
        if area is None and not warn:
            warn.append(f"The area code “{md_escape(code, 40)}” in the link was not recognised")
        if area is None:
            warn[-1] += ", so the page shows the whole of County Durham."
    if area is None:
        area = q("area", COUNTY)

    end = raw.get("to")
    if end is not None and not (_valid_month(end) and first <= end <= latest):
        what = (
            "is not a month like 2025-12"
            if not _valid_month(end)
            else f"is outside the data ({words.month_words(first)} to {words.month_words(latest)})"
        )
        warn.append(f"The end month “{md_escape(end, 40)}” {what}, so the page shows the latest 12 months.")
        end = None
    end = end or latest

    start = raw.get("from")
    if start is not None:
        problem = None
        if not _valid_month(start):
            problem = "is not a month like 2025-01"
        elif start > end:
            problem = f"is after the end month ({words.month_words(end)})"
        elif start < words.shift_month(first, -12):
            problem = f"is long before the data starts ({words.month_words(first)})"
        elif len(warehouse.months_between(start, end)) > 36:
            problem = "makes a period longer than three years"
        if problem:
            warn.append(
                f"The start month “{md_escape(start, 40)}” {problem}, so the page shows the 12 months to {words.month_words(end)}."
            )
            start = None
    start = start or words.default_start(end)

    measure = raw.get("measure")
    ids = set(measure_table()["measure_id"])
    if measure is not None and not (_MEASURE.match(measure) and measure in ids):
        warn.append(f"The measure “{md_escape(measure, 40)}” in the link was not recognised, so the page shows all crime.")
        measure = None
    measure = measure or DEFAULT_MEASURE
    return ViewState(area["area_code"], area, start, end, measure, tuple(warn))


def _raw_params() -> dict[str, str]:
    """The view's URL values; when the URL has none (a page switch), the session's last view."""
    qp = st.query_params
    raw = {k: qp.get(k) for k in _PARAMS if k in qp}
    if not raw and _STATE_KEY in st.session_state:
        return dict(st.session_state[_STATE_KEY])
    return {k: str(v) for k, v in raw.items()}


def _resolve() -> ViewState:
    state = _parse(_raw_params())
    params = state.params()
    st.session_state[_STATE_KEY] = params
    # Write the canonical view back, so the address bar is always a link to exactly this view.
    for k in _PARAMS:
        if k in params:
            if st.query_params.get(k) != params[k]:
                st.query_params[k] = params[k]
        elif k in st.query_params:
            del st.query_params[k]
    return state


def _run_token() -> str:
    """Identifies the current script run (Streamlit makes new per-run objects on every rerun)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return f"{id(ctx)}:{id(getattr(ctx, 'parallel_coordinator', None))}:{id(getattr(ctx, 'cursors', None))}" if ctx else ""


def _leave_pages_folder_mode() -> None:
    """Rerun through app.py if Streamlit ran a ``pages/`` file on its own.

    Streamlit decides once per process whether the app uses the old ``pages/`` folder routing,
    from whether the folder exists (it does: the pages live there), until ``st.navigation`` runs.
    If a process's very first request is for a page, that page runs without app.py and the old
    file-name menu shows; flipping the flag and rerunning routes it through app.py as normal.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def view_state() -> ViewState:
    """The validated view (area, period, measure) for this run; warnings are shown once, by ``frame``.

    If the frame has not been drawn in this run (Streamlit runs a ``pages/`` file on its own when a
    process's very first request is for that page), the frame is drawn here.
    """
    state = st.session_state.get("_sdp_state")
    if isinstance(state, ViewState) and st.session_state.get("_sdp_framed") == _run_token():
        return state
    return frame()


def _show_warnings(state: ViewState) -> None:
    for w in state.warnings:
        st.warning(w + " Choose an area and period in the side panel.", icon=":material/info:")


def set_param(name: str, value: str | None) -> None:
    """Change one part of the view (used by widget callbacks)."""
    params = dict(st.session_state.get(_STATE_KEY, {}))
    if value is None:
        params.pop(name, None)
    else:
        params[name] = value
    st.session_state[_STATE_KEY] = params
    for k in _PARAMS:
        if k in params:
            st.query_params[k] = params[k]
        elif k in st.query_params:
            del st.query_params[k]


def share_url(state: ViewState, extra: dict[str, str] | None = None) -> str:
    base = ""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (e.g. tests): show a relative link
        base = ""
    params = state.params()
    if "areas" in st.query_params:
        params["areas"] = str(st.query_params["areas"])[:400]
    if extra:
        params.update(extra)
    return f"{base}?{urlencode(params)}"


# --- The shared frame ----------------------------------------------------------------------------


def frame() -> ViewState:
    """Header strip and side-panel controls shared by every page; returns the view state."""
    _leave_pages_folder_mode()
    state = _resolve()
    st.session_state["_sdp_state"] = state
    st.session_state["_sdp_framed"] = _run_token()
    styles()
    months = q("present_months")
    built = q("built_at")[:10]
    st.markdown(
        f"<div class='sdp-banner'><strong>{h(PARTNERSHIP)}</strong> · community safety dashboard for County Durham"
        f" · police.uk data for {h(words.month_words(months[0]))} to {h(words.month_words(months[-1]))}"
        f" (some months missing) · updated {h(built)}</div>",
        unsafe_allow_html=True,
    )
    _show_warnings(state)
    with st.sidebar:
        _find_area(state)
        _period_controls(state, months)
        _measure_control(state)
        with st.expander("Share this view", icon=":material/link:"):
            st.caption("Copy this link: it opens this page with the same area, period and measure.")
            st.code(share_url(state), language=None, wrap_lines=True)
    return state


def _on_find() -> None:
    label = st.session_state.get("sdp_find")
    if label:
        idx = search_index()
        row = idx[idx["label"] == label]
        if len(row):
            set_param("area", str(row["area_code"].iloc[0]))
    st.session_state["sdp_find"] = None


def _find_area(state: ViewState) -> None:
    st.markdown(f"**Area:** {md_escape(state.area_name)}")
    if state.area.get("approximate"):
        st.caption("Area boards are approximate (best fit from electoral divisions).")
    idx = search_index()
    st.selectbox(
        "Find your area",
        list(idx["label"]),
        index=None,
        key="sdp_find",
        placeholder="Type a town, village or neighbourhood",
        help="Search towns, villages, neighbourhoods, electoral divisions and area boards in County Durham.",
        on_change=_on_find,
    )
    if state.area_code != COUNTY:
        st.button("Back to the whole county", key="sdp_county", on_click=set_param, args=("area", COUNTY), icon=":material/undo:")


def _on_to() -> None:
    end = st.session_state["sdp_to"]
    params = st.session_state.get(_STATE_KEY, {})
    start = params.get("from")
    set_param("to", end)
    if start and start > end:
        set_param("from", None)


def _on_from() -> None:
    start = st.session_state["sdp_from"]
    set_param("from", None if start == "12" else start)


def _period_controls(state: ViewState, months: list[str]) -> None:
    ends = list(reversed(months))
    st.session_state["sdp_to"] = state.end
    st.selectbox("Period ends", ends, key="sdp_to", format_func=words.month_words, on_change=_on_to)
    starts = ["12"] + [m for m in reversed(warehouse.months_between(words.shift_month(months[0], -12), state.end))]
    st.session_state["sdp_from"] = state.start if state.custom_period else "12"
    st.selectbox(
        "Period starts",
        starts,
        key="sdp_from",
        format_func=lambda m: "12 months before the end" if m == "12" else words.month_words(m),
        on_change=_on_from,
        help="The standard period is the 12 months to the end month. Choose a start month for a custom period.",
    )


def _on_measure() -> None:
    set_param("measure", st.session_state["sdp_measure"])


def _measure_control(state: ViewState) -> None:
    m = measure_table()
    labels = dict(zip(m["measure_id"], m["label"], strict=True))
    st.session_state["sdp_measure"] = state.measure
    st.selectbox(
        "Measure for charts and maps",
        list(labels),
        key="sdp_measure",
        format_func=lambda i: labels.get(i, i),
        on_change=_on_measure,
    )


def page_header(title: str, state: ViewState) -> None:
    """Page title, then the period and area in words (and which months have no data)."""
    st.title(title)
    area = state.area
    kind = str(area.get("type_noun") or "")
    approx = " (approximate area)" if area.get("approximate") else ""
    lead = f"**{md_escape(state.area_name)}**" + (f" — {md_escape(kind)}{approx}" if state.area_code != COUNTY else "")
    st.markdown(f"{lead} · **{md_escape(state.period)}**")
    missing = q("missing_months", state.area_code, state.start, state.end)
    if missing:
        n = len(warehouse.months_between(state.start, state.end))
        st.info(
            f"There is no police.uk data for {words.months_words(missing)}, so figures for this period cover "
            f"{n - len(missing)} of its {n} months.",
            icon=":material/event_busy:",
        )


def page_links(state: ViewState, pages: dict[str, str]) -> None:
    """Links to other pages that keep the area, period and measure."""
    cols = st.columns(len(pages))
    for col, (path, label) in zip(cols, pages.items(), strict=True):
        with col:
            st.page_link(path, label=label, query_params=state.params(), icon=":material/arrow_forward:")


# --- The chart card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class About:
    definition: str
    source_title: str
    source_url: str
    licence: str
    period: str
    loaded: str
    caveats: tuple[str, ...] = ()


def about_from_source(con, source_id: str, *, definition: str, period: str, caveats=()) -> About:
    """An About block from the ``sources`` table; ``police_uk`` means the police.uk street files."""
    if source_id == "police_uk":
        df = warehouse.police_sources_by_force(con)
        loaded = str(df["loaded_at"].max())[:10] if len(df) else ""
        return About(
            definition=definition,
            source_title="data.police.uk street-level crime and anti-social behaviour files (Durham Constabulary, Cleveland Police, Northumbria Police)",
            source_url="https://data.police.uk/data/",
            licence="Open Government Licence v3.0",
            period=period,
            loaded=loaded,
            caveats=tuple(caveats),
        )
    src = warehouse.source(con, source_id)
    return About(
        definition=definition,
        source_title=str(src["title"]),
        source_url=str(src.get("page") or src.get("url") or ""),
        licence=str(src["licence"]),
        period=period,
        loaded=str(src.get("loaded_at") or "")[:10],
        caveats=tuple(caveats),
    )


def police_about(state: ViewState, definition: str, caveats: tuple[str, ...] = CAVEATS) -> About:
    return about_from_source(connection(), "police_uk", definition=definition, period=state.period, caveats=caveats)


def chart_card(
    title: str,
    chart,
    table: pd.DataFrame,
    *,
    alt_text: str,
    about: About,
    key: str,
    on_select: bool = False,
    height: int = 480,
):
    """A chart with its description, its data as a table, a CSV download and an About section.

    Returns the map selection when ``on_select`` is set (pydeck charts only), else None.
    """
    selection = None
    with st.container(border=True, key=f"card_{key}"):
        st.subheader(title, anchor=False)
        st.caption(alt_text)
        if isinstance(chart, pdk.Deck):
            if on_select:
                selection = st.pydeck_chart(
                    chart, alt=alt_text, key=key, on_select="rerun", selection_mode="single-object", height=height
                )
            else:
                st.pydeck_chart(chart, alt=alt_text, key=key, height=height)
        else:  # a Vega-Lite spec (see ``chart``), or an Altair chart converted here
            spec = chart if isinstance(chart, dict) else vega_spec(chart)
            st.vega_lite_chart(spec, width="stretch", alt=alt_text, key=key)
        with st.expander("Table of this data", icon=":material/table:"):
            st.table(table, hide_index=True)
        st.download_button(
            "Download this data (CSV)",
            table.to_csv(index=False).encode("utf-8"),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        about_expander(about)
    return selection


def about_expander(about: About) -> None:
    with st.expander("About this data", icon=":material/info:"):
        st.markdown(f"**What it shows.** {md_escape(about.definition)}")
        link = (
            f"[{md_escape(about.source_title)}]({about.source_url})"
            if about.source_url.startswith("http")
            else md_escape(about.source_title)
        )
        st.markdown(f"**Source.** {link}. Licence: {md_escape(about.licence)}.")
        st.markdown(f"**Period.** {md_escape(about.period)}. **Data loaded** {md_escape(about.loaded)}.")
        if about.caveats:
            st.markdown("**Things to know.**\n\n" + "\n".join(f"- {md_escape(c)}" for c in about.caveats))


def legend(items: list[tuple[str, str]], title: str) -> None:
    """A map legend (pydeck draws none): colour swatches with their ranges, as an HTML list."""
    rows = "".join(
        f"<li><span class='sdp-swatch' style='background:{h(colour)}' aria-hidden='true'></span>{h(text)}</li>"
        for colour, text in items
    )
    st.markdown(f"<div class='sdp-legend'><p><strong>{h(title)}</strong></p><ul>{rows}</ul></div>", unsafe_allow_html=True)


def html_table(df: pd.DataFrame, caption: str) -> str:
    """An accessible HTML table (for the downloadable factsheet)."""
    head = "".join(f"<th scope='col'>{h(c)}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{h(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False))
    return f"<table><caption>{h(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def styles() -> None:
    st.markdown(
        """<style>
        .sdp-banner {background:#12436D;color:#fff;padding:.5rem .8rem;border-radius:.3rem;font-size:.95rem;margin-bottom:.5rem}
        .sdp-legend ul {list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
        .sdp-legend li {display:flex;align-items:center;gap:.4rem}
        .sdp-swatch {display:inline-block;width:1.4rem;height:1rem;border:1px solid #3D3D3D}
        .sdp-big {font-size:2rem;font-weight:700;color:#12436D;line-height:1.1}
        [data-testid="stCaptionContainer"] a {color:#12436D}
        [data-testid="stTable"] {max-width:100%;overflow-x:auto}
        [data-testid="stTable"] table {max-width:100%}
        [data-testid="stMarkdownContainer"] {overflow-wrap:anywhere}
        [data-testid="stMarkdownContainer"] table {display:block;max-width:100%;overflow-x:auto}
        @media (max-width: 640px) {[data-testid="stTable"] table {table-layout:fixed;width:100%}}
        [data-testid="stTable"] td, [data-testid="stTable"] th {overflow-wrap:anywhere}
        </style>""",
        unsafe_allow_html=True,
    )


def run_page(render: Callable[[], None]) -> None:
    """Run a page body; an unexpected failure is a friendly message, not a traceback."""
    try:
        render()
    except (LookupError, ValueError) as exc:
        st.error(f"Sorry, this view could not be shown: {md_escape(exc, 200)}")


def stats_compare(a, b) -> str:
    """higher / similar / lower for two rows with lower and upper 95% limits."""
    from sdp_dash.domain import stats

    return stats.compare(float(a.lower), float(a.upper), float(b.lower), float(b.upper))


# --- Compare: the list of areas in the URL ---------------------------------------------------------


def area_options() -> dict[str, str]:
    """Area code -> name with its kind, for pickers (never a code alone)."""
    idx = search_index()
    areas = idx[idx["kind"] == "area"]
    return dict(zip(areas["area_code"], areas["label"], strict=True))


def compare_codes(state: ViewState) -> list[str]:
    """The areas to compare, from ``?areas=code,code``; unknown codes are dropped with a warning."""
    options = area_options()
    raw = st.query_params.get("areas")
    if raw is None:
        raw = st.session_state.get("_sdp_compare")
    if raw is None:
        boards = [c for c in options if c.startswith("AAP-")]
        first = [state.area_code] if state.area_code != COUNTY else boards[:1]
        raw = ",".join(first + [COUNTY])
    parts = [p.strip() for p in str(raw)[:400].split(",") if p.strip()]
    good = [p for p in dict.fromkeys(parts) if p in options][:4]
    bad = [p for p in parts if p not in options]
    if bad:
        st.warning(
            f"{len(bad)} area code(s) in the link were not recognised and are left out: "
            + ", ".join(f"“{md_escape(b, 30)}”" for b in bad[:3])
            + ".",
            icon=":material/info:",
        )
    if len(parts) > 4:
        st.warning("Up to four areas can be compared: the first four are shown.", icon=":material/info:")
    value = ",".join(good)
    st.session_state["_sdp_compare"] = value
    if st.query_params.get("areas") != value:
        st.query_params["areas"] = value
    return good


def on_compare_change() -> None:
    value = ",".join(st.session_state["sdp_compare"])
    st.session_state["_sdp_compare"] = value
    st.query_params["areas"] = value


def force_names() -> dict[str, str]:
    from sdp_dash.config.manifest import load

    return {f.slug: f.name for f in load().forces}
