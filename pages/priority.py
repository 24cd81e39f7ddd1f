"""The six strategic-priority pages, generated from the indicator catalogue (data/indicators.toml).

Adding an indicator is a catalogue entry, not page code: ``render`` draws every indicator of the
priority by its kind (police.uk, published table or plan figure), then "since the plan", what is
not measured locally and where to get help.

Each priority also has a two-line file ``pages/<url_path>.py`` that calls ``render_path``.  The
files exist because Streamlit routes a server process's very first request through the legacy
``pages/`` folder scan: a page that is only a callable in ``app.py`` is "not found" there.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from sdp_dash import charts, ui
from sdp_dash.config import catalogue, codes
from sdp_dash.domain import published, stats, words

COUNTY = codes.COUNTY
NATIONAL_CODES = (codes.GREAT_BRITAIN, codes.ENGLAND_AND_WALES)
_HIGHLIGHT_ROLES = ("County Durham", "North East", "England", "England and Wales", "Great Britain")
_SENSITIVE_NOTE = (
    "To protect victims' privacy this measure is shown only as rates for areas, never as points on a map, "
    "and counts from 1 to 4 are shown as “fewer than 5”."
)
_PRESS = "press report, not an official statistic"
_LEVEL_WORDS = {
    "county": "County Durham",
    "la": "council areas",
    "force": "police force areas",
    "region": "regions",
    "country": "the country as a whole",
    "fire_service_area": "fire and rescue service areas",
    "all_forces": "all police forces together",
}


# --- Cached computations (plain arguments only) ---------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=200)
def _about_source(_con, wkey: str, source_id: str) -> tuple[str, str, str, str]:
    a = ui.about_from_source(_con, source_id, definition="", period="")
    return a.source_title, a.source_url, a.licence, a.loaded


def _about(source_id: str, *, definition: str, period: str, caveats=()) -> ui.About:
    title, url, licence, loaded = _about_source(ui.connection(), ui._warehouse_key(), source_id)
    return ui.About(definition, title, url, licence, period, loaded, tuple(caveats))


def _comparators(ind_id: str, area_code: str, start: str, end: str) -> pd.DataFrame:
    """The fixed comparators (cached once per period), with the chosen area first when it is not the county."""
    comp = ui.ind("police_comparators", ind_id, start, end, None)
    if area_code == COUNTY:
        return comp
    own = ui.ind("police_figure", ind_id, area_code, start, end).copy()
    own.insert(2, "role", "Selected area")
    county = comp[comp["area_code"] == COUNTY].iloc[0]
    ok = bool(own["complete"].iloc[0]) and not bool(own["suppressed"].iloc[0])
    own["comparison"] = (
        stats.compare(own["lower"].iloc[0], own["upper"].iloc[0], county["lower"], county["upper"]) if ok else "not compared"
    )
    return pd.concat([own, comp], ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=1000)
def _chart(wkey: str, builder: str, args: tuple):
    """Charts are slow to build and convert: each becomes a Vega-Lite spec once per warehouse and arguments."""
    out = _BUILDERS[builder](*args)
    if isinstance(out, tuple):  # (chart, alt text)
        return (ui.vega_spec(out[0]), *out[1:])
    return ui.vega_spec(out)


# --- Small formatting helpers ------------------------------------------------------------------------


def _num(value, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    if v == int(v) and abs(v) >= 10:
        return f"{int(v):,}"
    return f"{v:,.{digits}f}"


def _lower_first(text: str) -> str:
    """'Robbery' -> 'robbery' for use inside a sentence; names such as 'Great Britain' keep their capitals."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _link(title: str, url: str) -> str:
    return f"[{ui.md_escape(title)}]({url})" if str(url).startswith("http") else ui.md_escape(title)


def _unit_words(unit: str) -> str:
    """'count of arrests' -> 'arrests'; other units as published."""
    u = str(unit)
    u = u[len("count of ") :] if u.startswith("count of ") else u
    return u[:1].lower() + u[1:] if u[:2].istitle() else u


