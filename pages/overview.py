"""Overview: the key crime indicators for the chosen area, their change, trend and the force comparison."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdp_dash import ui
from sdp_dash.domain import crime, words

state = ui.view_state()
ui.page_header("Overview", state)
st.markdown(
    "How much crime and anti-social behaviour the police recorded, per 1,000 residents, "
    "and how that compares with a year earlier and with neighbouring police forces."
)

key = ui.fig("key_indicators", state.area_code, state.start, state.end)
note = key.attrs.get("comparison_note", "")

st.header("Key crime indicators", anchor=False)
cols = st.columns(len(key))
for col, r in zip(cols, key.itertuples(), strict=True):
    small = r.sensitive and 0 < r.count < 5
    with col, st.container(border=True):
        st.metric(
            r.measure,
            "fewer than 5" if small else f"{r.rate_per_1000:,.1f} per 1,000",
            help=f"{r.count:,} recorded in {state.period}." if not small else None,
        )
        if not small:
            st.caption(f"{r.count:,} recorded")
if note:
    st.info(note, icon=":material/event_busy:")
st.markdown("\n".join(f"- {ui.md_escape(s)}" for s in key["sentence"]))
st.caption(
    "A difference is called bigger than chance would explain when a two-sided exact test gives p below 0.05. "
    + ui.CAVEAT_RECORDING
)

table = pd.DataFrame(
    {
        "Measure": key["measure"],
        "Count": [("fewer than 5" if s and 0 < c < 5 else f"{c:,}") for c, s in zip(key["count"], key["sensitive"], strict=True)],
        "Rate per 1,000": key["rate_per_1000"].round(1),
        "95% interval from": key["lower_95"].round(1),
        "95% interval to": key["upper_95"].round(1),
        "Compared months, this year": key["compared_now"],
        "Same months, a year earlier": key["compared_before"],
    }
)
chart = ui.chart(
    "rates",
    key.rename(columns={"rate_per_1000": "rate", "lower_95": "lower", "upper_95": "upper"}),
    label="measure",
    title="Rate per 1,000 residents",
    description="Key crime indicators",
)
ui.chart_card(
    "Key indicators per 1,000 residents",
    chart,
    table,
    alt_text=(
        f"Bar chart of the five key crime indicators for {state.area_name}, {state.period}, per 1,000 residents with 95% intervals. "
        + "; ".join(f"{m}: {v:,.1f}" for m, v in zip(key["measure"], key["rate_per_1000"], strict=True))
        + "."
    ),
    about=ui.police_about(
        state, "Crimes and anti-social behaviour incidents recorded by the police, per 1,000 usual residents (Census 2021)."
    ),
    key="overview_key",
)

st.header("Monthly trend", anchor=False)
label = ui.measure_label(state.measure)
trend_start = words.shift_month(state.start, -12)
monthly = ui.fig("monthly_rates", state.area_code, state.measure, trend_start, state.end)
missing = monthly[monthly["status"] == "missing"]["month"].tolist()
trend_table = pd.DataFrame(
    {
        "Month": [words.month_words(m) for m in monthly["month"]],
        "Count": [("no data" if pd.isna(c) else f"{int(c):,}") for c in monthly["count"]],
        "Rate per 1,000": monthly["rate_per_1000"].round(2),
    }
)
ui.chart_card(
    f"{label}: month by month",
    ui.chart(
        "trend", monthly, value="rate_per_1000", series=None, title="Rate per 1,000 residents", description=f"{label} by month"
    ),
    trend_table,
    alt_text=(
        f"Line chart of {label.lower()} per 1,000 residents in {state.area_name} each month from "
        f"{words.month_words(trend_start)} to {words.month_words(state.end)}."
        + (f" There is no data for {words.months_words(missing)}, shown as a gap." if missing else "")
    ),
    about=ui.police_about(state, f"{label}, recorded each month, per 1,000 usual residents (Census 2021)."),
    key="overview_trend",
)

st.header("Compared with neighbouring police forces", anchor=False)
forces = ui.fig("force_comparison", state.start, state.end, state.measure)
durham, others = forces.iloc[0], forces.iloc[1:]
sentences = []
for r in others.itertuples():
    result = ui.stats_compare(durham, r)
    theirs = "the " + r.area_name + "'s"
    sentences.append(f"The Durham Constabulary area's rate is {words.comparison_words(result, '', theirs)}.")
st.markdown(" ".join(sentences))
ui.chart_card(
    f"{label} per 1,000 residents, by police force area",
    ui.chart(
        "rates",
        forces,
        label="area_name",
        title="Rate per 1,000 residents",
        description="Police force areas",
        highlight=durham["area_name"],
    ),
    crime.rate_table(forces, "Police force area"),
    alt_text=(
        f"Bar chart of {label.lower()} per 1,000 residents in {state.period} for three police force areas: "
        + "; ".join(f"{n}: {v:,.1f}" for n, v in zip(forces["area_name"], forces["rate"], strict=True))
        + "."
    ),
    about=ui.police_about(
        state,
        f"{label} per 1,000 usual residents in each police force area. The Durham Constabulary area includes Darlington "
        "as well as County Durham.",
    ),
    key="overview_forces",
)

ui.page_links(state, {"pages/explore.py": "Explore this area on a map", "pages/compare.py": "Compare areas"})
