"""Three analyses, each a page of its own (issue 18): what happened next (police.uk outcomes, /outcomes),
who is most affected (rates by deprivation decile, /deprivation) and the long view (ONS recorded crime by
force area, 2003-2018, /long-view).  The priority pages link to them with the view kept (area, period,
measure in the address).  Every number comes from the domain layer (``outcomes``, ``inequality``,
``long_view``) through cached calls; this module only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes
from sdp_dash.domain import home, inequality, long_view, outcomes, words
from sdp_dash.domain.figure import RATE_UNIT, with_csv
from sdp_dash.web import cards, data, frame, state
from sdp_dash.web.cache import cached, chart
from sdp_dash.web.escape import md
from sdp_dash.web.state import ViewState

SENSITIVE_NOTE = (
    "Counts from 1 to 4 are shown as “fewer than 5”; a figure or share that would give such a count back is withheld "
    "(see About the data)."
)
INEQUALITY_TYPES = codes.DECILE_AREA_TYPES  # areas big enough to compare deprivation deciles within
# Each analysis: its page's address, title and what it answers (the priority pages' links say it).
PAGES = {
    "next": ("outcomes", "What happened next", "what happened to the crimes recorded (police.uk outcomes)"),
    "affected": ("deprivation", "Who is most affected", "rates in more and less deprived neighbourhoods"),
    "long": ("long-view", "The long view, 2003 to 2018", "recorded crime by force area since 2003 (ONS)"),
}


def sections(priority_id: str) -> tuple[str, ...]:
    """The analyses a priority page links to, in order (its catalogue entry's ``analyses``)."""
    from sdp_dash.config import catalogue

    return catalogue.priority(priority_id).analyses


def links(priority_id: str, view: ViewState) -> None:
    """Links from a priority page to the analyses it has, keeping the area, period and measure."""
    from pages import site

    names = sections(priority_id)
    for col, name in zip(st.columns(max(len(names), 1)), names, strict=False):
        url_path, title, what = PAGES[name]
        with col:
            st.page_link(
                site.page(url_path), label=f"{title}: {what}", query_params=view.params(), icon=":material/arrow_forward:"
            )


def _page(name: str, draw) -> None:
    """An analysis as a page: title, the view in words, the analysis, and the priority pages that link here."""
    from pages import site
    from sdp_dash.config import catalogue

    view = state.current()
    frame.page_header(PAGES[name][1], view)
    draw(view, title=False)
    st.subheader("From the partnership's priorities", anchor=False, divider="gray")
    for p in catalogue.priorities():
        if name in p.analyses:
            st.page_link(site.page(p.url_path), label=p.title, query_params=view.params(), icon=":material/arrow_back:")


def outcomes_page() -> None:
    _page("next", what_happened_next)


def deprivation_page() -> None:
    _page("affected", who_is_most_affected)


def long_view_page() -> None:
    _page("long", the_long_view)


@dataclass(frozen=True)
class _Card:
    """A chart card's parts (``cards.chart_card``'s arguments), built once per view."""

    title: str
    spec: dict | None
    table: pd.DataFrame
    alt_text: str
    about: cards.About
    key: str

    def draw(self) -> None:
        cards.chart_card(self.title, self.spec, self.table, alt_text=self.alt_text, about=self.about, key=self.key)


# --- What happened next -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Next:
    sentence: str
    no_outcomes: bool
    sensitive: bool = False
    shares: _Card | None = None
    completeness: str = ""
    months_note: str = ""
    months: _Card | None = None


def _next(_con, code: str, measure: str, start: str, end: str) -> _Next:
    """Everything the section shows for one view (a cached call: a rerun only draws it)."""
    o = data.outcomes_for(code, measure, start, end)
    if o.no_outcomes:
        return _Next(o.sentence, True)
    period = words.period_words(start, end)
    names = [p.area_name for p in o.profiles]
    shares = outcomes.frame(o)[["outcome", "area_code", "area_name", "share", "lower", "upper"]]
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
    shares_card = _Card(
        "What happened to the crimes recorded",
        chart(charts.outcome_shares, shares, title="Share of crimes recorded", description=o.measure),
        outcomes.table(o),
        alt_text,
        cards.police_about(
            None,
            definition,
            caveats=(outcomes.SETTLED_NOTE, "Intervals are 95% Wilson intervals for a proportion.", *cards.CAVEATS),
            period=period,
        ),
        "outcomes_shares",
    )
    months_alt = (
        f"Bar chart of the share of each month's {o.measure.lower()} in {o.months_area} whose case was still open "
        "(under investigation, awaiting court or without an update) when the data were published, with 95% intervals."
    )
    if o.area.period.missing:
        months_alt += f" No police.uk data for {words.months_words(list(o.area.period.missing))}."
    months_card = _Card(
        "How complete each month's outcomes are",
        chart(charts.still_open_by_month, outcomes.months_frame(o), title="Share still open", description=o.measure),
        outcomes.months_table(o),
        months_alt,
        cards.police_about(
            None, "The share of each month's recorded crimes whose case was still open.", (outcomes.SETTLED_NOTE,), period
        ),
        "outcomes_months",
    )
    return _Next(o.sentence, False, o.sensitive, shares_card, o.completeness, o.months_note, months_card)


_next_parts = cached(_next, max_entries=50)


def what_happened_next(view: ViewState, *, title: bool = True) -> None:
    if title:
        st.header("What happened next", anchor="what-happened-next", divider="gray")
    n = _next_parts(view.area_code, view.measure, view.start, view.end)
    st.markdown(md(n.sentence))
    if n.no_outcomes:
        st.caption("Choose a crime measure (for example all crime) to see what happened to the crimes recorded.")
        return
    if n.sensitive:
        st.caption(md(SENSITIVE_NOTE))
    n.shares.draw()
    st.markdown(md(n.completeness))
    if n.months_note:
        st.caption(md(n.months_note))
    n.months.draw()


# --- Who is most affected ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Affected:
    note: str  # why the county is shown instead of the chosen area ("" when the area itself is shown)
    sentences: str
    sensitive: bool
    card: _Card
    ratios: pd.DataFrame
    small_areas_title: str
    small_areas: pd.DataFrame


def _affected(_con, code: str, measure: str, start: str, end: str) -> _Affected:
    """Everything the section shows for one view (a cached call: a rerun only draws it)."""
    area = data.area(code)
    own = area.get("area_type") in INEQUALITY_TYPES
    note = (
        ""
        if own
        else f"{area['area_name']} has too few small areas to compare deprivation deciles within it: shown for "
        f"{codes.COUNTY_NAME} (choose {codes.THE_AREA}{' or an area board' if 'aap' in codes.AREA_SETS else ''})."
    )
    code = code if own else codes.COUNTY
    q = data.by_decile(code, measure, start, end)
    figures = [q] if code == codes.COUNTY else [q, data.by_decile(codes.COUNTY, measure, start, end)]
    frame = pd.concat([inequality.frame(x) for x in figures], ignore_index=True)
    table = with_csv(pd.concat([inequality.table(x) for x in figures], ignore_index=True), frame)
    withheld = [f"decile {d} ({x.area_name}): {f.count_text}" for x in figures for d, _, f in x.deciles if not f.available]
    alt_text = (
        f"Bar chart of {q.measure.lower()} per 1,000 residents a year in each national deprivation decile of small areas "
        f"(1 = most deprived 10% in England) in {' and '.join(x.area_name for x in figures)}, {q.period.label}, with 95% intervals."
    )
    if withheld:
        alt_text += f" Not shown (fewer than 5, or withheld so a small number cannot be worked out): {'; '.join(withheld)}."
    about = cards.police_about(
        None,
        "Crimes (or anti-social behaviour incidents) per 1,000 residents a year in the small areas (LSOAs) of each national "
        "decile of the Index of Multiple Deprivation 2019, and the ratio of the rates in the most and least deprived tenth "
        "(95% interval from the log rate ratio).",
        caveats=(
            "Deprivation: English Indices of Deprivation 2019 (MHCLG), published for 2011 small areas and carried to 2021 "
            "small areas through the ONS lookup (a merged area takes the population-weighted mean rank of its parts).",
            inequality.spread_words(figures[-1]),
            "A higher rate where people live does not mean the people there commit more crime: crimes are counted where "
            "they happen, and reporting differs between places.",
            *cards.CAVEATS,
        ),
        period=words.period_words(start, end),
    )
    card = _Card(
        "Rates by deprivation decile",
        chart(
            charts.decile_rates,
            frame[["imd_decile", "area_name", "rate", "lower", "upper"]],
            title=f"Rate {RATE_UNIT}",
            description=q.measure,
        ),
        table,
        alt_text,
        about,
        "deprivation_deciles",
    )
    return _Affected(
        note,
        "\n\n".join(md(x.sentence) for x in figures),
        q.sensitive,
        card,
        inequality.ratios_table(data.key_ratios(code, start, end)),
        f"Small areas of {q.area_name} by deprivation decile",
        inequality.small_areas_table(q),
    )


_affected_parts = cached(_affected, max_entries=50)


def who_is_most_affected(view: ViewState, *, title: bool = True) -> None:
    if title:
        st.header("Who is most affected", anchor="who-is-most-affected", divider="gray")
    a = _affected_parts(view.area_code, view.measure, view.start, view.end)
    if a.note:
        st.caption(md(a.note))
    st.markdown(a.sentences)
    if a.sensitive:
        st.caption(md(SENSITIVE_NOTE))
    a.card.draw()
    with st.expander("The gap for each key measure", icon=":material/table:"):
        st.table(a.ratios, hide_index=True)
    with st.expander(a.small_areas_title, icon=":material/table:"):
        st.dataframe(a.small_areas, hide_index=True, width="stretch")


# --- The long view ----------------------------------------------------------------------------------------


def _long_card(_con, measure: str) -> _Card | None:
    """The long view's chart card for a measure (None when the table is not loaded)."""
    v = data.long_view_for(measure)
    if not v.loaded:
        return None
    counts = ", ".join(f"{n} for {a}" for a, n in v.periods.items())
    alt_text = (
        f"Line charts of {v.series.lower()} recorded by the police in each rolling 12 months, year to March 2003 to year to "
        f"December 2018, one panel for each area with its own scale ({counts} figures). The plan's baseline years, "
        "2018/19 and 2019/20, are shaded."
    )
    return _Card(
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
        alt_text,
        cards.source_about(
            long_view.SOURCE_ID,
            definition=f"{v.series}: police recorded crime in each rolling 12 months (ONS offence groups).",
            period="12 months to March 2003 to 12 months to December 2018",
            caveats=long_view.caveats(),
        ),
        "long_view",
    )


_long_parts = cached(_long_card, max_entries=20)


def the_long_view(view: ViewState, *, title: bool = True) -> None:
    if title:
        st.header("The long view, 2003 to 2018", anchor="the-long-view", divider="gray")
    v = data.long_view_for(view.measure)
    st.caption(
        f"Force-area figures: {home.current().force_sentence('plus')}. "
        "From a different source (ONS police recorded crime), not police.uk: shown apart, never joined to the police.uk "
        "figures above."
    )
    if not v.loaded:
        st.info(v.sentence)
        return
    st.markdown(md(v.sentence))
    if v.note:
        st.caption(md(v.note))
    st.caption(md(long_view.POPULATION_NOTE))
    _long_parts(view.measure).draw()
