"""Overview: the key crime indicators for the chosen area, each against the county (for an area of the
county) or against the neighbouring police forces (for the county), their change and trend."""

from __future__ import annotations

from datetime import date

import streamlit as st

from sdp_dash import charts
from sdp_dash.config import catalogue, codes
from sdp_dash.config.months import shift_month
from sdp_dash.domain import crime, home, words
from sdp_dash.domain.figure import RATE_UNIT
from sdp_dash.web import cards, data, frame, state
from sdp_dash.web.cache import chart
from sdp_dash.web.escape import md


def render() -> None:
    view = state.current()
    frame.page_header("Overview", view)
    st.markdown(
        "How much crime and anti-social behaviour the police recorded, per 1,000 residents a year, "
        + (
            "and how that compares with a year earlier and with neighbouring police forces."
            if view.is_county
            else f"and how that compares with {crime.rest_words()} and with a year earlier."
        )
    )
    months = data.present_months()
    stale = words.staleness(months[-1], date.today()) if months else None
    if stale:
        st.info(stale + " See About the data for when this site's data was refreshed.", icon=":material/update:")
    crime_links(view)
    key_indicators(view)
    monthly_trend(view)
    if view.is_county:  # the force areas mean something for the county as a whole, not for one of its areas
        forces(view)
    from pages import site

    frame.page_links(view, {site.page("explore"): "Explore this area on a map", site.page("compare"): "Compare areas"})


def _colours(view: state.ViewState) -> charts.AreaColours:
    """The area's colour on every chart of the page (``charts.area_colours``): dark blue, or orange for the county."""
    return charts.area_colours([(view.area_code, view.area_name)], chosen=view.area_code)


AGGREGATES = frozenset({"all_crime", "victim_based_crime", "theft"})  # the key indicators below, not crimes of one kind


def crime_links(view: state.ViewState) -> None:
    """A link to each crime's card (its trend and what it means) on its priority page, for this area and
    period: the card opens first there (``?card=``), so a resident reaches it in one step from here."""
    from pages import site

    st.markdown("**Each crime's trend in this area, and what it means:**")
    with st.container(horizontal=True, key="sdp_crime_links", gap="small"):
        for prio in catalogue.priorities():
            for ind in catalogue.indicators_for(prio.id):
                if ind.kind == "police_uk" and ind.id not in AGGREGATES:
                    st.page_link(site.page(prio.url_path), label=ind.title, query_params=view.params(card=ind.id))


def key_indicators(view: state.ViewState) -> None:
    figs = data.key_figures(view.area_code, view.start, view.end)
    st.header("Key crime indicators", anchor=False)
    against = {} if view.is_county else {r.area.measure_id: r for r in data.against_county(view.area_code, view.start, view.end)}
    for col, fig in zip(st.columns(len(figs)), figs, strict=True):
        with col, st.container(border=True):
            cards.metric(fig)
            r = against.get(fig.measure_id)
            if r is not None:  # the county's figure beside it, and how the area stands against the rest of the county
                said = r.comparison.words(crime.rest_words())
                st.markdown(md(f"{codes.COUNTY_NAME}: {r.county.rate_text}. {said[:1].upper()}{said[1:]}."))
    changes = [data.change(view.area_code, f.measure_id, view.start, view.end) for f in figs]
    note = changes[0].comparable.note() if changes else ""
    if note:
        st.info(note, icon=":material/event_busy:")
    st.markdown("\n".join(f"- {md(c.sentence)}" for c in changes))
    st.caption(
        "A difference is called bigger than chance would explain when a two-sided exact test gives p below 0.05. "
        + cards.CAVEAT_RECORDING
    )
    shown = [f for f in figs if f.available]
    cards.chart_card(
        f"Key indicators, {RATE_UNIT}",
        chart(
            charts.rates,
            data.frame(shown),
            label="measure",
            title=f"Rate {RATE_UNIT}",
            description="Key crime indicators",
            colours=_colours(view),
        ),
        data.table(figs, drop=("Area", "Period")),
        alt_text=(
            f"Bar chart of the key crime indicators for {view.area_name}, {view.period}, {RATE_UNIT} with 95% intervals. "
            + "; ".join(f"{f.measure}: {f.rate_text}" for f in figs)
            + "."
        ),
        about=cards.police_about(
            view, f"Crimes and anti-social behaviour incidents recorded by the police, {RATE_UNIT} (Census 2021)."
        ),
        key="overview_key",
    )


def monthly_trend(view: state.ViewState) -> None:
    st.header("Monthly trend", anchor=False)
    label = data.measures()[view.measure].label
    trend_start = shift_month(view.start, -12)
    monthly = data.trend_figures(view.area_code, view.measure, view.start, view.end)
    missing = [f.period.start for f in monthly if f.count is None]
    cards.chart_card(
        f"{label}: month by month",
        chart(
            charts.trend,
            data.trend_frame(monthly),
            value="rate",
            series=None,
            title=f"Rate {RATE_UNIT}",
            description=f"{label} by month",
            colours=_colours(view),
        ),
        data.trend_table(monthly),
        alt_text=(
            f"Line chart of {label.lower()} each month from {words.month_words(trend_start)} to {words.month_words(view.end)} "
            f"in {view.area_name}, as a rate {RATE_UNIT} (each month's count times 12)."
            + (f" There is no data for {words.months_words(missing)}, shown as a gap." if missing else "")
        ),
        about=cards.police_about(
            view,
            f"{label} recorded each month, as a rate {RATE_UNIT} (the month's count times 12, per 1,000 usual residents).",
            period=f"{words.month_words(trend_start)} to {words.month_words(view.end)}",
        ),
        key="overview_trend",
    )


def forces(view: state.ViewState) -> None:
    st.header("Compared with neighbouring police forces", anchor=False)
    label = data.measures()[view.measure].label
    figs = data.force_figures(view.measure, view.start, view.end)
    own, others = figs[0], figs[1:]  # the partnership's force first
    from sdp_dash.domain.figure import compare

    st.markdown(
        " ".join(f"The {md(own.area_name)}'s rate is {md(compare(own, o).words(f'the {o.area_name}’s'))}." for o in others)
    )
    cards.chart_card(
        f"{label} {RATE_UNIT}, by police force area",
        chart(
            charts.rates,
            data.frame([f for f in figs if f.available]),
            label="area_name",
            title=f"Rate {RATE_UNIT}",
            description="Police force areas",
            colours=charts.area_colours([(f.area_code, f.area_name) for f in figs], chosen=view.area_code),
        ),
        data.table(figs, drop=("Period",)),
        alt_text=(
            f"Bar chart of {label.lower()} {RATE_UNIT} in {view.period} for three police force areas: "
            + "; ".join(f"{f.area_name}: {f.rate_text}" for f in figs)
            + "."
        ),
        about=cards.police_about(
            view,
            f"{label} {RATE_UNIT} in each police force area.{_force_note()}",
        ),
        key="overview_forces",
    )


# Streamlit runs a file of pages/ on its own when a fresh server process's very first request is for that
# address (its old pages-folder routing): the file then runs the whole app, which opens this address.
if __name__ == "__main__":
    from pages import site

    site.run()


def _force_note() -> str:
    """' The <force> area includes <its other authorities> as well as <the partnership's area>.' ('' for a force of one)."""
    h = home.current()
    if not h.neighbours:
        return ""
    return f" The {h.force_name(h.force_code)} area includes {home.joined([n for _, n in h.neighbours])} as well as {h.name}."