# --- Page ----------------------------------------------------------------------------------------------


def render(priority_id: str) -> None:
    ui.run_page(lambda: _render(priority_id))


def render_path(url_path: str) -> None:
    """Draw the priority whose page address is ``url_path`` (the calling file's name)."""
    render(catalogue.priority_by_path(url_path).id)


def _render(priority_id: str) -> None:
    state = ui.view_state()
    prio = catalogue.priority(priority_id)
    ui.page_header(prio.title, state)
    st.markdown(ui.md_escape(prio.summary))
    st.markdown(
        "**What the partnership works on**\n\n"
        + "\n".join(f"- **{ui.md_escape(w.name)}**: {ui.md_escape(w.description)}" for w in prio.work_areas)
    )
    inds = catalogue.indicators_for(priority_id)
    st.caption(
        f"{len(inds)} indicators below, grouped by work area. Police figures are for "
        f"{ui.md_escape(state.area_name)}; published tables are for the areas they were published for."
    )

    for work_area in [w.name for w in prio.work_areas]:
        group = [i for i in inds if i.work_area == work_area]
        if not group:
            continue
        st.header(work_area, anchor=False, divider="gray")
        for ind in group:
            _indicator(ind, state)

    baseline_ids = [b for i in inds for b in i.baseline_ids]
    if baseline_ids:
        _since_plan(list(dict.fromkeys(baseline_ids)), state)

    st.header("What is not measured locally", anchor=False, divider="gray")
    st.markdown("\n".join(f"- {ui.md_escape(t)}" for t in prio.not_measured_locally))

    if prio.help:
        st.header("How to report or get help", anchor=False, divider="gray")
        st.markdown("\n".join(f"- {_link(h.label, h.url)}" for h in prio.help))


def _indicator(ind: catalogue.Indicator, state: ui.ViewState) -> None:
    st.subheader(ind.title, anchor=False)
    st.markdown(ui.md_escape(ind.definition))
    if ind.kind == "police_uk":
        _police(ind, state)
    elif ind.kind == "published":
        _published(ind, state)
    else:
        _plan(ind)
    if ind.no_official_figure and ind.kind != "plan":
        st.info(ui.md_escape(ind.no_official_figure), icon=":material/help:")
    if ind.pointer_ids:
        _pointers(ind)


# --- police.uk indicators ---------------------------------------------------------------------------------


def _police(ind: catalogue.Indicator, state: ui.ViewState) -> None:
    comp = _comparators(ind.id, state.area_code, state.start, state.end)
    row = comp.iloc[0]
    unit = ind.unit
    cols = st.columns(3)
    if not bool(row["complete"]):
        cols[0].metric(f"Rate, {state.area_name}", "not available")
        st.caption(
            f"Not calculated: there is no police.uk data for {words.months_words(list(row['months_missing']))} in this period."
        )
    elif bool(row["suppressed"]):
        cols[0].metric(f"Count, {state.area_name}", "fewer than 5")
        cols[1].metric("Rate per 1,000 residents", "not shown", help="Too few to show a rate safely.")
    else:
        cols[0].metric(
            f"Rate per 1,000 residents, {state.area_name}",
            f"{row['rate']:,.1f}",
            help=f"{unit}, {state.period}.",
        )
        cols[1].metric("95% interval", f"{row['lower']:,.1f} to {row['upper']:,.1f}")
        cols[2].metric("Recorded", str(row["count_label"]), help=f"{state.period}.")
    if ind.sensitive:
        st.caption(_SENSITIVE_NOTE)

    caveats = (*ind.method_notes, *ui.CAVEATS) + ((_SENSITIVE_NOTE,) if ind.sensitive else ())
    left, right = st.columns(2)
    with left:
        _police_trend(ind, state, caveats)
    with right:
        _police_comparators(ind, state, comp, caveats)
    st.page_link(
        "pages/explore.py",
        label=f"Map of {_lower_first(ind.title)} by area",
        query_params=state.params(measure=ind.measure),
        icon=":material/map:",
    )


