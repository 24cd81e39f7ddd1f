"""Compare areas: two to four areas side by side, with intervals, trends and the differences in words."""

from __future__ import annotations

import itertools

import pandas as pd
import streamlit as st

from sdp_dash import ui
from sdp_dash.domain import crime, words

state = ui.view_state()
ui.page_header("Compare areas", state)
label = ui.measure_label(state.measure)

codes = ui.compare_codes(state)
options = ui.area_options()
st.session_state["sdp_compare"] = codes
st.multiselect(
    "Areas to compare (two to four)",
    list(options),
    key="sdp_compare",
    format_func=lambda c: options.get(c, c),
    max_selections=4,
    on_change=ui.on_compare_change,
    placeholder="Type an area name",
)
if len(codes) < 2:
    st.info("Choose at least two areas to compare.", icon=":material/info:")
    st.stop()

rates = pd.DataFrame([ui.fig("measure_rate", c, state.measure, state.start, state.end) for c in codes])
sensitive = ui.measure_is_sensitive(state.measure)
hidden = sensitive & (rates["count"] > 0) & (rates["count"] < 5)
rates["shown"] = ["fewer than 5" if hid else f"{c:,}" for c, hid in zip(rates["count"], hidden, strict=True)]
rates.loc[hidden, ["rate", "lower", "upper"]] = float("nan")

st.subheader("What the figures say", anchor=False)
sentences = []
for a, b in itertools.combinations(rates.itertuples(), 2):
    if pd.isna(a.rate) or pd.isna(b.rate):
        sentences.append(f"{a.area_name} and {b.area_name} are not compared: the numbers are too small to show.")
        continue
    result = ui.stats_compare(a, b)
    how = words.comparison_words(result, "", b.area_name)
    tail = (
        "their 95% intervals do not overlap."
        if result in ("higher", "lower")
        else "their 95% intervals overlap, so the difference could be chance."
    )
    sentences.append(f"{a.area_name}'s rate ({a.rate:,.1f} per 1,000) is {how} ({b.rate:,.1f}): {tail}")
st.markdown("\n".join(f"- {ui.md_escape(s)}" for s in sentences))
if any(rates["months_missing"] > 0):
    st.caption("Some months of this period have no data: every area is counted over the same months, so they remain comparable.")

table = crime.rate_table(rates, count="shown")
ui.chart_card(
    f"{label} per 1,000 residents",
    ui.chart(
        "rates", rates.dropna(subset=["rate"]), label="area_name", title="Rate per 1,000 residents", description="Areas compared"
    ),
    table,
    alt_text=(
        f"Bar chart of {label.lower()} per 1,000 residents, {state.period}, with 95% intervals, for "
        + "; ".join(
            f"{n}: {'not shown' if pd.isna(v) else f'{v:,.1f}'}" for n, v in zip(rates["area_name"], rates["rate"], strict=True)
        )
        + "."
    ),
    about=ui.police_about(state, f"{label} per 1,000 usual residents (Census 2021), with 95% intervals."),
    key="compare_rates",
)

trend_start = words.shift_month(state.start, -12)
monthly = pd.concat([ui.fig("monthly_rates", c, state.measure, trend_start, state.end) for c in codes], ignore_index=True)
trend_table = monthly.pivot_table(index="month", columns="area_name", values="rate_per_1000", dropna=False, sort=True)
trend_table = trend_table.map(lambda v: "no data" if pd.isna(v) else f"{v:,.2f}")
trend_table.index = [words.month_words(m) for m in trend_table.index]
trend_table = trend_table.reset_index(names="Month")
if sensitive:
    st.caption(f"{label} is a sensitive category: monthly figures are shown as rates only.")
ui.chart_card(
    f"{label}: month by month",
    ui.chart("trend", monthly, value="rate_per_1000", series="area_name", title="Rate per 1,000 residents", description="Trends"),
    trend_table,
    alt_text=(
        f"Line chart of {label.lower()} per 1,000 residents each month from {words.month_words(trend_start)} to "
        f"{words.month_words(state.end)} for {', '.join(rates['area_name'])}. Months without data are gaps."
    ),
    about=ui.police_about(state, f"{label} recorded each month, per 1,000 usual residents (Census 2021)."),
    key="compare_trend",
)
ui.page_links(state, {"pages/overview.py": "Overview", "pages/explore.py": "Explore an area"})
