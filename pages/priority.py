"""The priority pages, generated from the partnership's indicator catalogue (``sdp_dash/config/catalogue.py``:
its own plan's priorities, or the default priorities built from the police.uk categories).

Adding an indicator is a catalogue entry, not page code.  One page anatomy (issue 18): the title; one
plain sentence that answers the page's question for the chosen area and period; **at a glance** as a
spine chart (one row per indicator: the area's value against the range of the areas beside it,
coloured by how it stands beside the figure it is compared with) with a table view of the same rows;
a contents list; then one section per work area: "Since the plan" once (only where the partnership has a
plan file with figures to set beside police.uk), and a card per indicator
showing its chart and its finding, everything else (tables, downloads, About) behind one "Details"
control.  The analyses (what happened next, who is most affected, the long view) are pages of their
own, linked with the view kept.

Every number comes from the domain layer (``indicator_cards``: police.uk ``Figure`` objects and
``PublishedFigure`` objects), built once per indicator, area and period (cached).  A card's detail
is built only when the reader opens it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pages import site
from sdp_dash import charts
from sdp_dash.config import catalogue, codes, partnership
from sdp_dash.domain import crime, indicator_cards, published, words
from sdp_dash.domain.figure import MONTHLY_RATE_UNIT, RATE_UNIT, csv_bytes, with_csv
from sdp_dash.domain.indicator_cards import PoliceCard, PublishedCard, anchor
from sdp_dash.domain.published_period import PLAN_YEAR
from sdp_dash.web import cache, cards, data, frame, state
from sdp_dash.web.cache import chart, vega_spec
from sdp_dash.web.escape import html, link, md
from sdp_dash.web.state import ViewState

SENSITIVE_NOTE = (
    "To protect victims' privacy this measure is shown only as rates for areas, never as points on a map, "
    "and counts from 1 to 4 are shown as “fewer than 5”."
)
_LEVEL_WORDS = {  # "county" (the partnership's whole area) is its name: level_words()
    "la": "council areas",
    "force": "police force areas",
    "region": "regions",
    "country": "the country as a whole",
    "fire_service_area": "fire and rescue service areas",
    "all_forces": "all police forces together",
}


def level_words(level: str) -> str:
    """What a published geography is called on a card: 'council areas', or the partnership's own name."""
    return codes.COUNTY_NAME if level == "county" else _LEVEL_WORDS.get(level, "other areas")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def render(priority_id: str) -> None:
    view = state.current()
    prio = catalogue.priority(priority_id)
    inds = catalogue.indicators_for(priority_id)
    first = linked_card(inds)  # a link to one card: that card first, in view when the page opens
    frame.page_header(prio.title, view, first=None if first is None else lambda: card(first, view))
    glance_parts = spine_parts(prio.id, view.area_code, view.start, view.end)
    st.markdown(f"**{md(glance_parts.answer)}**")
    glance(prio, view, glance_parts)
    sections = [(w, [i for i in inds if i.work_area == w.name and i is not first]) for w in prio.work_areas]
    sections = [(w, group) for w, group in sections if group]
    contents(prio, view, [w.name for w, _ in sections])
    for work_area, group in sections:
        st.header(work_area.name, anchor=_slug(work_area.name), divider="gray")
        since_plan(group, view)
        for pair in range(0, len(group), 2):  # two cards a row on a wide screen; one under the other on a phone
            cols = st.columns(2, border=False)
            for col, ind in zip(cols, group[pair : pair + 2], strict=False):
                with col:
                    card(ind, view)
    st.header("What is not measured locally", anchor="not-measured-locally", divider="gray")
    st.markdown("\n".join(f"- {md(t)}" for t in prio.not_measured_locally))
    if prio.help:
        st.header("How to report or get help", anchor="get-help", divider="gray")
        st.markdown("\n".join(f"- {link(h.label, h.url)}" for h in prio.help))


def linked_card(inds: list[catalogue.Indicator]) -> catalogue.Indicator | None:
    """The card a link names (``?card=burglary``, as each card's Details gives it), if it is on this page."""
    wanted = st.query_params.get("card")
    return next((i for i in inds if i.id == wanted), None)


def card_link(ind: catalogue.Indicator, view: ViewState) -> None:
    """The link to one card (it opens the page with that card first), in the card's Details."""
    st.caption(f"Link to this card ({md(ind.title)}), for this area and period:")
    st.code(state.share_url(view, {"card": ind.id}), language=None, wrap_lines=True)