def _police_trend(ind: catalogue.Indicator, state: ui.ViewState, caveats) -> None:
    start = words.shift_month(state.start, -12)
    series = ui.ind("police_series", ind.id, state.area_code, start, state.end)
    gaps = series[series["status"] == "missing"]["month"].tolist()
    hidden = series[series["status"] == "suppressed"]["month"].tolist()
    chart = _chart(ui._warehouse_key(), "trend", (ind.id, state.area_code, start, state.end))
    table = pd.DataFrame(
        {
            "Month": series["month_label"],
            "Recorded": [
                ("no data" if s == "missing" else str(c)) for s, c in zip(series["status"], series["count_label"], strict=True)
            ],
            "Rate per 1,000 residents": series["rate"].round(3),
        }
    )
    alt_text = (
        f"Line chart of {_lower_first(ind.title)} per 1,000 residents in {state.area_name} each month, "
        f"{words.month_words(start)} to {words.month_words(state.end)}."
    )
    if gaps:
        alt_text += f" No police.uk data for {words.months_words(gaps)}: shown as a gap."
    if hidden:
        alt_text += f" Months with fewer than 5 are not plotted ({words.months_words(hidden)})."
    ui.chart_card(
        "Month by month",
        chart,
        table,
        alt_text=alt_text,
        about=_about(
            catalogue.POLICE_UK,
            definition=ind.definition,
            period=f"{words.month_words(start)} to {words.month_words(state.end)}",
            caveats=caveats,
        ),
        key=f"{ind.id}_trend",
    )


def _police_comparators(ind: catalogue.Indicator, state: ui.ViewState, comp: pd.DataFrame, caveats) -> None:
    chart = _chart(ui._warehouse_key(), "compare", (ind.id, state.area_code, state.start, state.end, state.area_name))
    comparison = [
        "" if c == "" else words.comparison_words(c, "", "County Durham").strip() if c != "not compared" else "not compared"
        for c in comp["comparison"]
    ]
    table = pd.DataFrame(
        {
            "Area": comp["area_name"],
            "Which area": comp["role"],
            "Recorded": comp["count_label"].astype(str),
            "Residents": comp["population"].map("{:,.0f}".format),
            "Rate per 1,000": comp["rate"].round(2),
            "95% interval from": comp["lower"].round(2),
            "95% interval to": comp["upper"].round(2),
            "Compared with County Durham": comparison,
        }
    )
    alt_text = (
        f"Bar chart of {_lower_first(ind.title)} per 1,000 residents in {state.period}, with 95% intervals: "
        + "; ".join(
            f"{n}: {'fewer than 5' if s else (f'{r:,.1f}' if pd.notna(r) else 'not available')}"
            for n, r, s in zip(comp["area_name"], comp["rate"], comp["suppressed"], strict=True)
        )
        + "."
    )
    ui.chart_card(
        "Compared with other areas",
        chart,
        table,
        alt_text=alt_text,
        about=_about(
            catalogue.POLICE_UK,
            definition=ind.definition
            + " Compared with Darlington (the other area of Durham Constabulary) and the Durham, Cleveland and Northumbria police force areas.",
            period=state.period,
            caveats=caveats,
        ),
        key=f"{ind.id}_compare",
    )


# --- Published tables -------------------------------------------------------------------------------------


def _is_national(df: pd.DataFrame) -> bool:
    return bool(len(df)) and bool(df["area_code"].isin(NATIONAL_CODES).all())


