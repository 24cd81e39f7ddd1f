"""Explore an area: a map of rates at a chosen level, and the chosen area's profile (its factsheet)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdp_dash import charts, ui
from sdp_dash.domain import crime, stats, words

LEVELS = {
    "aap": "Area boards (approximate)",
    "division_2025": "Electoral divisions (from May 2025)",
    "division_2013": "Electoral divisions (2013-2025)",
    "msoa": "Neighbourhoods (MSOA)",
    "lsoa": "Small areas (LSOA)",
}


@st.cache_resource(show_spinner=False, max_entries=48)
def _map(wkey: str, level: str, measure: str, start: str, end: str, selected: str, show_points: bool, label: str):
    """The map, built and serialised once per view (a map of the 330 small areas is 2 MiB of JSON)."""
    by_area = _rates(level, measure, start, end)
    return charts.choropleth(
        by_area,
        ui.q("geometry", level),
        edges=charts.class_breaks(by_area["rate"]),
        rate_label=f"{label} per 1,000",
        selected=selected,
        points=ui.q("incident_points", selected, measure, start, end) if show_points else None,
    )


def _rates(level: str, measure: str, start: str, end: str):
    return stats.add_rates(ui.q("counts_by_area_type", level, measure, start, end))


state = ui.view_state()
ui.page_header("Explore an area", state)
label = ui.measure_label(state.measure)

st.header("Map", anchor=False)
if state.area["area_type"] in LEVELS and "sdp_level" not in st.session_state:
    st.session_state["sdp_level"] = state.area["area_type"]
level = st.selectbox("Show areas on the map as", list(LEVELS), format_func=LEVELS.get, key="sdp_level")
by_area = _rates(level, state.measure, state.start, state.end)

show_points = False
if state.area_code != ui.COUNTY:
    if ui.measure_is_sensitive(state.measure):
        st.caption(f"Incident points are never shown for {label.lower()}: the map shows area rates only.")
    else:
        show_points = st.toggle(
            "Show anonymised incident points in this area",
            key="sdp_points",
            help="Each point is an anonymous map point on or near the street where incidents were recorded.",
        )

deck = _map(ui._warehouse_key(), level, state.measure, state.start, state.end, state.area_code, show_points, label)
map_table = crime.rate_table(by_area).sort_values("Rate per 1,000", ascending=False)
highest = by_area.sort_values("rate", ascending=False).iloc[0]
lowest = by_area.sort_values("rate").iloc[0]
point_caveats = (
    (
        "Points are anonymous map points: each stands for a street or place near where incidents were recorded, "
        "never an exact address. Violence and sexual offences and robbery are never shown as points.",
    )
    if show_points
    else ()
)
selection = ui.chart_card(
    f"{label} per 1,000 residents: {LEVELS[level].lower()}",
    deck,
    map_table,
    alt_text=(
        f"Map of County Durham's {len(by_area)} {LEVELS[level].lower()}, shaded by {label.lower()} per 1,000 residents in "
        f"{state.period}; darker is higher. Highest: {highest['area_name']} ({highest['rate']:,.1f}); "
        f"lowest: {lowest['area_name']} ({lowest['rate']:,.1f}). The table below lists every area."
        + (f" {state.area_name} is outlined in orange." if state.area_code in set(by_area["area_code"]) else "")
    ),
    about=ui.police_about(
        state, f"{label} per 1,000 usual residents (Census 2021) in each area, with 95% intervals.", ui.CAVEATS + point_caveats
    ),
    key="explore_map",
    on_select=True,
)
ui.legend(
    charts.legend_items(charts.class_breaks(by_area["rate"])),
    f"{label} per 1,000 residents (classes hold about equal numbers of areas)",
)
if show_points:
    n_points = len(ui.q("incident_points", state.area_code, state.measure, state.start, state.end))
    st.caption(
        f"{n_points:,} anonymous map points shown in purple (larger = more incidents). police.uk snaps each incident to an "
        "anonymous map point on or near the street, so a point is never an exact address. Violence and sexual offences "
        "and robbery are never shown as points."
    )

# A click on the map opens that area's profile (only a *new* click: the selection persists across reruns).
picked = None
if selection:
    objects = (selection.get("selection") or {}).get("objects") or {}
    for obj in objects.get("areas", []):
        picked = (obj.get("properties") or {}).get("area_code")
if picked and picked != st.session_state.get("_sdp_last_click"):
    st.session_state["_sdp_last_click"] = picked
    if picked != state.area_code:
        ui.set_param("area", picked)
        st.rerun()

names = dict(zip(by_area["area_code"], by_area["area_name"], strict=True))
options = [ui.COUNTY] + sorted(names, key=names.get)
st.session_state["sdp_pick"] = state.area_code if state.area_code in options else ui.COUNTY
st.selectbox(
    "Open the profile of",
    options,
    key="sdp_pick",
    format_func=lambda c: "County Durham (whole county)" if c == ui.COUNTY else names.get(c, c),
    on_change=lambda: ui.set_param("area", st.session_state["sdp_pick"]),
    help="Or click an area on the map.",
)

# --- The profile (the area board's factsheet) ------------------------------------------------------
st.header(f"Profile: {state.area_name}", anchor=False)
if state.area.get("approximate"):
    st.caption(ui.CAVEAT_AAP)
is_county = state.area_code == ui.COUNTY

vs = ui.fig("against_county", state.area_code, state.start, state.end)
if not is_county:
    st.markdown(
        "\n".join(
            f"- **{ui.md_escape(r.measure)}**: {r.rate:,.1f} per 1,000 — {words.comparison_words(r.compared, '')} "
            f"({r.county_rate:,.1f})."
            if r.compared != "not compared"
            else f"- **{ui.md_escape(r.measure)}**: {ui.md_escape(r.count)} recorded — not compared (too few to show)."
            for r in vs.itertuples()
        )
    )
    st.caption("Higher or lower means the 95% intervals of the area and the county do not overlap; otherwise similar.")
    mt = ui.measure_table()
    short = dict(zip(mt["measure_id"], mt["short_label"], strict=True))
    vs = vs.assign(measure=vs["measure_id"].map(short).fillna(vs["measure"]))
    long = pd.concat(
        [
            vs.assign(series=vs["measure"] + ": " + state.area_name)[["series", "rate", "lower", "upper"]],
            vs.assign(series=vs["measure"] + ": County Durham").rename(
                columns={
                    "rate": "x",
                    "county_rate": "rate",
                    "lower": "y",
                    "county_lower": "lower",
                    "upper": "z",
                    "county_upper": "upper",
                }
            )[["series", "rate", "lower", "upper"]],
        ]
    ).dropna(subset=["rate"])
    order = [s for pair in zip(long["series"][: len(vs)], long["series"][len(vs) :], strict=False) for s in pair]
    long = long.set_index("series").loc[[s for s in order if s in set(long["series"])]].reset_index()
    vs_table = pd.DataFrame(
        {
            "Measure": vs["measure"],
            "Count": vs["count"],
            "Rate per 1,000": vs["rate"].round(1),
            "95% interval": [
                "not shown" if pd.isna(lo) else f"{lo:,.1f} to {hi:,.1f}" for lo, hi in zip(vs["lower"], vs["upper"], strict=True)
            ],
            "County rate per 1,000": vs["county_rate"].round(1),
            "Compared with the county": vs["compared"],
        }
    )
    ui.chart_card(
        "Key indicators against the county",
        ui.chart("rates", long, label="series", title="Rate per 1,000 residents", description="Area against county"),
        vs_table,
        alt_text=(
            f"Bar chart pairing each key indicator for {state.area_name} with County Durham, per 1,000 residents with 95% intervals. "
            + "; ".join(f"{r.measure}: {r.compared}" for r in vs.itertuples())
            + "."
        ),
        about=ui.police_about(
            state, "Key crime indicators per 1,000 usual residents, with 95% intervals, for the area and the county."
        ),
        key="profile_vs_county",
    )

types = ui.fig("types_ranked", state.area_code, state.start, state.end)
top = types.dropna(subset=["rate"]).head(3)
st.markdown(
    f"The most common recorded types in {ui.md_escape(state.area_name)} were "
    + ", ".join(f"{ui.md_escape(t.crime_type.lower())} ({t.rate:,.1f} per 1,000)" for t in top.itertuples())
    + "."
)
ui.chart_card(
    "Crime and anti-social behaviour by type",
    ui.chart(
        "ranked_bars",
        types.dropna(subset=["rate"]),
        label="crime_type",
        value="rate",
        title="Rate per 1,000 residents",
        description="By type",
    ),
    pd.DataFrame(
        {
            "Type": types["crime_type"],
            "Count": types["shown"],
            "Rate per 1,000": types["rate"].round(2),
            "95% interval from": types["lower"].round(2),
            "95% interval to": types["upper"].round(2),
        }
    ),
    alt_text=(
        f"Bar chart of the 14 police.uk categories in {state.area_name}, {state.period}, ranked by rate per 1,000 residents. "
        "Highest: " + "; ".join(f"{t.crime_type}: {t.rate:,.1f}" for t in top.itertuples()) + "."
    ),
    about=ui.police_about(
        state,
        "Each police.uk category per 1,000 usual residents. Small counts (1 to 4) of violence and sexual offences and "
        "robbery are shown as 'fewer than 5'.",
    ),
    key="profile_types",
)

trend_start = words.shift_month(state.start, -12)
series = [ui.fig("monthly_rates", state.area_code, state.measure, trend_start, state.end)]
if not is_county:
    series.append(ui.fig("monthly_rates", ui.COUNTY, state.measure, trend_start, state.end))
monthly = pd.concat(series, ignore_index=True)
trend_table = monthly.pivot_table(index="month", columns="area_name", values="rate_per_1000", dropna=False, sort=True).round(2)
trend_table.index = [words.month_words(m) for m in trend_table.index]
trend_table = trend_table.map(lambda v: "no data" if pd.isna(v) else f"{v:,.2f}").reset_index(names="Month")
ui.chart_card(
    f"{label}: month by month" + ("" if is_county else ", against the county"),
    ui.chart("trend", monthly, value="rate_per_1000", series="area_name", title="Rate per 1,000 residents", description="Trend"),
    trend_table,
    alt_text=(
        f"Line chart of {label.lower()} per 1,000 residents each month from {words.month_words(trend_start)} to "
        f"{words.month_words(state.end)} for {state.area_name}" + ("" if is_county else " and County Durham") + ". "
        "Months without data are gaps."
    ),
    about=ui.police_about(state, f"{label} recorded each month, per 1,000 usual residents (Census 2021)."),
    key="profile_trend",
)

st.subheader("Deprivation context", anchor=False)
dep = ui.fig("deprivation_summary", state.area_code)
dep_rows = ui.q("deprivation_for_area", state.area_code)
if dep["imd_decile"] is None:
    st.markdown("No deprivation figures are available for this area.")
elif dep["lsoas"] == 1:
    st.markdown(
        f"This small area is in **decile {dep['imd_decile']:.0f}** of the Index of Multiple Deprivation 2019 and "
        f"**decile {dep['crime_decile']:.0f}** of its Crime domain (1 = the most deprived 10% of areas in England, "
        "10 = the least deprived)."
    )
else:
    st.markdown(
        f"Averaged over its {dep['lsoas']} small areas (LSOAs), weighting each by its residents, the area's Index of Multiple "
        f"Deprivation 2019 decile is **{dep['imd_decile']:.1f}** and its Crime-domain decile **{dep['crime_decile']:.1f}** "
        f"(1 = the most deprived 10% of areas in England, 10 = the least deprived). {dep['most_deprived_20']} of its "
        "small areas are among the most deprived 20% in England. The table lists every small area."
    )
dep_table = pd.DataFrame(
    {
        "Small area": dep_rows["area_name"],
        "Residents": dep_rows["population"].map("{:,}".format),
        "IMD 2019 decile": dep_rows["imd_decile"],
        "Crime-domain decile": dep_rows["crime_decile"],
    }
)
with st.expander("Deprivation of each small area", icon=":material/table:"):
    st.table(dep_table, hide_index=True)
st.caption(
    "IMD 2019 was published for 2011 small areas; figures are carried to the 2021 small areas through the ONS lookup. "
    "Deprivation describes the area, not the people in it."
)

# --- Printable factsheet --------------------------------------------------------------------------
sections = [
    f"<h1>{ui.h(state.area_name)}: community safety factsheet</h1>",
    f"<p>{ui.h(ui.PARTNERSHIP)} · {ui.h(state.period)}</p>",
]
if not is_county:
    sections.append(ui.html_table(vs_table, "Key indicators per 1,000 residents, against County Durham"))
sections.append(
    ui.html_table(
        pd.DataFrame({"Type": types["crime_type"], "Count": types["shown"], "Rate per 1,000": types["rate"].round(2)}),
        "Crime and anti-social behaviour by type",
    )
)
sections.append(ui.html_table(trend_table, f"{label} per 1,000 residents by month"))
sections.append(ui.html_table(dep_table, "Deprivation (IMD 2019 deciles; 1 = most deprived 10% in England)"))
sections.append("<h2>Things to know</h2><ul>" + "".join(f"<li>{ui.h(c)}</li>" for c in ui.CAVEATS) + "</ul>")
sections.append(
    "<p>Source: data.police.uk (Open Government Licence v3.0); Census 2021 (ONS, OGL v3.0); English Indices of Deprivation 2019 "
    f"(MHCLG, OGL v3.0). Link to this view: {ui.h(ui.share_url(state))}</p>"
)
factsheet = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
    + ui.h(state.area_name)
    + " factsheet</title><style>body{font-family:sans-serif;color:#0b0c0c;max-width:60rem;margin:2rem auto}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #3D3D3D;padding:.25rem .5rem;text-align:left}"
    "caption{font-weight:bold;text-align:left}h1{color:#12436D}</style></head><body>" + "".join(sections) + "</body></html>"
)
st.download_button(
    "Download a printable factsheet (HTML)",
    factsheet.encode("utf-8"),
    file_name=f"factsheet-{state.area_code}-{state.end}.html",
    mime="text/html",
    key="factsheet",
    on_click="ignore",
    icon=":material/print:",
)
ui.page_links(state, {"pages/overview.py": "Overview for this area", "pages/compare.py": "Compare with other areas"})
