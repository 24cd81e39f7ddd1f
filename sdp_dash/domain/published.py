"""The indicator catalogue and what a priority page shows.  No Streamlit here.

``data/indicators.toml`` lists the six strategic priorities of the Safe Durham Partnership Plan
2021-25 and, for each, the indicators a page shows; ``data/plan_baselines.toml`` holds the plan's
own figures with their citation.  This module loads and checks both (``catalogue()``,
``priorities()``, ``indicators_for()``, ``plan_baselines()``) and computes the frames a page
draws.  Every compute function takes the DuckDB connection first; SQL lives in
``sdp_dash.queries`` and user input reaches it only as bound parameters.

police.uk indicators (``kind = "police_uk"``):
  ``police_figure``       one area, one period: count, Census 2021 population, rate per 1,000, 95% CI
  ``police_series``       the same month by month (missing months kept, marked "missing")
  ``police_by_area``      every area of one type in the county (for a map or table)
  ``police_comparators``  County Durham beside Darlington and the three North East force areas
  ``police_points``       anonymous map points; refuses for sensitive measures

Published tables (``kind = "published"``):
  ``published_values``       official rows, tidy, with area level and comparator role
  ``published_comparators``  the latest period, County Durham beside the other areas
  ``published_pointers``     press and secondary rows, labelled (never shown as figures)

Press and secondary rows (the policy): they are excluded from every figure, table and chart.
The catalogue may name them only in ``pointer_ids``; ``published_pointers`` lists them, each with
a caveat, as leads to the primary publication.  Where only such rows exist the indicator carries
``no_official_figure``, a plain statement that no official local figure is held.

Plan figures (``kind = "plan"``) and "since the plan": ``plan_figures`` and ``since_plan``.
``headline`` gives one figure per indicator for a card, whatever its kind.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config.catalogue import PLAN_SOURCE, POLICE_UK, PRESS_CAVEAT, Indicator, NotShownError, catalogue, indicator
from sdp_dash.config.codes import COUNTY, DARLINGTON, ENGLAND, ENGLAND_AND_WALES, GREAT_BRITAIN, NORTH_EAST, NORTH_EAST_LAS
from sdp_dash.domain import stats
from sdp_dash.warehouse import Con


def _need(ind: Indicator | str, kind: str) -> Indicator:
    ind = indicator(ind) if isinstance(ind, str) else ind
    if ind.kind != kind:
        raise ValueError(f"indicator {ind.id!r} is {ind.kind!r}, not {kind!r}")
    return ind


# --- Periods ------------------------------------------------------------------------------------------


def _month_words(month: str) -> str:
    return warehouse.month_date(month).strftime("%B %Y")


def _shift(month: str, months: int) -> str:
    d = warehouse.month_date(month)
    i = d.year * 12 + d.month - 1 + months
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def period_label(start: str, end: str) -> str:
    """'12 months to December 2025', 'March 2025', or 'January 2024 to April 2024'."""
    n = len(warehouse.months_between(start, end))
    if n == 1:
        return _month_words(end)
    if n == 12:
        return f"12 months to {_month_words(end)}"
    return f"{_month_words(start)} to {_month_words(end)}"


def _default_period(con: Con, start: str | None, end: str | None) -> tuple[str, str]:
    end = end or warehouse.latest_month(con)
    return start or _shift(end, -11), end


# --- police.uk indicators -----------------------------------------------------------------------------


def _suppressed(count, sensitive: bool) -> bool:
    return bool(sensitive) and count is not None and not pd.isna(count) and 0 < int(count) < stats.SUPPRESS_BELOW


def _rate_columns(df: pd.DataFrame, sensitive: bool, per: float = 1000.0) -> pd.DataFrame:
    """Adds rate/lower/upper, count_label and suppressed; blanks the numbers of suppressed rows."""
    counts = df["count"].astype("Float64")
    rate, lo, hi = stats.rate_interval(counts.fillna(np.nan).to_numpy(dtype=float), df["population"].to_numpy(dtype=float), per)
    df = df.assign(rate=rate, lower=lo, upper=hi)
    df["suppressed"] = [_suppressed(c, sensitive) for c in df["count"]]
    df["count_label"] = [stats.suppress(None if pd.isna(c) else int(c), sensitive) for c in df["count"]]
    df.loc[df["suppressed"], ["rate", "lower", "upper"]] = np.nan
    df["count"] = df["count"].astype("Int64")
    df.loc[df["suppressed"], "count"] = pd.NA
    return df


def _measure_sensitive(con: Con, measure: str) -> bool:
    row = con.execute("SELECT bool_or(sensitive) FROM measures WHERE measure_id = ?", [measure]).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"unknown measure {measure!r}")
    return bool(row[0])


def police_figure(
    con: Con, ind: Indicator | str, area_code: str, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """One area and period (default: the 12 months to the latest month) as a one-row frame.

    Columns: indicator_id, measure_id, area_code, area_name, area_type, approximate, period_from,
    period_to, period_label, months, months_missing (list), complete, count (Int64; NA when
    suppressed or incomplete), count_label, suppressed, sensitive, population, rate, lower, upper
    (per 1,000 residents, 95% interval; NaN when suppressed or incomplete), unit.
    A period with a missing month is not computed (complete = False, count_label 'not available').
    """
    ind = _need(ind, "police_uk")
    start, end = _default_period(con, start, end)
    info = warehouse.area(con, area_code)
    sensitive = ind.sensitive or _measure_sensitive(con, ind.measure)
    missing = warehouse.missing_months(con, area_code, start, end)
    count = None
    if not missing:
        counts = warehouse.counts_by_measure(con, area_code, start, end, kind="all")
        hit = counts[counts["measure_id"] == ind.measure]
        if hit.empty:
            raise LookupError(f"unknown measure {ind.measure!r}")
        count = int(hit["count"].iloc[0])
    df = pd.DataFrame(
        {
            "indicator_id": [ind.id],
            "measure_id": [ind.measure],
            "area_code": [info["area_code"]],
            "area_name": [info["area_name"]],
            "area_type": [info["area_type"]],
            "approximate": [bool(info["approximate"])],
            "period_from": [start],
            "period_to": [end],
            "period_label": [period_label(start, end)],
            "months": [len(warehouse.months_between(start, end))],
            "months_missing": [missing],
            "complete": [not missing],
            "count": pd.array([count], dtype="Int64"),
            "population": [float(info["population"])],
            "sensitive": [sensitive],
            "unit": [ind.unit],
        }
    )
    return _rate_columns(df, sensitive, ind.per or 1000)


def police_series(
    con: Con, ind: Indicator | str, area_code: str, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """Month by month for one area (default: every month from the first file to the latest).

    Columns: month, month_label, status ('present' / 'missing' / 'suppressed'), count (Int64, NA
    when missing or suppressed), count_label, suppressed, population, rate, lower, upper (per 1,000
    residents per month), unit.  Missing months stay in the frame so a chart can show the gap.
    """
    ind = _need(ind, "police_uk")
    end = end or warehouse.latest_month(con)
    start = start or con.execute("SELECT strftime(min(month), '%Y-%m') FROM coverage WHERE status = 'present'").fetchone()[0]
    info = warehouse.area(con, area_code)
    sensitive = ind.sensitive or _measure_sensitive(con, ind.measure)
    df = warehouse.monthly_counts(con, area_code, ind.measure, start, end)
    df = df.assign(month_label=[_month_words(m) for m in df["month"]], population=float(info["population"]), unit=ind.unit)
    df = _rate_columns(df, sensitive, ind.per or 1000)
    df.loc[df["suppressed"], "status"] = "suppressed"
    return df[
        ["month", "month_label", "status", "count", "count_label", "suppressed", "population", "rate", "lower", "upper", "unit"]
    ]


BY_AREA_COLUMNS = [
    "area_code",
    "area_name",
    "approximate",
    "population",
    "count",
    "count_label",
    "suppressed",
    "rate",
    "lower",
    "upper",
    "comparison",
    "county_rate",
    "period_label",
    "unit",
]


def police_by_area(
    con: Con, ind: Indicator | str, area_type: str, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """Every area of one type in the county, for one period, compared with the county.

    Columns: area_code, area_name, approximate, population, count (Int64), count_label,
    suppressed, rate, lower, upper, comparison ('higher' / 'similar' / 'lower' than the county,
    or 'not compared' when suppressed), county_rate, period_label, unit.
    Empty when a month in the period is missing (the period is not computed).
    """
    ind = _need(ind, "police_uk")
    if area_type not in ind.geographies:
        raise ValueError(f"{ind.id!r} is not shown for {area_type!r} areas")
    start, end = _default_period(con, start, end)
    if warehouse.missing_months(con, COUNTY, start, end):
        return pd.DataFrame(columns=BY_AREA_COLUMNS)
    sensitive = ind.sensitive or _measure_sensitive(con, ind.measure)
    df = warehouse.counts_by_area_type(con, area_type, ind.measure, start, end)
    df = _rate_columns(df.assign(population=df["population"].astype(float)), sensitive, ind.per or 1000)
    county = police_figure(con, ind, COUNTY, start, end).iloc[0]
    df["comparison"] = [
        "not compared" if s else stats.compare(lo, hi, county["lower"], county["upper"])
        for s, lo, hi in zip(df["suppressed"], df["lower"], df["upper"], strict=True)
    ]
    df["county_rate"] = county["rate"]
    df["period_label"] = period_label(start, end)
    df["unit"] = ind.unit
    return df[BY_AREA_COLUMNS]


_COMPARATOR_ROLES = {
    COUNTY: "County Durham (the partnership area)",
    DARLINGTON: "Darlington (same police force, different partnership)",
    "E23000008": "Durham Constabulary force area (County Durham and Darlington)",
    "E23000013": "Cleveland Police force area",
    "E23000007": "Northumbria Police force area",
}


def police_comparators(
    con: Con, ind: Indicator | str, start: str | None = None, end: str | None = None, area_code: str | None = None
) -> pd.DataFrame:
    """County Durham beside Darlington and the three North East force areas, per 1,000 residents.

    With ``area_code`` (an area inside the county) that area comes first.  Columns are those of
    ``police_figure`` plus role and comparison (with County Durham, from the 95% intervals).
    """
    ind = _need(ind, "police_uk")
    start, end = _default_period(con, start, end)
    codes = list(_COMPARATOR_ROLES)
    if area_code and area_code not in codes:
        codes.insert(0, area_code)
    df = pd.concat([police_figure(con, ind, c, start, end) for c in codes], ignore_index=True)
    df.insert(2, "role", [_COMPARATOR_ROLES.get(c, "Selected area") for c in df["area_code"]])
    county = df[df["area_code"] == COUNTY].iloc[0]
    df["comparison"] = [
        "" if c == COUNTY else ("not compared" if (s or not ok) else stats.compare(lo, hi, county["lower"], county["upper"]))
        for c, s, ok, lo, hi in zip(df["area_code"], df["suppressed"], df["complete"], df["lower"], df["upper"], strict=True)
    ]
    return df


def police_points(
    con: Con, ind: Indicator | str, area_code: str, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """Anonymous police.uk map points (longitude, latitude, location, count, crime_types).

    Raises NotShownError for sensitive measures (violence and sexual offences, robbery): those are
    only ever shown as area rates.
    """
    ind = _need(ind, "police_uk")
    if ind.sensitive or _measure_sensitive(con, ind.measure):
        raise NotShownError(f"{ind.title} is never shown as points on a map, only as rates for areas")
    start, end = _default_period(con, start, end)
    return warehouse.incident_points(con, area_code, ind.measure, start, end)


# --- Published tables -----------------------------------------------------------------------------------

_REGION_NAMES = {
    NORTH_EAST: "North East",
    ENGLAND: "England",
    ENGLAND_AND_WALES: "England and Wales",
    GREAT_BRITAIN: "Great Britain",
}
_MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


def area_level(code, name="") -> str:
    """The geography of a published row: county, la, force, region, country, fire_service_area, all_forces, other."""
    if code is None or pd.isna(code) or code == "":
        text = str(name).lower()
        if "fire" in text:
            return "fire_service_area"
        if "all forces" in text:
            return "all_forces"
        return "other"
    if code == COUNTY:
        return "county"
    prefix = code[:3]
    if prefix in ("E06", "E07", "E08", "E09", "W06"):
        return "la"
    if prefix == "E23":
        return "force"
    if prefix == "E12":
        return "region"
    if prefix in ("E92", "W92", "K04", "K03"):
        return "country"
    return "other"


def period_order(period: str) -> int | None:
    """A sortable number for a published period: the last 4-digit year found, then the last month.

    '2008/09' -> 200800, '2007-2009' -> 200900, 'year ending 31 Mar 2024' -> 202403,
    'Apr 2020 - Dec 2020' -> 202012; None when the period has no year ('not stated ...').
    """
    text = str(period)
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if not years:
        return None
    months = [
        _MONTHS[m.lower()[:3]]
        for m in re.findall(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", text, flags=re.I)
    ]
    return int(years[-1]) * 100 + (months[-1] if months else 0)


def statistical_neighbours(con: Con, code: str = COUNTY) -> pd.DataFrame:
    """ONS statistical ('global') neighbours of an authority: rank, area_code, area_name.

    From the warehouse table ``area_neighbours`` (ONS "Explore local statistics" clusters).
    """
    df = con.execute(
        "SELECT rank, neighbour_code AS area_code FROM area_neighbours WHERE area_code = ? AND kind = 'global' ORDER BY rank",
        [code],
    ).fetchdf()
    names = warehouse.published_area_names(con, df["area_code"].tolist())
    df["area_name"] = df["area_code"].map(names)
    return df.sort_values("rank").reset_index(drop=True)


def _roles(con: Con, df: pd.DataFrame) -> pd.DataFrame:
    nbrs = statistical_neighbours(con)
    rank = dict(zip(nbrs["area_code"], nbrs["rank"], strict=True))
    roles = []
    for code, level in zip(df["area_code"], df["area_level"], strict=True):
        if code == COUNTY:
            roles.append("County Durham")
        elif level == "la" and code in NORTH_EAST_LAS and code in rank:
            roles.append("North East authority and statistical neighbour")
        elif level == "la" and code in NORTH_EAST_LAS:
            roles.append("North East authority")
        elif level == "la" and code in rank:
            roles.append("Statistical neighbour")
        elif level == "force":
            roles.append(_COMPARATOR_ROLES.get(code, "Police force area"))
        elif level in ("region", "country"):
            roles.append(_REGION_NAMES.get(code, "National"))
        else:
            roles.append(level.replace("_", " ").capitalize())
    ranks = pd.array([rank.get(c) for c in df["area_code"]], dtype="Int64")
    return df.assign(role=roles, neighbour_rank=ranks)


_PUBLISHED_COLUMNS = [
    "indicator_id",
    "series_id",
    "series",
    "area_code",
    "area_name",
    "area_level",
    "role",
    "neighbour_rank",
    "period",
    "period_order",
    "value",
    "lower",
    "upper",
    "count",
    "unit",
    "source_id",
    "source_title",
    "source_url",
    "publisher",
    "quality",
    "note",
]


def _published(con: Con, ind: Indicator, ids: tuple[str, ...]) -> pd.DataFrame:
    df = warehouse.indicator_rows(con, list(ids))
    df = df.rename(columns={"indicator_id": "series_id", "indicator": "series"})
    df.insert(0, "indicator_id", ind.id)
    df["area_level"] = [area_level(c, n) for c, n in zip(df["area_code"], df["area_name"], strict=True)]
    df["period_order"] = pd.array([period_order(p) for p in df["period"]], dtype="Int64")
    df = _roles(con, df)
    df["series_order"] = df["series_id"].map({s: i for i, s in enumerate(ids)})
    df = df.sort_values(["series_order", "period_order", "area_level", "area_name"], na_position="last", kind="stable")
    return df[_PUBLISHED_COLUMNS].reset_index(drop=True)


def published_values(con: Con, ind: Indicator | str, area_codes: list[str] | None = None) -> pd.DataFrame:
    """The official figures of a published indicator, tidy.

    Columns: indicator_id (catalogue id), series_id / series (the published table's own indicator
    id and name), area_code, area_name, area_level, role (e.g. 'County Durham', 'North East
    authority', 'Statistical neighbour', 'England'), neighbour_rank, period (as published),
    period_order (sortable; NA when the period is not stated), value, lower, upper, count, unit,
    source_id, source_title, source_url, publisher, quality (always 'official'), note.
    Press and secondary rows are never included (see ``published_pointers``).
    """
    ind = _need(ind, "published")
    df = _published(con, ind, ind.indicator_ids)
    df = df[df["quality"] == "official"]
    if area_codes is not None:
        df = df[df["area_code"].isin(area_codes)]
    return df.reset_index(drop=True)


def published_pointers(con: Con, ind: Indicator | str) -> pd.DataFrame:
    """Press and secondary rows named in ``pointer_ids``: the columns of published_values plus caveat.

    Listed only as leads to the primary publication (with their link); never as crime.
    """
    ind = indicator(ind) if isinstance(ind, str) else ind
    if not ind.pointer_ids:
        return pd.DataFrame(columns=[*_PUBLISHED_COLUMNS, "caveat"])
    df = _published(con, ind, ind.pointer_ids)
    df = df[df["quality"] != "official"].copy()
    df["caveat"] = df["quality"].map(PRESS_CAVEAT).fillna("Not an official figure.")
    return df.reset_index(drop=True)


def published_comparators(con: Con, ind: Indicator | str, period: str | None = None) -> pd.DataFrame:
    """The latest period of each series (or ``period``), County Durham beside every other area.

    For each series, the latest period with a County Durham value (or, for series with no County
    Durham row such as Great Britain totals, the latest period).  Columns: those of
    published_values plus county_value
    (County Durham's value for the same period and unit, from any series of the indicator, so a
    'national average' series is set against the county), difference (value minus county_value)
    and rank_among_authorities (1 = highest among the local authorities; NA when fewer than two).
    There are no confidence intervals in these tables, so no 'higher/lower' judgement is made.
    """
    df = published_values(con, ind)
    county_rows = df[df["area_code"] == COUNTY].drop_duplicates(["period", "unit"])
    county_value = {(p, u): v for p, u, v in zip(county_rows["period"], county_rows["unit"], county_rows["value"], strict=True)}
    parts = []
    for _sid, grp in df.groupby("series_id", sort=False):
        if period is not None:
            chosen = grp[grp["period"] == period]
        else:
            base = grp[grp["area_code"] == COUNTY]
            base = base if not base.empty else grp
            base = base.dropna(subset=["period_order"]) if base["period_order"].notna().any() else base
            latest = base.sort_values("period_order", na_position="first").iloc[-1]["period"]
            chosen = grp[grp["period"] == latest]
        if chosen.empty:
            continue
        chosen = chosen.copy()
        chosen["county_value"] = [county_value.get((p, u), np.nan) for p, u in zip(chosen["period"], chosen["unit"], strict=True)]
        chosen["difference"] = chosen["value"] - chosen["county_value"]
        las = chosen["area_level"].isin(["la", "county"])
        chosen["rank_among_authorities"] = pd.array([pd.NA] * len(chosen), dtype="Int64")
        if las.sum() > 1:
            chosen.loc[las, "rank_among_authorities"] = (
                chosen.loc[las, "value"].rank(ascending=False, method="min").astype("Int64")
            )
        parts.append(chosen)
    if not parts:
        return pd.DataFrame(columns=[*_PUBLISHED_COLUMNS, "county_value", "difference", "rank_among_authorities"])
    return pd.concat(parts, ignore_index=True)


# --- The plan's figures and "since the plan" ------------------------------------------------------


def plan_figures(ind: Indicator | str) -> pd.DataFrame:
    """The plan's figures named by an indicator's baseline_ids, with their citation.

    Columns: baseline_id, label, description, value, unit, period, document, publisher, section,
    page, citation, quality ('official': the council's published plan).
    """
    ind = indicator(ind) if isinstance(ind, str) else ind
    plan = catalogue().plan
    rows = []
    for bid in ind.baseline_ids:
        b = catalogue().baseline(bid)
        rows.append(
            {
                "baseline_id": b.id,
                "label": b.label,
                "description": b.description,
                "value": b.value,
                "unit": b.unit,
                "period": b.period,
                "document": plan["title"],
                "publisher": plan["publisher"],
                "section": b.section,
                "page": b.page,
                "citation": b.citation(plan),
                "quality": "official",
            }
        )
    return pd.DataFrame(rows)


_SINCE_COLUMNS = [
    "baseline_id",
    "label",
    "measure_id",
    "plan_value",
    "plan_unit",
    "plan_period",
    "comparable",
    "reason",
    "caveat",
    "current_value",
    "current_lower",
    "current_upper",
    "current_count",
    "current_period",
    "current_from",
    "current_to",
    "population",
    "change",
    "current_vs_plan",
    "citation",
]


def since_plan(con: Con, baseline_ids: list[str] | None = None, end: str | None = None) -> pd.DataFrame:
    """Each plan figure beside the latest comparable police.uk figure for County Durham.

    The current figure covers the 12 months to ``end`` (default the latest month), expressed
    over the same length of time as the plan's figure (``months``: 12 = per year, 3 = per
    quarter, 1 = per month), in the same unit (per 1,000 residents, or a count).  When the plan's
    figure is not comparable, or a month of the 12 is missing, the current columns are empty and
    ``reason`` says why.  current_vs_plan: 'lower' / 'higher' when the current 95% interval lies
    wholly below / above the plan's figure, 'similar' when it contains it, 'not compared' otherwise.
    Columns: baseline_id, label, measure_id, plan_value, plan_unit, plan_period, comparable,
    reason, caveat, current_value, current_lower, current_upper, current_count, current_period,
    current_from, current_to, population, change (current - plan), current_vs_plan, citation.
    """
    cat = catalogue()
    chosen = [cat.baseline(b) for b in baseline_ids] if baseline_ids else list(cat.baselines)
    end = end or warehouse.latest_month(con)
    start = _shift(end, -11)
    missing = warehouse.missing_months(con, COUNTY, start, end)
    counts = (
        None if missing else warehouse.counts_by_measure(con, COUNTY, start, end, kind="all").set_index("measure_id")["count"]
    )
    population = float(warehouse.area(con, COUNTY)["population"])
    rows = []
    for b in chosen:
        row = dict.fromkeys(_SINCE_COLUMNS)
        row.update(
            baseline_id=b.id,
            label=b.label,
            measure_id=b.measure,
            plan_value=b.value,
            plan_unit=b.unit,
            plan_period=b.period,
            comparable=b.comparable,
            reason=b.reason,
            caveat=b.caveat,
            citation=b.citation(cat.plan),
            current_vs_plan="not compared",
        )
        if b.comparable and missing:
            row["reason"] = f"No current figure: {len(missing)} of the 12 months to {_month_words(end)} have no police.uk file."
        elif b.comparable:
            n = int(counts[b.measure])
            scale = b.months / 12
            per_1000 = "per 1,000" in b.unit
            lo, hi = stats.poisson_interval(n)
            if per_1000:
                value, lower, upper = (x / population * 1000 * scale for x in (n, float(lo), float(hi)))
            else:
                value, lower, upper = (x * scale for x in (n, float(lo), float(hi)))
            row.update(
                current_value=value,
                current_lower=lower,
                current_upper=upper,
                current_count=n,
                current_period=period_label(start, end),
                current_from=start,
                current_to=end,
                population=population,
                change=value - b.value,
                current_vs_plan="lower" if upper < b.value else ("higher" if lower > b.value else "similar"),
            )
        rows.append(row)
    df = pd.DataFrame(rows, columns=_SINCE_COLUMNS)
    for col in ("current_value", "current_lower", "current_upper", "population", "change", "plan_value"):
        df[col] = df[col].astype(float)
    df["current_count"] = df["current_count"].astype("Int64")
    return df


# --- One figure for a card ------------------------------------------------------------------------------


def headline(con: Con, ind: Indicator | str, area_code: str = COUNTY, end: str | None = None) -> dict:
    """The one figure a card shows, whatever the indicator's kind.

    Keys: indicator_id, title, kind, unit, polarity, area_code, area_name, value (float or None),
    value_label (text to show, e.g. '92.7 per 1,000' / 'fewer than 5' / 'No official figure held'),
    count_label, period_label, quality, source_title, source_url, note.
    police_uk: the 12 months to ``end`` for the area; published: the latest official row of the
    first series that has the area (else the Durham force area, else its own geography, e.g. Great
    Britain); plan: the plan's first figure.
    """
    ind = indicator(ind) if isinstance(ind, str) else ind
    out = {
        "indicator_id": ind.id,
        "title": ind.title,
        "kind": ind.kind,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "area_code": area_code,
        "area_name": None,
        "value": None,
        "value_label": "No official figure held",
        "count_label": "",
        "period_label": "",
        "quality": "",
        "source_title": "",
        "source_url": "",
        "note": ind.no_official_figure,
    }
    if ind.kind == "police_uk":
        row = police_figure(con, ind, area_code, None if end is None else _shift(end, -11), end).iloc[0]
        ok = bool(row["complete"]) and not bool(row["suppressed"])
        out.update(
            area_name=row["area_name"],
            value=float(row["rate"]) if ok else None,
            value_label=f"{row['rate']:,.1f} per 1,000 residents" if ok else row["count_label"],
            count_label=row["count_label"],
            period_label=row["period_label"],
            quality="official",
            source_title="Street-level crime and anti-social behaviour (data.police.uk)",
            source_url="https://data.police.uk/data/",
        )
    elif ind.kind == "published" and ind.has_official_figures:
        df = published_values(con, ind).dropna(subset=["value"])
        for preferred in ([area_code], ["E23000008"], [None]):
            pick = df if preferred == [None] else df[df["area_code"].isin(preferred)]
            if not pick.empty:
                break
        if not pick.empty:
            first = pick[pick["series_id"] == pick["series_id"].iloc[0]]
            row = first.sort_values("period_order", na_position="first").iloc[-1]
            out.update(
                area_code=row["area_code"],
                area_name=row["area_name"],
                value=float(row["value"]),
                value_label=f"{row['value']:,.10g} ({row['unit']})",
                period_label=row["period"],
                quality=row["quality"],
                source_title=row["source_title"],
                source_url=row["source_url"] or "",
            )
    elif ind.kind == "plan":
        fig = plan_figures(ind).iloc[0]
        out.update(
            area_name="County Durham",
            value=float(fig["value"]),
            value_label=f"{fig['value']:,.10g} ({fig['unit']})",
            period_label=fig["period"],
            quality="official",
            source_title=f"{fig['document']} ({fig['publisher']})",
            note=fig["citation"] + (" " + ind.no_official_figure if ind.no_official_figure else ""),
        )
    return out


# --- Checking the catalogue against a warehouse ------------------------------------------------------------


def check_against_warehouse(con: Con) -> list[str]:
    """Every problem found between the catalogue and a built warehouse (empty when all is well)."""
    problems = []
    source_ids = {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}
    has_police = any(s.startswith("police_uk_") for s in source_ids)
    measures = {
        r[0]: bool(r[1]) for r in con.execute("SELECT measure_id, bool_or(sensitive) FROM measures GROUP BY 1").fetchall()
    }
    quality = {
        r[0]: r[1]
        for r in con.execute("SELECT indicator_id, string_agg(DISTINCT quality, ',') FROM indicator_values GROUP BY 1").fetchall()
    }
    for ind in catalogue().indicators:
        for s in ind.sources:
            if s == POLICE_UK:
                ok = has_police
            elif s == PLAN_SOURCE:
                ok = bool(ind.baseline_ids)
            else:
                ok = s in source_ids
            if not ok:
                problems.append(f"{ind.id}: source {s!r} is not in the warehouse")
        if ind.kind == "police_uk":
            if ind.measure not in measures:
                problems.append(f"{ind.id}: measure {ind.measure!r} is not in the warehouse")
            elif measures[ind.measure] != ind.sensitive:
                problems.append(f"{ind.id}: sensitive = {ind.sensitive} but the warehouse says {measures[ind.measure]}")
        for i in ind.indicator_ids:
            if i not in quality:
                problems.append(f"{ind.id}: indicator_id {i!r} has no rows")
            elif quality[i] != "official":
                problems.append(f"{ind.id}: indicator_id {i!r} is {quality[i]!r}; put it in pointer_ids")
        for i in ind.pointer_ids:
            if i not in quality:
                problems.append(f"{ind.id}: pointer_id {i!r} has no rows")
            elif "official" in quality[i].split(","):
                problems.append(f"{ind.id}: pointer_id {i!r} is official; put it in indicator_ids")
    return problems
