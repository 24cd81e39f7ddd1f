"""The chart card (chart, description, table, CSV download and About) and the small pieces pages
draw figures with: a figure as a metric, a map legend, an About block from the sources table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pydeck as pdk
import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes
from sdp_dash.domain import home
from sdp_dash.domain.figure import Figure, csv_bytes
from sdp_dash.web import data
from sdp_dash.web.escape import html, link, md
from sdp_dash.web.state import ViewState

CAVEAT_POINTS = "police.uk locations are snapped to an anonymous map point on or near the street, so figures are given for areas, not streets."
CAVEAT_RECORDING = (
    "Recorded crime reflects how often people report crime and how the police record it, as well as how much crime there is."
)
CAVEAT_APPROX = (
    "Area boards and electoral divisions are built here from small areas (LSOAs), so their figures are approximate: "
    "see About the data for the method."
)
CAVEAT_FORCE = "Figures for an area come from its own police force's files: crimes another force recorded there are not included."
CAVEAT_RATE = (
    "Rates are per 1,000 residents a year (Census 2021 usual residents). A period that is not 12 months with data is "
    "annualised from the months that have data, and says so."
)
CAVEATS = (CAVEAT_RATE, CAVEAT_POINTS, CAVEAT_RECORDING, CAVEAT_APPROX, CAVEAT_FORCE)


def in_words(caveat: str) -> str:
    """A caveat in the partnership's words: the approximate areas are its own (wards; area
    boards and electoral divisions)."""
    if caveat != CAVEAT_APPROX:
        return caveat
    wards = f"{codes.WARD}s"
    built = f"Area boards and {wards}" if "aap" in codes.AREA_SETS else wards[:1].upper() + wards[1:]
    return CAVEAT_APPROX.replace("Area boards and electoral divisions", built)


@dataclass(frozen=True)
class About:
    definition: str
    source_title: str
    source_url: str
    licence: str
    period: str
    loaded: str
    caveats: tuple[str, ...] = ()


def police_about(view: ViewState | None, definition: str, caveats: tuple[str, ...] = CAVEATS, period: str | None = None) -> About:
    """An About block for police.uk figures; the period is ``period`` if given, else the view's."""
    df = data.police_sources_by_force()
    loaded = str(df["loaded_at"].max())[:10] if len(df) else ""
    return About(
        definition=definition,
        source_title=home.police_files(),
        source_url="https://data.police.uk/data/",
        licence="Open Government Licence v3.0",
        period=period or view.period,
        loaded=loaded,
        caveats=tuple(in_words(c) for c in caveats),
    )


def source_about(source_id: str, *, definition: str, period: str, caveats=()) -> About:
    """An About block for one source of the warehouse's ``sources`` table."""
    src = data.source(source_id)
    return About(
        definition=definition,
        source_title=str(src["title"]),
        source_url=str(src.get("page") or src.get("url") or ""),
        licence=str(src["licence"]),
        period=period,
        loaded=str(src.get("loaded_at") or "")[:10],
        caveats=tuple(caveats),
    )


def metric(fig: Figure, label: str | None = None) -> None:
    """A figure as a metric: the rate (or 'fewer than 5' / 'no data') with its count, period note and interval."""
    st.metric(label or fig.measure, fig.rate_text if fig.available else fig.count_text, help=f"{fig.period.label}.")
    bits = [f"{fig.count_text} recorded"] if fig.available else []
    if fig.available:
        bits.append(f"per 1,000 residents a year (95% interval {fig.interval_text})")
    if fig.note:
        bits.append(fig.note)
    st.caption(md("; ".join(bits)) if bits else "")


NOTHING_TO_CHART = (
    "No chart: none of these figures can be shown (no police.uk data for the months, or fewer than 5 of a "
    "measure shown only as rates). The table says which."
)


