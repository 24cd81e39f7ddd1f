"""Explore an area: a map of rates at a chosen level, and the chosen area's profile (its factsheet)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes, settings
from sdp_dash.config.months import shift_month
from sdp_dash.domain import crime, words
from sdp_dash.domain import profile as profile_data
from sdp_dash.domain.figure import RATE_UNIT, with_csv
from sdp_dash.web import cards, connection, data, frame, pdf, state
from sdp_dash.web.cache import chart, pure
from sdp_dash.web.escape import md
from sdp_dash.web.profile import file_name as profile_file_name

POINTS_NOTE = (
    "Points are anonymous map points: each stands for a street or place near where incidents were recorded, never an exact "
    "address. Violence and sexual offences and robbery are never shown as points."
)


@pure(max_entries=6)  # a map of the 330 small areas is 2 MiB of JSON: shared, read-only (sdp_dash.memo)
def _map(wkey: str, level: str, measure: str, start: str, end: str, selected: str, show_points: bool, label: str, basemap: str):
    """The map, built once per view: a Vega-Lite spec (``charts.shaded_map``), or a deck.gl map when it shows
    points or a basemap (deck.gl's script is 3 MB: the page settles sooner without it, issue 18)."""
    by_area = data.frame(data.area_figures(level, measure, start, end))
    common = {
        "edges": charts.class_breaks(by_area["rate"]),
        "rate_label": f"{label} {RATE_UNIT}",
        "selected": selected,
        "chosen_geo": None if selected == codes.COUNTY else data.geometry(data.area(selected)["area_type"]),
        "places": data.towns(),
        "county": data.geometry("county"),
    }
    if not show_points and charts.no_basemap(basemap):
        names = {"selected_name": data.area(selected)["area_name"], "county_name": codes.COUNTY_NAME}
        return charts.vega_lite(charts.shaded_map(by_area, data.geometry(level), **names, **common))
    deck = charts.choropleth(
        by_area,
        data.geometry(level),
        points=data.incident_points(selected, measure, start, end) if show_points else None,
        basemap_setting=basemap,
        **common,
    )
    deck.to_json()  # written now, before the cache shares it (and its shapes let go: charts.CompactDeck)
    return deck


def render() -> None:
    view = state.current()
    frame.page_header("Explore an area", view)
    area_map(view)
    profile(view)
    from pages import site

    frame.page_links(view, {site.page("home"): "Overview for this area", site.page("compare"): "Compare with other areas"})


def area_map(view: state.ViewState) -> None:
    measure = data.measures()[view.measure]
    st.header("Map", anchor=False)
    levels = state.map_levels()
    st.session_state["sdp_level"] = state.map_level(view, levels)
    level = st.selectbox(
        "Show areas on the map as", list(levels), format_func=levels.get, key="sdp_level", on_change=state.on_level_change
    )
    figs = data.area_figures(level, view.measure, view.start, view.end)
    show_points = _points_toggle(view, measure)
    basemap = settings.get("SDP_BASEMAP")
    deck = _map(
        connection.warehouse_key(), level, view.measure, view.start, view.end, view.area_code, show_points, measure.label, basemap
    )
    # The map fitted to its own column (the whole of it on a phone, where the columns stack), its keys beside it.
    left, right = st.columns(2)
    with left:
        selection = _map_card(view, level, figs, deck, show_points, basemap)
    with right:
        _map_keys(view, figs, show_points)
        _profile_picker(view, figs)
    _follow_click(selection, view)


def _points_toggle(view: state.ViewState, measure) -> bool:
    """Whether the map shows the area's anonymised incident points (never for a sensitive measure or the county)."""
    show_points = state.show_points(not view.is_county and not measure.sensitive)
    if view.is_county:
        return show_points
    if measure.sensitive:
        st.caption(f"Incident points are never shown for {measure.label.lower()}: the map shows area rates only.")
        return show_points
    st.session_state["sdp_points"] = show_points
    return st.toggle(
        "Show anonymised incident points in this area",
        key="sdp_points",
        on_change=state.on_points_change,
        help="Each point is an anonymous map point on or near the street where incidents were recorded.",
    )


def _map_card(view: state.ViewState, level: str, figs: list, deck, show_points: bool, basemap: str):
    """The map's card (its table, download and About behind Details); returns the map's selection."""
    label = data.measures()[view.measure].label
    ranked = sorted((f for f in figs if f.available), key=lambda f: -f.rate)
    withheld = len(figs) - len(ranked)
    table = data.table(sorted(figs, key=lambda f: (f.rate is None, -(f.rate or 0))), drop=("Period",))
    extremes = (
        f" Highest: {ranked[0].area_name} ({ranked[0].rate_text}); lowest: {ranked[-1].area_name} ({ranked[-1].rate_text})."
        if ranked
        else ""
    )
    outlined = view.area_code != codes.COUNTY
    return cards.chart_card(
        f"{label} {RATE_UNIT}: {words.lower_first(state.map_levels()[level])}",
        deck,
        table,
        alt_text=(
            f"Map of {codes.COUNTY_NAME}'s {len(figs)} {words.lower_first(state.map_levels()[level])}, shaded by {label.lower()} {RATE_UNIT} in {view.period}; "
            "darker is higher."
            + extremes
            + (f" {withheld} areas with too few to show are grey." if withheld else "")
            + " The table below lists every area."
            + (f" {view.area_name} is outlined in {charts.COLOUR_WORDS[charts.CHOSEN_COLOUR]}." if outlined else "")
            + f" {words.upper_first(codes.THE_AREA)}'s boundary is {charts.COLOUR_WORDS[charts.COUNTY_COLOUR]}."
        ),
        about=cards.police_about(
            view,
            f"{label} {RATE_UNIT} (Census 2021 usual residents) in each area, with 95% intervals.",
            cards.CAVEATS + ((POINTS_NOTE,) if show_points else ()) + (charts.basemap_words(basemap),),
        ),
        key=f"explore_map_{view.area_code}",  # a new map for each area: no earlier click left selected (greyed)
        on_select=True,
        height=getattr(deck, "card_height", 480),  # a deck's fitted height (a Vega-Lite map's is in its spec)
    )


def _map_keys(view: state.ViewState, figs: list, show_points: bool) -> None:
    """The map's key: its shades, the outlines (the chosen area's and the county's) and its points."""
    label = data.measures()[view.measure].label
    rates = [f.rate for f in figs if f.available]
    edges = charts.class_breaks(pd.Series(rates, dtype=float))
    items = charts.legend_items(edges) + ([(charts.NOT_SHOWN, "too few to show")] if len(rates) < len(figs) else [])
    cards.legend(items, f"{label} {RATE_UNIT} (classes hold about equal numbers of areas)")
    outlined = [(view.area_code, view.area_name)] if view.area_code != codes.COUNTY else []
    cards.area_key(
        charts.area_colours([*outlined, (codes.COUNTY, codes.COUNTY_NAME)], chosen=view.area_code),
        "Outlines",
        notes={codes.COUNTY_NAME: f" ({codes.THE_AREA}'s boundary)"},
        outline=True,
    )
    if show_points:
        n_points = len(data.incident_points(view.area_code, view.measure, view.start, view.end))
        st.caption(f"{n_points:,} anonymous map points shown in purple (larger = more incidents). {POINTS_NOTE}")


def _profile_picker(view: state.ViewState, figs: list) -> None:
    """Open another area's profile: the county, the chosen area (also when it is not one of the map's areas,
    such as an area board on a map of neighbourhoods) and every area on the map."""
    names = {f.area_code: f.area_name for f in figs}
    if view.area_code != codes.COUNTY:
        names.setdefault(view.area_code, view.area_name)
    options = [codes.COUNTY] + sorted(names, key=names.get)
    st.session_state["sdp_pick"] = view.area_code
    st.selectbox(
        "Open the profile of",
        options,
        key="sdp_pick",
        format_func=lambda c: codes.WHOLE if c == codes.COUNTY else names.get(c, c),
        on_change=lambda: state.set_param("area", st.session_state["sdp_pick"]),
        help="Or click an area on the map.",
    )


def _follow_click(selection, view: state.ViewState) -> None:
    """A click on the map opens that area's profile (only a *new* click: the selection persists across reruns)."""
    chosen = (selection or {}).get("selection") or {}
    picked = None
    for obj in (chosen.get("objects") or {}).get("areas", []):  # the deck.gl map
        picked = (obj.get("properties") or {}).get("area_code")
    for point in chosen.get("pick") or []:  # the Vega-Lite map (charts.shaded_map)
        picked = point.get("area_code")
    if picked and picked != st.session_state.get("_sdp_last_click"):
        st.session_state["_sdp_last_click"] = picked
        if picked != view.area_code:
            state.set_param("area", picked)
            st.rerun()


def profile(view: state.ViewState) -> None:
    st.header(f"Profile: {view.area_name}", anchor=False)
    method = data.area_method(view.area["area_type"])
    if method:
        st.caption(md(method))
    _profile_download(view)
    if not view.is_county:
        _against_county(view)
    _types(view)
    _type_trends(view)
    _trend(view)
    _deprivation(view)


def _colours(view: state.ViewState) -> charts.AreaColours:
    """The profile's one colour per area (``charts.area_colours``): the area dark blue, the county orange."""
    return charts.area_colours(
        dict.fromkeys([(view.area_code, view.area_name), (codes.COUNTY, codes.COUNTY_NAME)]), view.area_code
    )


def _against_county(view: state.ViewState) -> None:
    rows = data.against_county(view.area_code, view.start, view.end)
    rest = crime.rest_words()
    st.markdown(
        "\n".join(
            f"- **{md(r.area.measure)}**: {md(r.area.headline)} — {md(r.comparison.words(rest))}"
            + (f" ({md(r.rest.rate_text)})." if r.rest is not None and r.comparison.result != "not compared" else ".")
            for r in rows
        )
    )
    st.caption(
        f"The area is compared with {rest} ({codes.THE_AREA} without it), never with {codes.THE_AREA} that holds it: higher or lower means the "
        f"two 95% intervals do not overlap; otherwise similar. {words.upper_first(codes.THE_AREA)}'s own rate is shown for context."
    )
    short = {m.measure_id: m.short_label for m in data.measures().values()}
    palette = _colours(view)
    pairs = []
    for r in rows:
        for fig, who in ((r.area, view.area_name), (r.county, codes.COUNTY_NAME)):
            if fig.available:
                pairs.append({**fig.data(), "series": f"{short[fig.measure_id]}: {who}"})
    table = pd.DataFrame(
        {
            "Measure": [r.area.measure for r in rows],
            "Count": [r.area.count_text for r in rows],
            f"Rate {RATE_UNIT}": [r.area.rate_text for r in rows],
            "95% interval": [r.area.interval_text for r in rows],
            f"{codes.AREA_WORD.capitalize()} rate (context)": [r.county.rate_text for r in rows],
            f"Rest of {codes.THE_AREA} rate": [r.rest.rate_text if r.rest is not None else "" for r in rows],
            f"Compared with {rest}": [r.comparison.words(rest) for r in rows],
        }
    )
    # The download is tidy data: the area's, the rest of the county's and the county's figures, a row each.
    figs = [f for r in rows for f in (r.area, r.rest, r.county) if f is not None]
    table = with_csv(table, crime.tidy(figs))
    cards.chart_card(
        f"Key indicators against {codes.THE_AREA}",
        chart(
            charts.rates,
            pd.DataFrame(pairs),
            label="series",
            title=f"Rate {RATE_UNIT}",
            description="Area against county",
            colours=palette,
        ),
        table,
        alt_text=(
            f"Bar chart pairing each key indicator for {view.area_name} with {codes.COUNTY_NAME}, {RATE_UNIT} with 95% intervals. "
            + "; ".join(f"{r.area.measure}: {r.comparison.words(rest)}" for r in rows)
            + "."
        ),
        about=cards.police_about(
            view, f"Key crime indicators {RATE_UNIT}, with 95% intervals, for the area and {codes.THE_AREA}."
        ),
        key="profile_vs_county",
    )
    cards.area_key(palette, "Bars")


def _types(view: state.ViewState) -> None:
    figs = data.type_figures(view.area_code, view.start, view.end)
    top = [f for f in figs if f.available][:3]
    if top:
        st.markdown(
            f"The most common recorded types in {md(view.area_name)} were "
            + ", ".join(f"{md(f.measure.lower())} ({md(f.rate_text)} {RATE_UNIT})" for f in top)
            + "."
        )
    table = data.table(figs, drop=("Area", "Period", "Residents"))
    cards.chart_card(
        "Crime and anti-social behaviour by type",
        chart(
            charts.ranked_bars,
            data.frame([f for f in figs if f.available]),
            label="measure",
            value="rate",
            title=f"Rate {RATE_UNIT}",
            description="By type",
            colours=_colours(view),
        ),
        table,
        alt_text=(
            f"Bar chart of the police.uk categories in {view.area_name}, {view.period}, ranked by rate {RATE_UNIT}. "
            "Highest: " + "; ".join(f"{f.measure}: {f.rate_text}" for f in top) + "."
        ),
        about=cards.police_about(
            view,
            f"Each police.uk category {RATE_UNIT}. Small counts (1 to 4) of violence and sexual offences and robbery are shown "
            "as 'fewer than 5' and their rates are not shown.",
        ),
        key="profile_types",
    )


def _trend(view: state.ViewState) -> None:

    label = data.measures()[view.measure].label
    trend_start = shift_month(view.start, -12)
    monthly = data.trend_figures(view.area_code, view.measure, view.start, view.end)
    both = monthly + ([] if view.is_county else data.trend_figures(codes.COUNTY, view.measure, view.start, view.end))
    table = data.trend_table(both)
    cards.chart_card(
        f"{label}: month by month" + ("" if view.is_county else f", against {codes.THE_AREA}"),
        chart(
            charts.trend,
            data.trend_frame(both),
            value="rate",
            series="area_name",
            title=f"Rate {RATE_UNIT}",
            description="Trend",
            colours=_colours(view),
        ),
        table,
        alt_text=(
            f"Line chart of {label.lower()} {RATE_UNIT} (each month's count times 12) from {words.month_words(trend_start)} to "
            f"{words.month_words(view.end)} for {view.area_name}" + ("" if view.is_county else f" and {codes.COUNTY_NAME}") + ". "
            "Months without data are gaps."
        ),
        about=cards.police_about(
            view,
            f"{label} recorded each month, {RATE_UNIT} (the month's count times 12).",
            period=f"{words.month_words(trend_start)} to {words.month_words(view.end)}",
        ),
        key="profile_trend",
    )


def _deprivation(view: state.ViewState) -> None:
    st.subheader("Deprivation context", anchor=False)
    dep = data.deprivation_summary(view.area_code)
    rows = data.deprivation_for_area(view.area_code)
    if dep["imd_decile"] is None:
        text = "No deprivation figures are available for this area."
    elif dep["lsoas"] == 1:
        text = (
            f"This small area is in decile {dep['imd_decile']:.0f} of the Index of Multiple Deprivation 2019 and decile "
            f"{dep['crime_decile']:.0f} of its Crime domain (1 = the most deprived 10% of areas in England, 10 = the least deprived)."
        )
    else:
        text = (
            f"Averaged over its {dep['lsoas']} small areas (LSOAs), weighting each by its residents, the area's Index of Multiple "
            f"Deprivation 2019 decile is {dep['imd_decile']:.1f} and its Crime-domain decile {dep['crime_decile']:.1f} "
            f"(1 = the most deprived 10% of areas in England, 10 = the least deprived). {dep['most_deprived_20']} of its "
            "small areas are among the most deprived 20% in England."
        )
    st.markdown(md(text))
    table = pd.DataFrame(
        {
            "Small area": rows["area_name"],
            "Residents": rows["population"].map("{:,}".format),
            "IMD 2019 decile": rows["imd_decile"],
            "Crime-domain decile": rows["crime_decile"],
        }
    )
    # Drawn only when opened (the county's 330 rows held the page back, issue 18): opening it reruns the page.
    with st.expander(
        "Deprivation of each small area", icon=":material/table:", key="sdp_deprivation_rows", on_change="rerun"
    ) as rows_box:
        if rows_box.open:
            st.table(table, hide_index=True)
    st.caption(
        "IMD 2019 was published for 2011 small areas; figures are carried to the 2021 small areas through the ONS lookup. "
        "Deprivation describes the area, not the people in it."
    )


def _type_trends(view: state.ViewState) -> None:
    """One crime type month by month, the area against the county (rates per 1,000 residents a year)."""
    figs = [f for f in data.type_figures(view.area_code, view.start, view.end) if f.available]
    if not figs:
        return
    names = {f.measure_id: f.measure for f in figs}
    key = "sdp_profile_type"
    if st.session_state.get(key) not in names:
        st.session_state[key] = next(iter(names))
    type_id = st.selectbox(
        "Crime type to follow month by month",
        list(names),
        format_func=names.get,
        key=key,
        help="The types recorded in this area in the period, most common first.",
    )
    label = names[type_id]
    t0 = profile_data.trend_start(view.start)
    monthly = data.trend_figures(view.area_code, type_id, view.start, view.end)
    both = monthly + ([] if view.is_county else data.trend_figures(codes.COUNTY, type_id, view.start, view.end))
    withheld = sum(f.suppressed for f in monthly)

    cards.chart_card(
        f"Trend by crime type: {label}" + ("" if view.is_county else f", against {codes.THE_AREA}"),
        chart(
            charts.trend,
            data.trend_frame(both),
            value="rate",
            series="area_name",
            title=f"Rate {RATE_UNIT}",
            description="Trend by type",
            colours=_colours(view),
        ),
        data.trend_table(both),
        alt_text=(
            f"Line chart of {label.lower()} {RATE_UNIT} (each month's count times 12) from {words.month_words(t0)} to "
            f"{words.month_words(view.end)} for {view.area_name}" + ("" if view.is_county else f" and {codes.COUNTY_NAME}") + ". "
            "Months without data are gaps."
            + (f" {withheld} months with fewer than 5 recorded are not shown." if withheld else "")
        ),
        about=cards.police_about(
            view,
            f"{label} recorded each month, {RATE_UNIT} (the month's count times 12). Small monthly counts (1 to 4) of "
            "violence and sexual offences and robbery are not shown.",
            period=f"{words.month_words(t0)} to {words.month_words(view.end)}",
        ),
        key="profile_type_trend",
    )


def _profile_download(view: state.ViewState) -> None:
    """The profile as a PDF of two A4 pages (chromium prints the HTML: ``sdp_dash.web.pdf``), built only when it is
    asked for and cached per view; when this server cannot make the PDF, the print-ready HTML, said in one line."""
    caveats = tuple(
        cards.in_words(c) for c in cards.CAVEATS if view.area["area_type"] in crime.APPROXIMATE_TYPES or c != cards.CAVEAT_APPROX
    )
    args = (view.area_code, view.start, view.end, view.measure, state.share_url(view), caveats)
    reason = pdf.unavailable()
    if reason:
        st.caption(md(f"The PDF cannot be made on this server just now ({reason}), so the profile is an HTML file to print."))
    st.download_button(
        "Download the area profile (print-ready HTML, A4)" if reason else "Download the area profile (PDF, 2 A4 pages)",
        (lambda: data.profile_document(*args).encode("utf-8")) if reason else (lambda: data.profile_pdf(*args)),
        file_name=profile_file_name(view.area_code, view.start, view.end, "html" if reason else "pdf"),
        mime="text/html" if reason else "application/pdf",
        key="profile_document",
        on_click="ignore",
        icon=":material/print:" if reason else ":material/picture_as_pdf:",
        help=f"Two A4 pages: the headline figures against {codes.THE_AREA} with the change on last year, the trend, every crime "
        "type, the notes, sources and licence, to print or attach to an email.",
    )


# Streamlit runs a file of pages/ on its own when a fresh server process's very first request is for that
# address (its old pages-folder routing): the file then runs the whole app, which opens this address.
if __name__ == "__main__":
    from pages import site

    site.run()