def _published(ind: catalogue.Indicator, state: ui.ViewState) -> None:
    if not ind.has_official_figures:
        return
    df = ui.ind("published_values", ind.id)
    if df.empty:
        st.info("No official figures for this indicator are loaded yet.", icon=":material/hourglass_empty:")
        return
    national = _is_national(df)
    places = ", ".join(dict.fromkeys(df["area_name"].astype(str)))
    if national:
        st.warning(
            f"**Clearly national:** these figures are for {ui.md_escape(places)}, not for County Durham. "
            "No local figure is published.",
            icon=":material/public:",
        )
    elif state.area_code != COUNTY and state.area.get("area_type") not in ind.geographies:
        order = list(_LEVEL_WORDS)
        found = sorted(set(df["area_level"]), key=lambda lv: order.index(lv) if lv in order else len(order))
        levels = [_LEVEL_WORDS.get(lv, "other areas") for lv in found]
        st.info(
            f"The published table has no figures for {ui.md_escape(state.area_name)}: it is published only for "
            f"{ui.md_escape(_join(list(dict.fromkeys(levels))))}. The figures below are County Durham's.",
            icon=":material/info:",
        )

    _published_headline(df)
    chart, alt_text = _chart(ui._warehouse_key(), "published", (ind.id,))
    table = pd.DataFrame(
        {
            "Area": df["area_name"],
            "Figure": df["series"],
            "Period": df["period"],
            "Value": [_num(v, 2) for v in df["value"]],
            "Unit": df["unit"],
            "Source": df["source_title"],
        }
    )
    if df["note"].notna().any() and (df["note"].fillna("") != "").any():
        table["Note"] = df["note"].fillna("")
    sources = df.drop_duplicates("source_id")
    periods = list(dict.fromkeys(df.sort_values("period_order", na_position="first")["period"].astype(str)))
    period_text = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    caveats = tuple(ind.method_notes)
    if national:
        caveats += (f"National figures ({places}): there is no County Durham figure.",)
    ui.chart_card(
        "Over time" if len(periods) > 1 else "Published figures",
        chart,
        table,
        alt_text=alt_text,
        about=_about(str(sources["source_id"].iloc[0]), definition=ind.definition, period=period_text, caveats=caveats),
        key=f"{ind.id}_published",
    )
    lines = []
    for s in sources.itertuples():
        own = df[df["source_id"] == s.source_id]
        per = list(dict.fromkeys(own.sort_values("period_order", na_position="first")["period"].astype(str)))
        when = per[0] if len(per) == 1 else f"{per[0]} to {per[-1]}"
        lines.append(
            f"**Source:** {_link(s.source_title, s.source_url or '')} ({ui.md_escape(s.publisher)}). **Period:** {ui.md_escape(when)}."
        )
    st.markdown("\n\n".join(lines))


def _published_headline(df: pd.DataFrame) -> None:
    """One sentence: the latest figure for County Durham (or the area the table has)."""
    pick = df[df["area_code"] == COUNTY]
    if pick.empty:
        pick = df
    unit = pick["unit"].value_counts().index[0]
    pick = pick[pick["unit"] == unit]
    # The latest period of any series (catalogue order breaks ties).
    row = pick.sort_values("period_order", na_position="first", kind="stable").iloc[-1]
    st.markdown(
        f"Latest: **{ui.md_escape(_num(row['value'], 2))}** {ui.md_escape(_unit_words(row['unit']))} "
        f"for {ui.md_escape(row['area_name'])}, {ui.md_escape(row['period'])} "
        f"({ui.md_escape(row['series'])})."
    )


