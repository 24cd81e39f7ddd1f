"""Compare areas: up to four areas, each against the county (the yardstick, never one of the four),
for one or more measures at once.  A summary table answers first (each area's rate, its interval and
how it stands against the rest of the county); the charts, trends and words follow."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes
from sdp_dash.config.months import shift_month
from sdp_dash.domain import crime, words
from sdp_dash.domain.figure import POLICE_SOURCE, RATE_UNIT
from sdp_dash.web import cards, data, frame, state
from sdp_dash.web.cache import chart
from sdp_dash.web.escape import md


def colours(chosen: list[str], view: state.ViewState) -> charts.AreaColours:
    """The page's one colour per area (``charts.area_colours``): the view's area dark blue, the county
    orange, the others in the order chosen; the key, the bars and the trend all use it."""
    return charts.area_colours([(c, str(data.area(c)["area_name"])) for c in chosen], chosen=view.area_code)


def render() -> None:
    view = state.current()
    frame.page_header("Compare areas", view)
    chosen = [c for c in state.compare_codes(view) if c != codes.COUNTY]
    options = {c: n for c, n in state.area_options().items() if c != codes.COUNTY}
    st.session_state["sdp_compare"] = chosen
    st.multiselect(
        f"Areas to compare with {codes.THE_AREA} (up to four)",
        list(options),
        key="sdp_compare",
        format_func=lambda c: options.get(c, c),
        max_selections=4,
        on_change=state.on_compare_change,
        placeholder="Type an area name",
    )
    measures = data.measures()
    picked = state.compare_measures(view)
    st.session_state["sdp_measures"] = picked
    st.multiselect(
        "Measures to compare (up to four)",
        list(measures),
        key="sdp_measures",
        format_func=lambda m: measures[m].label if m in measures else m,
        max_selections=state.MAX_MEASURES,
        on_change=state.on_measures_change,
        placeholder="Choose measures",
    )
    if not chosen:  # nothing is picked for you: the county's own figures, the yardstick, until an area is added
        st.info(f"Add an area above to compare it with {codes.THE_AREA}.", icon=":material/info:")
    shown = [*chosen, codes.COUNTY]
    palette = colours(shown, view)
    _summary(view, chosen, [measures[m] for m in picked])
    notes = {codes.COUNTY_NAME: " (the yardstick)"}
    if view.area_code in chosen and not view.is_county:
        notes[view.area_name] = " (the chosen area)"
    cards.area_key(palette, "Colours in the charts below", notes=notes)
    for measure_id in picked:
        _measure_section(view, shown, measures[measure_id], palette)
    _trend(view, shown, measures[picked[0]], palette)
    from pages import site

    frame.page_links(view, {site.page("home"): "Overview", site.page("explore"): "Explore an area"})


def _summary(view: state.ViewState, chosen: list[str], measures: list) -> None:
    """Areas by measures: each area's rate and interval, and how it stands against the rest of the county."""
    rows = []
    for m in measures:
        county = data.figure(codes.COUNTY, m.measure_id, view.start, view.end)
        for c in chosen:
            r = crime.against_rest(data.figure(c, m.measure_id, view.start, view.end), county)
            rows.append(
                {
                    "Area": r.area.area_name,
                    "Measure": m.label,
                    f"Rate {RATE_UNIT}": r.area.rate_text,
                    "95% interval": r.area.interval_text,
                    f"Against {crime.rest_words()}": r.comparison.words(crime.rest_words()),
                }
            )
        rows.append(
            {
                "Area": f"{codes.COUNTY_NAME} (the yardstick)",
                "Measure": m.label,
                f"Rate {RATE_UNIT}": county.rate_text,
                "95% interval": county.interval_text,
                f"Against {crime.rest_words()}": "",
            }
        )
    st.header("Summary", anchor=False)
    st.markdown(
        md(
            f"{view.period}. Each area is compared with {crime.rest_words()} ({codes.THE_AREA} without it): higher or lower "
            "means the two 95% intervals do not overlap; otherwise similar."
        )
    )
    st.table(pd.DataFrame(rows), hide_index=True)
    st.caption(f"Source: {POLICE_SOURCE}; residents: Census 2021 usual residents (Office for National Statistics).")


def _sentences(figs) -> list[str]:
    """Each area against the rest of the county; an area is never compared with an area that holds it."""
    county = next((f for f in figs if f.area_code == codes.COUNTY), None)
    out = []
    for f in figs:
        if county is None or f is county:
            continue
        r = crime.against_rest(f, county)
        if r.comparison.result == "not compared":
            out.append(f"{f.area_name} is not compared with {crime.rest_words()}: {r.comparison.reason}.")
            continue
        tail = (
            "their 95% intervals do not overlap."
            if r.comparison.result in ("higher", "lower")
            else "their 95% intervals overlap, so the difference could be chance."
        )
        rest = f"{crime.rest_words()} ({r.rest.rate_text})" if r.rest is not None else crime.rest_words()
        out.append(f"{f.area_name}'s rate ({f.rate_text} {RATE_UNIT}) is {r.comparison.words(rest)}: {tail}")
    return out


def _measure_section(view: state.ViewState, chosen: list[str], measure, palette: charts.AreaColours) -> None:
    figs = [data.figure(c, measure.measure_id, view.start, view.end) for c in chosen]
    label = measure.label
    st.subheader(label, anchor=False)
    st.markdown("\n".join(f"- {md(s)}" for s in _sentences(figs)))
    note = figs[0].period.coverage_note
    if note:
        st.caption(md(f"Every area is counted over the same months: {note}."))
    shown = data.frame([f for f in figs if f.available])
    cards.chart_card(
        f"{label} {RATE_UNIT}",
        chart(charts.rates, shown, label="area_name", title=f"Rate {RATE_UNIT}", description="Areas compared", colours=palette),
        data.table(figs, drop=("Period",)),
        alt_text=(
            f"Bar chart of {label.lower()} {RATE_UNIT}, {view.period}, with 95% intervals, for "
            + "; ".join(f"{f.area_name}: {f.rate_text}" for f in figs)
            + "."
        ),
        about=cards.police_about(view, f"{label} {RATE_UNIT} (Census 2021 usual residents), with 95% intervals."),
        key=f"compare_rates_{measure.measure_id}",
    )


def _trend(view: state.ViewState, chosen: list[str], measure, palette: charts.AreaColours) -> None:

    label = measure.label
    trend_start = shift_month(view.start, -12)
    monthly = [f for c in chosen for f in data.trend_figures(c, measure.measure_id, view.start, view.end)]
    names = list(dict.fromkeys(f.area_name for f in monthly))
    cards.chart_card(
        f"{label}: month by month",
        chart(
            charts.trend,
            data.trend_frame(monthly),
            value="rate",
            series="area_name",
            title=f"Rate {RATE_UNIT}",
            description="Trends",
            colours=palette,
        ),
        data.trend_table(monthly),
        alt_text=(
            f"Line chart of {label.lower()} {RATE_UNIT} (each month's count times 12) from {words.month_words(trend_start)} to "
            f"{words.month_words(view.end)} for {', '.join(names)}. Months without data are gaps."
        ),
        about=cards.police_about(
            view,
            f"{label} recorded each month, {RATE_UNIT} (the month's count times 12).",
            period=f"{words.month_words(trend_start)} to {words.month_words(view.end)}",
        ),
        key="compare_trend",
    )


# Streamlit runs a file of pages/ on its own when a fresh server process's very first request is for that
# address (its old pages-folder routing): the file then runs the whole app, which opens this address.
if __name__ == "__main__":
    from pages import site

    site.run()