def contents(prio: catalogue.Priority, view: ViewState, work_areas: list[str]) -> None:
    """The page's contents: links to its sections, then the analyses' pages (with the view kept)."""
    from pages import analyses

    items = [
        ("At a glance", "at-a-glance"),
        *((w, _slug(w)) for w in work_areas),
        ("What is not measured locally", "not-measured-locally"),
    ]
    if prio.help:
        items.append(("How to report or get help", "get-help"))
    st.markdown(
        "<nav aria-label='Contents' class='sdp-contents'><strong>On this page</strong><ul>"
        + "".join(f"<li><a href='#{html(a)}'>{html(t)}</a></li>" for t, a in items)
        + "</ul></nav>"
        "<style>.sdp-contents ul{margin:.2rem 0 .4rem;padding-left:1.2rem;columns:2 16rem}</style>",
        unsafe_allow_html=True,
    )
    if prio.analyses:
        st.markdown("**More on this priority** (each on a page of its own, for the same area and period):")
        analyses.links(prio.id, view)
    with st.expander("About this priority: what the partnership works on", icon=":material/checklist:"):
        st.markdown(md(prio.summary))
        st.markdown("\n".join(f"- **{md(w.name)}**: {md(w.description)}" for w in prio.work_areas))


def since_plan(group: list[catalogue.Indicator], view: ViewState) -> None:
    """The plan's figures for a section's police.uk measures, once for the section (the whole area's).  Only a
    partnership with a plan file has them; with none, no indicator names a plan figure and nothing is shown."""
    seen: dict[str, str] = {}
    for ind in group:
        if ind.kind != "police_uk" or not ind.baseline_ids:
            continue
        for s in data.police_card(ind.id, view.area_code, view.start, view.end).since_plan:
            seen.setdefault(s.baseline.label, s.words)
    if seen:
        with st.expander(f"Since the plan ({codes.COUNTY_NAME})", icon=":material/flag:"):
            st.markdown("\n".join(f"- **{md(label)}.** {md(text)}" for label, text in seen.items()))


# --- At a glance ------------------------------------------------------------------------------------------

_GLANCE_CSS = """<style>
.sdp-glance {width:100%;border-collapse:collapse;font-size:.9rem;line-height:1.25}
.sdp-sr {position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.sdp-glance th, .sdp-glance td {border-bottom:1px solid #B1B4B6;padding:.2rem .35rem;vertical-align:top;text-align:left}
.sdp-glance th {background:#F3F2F1;font-weight:600}
.sdp-glance .sdp-tag {display:inline-block;background:#F3F2F1;border:1px solid #B1B4B6;border-radius:.2rem;padding:0 .25rem;font-size:.78rem;margin-left:.2rem}
.sdp-glance .sdp-context {background:#FFF3CD;border-color:#B1B4B6}
.sdp-glance .sdp-group th {background:#E8E8E8;font-weight:700}
.sdp-glance .sdp-months {display:block;font-size:.78rem;color:#505A5F}
@media (max-width: 640px) {
  .sdp-glance thead {display:none}
  .sdp-glance tr {display:block;border:1px solid #B1B4B6;border-radius:.3rem;margin-bottom:.4rem;padding:.2rem}
  .sdp-glance td {display:block;border:none;padding:.1rem .3rem}
  .sdp-glance td::before {content:attr(data-label) ": ";font-weight:600}
  .sdp-glance .sdp-group {border:none;padding:.2rem 0}
  .sdp-glance .sdp-group th {display:block}
}
</style>"""
_GLANCE_COLUMNS = ("Indicator", "Latest", "Range of areas beside it", "Compared with others", "Change", "Plan", "Age")


def glance_columns() -> tuple[str, ...]:
    """The summary table's columns: "Plan" only where the partnership has a plan file."""
    return _GLANCE_COLUMNS if catalogue.has_plan() else tuple(c for c in _GLANCE_COLUMNS if c != "Plan")


