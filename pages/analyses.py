"""Three analyses on the priority pages: what happened next (police.uk outcomes), who is most
affected (rates by deprivation decile) and the long view (ONS recorded crime by force area,
2003-2018).  Every number comes from the domain layer (``outcomes``, ``inequality``,
``long_view``) through cached calls; this module only lays them out.
"""

from __future__ import annotations

import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes
from sdp_dash.domain import inequality, long_view, outcomes, words
from sdp_dash.domain.figure import RATE_UNIT
from sdp_dash.web import cards, data
from sdp_dash.web.cache import chart
from sdp_dash.web.escape import md
from sdp_dash.web.state import ViewState

SENSITIVE_NOTE = "Counts from 1 to 4 are shown as “fewer than 5”, and a share that would give such a count back is not shown."
# The sections each priority page shows, in order.
SECTIONS = {
    "being_safe": ("next", "affected", "long"),
    "victims": ("affected", "long"),
    "reoffending": ("next",),
}
INEQUALITY_TYPES = ("county", "aap")  # areas big enough to compare deprivation deciles within


def sections(priority_id: str, view: ViewState) -> None:
    """Draw the analyses a priority page shows (none for the others)."""
    draw = {"next": what_happened_next, "affected": who_is_most_affected, "long": the_long_view}
    for name in SECTIONS.get(priority_id, ()):
        draw[name](view)


# --- What happened next -----------------------------------------------------------------------------------


def what_happened_next(view: ViewState) -> None:
    st.header("What happened next", anchor="what-happened-next", divider="gray")
    o = data.outcomes_for(view.area_code, view.measure, view.start, view.end)
    st.markdown(md(o.sentence))
    if o.no_outcomes:
        st.caption("Choose a crime measure (for example all crime) to see what happened to the crimes recorded.")
        return
    if o.sensitive:
        st.caption(md(SENSITIVE_NOTE))
    names = [p.area_name for p in o.profiles]
    shares = outcomes.frame(o)[["outcome", "area_name", "share", "lower", "upper"]]
    hidden = [f"{r.outcome} ({r.area_name})" for r in shares.itertuples() if r.share is None or r.share != r.share]
    alt_text = (
        f"Bar chart of the share of {o.measure.lower()} recorded in {', '.join(names)}, {o.area.period.label}, by what "
        "happened next (its latest police.uk outcome), each with its 95% interval."
    )
    if hidden:
        alt_text += f" Not shown (too few, or would give back a number too few to show): {', '.join(hidden)}."
    definition = (
        "The share of the crimes recorded in the area and period by their latest outcome on police.uk, grouped: "
        + "; ".join(f"{r.label}: {r.description}" for r in o.groups.itertuples())
    )
    about = cards.police_about(
        view,
        definition,
        caveats=(outcomes.SETTLED_NOTE, "Intervals are 95% Wilson intervals for a proportion.", *cards.CAVEATS),
    )
    cards.chart_card(
        "What happened to the crimes recorded",
        chart(charts.outcome_shares, shares, title="Share of crimes recorded", description=o.measure),
        outcomes.table(o),
        alt_text=alt_text,
        about=about,
        key="outcomes_shares",
    )
    st.markdown(md(o.completeness))
    if o.months_note:
        st.caption(md(o.months_note))
    months = outcomes.months_frame(o)
    alt_text = (
        f"Bar chart of the share of each month's {o.measure.lower()} in {o.months_area} whose case was still open "
        "(under investigation, awaiting court or without an update) when the data were published, with 95% intervals."
    )
    if o.area.period.missing:
        alt_text += f" No police.uk data for {words.months_words(list(o.area.period.missing))}."
    cards.chart_card(
        "How complete each month's outcomes are",
        chart(charts.still_open_by_month, months, title="Share still open", description=o.measure),
        outcomes.months_table(o),
        alt_text=alt_text,
        about=cards.police_about(
            view, "The share of each month's recorded crimes whose case was still open.", caveats=(outcomes.SETTLED_NOTE,)
        ),
        key="outcomes_months",
    )


# --- Who is most affected ---------------------------------------------------------------------------------


