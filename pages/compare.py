"""Compare areas: two to four areas side by side, with intervals, trends and the differences in words."""

from __future__ import annotations

import itertools

import streamlit as st

from sdp_dash import charts
from sdp_dash.config.months import shift_month
from sdp_dash.domain import crime, words
from sdp_dash.domain.figure import RATE_UNIT, compare
from sdp_dash.web import cards, data, frame, state
from sdp_dash.web.cache import chart
from sdp_dash.web.escape import md


def render() -> None:
    view = state.current()
    frame.page_header("Compare areas", view)
    label = data.measures()[view.measure].label
    chosen = state.compare_codes(view)
    options = state.area_options()
    st.session_state["sdp_compare"] = chosen
    st.multiselect(
        "Areas to compare (two to four)",
        list(options),
        key="sdp_compare",
        format_func=lambda c: options.get(c, c),
        max_selections=4,
        on_change=state.on_compare_change,
        placeholder="Type an area name",
    )
    if len(chosen) < 2:
        st.info("Choose at least two areas to compare.", icon=":material/info:")
        return
    figs = [data.figure(c, view.measure, view.start, view.end) for c in chosen]

    st.subheader("What the figures say", anchor=False)
    sentences = []
    for a, b in itertools.combinations(figs, 2):
        result = compare(a, b)
        if result.result == "not compared":
            sentences.append(f"{a.area_name} and {b.area_name} are not compared: {result.reason}.")
            continue
        tail = (
            "their 95% intervals do not overlap."
            if result.result in ("higher", "lower")
            else "their 95% intervals overlap, so the difference could be chance."
        )
        sentences.append(
            f"{a.area_name}'s rate ({a.rate_text} {RATE_UNIT}) is {result.words(b.area_name)} ({b.rate_text}): {tail}"
        )
    st.markdown("\n".join(f"- {md(s)}" for s in sentences))
    note = figs[0].period.coverage_note
    if note:
        st.caption(md(f"Every area is counted over the same months: {note}."))

    cards.chart_card(
        f"{label} {RATE_UNIT}",
        chart(
            charts.rates,
            crime.frame([f for f in figs if f.available]),
            label="area_name",
            title=f"Rate {RATE_UNIT}",
            description="Areas compared",
        ),
        crime.table(figs, drop=("Measure", "Period")),
        alt_text=(
            f"Bar chart of {label.lower()} {RATE_UNIT}, {view.period}, with 95% intervals, for "
            + "; ".join(f"{f.area_name}: {f.rate_text}" for f in figs)
            + "."
        ),
        about=cards.police_about(view, f"{label} {RATE_UNIT} (Census 2021 usual residents), with 95% intervals."),
        key="compare_rates",
    )

    from pages.overview import trend_frame, trend_table

    trend_start = shift_month(view.start, -12)
    monthly = [f for c in chosen for f in data.monthly_figures(c, view.measure, trend_start, view.end)]
    cards.chart_card(
        f"{label}: month by month",
        chart(
            charts.trend, trend_frame(monthly), value="rate", series="area_name", title=f"Rate {RATE_UNIT}", description="Trends"
        ),
        trend_table(monthly),
        alt_text=(
            f"Line chart of {label.lower()} {RATE_UNIT} (each month's count times 12) from {words.month_words(trend_start)} to "
            f"{words.month_words(view.end)} for {', '.join(f.area_name for f in figs)}. Months without data are gaps."
        ),
        about=cards.police_about(
            view,
            f"{label} recorded each month, {RATE_UNIT} (the month's count times 12).",
            period=f"{words.month_words(trend_start)} to {words.month_words(view.end)}",
        ),
        key="compare_trend",
    )
    from pages import site

    frame.page_links(view, {site.page("home"): "Overview", site.page("explore"): "Explore an area"})
