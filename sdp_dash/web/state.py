"""The view in the address: area, period and measure (and the areas compared), validated.

User input from the URL is checked here; anything unusable is replaced by a default and explained
in one sentence that quotes the input only escaped.  The canonical view is written back, so the
address bar is always a link to exactly what is on screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from sdp_dash.config import codes
from sdp_dash.config.months import default_start, months_between, shift_month
from sdp_dash.domain import words
from sdp_dash.web import data
from sdp_dash.web.escape import md

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,79}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MEASURE = re.compile(r"^[a-z0-9_]{1,60}$")
PARAMS = ("area", "from", "to", "measure")
PAGE_PARAMS = ("level", "points", "areas", "measures")  # validated by the page that uses them (below)
_VIEW_KEY = "_sdp_view"
_STATE_KEY = "_sdp_state"
MAX_MONTHS = 36


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
    def is_county(self) -> bool:
        return self.area_code == codes.COUNTY

    @property
    def period(self) -> str:
        return words.period_words(self.start, self.end)

    @property
    def custom_period(self) -> bool:
        return self.start != default_start(self.end)

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


def parse(raw: dict[str, str]) -> ViewState:
    """Validate the raw URL values; anything unusable is replaced by a default and explained."""
    warn: list[str] = []
    months = data.present_months()
    first, latest = months[0], months[-1]
    area = _area(raw.get("area"), warn)
    end = _end(raw.get("to"), first, latest, warn)
    start = _start(raw.get("from"), end, first, warn)
    measure = raw.get("measure")
    if measure is not None and not (_MEASURE.match(measure) and measure in data.measures()):
        warn.append(f"The measure “{md(measure, 40)}” in the link was not recognised, so the page shows all crime.")
        measure = None
    measure = measure or codes.DEFAULT_MEASURE
    return ViewState(area["area_code"], area, start, end, measure, tuple(warn))


def _area(code: str | None, warn: list[str]) -> dict:
    """The area of ``?area=``: an area of the county, else the county (with a warning why)."""
    area = None
    if code is not None:
        if _CODE.match(code):
            try:
                found = data.area(code)
                if found["area_type"] in codes.COUNTY_TYPES:
                    area = found
                else:
                    warn.append(f"The area “{md(found['area_name'])}” is outside {md(codes.COUNTY_NAME)}")
            except LookupError:
                pass
        if area is None and not warn:
            warn.append(f"The area code “{md(code, 40)}” in the link was not recognised")
        if area is None:
            warn[-1] += f", so the page shows the whole of {md(codes.COUNTY_NAME)}."
    return area if area is not None else data.area(codes.COUNTY)


def _end(end: str | None, first: str, latest: str, warn: list[str]) -> str:
    """The end month of ``?to=``: a month with data, else the latest."""
    if end is not None and not (_valid_month(end) and first <= end <= latest):
        what = (
            "is not a month like 2025-12"
            if not _valid_month(end)
            else f"is outside the data ({words.month_words(first)} to {words.month_words(latest)})"
        )
        warn.append(f"The end month “{md(end, 40)}” {what}, so the page shows the latest 12 months.")
        end = None
    return end or latest


def _start(start: str | None, end: str, first: str, warn: list[str]) -> str:
    """The start month of ``?from=``: at most MAX_MONTHS before the end, else the 12 months to the end."""
    if start is not None:
        problem = None
        if not _valid_month(start):
            problem = "is not a month like 2025-01"
        elif start > end:
            problem = f"is after the end month ({words.month_words(end)})"
        elif start < shift_month(first, -12):
            problem = f"is long before the data starts ({words.month_words(first)})"
        elif len(months_between(start, end)) > MAX_MONTHS:
            problem = "makes a period longer than three years"
        if problem:
            warn.append(
                f"The start month “{md(start, 40)}” {problem}, so the page shows the 12 months to {words.month_words(end)}."
            )
            start = None
    return start or default_start(end)


def _raw_params() -> dict[str, str]:
    """The view's URL values; when the URL has none (a page switch), the session's last view."""
    qp = st.query_params
    raw = {k: qp.get(k) for k in PARAMS if k in qp}
    if not raw and _VIEW_KEY in st.session_state:
        return dict(st.session_state[_VIEW_KEY])
    return {k: str(v) for k, v in raw.items()}


def resolve() -> ViewState:
    """This run's view, from the address (or the session), written back in canonical form."""
    state = parse(_raw_params())
    params = state.params()
    st.session_state[_VIEW_KEY] = params
    st.session_state[_STATE_KEY] = state
    _write(params)
    return state