def _published_chart(ind_id: str) -> tuple[alt.Chart, str]:
    """A line chart over periods (or bars for a single period), County Durham highlighted."""
    ind = catalogue.indicator(ind_id)
    df = ui.ind("published_values", ind_id)
    # One unit per chart: the unit with most rows (the table shows them all).
    unit = df["unit"].value_counts().index[0]
    data = df[df["unit"] == unit].copy()
    n_series, n_areas = data["series_id"].nunique(), data["area_code"].fillna(data["area_name"]).nunique()
    if n_series > 1 and n_areas > 1:
        data["label"] = data["area_name"] + ": " + data["series"]
    elif n_series > 1:
        data["label"] = data["series"]
    else:
        data["label"] = data["area_name"]
    if n_series > 1 or n_areas <= 6:
        data["group"] = data["label"]
    else:
        data["group"] = [r if r in _HIGHLIGHT_ROLES else _other_group(r) for r in data["role"]]
    order = list(dict.fromkeys(data.sort_values(["period_order", "period"], na_position="first")["period"].astype(str)))
    data["period"] = data["period"].astype(str)
    groups = list(dict.fromkeys(sorted(data["group"], key=lambda g: (g != "County Durham", g.startswith("Other"), g))))
    palette = [charts.DARK_BLUE, charts.ORANGE, charts.TURQUOISE, charts.DARK_PINK, charts.LIGHT_PURPLE, charts.DARK_GREY]
    colours = [("#BFBFBF" if g.startswith("Other") else palette[i % len(palette)]) for i, g in enumerate(groups)]
    # Grey lines first, so County Durham and the averages are drawn on top.
    data["z"] = [0 if g.startswith("Other") else (2 if g == "County Durham" else 1) for g in data["group"]]
    data = data.sort_values(["z", "period_order"], kind="stable")
    long_labels = max(len(g) for g in groups) > 30
    legend = alt.Legend(orient="bottom", columns=1 if long_labels else 4, labelLimit=700)
    colour = alt.Color("group:N", title=None, scale=alt.Scale(domain=groups, range=colours), legend=legend)
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("series:N", title="Figure"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("value:Q", title=unit, format=",.2f"),
    ]
    y_title = unit if len(unit) <= 40 else unit[:38] + "…"
    if len(order) > 1:
        layers = []
        for part in (data[data["z"] == 0], data[data["z"] > 0]):  # grey lines underneath
            if part.empty:
                continue
            base = alt.Chart(part).encode(
                x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
                y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True)),
                color=colour,
                detail="label:N",
                tooltip=tooltip,
            )
            layers += [base.mark_line(strokeWidth=2.5), base.mark_point(filled=True, size=60)]
        chart = alt.layer(*layers).properties(height=320)
        kind = "Line chart"
    else:
        chart = (
            alt.Chart(data)
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
                x=alt.X("value:Q", title=y_title),
                color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=colours), legend=None),
                tooltip=tooltip,
            )
            .properties(height=90 + 40 * data["label"].nunique())  # Streamlit fits the axis inside the height
        )
        kind = "Bar chart"
    chart = chart.configure_axis(labelFontSize=13, titleFontSize=13).configure_legend(
        labelFontSize=13, titleFontSize=13, orient="bottom", labelLimit=700
    )
    county = data[data["area_code"] == COUNTY].sort_values("period_order", na_position="first")
    focus = county if len(county) else data.sort_values("period_order", na_position="first")
    last = focus.iloc[-1]
    alt_text = (
        f"{kind} of {_lower_first(ind.title)} ({unit}), "
        + (f"{order[0]} to {order[-1]}" if len(order) > 1 else order[0])
        + f", for {data['area_name'].nunique()} area(s). Latest for {last['area_name']}: {_num(last['value'], 2)} ({last['period']})."
    )
    others = df["unit"].nunique() - 1
    if others:
        alt_text += " Figures in other units are in the table."
    return chart, alt_text


def _other_group(role: str) -> str:
    if "North East authority" in role:
        return "Other North East councils"
    if role == "Statistical neighbour":
        return "Similar councils elsewhere"
    return "Other areas"


def _pointers(ind: catalogue.Indicator) -> None:
    ptr = ui.ind("published_pointers", ind.id)
    if ptr.empty:
        return
    lines = []
    for r in ptr.itertuples():
        lines.append(
            f"- {_link(r.source_title, r.source_url or '')}: {ui.md_escape(r.series)}, {ui.md_escape(r.area_name)}, "
            f"{ui.md_escape(r.period)}: {ui.md_escape(_num(r.value, 2))} {ui.md_escape(_unit_words(r.unit))} "
            f"— *{_PRESS}*"
        )
    st.markdown(
        f"**Also reported ({_PRESS}):** leads to the primary publication, not figures this dashboard relies on.\n\n"
        + "\n".join(lines)
    )