def chart_card(
    title: str,
    chart,
    table: pd.DataFrame,
    *,
    alt_text: str,
    about: About,
    key: str,
    on_select: bool = False,
    height: int = 480,
):
    """A chart with its description, its data as a table, a CSV download and an About section.

    ``chart`` is None when there is nothing to draw: the card says so and keeps its table.
    Returns the map selection when ``on_select`` is set (a pydeck map or a Vega-Lite one), else None.
    """
    selection = None
    with st.container(border=True, key=f"card_{key}"):
        st.subheader(title, anchor=False)
        # The text alternative goes with the chart (its ``alt``: read by screen readers, not printed).
        if isinstance(chart, pdk.Deck):
            if on_select:
                selection = st.pydeck_chart(
                    chart, alt=alt_text, key=key, on_select="rerun", selection_mode="single-object", height=height
                )
            else:
                st.pydeck_chart(chart, alt=alt_text, key=key, height=height)
        elif chart is None:  # every figure withheld or missing: say so, the table shows which
            st.markdown(NOTHING_TO_CHART)
            st.caption(md(alt_text))
        elif on_select:  # a Vega-Lite map (Explore's): a click selects an area
            selection = st.vega_lite_chart(chart, width="stretch", alt=alt_text, key=key, on_select="rerun")
        else:  # a Vega-Lite spec from cache.chart
            st.vega_lite_chart(chart, width="stretch", alt=alt_text, key=key)
        # One "Details" control per card (issue 18): the table, its download and About, collapsed.
        with st.expander(DETAILS, icon=":material/table:"):
            st.table(table, hide_index=True)
            st.download_button(
                "Download this data (CSV)",
                lambda: csv_bytes(table),  # the table's tidy twin (figure.with_csv), written only when asked for
                file_name=f"{key}.csv",
                mime="text/csv",
                key=f"{key}_csv",
                on_click="ignore",
                icon=":material/download:",
            )
            about_text(about)
    return selection


DETAILS = "Details: table, download and about this data"


def about_text(about: About) -> None:
    """About a card's data, drawn where it is called (inside the card's Details)."""
    st.markdown(f"**What it shows.** {md(about.definition)}")
    st.markdown(f"**Source.** {link(about.source_title, about.source_url)}. Licence: {md(about.licence)}.")
    st.markdown(f"**Period.** {md(about.period)}. **Data loaded** {md(about.loaded)}.")
    if about.caveats:
        st.markdown("**Things to know.**\n\n" + "\n".join(f"- {md(c)}" for c in about.caveats))


def legend(items: list[tuple[str, str]], title: str) -> None:
    """A map legend (pydeck draws none): colour swatches with their ranges, as an HTML list."""
    rows = "".join(
        f"<li><span class='sdp-swatch' style='background:{html(colour)}' aria-hidden='true'></span>{html(text)}</li>"
        for colour, text in items
    )
    st.markdown(f"<div class='sdp-legend'><p><strong>{html(title)}</strong></p><ul>{rows}</ul></div>", unsafe_allow_html=True)


_HIDDEN = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap"  # read, not seen


def area_key(colours: charts.AreaColours, title: str, *, notes: dict[str, str] | None = None, outline: bool = False) -> None:
    """A key of the page's areas in their colours (the assignment every chart on the page uses).

    Each entry names its area (``data-area``) and its colour in words for screen readers; ``notes`` adds
    words after a name (' (the chosen area)'); ``outline`` draws each swatch as an outline (a map's edges)."""
    notes = notes or {}
    rows = []
    for colour, name in colours.key():
        fill = f"background:#FFFFFF;border:3px solid {colour}" if outline else f"background:{colour}"
        rows.append(
            f"<li data-area='{html(name)}' data-colour='{html(colour)}'><span class='sdp-swatch' style='{html(fill)}' "
            f"aria-hidden='true'></span>{html(name + notes.get(name, ''))}"
            f"<span style='{_HIDDEN}'> ({html(charts.COLOUR_WORDS.get(colour, 'grey'))})</span></li>"
        )
    st.markdown(
        f"<div class='sdp-legend sdp-area-key'><p><strong>{html(title)}</strong></p><ul>{''.join(rows)}</ul></div>",
        unsafe_allow_html=True,
    )