def current() -> ViewState:
    """The view resolved by the frame at the start of this run (``app.py`` draws the frame first)."""
    state = st.session_state.get(_STATE_KEY)
    return state if isinstance(state, ViewState) else resolve()


def _write(params: dict[str, str]) -> None:
    for k in PARAMS:
        if k in params:
            if st.query_params.get(k) != params[k]:
                st.query_params[k] = params[k]
        elif k in st.query_params:
            del st.query_params[k]


def set_param(name: str, value: str | None) -> None:
    """Change one part of the view (used by widget callbacks)."""
    params = dict(st.session_state.get(_VIEW_KEY, {}))
    if value is None:
        params.pop(name, None)
    else:
        params[name] = value
    st.session_state[_VIEW_KEY] = params
    _write(params)


def link_params(view: ViewState, url_path: str) -> dict[str, str]:
    """The query of a link to the page at ``url_path``: the view, and that page's own settings as the page
    will write them (the session's choice, else the default), so opening it changes nothing in the address.
    Streamlit adds a history entry for the link and another for each change a page then makes to the
    address: one step would be two entries, and the first Back would seem to do nothing."""
    params = view.params()
    if url_path == "explore":
        params["level"] = str(st.session_state.get("_sdp_level") or _default_level(view))
        if st.session_state.get("_sdp_points") and not view.is_county and not data.measures()[view.measure].sensitive:
            params["points"] = "1"
    elif url_path == "compare":
        params["areas"] = str(st.session_state.get("_sdp_compare") or _default_compare(view))
        params["measures"] = str(st.session_state.get("_sdp_measures") or view.measure)
    return params


def share_url(state: ViewState, extra: dict[str, str] | None = None) -> str:
    try:
        # The page's address as the browser has it, without its query string (the view replaces it).
        base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    except Exception:  # noqa: BLE001 - no browser context (e.g. tests): show a relative link
        base = ""
    params = state.params()
    for name in PAGE_PARAMS:  # the page's own settings (already validated and written back)
        if name in st.query_params:
            params[name] = str(st.query_params[name])[:400]
    if extra:
        params.update(extra)
    return f"{base}?{urlencode(params)}"


# --- Compare: the list of areas in the URL ---------------------------------------------------------


def area_options() -> dict[str, str]:
    """Area code -> name with its kind, for pickers (never a code alone); built once per warehouse, shared."""
    return data.area_options()


def _default_compare(view: ViewState) -> str:
    return ",".join(dict.fromkeys([view.area_code, codes.COUNTY]))