def _glance_row(r: indicator_cards.GlanceRow, range_short: str, columns: tuple[str, ...]) -> str:
    quality = f"<span class='sdp-tag'>{html(r.quality)}</span>" if r.quality else ""
    context = "<span class='sdp-tag sdp-context'>context</span>" if r.context else ""
    months = f"<span class='sdp-months'>{html(r.months)}</span>" if r.months else ""
    cells = {
        "Indicator": f"<a href='#{html(r.anchor)}'>{html(r.title)}</a>",
        "Latest": f"<strong>{html(r.value)}</strong>{quality}",
        "Range of areas beside it": html(range_short),
        "Compared with others": html(r.comparison),
        "Change": html(r.change) + months,
        "Plan": html(r.plan),
        "Age": html(r.age) + context,
    }
    return "<tr>" + "".join(f"<td data-label='{html(c)}'>{cells[c]}</td>" for c in columns) + "</tr>"


def _glance_html(_con, priority_id: str, code: str, start: str, end: str) -> str:
    """The summary table's markup, built once per priority, area and period."""
    prio = catalogue.priority(priority_id)
    rows = data.glance(priority_id, code, start, end)
    ranges = {r.indicator_id: r.range_short for r in spine_rows(priority_id, code, start, end)}
    groups = indicator_cards.glance_groups(rows, str(data.area(code)["area_name"]))
    columns = glance_columns()
    bodies = []
    for heading, group in groups:  # one group per area the figures are for: the chosen area's own first
        body = [f"<tr class='sdp-group'><th scope='rowgroup' colspan='{len(columns)}'>{html(heading)}</th></tr>"]
        body += [_glance_row(r, ranges.get(r.indicator_id, "—"), columns) for r in group]
        bodies.append(f"<tbody>{''.join(body)}</tbody>")
    head = "".join(f"<th scope='col'>{html(c)}</th>" for c in columns)
    return (
        _GLANCE_CSS
        + f"<table class='sdp-glance'><caption class='sdp-sr'>{html(prio.title)}: every indicator at a glance</caption>"
        f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table>"
    )


glance_html = cache.cached(_glance_html)


spine_rows = cache.cached(indicator_cards.spine)


@dataclass(frozen=True)
class _Spine:
    """At a glance for one priority, area and period (cached): the answer, the spine chart and its words."""

    answer: str
    spec: dict
    alt_text: str
    rows: tuple[indicator_cards.SpineRow, ...]


def _spine_parts(_con, priority_id: str, code: str, start: str, end: str) -> _Spine:
    rows = spine_rows(priority_id, code, start, end)
    name = str(data.area(code)["area_name"])
    period = words.period_words(start, end)
    drawn = [r for r in rows if r.value is not None]
    alt_text = (
        f"Spine chart of {len(rows)} indicators for {name}, {period}: one row per indicator, the area's value as a "
        "marker against a grey band, the range of the areas it is set beside, and a black line, the figure it is "
        f"compared with (centred). {len(drawn)} rows have a marker: "
        + "; ".join(f"{r.title} {r.value_text}, {r.significance}" for r in drawn)
        + ". The table view lists every row with its period, unit and range."
    )
    spec = vega_spec(charts.spine(indicator_cards.spine_frame(rows), description=alt_text))
    return _Spine(indicator_cards.answer(rows, name, period), spec, alt_text, tuple(rows))


spine_parts = cache.cached(_spine_parts)


def glance(prio: catalogue.Priority, view: ViewState, parts: _Spine) -> None:
    """The spine chart, with the same rows as a table (each row linking to its card; on a phone a small card)."""
    st.subheader("At a glance", anchor="at-a-glance")
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.vega_lite_chart(parts.spec, width="stretch", alt=parts.alt_text, key="glance_spine")
    with table_tab:
        st.markdown(glance_html(prio.id, view.area_code, view.start, view.end), unsafe_allow_html=True)
    st.caption(md(glance_caption(view, parts)))


def glance_caption(view: ViewState, parts: _Spine) -> str:
    """What the spine chart's marks are, in the partnership's words (area boards only where it has them)."""
    p = partnership.active()
    the_area = p.the_area
    bands = "the area boards (or the areas beside it)" if "aap" in p.area_sets else "the areas beside it"
    if view.is_county:
        marks = f"Marker: {p.name}; grey band: {next((r.range_of for r in parts.rows if r.range_of), bands)}. "
    else:
        marks = (
            f"Marker: the area, coloured by how it compares with the rest of {the_area} (95% intervals; {the_area} "
            f"contains it, so it is never compared with {the_area}); black line: the rest of {the_area}; "
            f"grey band: {bands}. "
        )
    context = f" 'context' marks published figures from before the plan ({PLAN_YEAR})." if catalogue.has_plan() else ""
    return (
        f"{view.area_name}, {view.period}. police.uk rates per 1,000 residents a year. {marks}"
        f"Each group of rows is the area its figures are for: a figure published only for {the_area} or a wider "
        f"area is under that area's name.{context}"
    )