def who_is_most_affected(view: ViewState) -> None:
    st.header("Who is most affected", anchor="who-is-most-affected", divider="gray")
    own = view.area.get("area_type") in INEQUALITY_TYPES
    code = view.area_code if own else codes.COUNTY
    if not own:
        st.caption(
            md(
                f"{view.area_name} has too few small areas to compare deprivation deciles within it: shown for County Durham "
                "(choose the county or an area board)."
            )
        )
    q = data.by_decile(code, view.measure, view.start, view.end)
    figures = [q] if code == codes.COUNTY else [q, data.by_decile(codes.COUNTY, view.measure, view.start, view.end)]
    st.markdown("\n\n".join(md(x.sentence) for x in figures))
    if q.sensitive:
        st.caption(md(SENSITIVE_NOTE))
    frame = _concat([inequality.frame(x) for x in figures])
    table = _concat([inequality.table(x) for x in figures])
    withheld = [f"decile {d} ({x.area_name})" for x in figures for d, _, f in x.deciles if not f.available]
    alt_text = (
        f"Bar chart of {q.measure.lower()} per 1,000 residents a year in each national deprivation decile of small areas "
        f"(1 = most deprived 10% in England) in {' and '.join(x.area_name for x in figures)}, {q.period.label}, with 95% intervals."
    )
    if withheld:
        alt_text += f" Not shown (fewer than 5): {', '.join(withheld)}."
    about = cards.police_about(
        view,
        "Crimes (or anti-social behaviour incidents) per 1,000 residents a year in the small areas (LSOAs) of each national "
        "decile of the Index of Multiple Deprivation 2019, and the ratio of the rates in the most and least deprived tenth "
        "(95% interval from the log rate ratio).",
        caveats=(
            "Deprivation: English Indices of Deprivation 2019 (MHCLG), published for 2011 small areas and carried to 2021 "
            "small areas through the ONS lookup (a merged area takes the population-weighted mean rank of its parts).",
            "Deciles are national: County Durham has more small areas in the most deprived deciles than in the least.",
            "A higher rate where people live does not mean the people there commit more crime: crimes are counted where "
            "they happen, and reporting differs between places.",
            *cards.CAVEATS,
        ),
    )
    cards.chart_card(
        "Rates by deprivation decile",
        chart(
            charts.decile_rates,
            frame[["imd_decile", "area_name", "rate", "lower", "upper"]],
            title=f"Rate {RATE_UNIT}",
            description=q.measure,
        ),
        table,
        alt_text=alt_text,
        about=about,
        key="deprivation_deciles",
    )
    with st.expander("The gap for each key measure", icon=":material/table:"):
        st.table(inequality.ratios_table(data.key_ratios(code, view.start, view.end)), hide_index=True)
    with st.expander(f"Small areas of {q.area_name} by deprivation decile", icon=":material/table:"):
        st.dataframe(inequality.small_areas_table(q), hide_index=True, width="stretch")


def _concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


# --- The long view ----------------------------------------------------------------------------------------


def the_long_view(view: ViewState) -> None:
    st.header("The long view, 2003 to 2018", anchor="the-long-view", divider="gray")
    v = data.long_view_for(view.measure)
    st.caption(
        "Force-area figures: the Durham force area is County Durham plus Darlington. From a different source (ONS police "
        "recorded crime), not police.uk: shown apart, never joined to the police.uk figures above."
    )
    if not v.loaded:
        st.info(v.sentence)
        return
    st.markdown(md(v.sentence))
    if v.note:
        st.caption(md(v.note))
    st.caption(md(long_view.POPULATION_NOTE))
    counts = ", ".join(f"{n} for {a}" for a, n in v.periods.items())
    alt_text = (
        f"Line charts of {v.series.lower()} recorded by the police in each rolling 12 months, year to March 2003 to year to "
        f"December 2018, one panel for each area with its own scale ({counts} figures). The plan's baseline years, "
        "2018/19 and 2019/20, are shaded."
    )
    cards.chart_card(
        f"{v.series}: force areas and England and Wales",
        chart(
            charts.long_view_lines,
            v.frame[["period_end", "area_label", "count", "period"]],
            title="Crimes recorded in 12 months",
            description=v.series,
            baseline=long_view.BASELINE,
            baseline_label=long_view.BASELINE_LABEL,
        ),
        long_view.table(v),
        alt_text=alt_text,
        about=cards.source_about(
            long_view.SOURCE_ID,
            definition=f"{v.series}: police recorded crime in each rolling 12 months (ONS offence groups).",
            period="12 months to March 2003 to 12 months to December 2018",
            caveats=long_view.CAVEATS,
        ),
        key="long_view",
    )