# --- Plan figures and "since the plan" ---------------------------------------------------------------------


def _plan(ind: catalogue.Indicator) -> None:
    figs = published.plan_figures(ind)
    for r in figs.itertuples():
        st.markdown(
            f"> **{ui.md_escape(_num(r.value, 1))} {ui.md_escape(r.unit)}**, {ui.md_escape(r.period)}: {ui.md_escape(r.description)}\n>\n"
            f"> *Source:* {ui.md_escape(r.citation)}"
        )
    if ind.no_official_figure:
        st.info(ui.md_escape(ind.no_official_figure), icon=":material/help:")
    st.caption("A figure quoted in the Safe Durham Partnership Plan 2021-25, not a current figure.")


def _since_plan(baseline_ids: list[str], state: ui.ViewState) -> None:
    st.header("Since the plan", anchor=False, divider="gray")
    plan = catalogue.plan_citation()
    st.markdown(
        f"The {ui.md_escape(plan['title'])} quoted these figures for County Durham. Where police.uk measures the same "
        "thing, the latest 12 months for the whole county are shown beside them, over the same length of time."
    )
    if state.area_code != COUNTY:
        st.caption(f"These are County Durham figures: the plan has none for {ui.md_escape(state.area_name)}.")
    sp = ui.ind("since_plan", tuple(baseline_ids), state.end)
    rows = []
    for r in sp.itertuples():
        if pd.notna(r.current_value):
            now = f"{_num(r.current_value, 1)} ({_num(r.current_lower, 1)} to {_num(r.current_upper, 1)}), {r.current_period}"
            verdict = {
                "lower": "lower than the plan's figure",
                "higher": "higher than the plan's figure",
                "similar": "similar to the plan's figure",
            }.get(r.current_vs_plan, "not compared")
            note = r.caveat or ""
        else:
            now, verdict, note = "—", "not compared", r.reason or ""
        rows.append(
            {
                "Plan figure": r.label,
                "In the plan": f"{_num(r.plan_value, 1)} {r.plan_unit}, {r.plan_period}",
                "Latest comparable figure (95% interval)": now,
                "Now compared with then": verdict,
                "Why, or what differs": note,
                "Where in the plan": r.citation,
            }
        )
    table = pd.DataFrame(rows)
    with st.container(border=True, key="card_since_plan"):
        for r in rows:
            st.markdown(
                f"**{ui.md_escape(r['Plan figure'])}**: the plan says {ui.md_escape(r['In the plan'])}. "
                + (
                    f"Latest: {ui.md_escape(r['Latest comparable figure (95% interval)'])}, "
                    f"{ui.md_escape(r['Now compared with then'])}."
                    if r["Now compared with then"] != "not compared"
                    else f"Not compared: {ui.md_escape(r['Why, or what differs'])}"
                )
            )
        st.table(table, hide_index=True)
        st.download_button(
            "Download this data (CSV)",
            table.to_csv(index=False).encode("utf-8"),
            file_name="since_the_plan.csv",
            mime="text/csv",
            key="since_plan_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(
            "“Lower” or “higher” means the latest figure's 95% interval lies wholly below or above the plan's figure. "
            + ui.md_escape(plan["note"])
        )


def _trend_chart(ind_id: str, area_code: str, start: str, end: str) -> alt.Chart:
    series = ui.ind("police_series", ind_id, area_code, start, end)
    title = "Rate per 1,000 residents each month"
    return charts.trend(series, value="rate", series=None, title=title, description=catalogue.indicator(ind_id).title)


def _compare_chart(ind_id: str, area_code: str, start: str, end: str, area_name: str) -> alt.Chart:
    comp = _comparators(ind_id, area_code, start, end)
    return charts.rates(
        comp.dropna(subset=["rate"]),
        label="area_name",
        title="Rate per 1,000 residents",
        description=catalogue.indicator(ind_id).title,
        highlight=area_name,
    )


_BUILDERS = {"trend": _trend_chart, "compare": _compare_chart, "published": _published_chart}