# --- Cards ------------------------------------------------------------------------------------------------


DETAILS = "Details: comparisons, tables, downloads and sources"
CHART_HEIGHT = 150  # px: a card's chart (its plot), so two cards a row fit a screen
TREND_TITLE = "Per 1,000 a year"  # short: a longer axis title squeezes a short chart (the finding says the unit)


def card(ind: catalogue.Indicator, view: ViewState) -> None:
    """An indicator's card: its chart and its finding; the rest behind one Details control."""
    with st.container(border=True, key=f"card_{ind.id}"):
        st.subheader(ind.title, anchor=anchor(ind.id))
        if ind.kind == "police_uk":
            police(ind, view)
        elif ind.kind == "published":
            published_indicator(ind, view)
        else:
            plan(ind)


@dataclass(frozen=True)
class _CardText:
    """A card's words, worked out once per indicator, area and period (cached): a rerun only sends them."""

    body: str  # the finding (markdown), shown on the card
    caption: str = ""  # the chart's description (markdown): its text alternative
    metric: tuple[str, str, str] = ("", "", "")  # label, value, help
    charted: bool = False  # a published card with a chart
    more: str = ""  # the card's other words (markdown), in its Details


def _police_text(_con, indicator_id: str, code: str, start: str, end: str) -> _CardText:
    ind = catalogue.indicator(indicator_id)
    c: PoliceCard = data.police_card(indicator_id, code, start, end)
    fig = c.figure
    finding = f"**{md(indicator_cards.police_finding(c))}**" + (f" *{md(fig.note)}*" if fig.note else "")
    more = [f"**Compared:** {md(c.comparison)}. **Change:** {md(c.change_text)}.", md(c.metric_caption), md(ind.definition)]
    if ind.sensitive:
        more.append(md(SENSITIVE_NOTE))
    first = c.monthly[0].period.start
    missing = [f.period.start for f in c.monthly if f.count is None]
    hidden = [f.period.start for f in c.monthly if f.suppressed]
    alt_text = (
        f"Line chart of {ind.title.lower()} in {fig.area_name} each month, {words.month_words(first)} to "
        f"{words.month_words(end)}, as a rate per 1,000 residents a year (each month's count times 12)."
    )
    if missing:
        alt_text += f" No police.uk data for {words.months_words(missing)}: shown as a gap."
    if hidden:
        alt_text += f" Months with fewer than 5 are not plotted ({words.months_words(hidden)})."
    return _CardText(
        body=finding,
        caption=md(alt_text),
        metric=(f"{ind.title}, {fig.area_name}", c.metric_value, f"{fig.period.label}."),
        more="\n\n".join(more),
    )


police_text = cache.cached(_police_text)


def _trend_spec(_con, indicator_id: str, code: str, start: str, end: str) -> dict:
    """A card's monthly trend, short enough for two cards a row (built once per indicator, area and period)."""
    c: PoliceCard = data.police_card(indicator_id, code, start, end)
    spec = vega_spec(charts.trend(c.trend, value="rate", series=None, title=TREND_TITLE, description=indicator_id))
    spec["height"] = CHART_HEIGHT  # the plot's height (a new spec, not yet shared)
    return spec


trend_spec = cache.cached(_trend_spec)


def police(ind: catalogue.Indicator, view: ViewState) -> None:
    text = police_text(ind.id, view.area_code, view.start, view.end)
    st.markdown(text.body)
    st.vega_lite_chart(
        trend_spec(ind.id, view.area_code, view.start, view.end), width="stretch", alt=text.caption, key=f"{ind.id}_trend"
    )
    detail = st.expander(DETAILS, key=f"{ind.id}_detail", on_change="rerun")
    with detail:  # the words always (small); the tables and downloads only once it is opened
        card_link(ind, view)
        st.page_link(
            site.page("explore"),
            label=f"Map of {ind.title[:1].lower() + ind.title[1:]} by area",
            query_params={**state.link_params(view, "explore"), "measure": ind.measure},  # as Explore writes it: one Back
            icon=":material/map:",
        )
        st.markdown(text.more)
        st.caption(text.caption)
        if detail.open:
            _police_detail(ind, view, data.police_card(ind.id, view.area_code, view.start, view.end))