def compare_codes(state: ViewState) -> list[str]:
    """The areas to compare, from ``?areas=code,code``; unknown codes are dropped with a warning."""
    options = area_options()
    raw = st.query_params.get("areas")
    if raw is None:
        raw = st.session_state.get("_sdp_compare")
    if raw is None:  # the chosen area against the county
        raw = _default_compare(state)
    parts = [p.strip() for p in str(raw)[:400].split(",") if p.strip()]
    good = [p for p in dict.fromkeys(parts) if p in options][:4]
    bad = [p for p in parts if p not in options]
    if bad:
        st.warning(
            f"{len(bad)} area code(s) in the link were not recognised and are left out: "
            + ", ".join(f"“{md(b, 30)}”" for b in bad[:3])
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


# --- Explore: the map level and the points toggle in the URL ----------------------------------------

_FLAG = {"1": True, "on": True, "true": True, "yes": True, "0": False, "off": False, "false": False, "no": False}


def _set_query(name: str, value: str | None) -> None:
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


MAP_LEVELS = ("aap", "division_2025", "division_2013", "msoa", "lsoa")  # Explore's levels, where the partnership has them


def map_levels() -> dict[str, str]:
    """Explore's map levels the partnership has (``codes.area_types``), each with its label in the partnership's
    words ("Wards (from May 2025, approximate)", "Electoral divisions ...")."""
    wards = words.upper_first(f"{codes.WARD}s")
    labels = {
        "aap": "Area boards (approximate)",
        "division_2025": f"{wards} (from May 2025, approximate)",
        "division_2013": f"{wards} (2013-2025, approximate)",
        "msoa": "Neighbourhoods (MSOA)",
        "lsoa": "Small areas (LSOA)",
    }
    return {t: labels[t] for t in MAP_LEVELS if t in codes.area_types()}


def _default_level(view: ViewState, levels: dict[str, str] | None = None) -> str:
    levels = map_levels() if levels is None else levels
    return view.area["area_type"] if view.area["area_type"] in levels else next(iter(levels))


def map_level(view: ViewState, levels: dict[str, str]) -> str:
    """The map level from ``?level=``: one of ``levels``; by default the chosen area's own level
    (area boards for the county).  Written back, so the address always names it."""
    default = _default_level(view, levels)
    raw = st.query_params.get("level")
    if raw is None:
        raw = st.session_state.get("_sdp_level")
    level = default
    if raw is not None:
        if raw in levels:
            level = raw
        else:
            st.warning(
                f"The map level “{md(str(raw), 30)}” in the link was not recognised, so the map shows "
                f"{md(words.lower_first(levels[default]))}.",
                icon=":material/info:",
            )
    st.session_state["_sdp_level"] = level
    _set_query("level", level)
    return level


def on_level_change() -> None:
    level = st.session_state["sdp_level"]
    st.session_state["_sdp_level"] = level
    _set_query("level", level)


def show_points(allowed: bool) -> bool:
    """The points toggle from ``?points=1`` (off when absent); refused, and dropped from the address,
    where points are not allowed (the county, sensitive measures)."""
    raw = st.query_params.get("points")
    if raw is None:
        raw = st.session_state.get("_sdp_points")
    on = False
    if raw is not None:
        flag = _FLAG.get(str(raw).lower())
        if flag is None:
            st.warning(
                f"The points setting “{md(str(raw), 20)}” in the link was not recognised, so points are off.",
                icon=":material/info:",
            )
        on = bool(flag) and allowed
    st.session_state["_sdp_points"] = "1" if on else None
    _set_query("points", "1" if on else None)
    return on


def on_points_change() -> None:
    on = bool(st.session_state["sdp_points"])
    st.session_state["_sdp_points"] = "1" if on else None
    _set_query("points", "1" if on else None)


# --- Compare: the measures in the URL -----------------------------------------------------------------

MAX_MEASURES = 4


def compare_measures(view: ViewState) -> list[str]:
    """The measures compared, from ``?measures=a,b``; by default the view's measure.  Unknown ids are
    dropped with a warning; the first four are kept."""
    known = data.measures()
    raw = st.query_params.get("measures")
    if raw is None:
        raw = st.session_state.get("_sdp_measures")
    if raw is None:
        raw = view.measure
    parts = [p.strip() for p in str(raw)[:400].split(",") if p.strip()]
    good = [p for p in dict.fromkeys(parts) if _MEASURE.match(p) and p in known][:MAX_MEASURES]
    bad = [p for p in parts if not (_MEASURE.match(p) and p in known)]
    if bad:
        st.warning(
            f"{len(bad)} measure(s) in the link were not recognised and are left out: "
            + ", ".join(f"“{md(b, 30)}”" for b in bad[:3])
            + ".",
            icon=":material/info:",
        )
    if len(good) > MAX_MEASURES:
        good = good[:MAX_MEASURES]
    good = good or [view.measure]
    value = ",".join(good)
    st.session_state["_sdp_measures"] = value
    _set_query("measures", value)
    return good


def on_measures_change() -> None:
    value = ",".join(st.session_state["sdp_measures"]) or None
    st.session_state["_sdp_measures"] = value
    _set_query("measures", value)


def new_area(code: str) -> None:
    """Open another area from the search: the map then starts at that area's own level."""
    set_param("area", code)
    st.session_state.pop("_sdp_level", None)
    _set_query("level", None)