def _police_detail(ind: catalogue.Indicator, view: ViewState, c: PoliceCard) -> None:
    """An open police.uk card's detail: the comparison, the change, the months and what it is built from."""
    _police_comparison(ind, view, c)
    _police_change(ind, c)
    _police_months(ind, c)
    caveats = (
        *ind.method_notes,
        *cards.CAVEATS,
        f"Monthly rates are {MONTHLY_RATE_UNIT} times 12, so they sit on the yearly scale.",
    )
    cards.about_text(
        cards.police_about(
            view,
            ind.definition,
            caveats=caveats,
            period=f"{words.month_words(c.monthly[0].period.start)} to {words.month_words(view.end)} (month by month); "
            f"{view.period} (figures and comparisons)",
        )
    )


def _police_comparison(ind: catalogue.Indicator, view: ViewState, c: PoliceCard) -> None:
    figs = c.figures
    p = partnership.active()
    force = f"the {p.force_name} area" if p.force_name else "the police force area"
    st.markdown(
        f"**Compared with other areas, {md(view.period)}** (other partnerships of the same police force are set "
        f"beside {md(p.name)}; {md(force)} contains {md(p.name)}, so it is shown as context, not compared; an area of "
        f"{md(p.the_area)} is compared with the rest of {md(p.the_area)}, and {md(p.the_area)} is its context)."
    )
    shown = [f for f in figs if f.available]
    if shown:
        st.vega_lite_chart(
            chart(
                charts.rates,
                data.frame(shown),
                label="area_name",
                title=f"Rate {RATE_UNIT}",
                description=ind.title,
                highlight=c.figure.area_name,
            ),
            width="stretch",
            key=f"{ind.id}_compare",
        )
    rows = indicator_cards.comparison_table(c)
    table = data.table(figs, drop=("Measure",)).copy()  # shared: this copy gets columns
    table.insert(1, "Which area", [role for _f, role, _how in rows])
    table.insert(2, "How it stands beside the chosen area", [how for _f, _role, how in rows])
    st.table(table, hide_index=True)


def _police_change(ind: catalogue.Indicator, c: PoliceCard) -> None:
    st.markdown(f"**Change on a year earlier:** {md(c.change_text)}.")
    change = indicator_cards.change_table(c)
    st.table(change, hide_index=True)
    st.download_button(
        "Download the change (CSV)",
        lambda: csv_bytes(change),
        file_name=f"{ind.id}_change.csv",
        mime="text/csv",
        key=f"{ind.id}_change_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _police_months(ind: catalogue.Indicator, c: PoliceCard) -> None:
    figs = c.figures
    monthly = data.table(list(c.monthly), drop=("Measure", "Period", "Residents", "95% interval")).copy()
    monthly.insert(0, "Month", [words.month_words(f.period.start) for f in c.monthly])
    monthly = monthly.rename(columns={f"Rate {RATE_UNIT}": f"Rate {RATE_UNIT} (month × 12)"})
    st.table(monthly, hide_index=True)
    st.download_button(
        "Download these figures (CSV)",
        lambda: csv_bytes(with_csv(monthly, crime.tidy(figs + list(c.monthly)))),
        file_name=f"{ind.id}.csv",
        mime="text/csv",
        key=f"{ind.id}_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _published_text(_con, indicator_id: str, code: str) -> _CardText:
    ind = catalogue.indicator(indicator_id)
    c: PublishedCard = data.published_card(indicator_id)
    h = c.head
    if h is None:
        return _CardText(
            body=f"**{md(ind.no_official_figure or 'No official figures for this indicator are loaded yet.')}**",
            more=md(ind.definition),
        )
    area = data.area(code)
    where = ""
    if c.national:
        where = f"**National figure:** published for {md(h.area_name)} only; no {md(codes.COUNTY_NAME)} figure is published. "
    elif code != codes.COUNTY and area.get("area_type") not in ind.geographies:
        levels = [level_words(lv) for lv in dict.fromkeys(f.area_level for f in c.figures)]
        where = f"Published only for {md(', '.join(levels))}, not for {md(str(area['area_name']))}. "
    context = f" **Context:** older than the plan ({PLAN_YEAR}), not the current position." if h.period.context else ""
    finding = (
        f"{where}**{md(h.headline)}** — {md(h.series)}, {md(h.place_name)}, {md(h.period.label)}. "
        f"*Quality: {md(h.quality)}.* Age: {md(h.age)}."
    )
    compared = (
        f"**Compared:** {md(c.comparison)}. **Change:** {md(c.direction)}."
        + (f" **Against the plan:** {md(c.since_plan)}." if ind.baseline_ids else "")
        + context
    )
    more = [compared, md(ind.definition)]
    caption = ""
    if not c.charted:
        others = [f for f in c.figures if f is not h]
        if others:
            more.append(
                "Other published figures (fewer than three comparable points, so no chart):\n"
                + "\n".join(
                    f"- {md(f.series)}, {md(f.place_name)}, {md(f.period.label)}: **{md(f.text)}** {md(published.unit_words(f.unit))} "
                    f"(*{md(f.quality)}*)"
                    for f in others[:8]
                )
                + ("\n- … the rest are in the table below." if len(others) > 8 else "")
            )
    else:
        _spec, unit, drawn = data.published_chart(indicator_id)
        caption = md(
            f"Chart of {ind.title.lower()} ({unit}) by the end of each period. A line joins only figures of one series, "
            "area and kind of period; other figures are separate points."
            + (
                " Figures for other areas, in other units or without a stated period are in the details."
                if drawn < len(c.figures)
                else ""
            )
        )
    return _CardText(body=finding, caption=caption, charted=bool(caption), more="\n\n".join(more))


published_text = cache.cached(_published_text)


def published_indicator(ind: catalogue.Indicator, view: ViewState) -> None:
    text = published_text(ind.id, view.area_code)
    st.markdown(text.body)
    c: PublishedCard = data.published_card(ind.id)
    if text.charted:
        st.vega_lite_chart(data.published_chart(ind.id)[0], width="stretch", alt=text.caption, key=f"{ind.id}_published")
    _published_detail_expander(ind, view, c, text)


def _published_detail_expander(ind: catalogue.Indicator, view: ViewState, c: PublishedCard, text: _CardText) -> None:
    detail = st.expander(DETAILS, key=f"{ind.id}_detail", on_change="rerun")
    with detail:  # the words always (small); the tables and downloads only once it is opened
        card_link(ind, view)
        st.markdown(text.more)
        if text.caption:
            st.caption(text.caption)
        if not detail.open:
            return
        if c.figures:
            table = published.table(list(c.figures))
            st.table(table, hide_index=True)
            st.download_button(
                "Download these figures (CSV)",
                lambda: csv_bytes(table),
                file_name=f"{ind.id}.csv",
                mime="text/csv",
                key=f"{ind.id}_csv",
                on_click="ignore",
                icon=":material/download:",
            )
            st.markdown(
                "**Sources** (each figure is credited to the page it was taken from):\n\n"
                + "\n".join(f"- {link(t, u)} — *{md(q)}*" for t, u, q in published.sources_of(list(c.figures)))
            )
        if ind.method_notes:
            st.markdown("**Things to know.**\n\n" + "\n".join(f"- {md(n)}" for n in ind.method_notes))
        if c.pointers:
            st.markdown(
                "**Also reported (not official figures):** leads to the primary publication only.\n\n"
                + "\n".join(
                    f"- {link(p.source_title, p.source_url)}: {md(p.series)}, {md(p.place_name)}, {md(p.period.label)}: "
                    f"{md(p.text)} {md(published.unit_words(p.unit))} — *{md(p.quality)}*"
                    for p in c.pointers
                )
            )


def plan(ind: catalogue.Indicator) -> None:
    """A plan figure: the figure and its year on the card; where it comes from in its Details."""
    from sdp_dash.domain import baselines

    figs = baselines.plan_figures(ind)
    plan_title = catalogue.plan_citation().get("title", "the partnership's plan")
    st.markdown(
        "\n\n".join(f"**{md(p.text)}**, {md(p.baseline.period)} (the plan's figure, {md(codes.COUNTY_NAME)})" for p in figs)
        + (f"\n\n**No current figure:** {md(ind.no_official_figure)}" if ind.no_official_figure else "")
    )
    with st.expander(DETAILS):
        text = [md(ind.definition)]
        for p in figs:
            text.append(
                f"> **{md(p.text)}**, {md(p.baseline.period)}: {md(p.baseline.description)}\n>\n> *Source:* {md(p.citation)}"
            )
        text.append(f"*Quality: quoted in the {md(plan_title)} (its evidence base): context, not a current figure.*")
        st.markdown("\n\n".join(text))
