"""The long view: police recorded crime in the partnership's police force area, 2003-2018, beside the other
force areas held and England and Wales, from the ONS table of recorded crime by police force area.
No Streamlit here.

- **A different source from police.uk.**  These are the Home Office's police recorded crime
  statistics as the ONS publishes them, rolling 12-month totals by offence group: the year to
  March 2003 .. March 2007, then every quarter to the year to December 2018 (52 figures per force
  area).  Counting rules and dates differ from police.uk's street-level files, so the two are
  never joined into one line.
- **Force areas.**  A force area is the partnership *and the other authorities of its force*; "England and Wales"
  is the sum of the 43 territorial force areas (British Transport Police and the national fraud
  bodies are left out).
- **Counts, not rates.**  The mirror holds no mid-year population estimates for 2003-2018 (only
  the IMD's mid-2015 denominators for England, mid-2020 small-area estimates and Census 2021), so a
  rate per 1,000 for each year cannot be made honestly: dividing sixteen years of counts by one
  year's population would misstate every other year.  The figures are counts; each chart has its
  own scale.
- **Fraud is left out** of every series: its recording moved from forces to Action Fraud between
  2011 and 2013, so force-area fraud figures stop part-way.
- **The plan's baseline years** (2018/19 and 2019/20, April 2018 to March 2020) are marked; the
  table ends at December 2018, inside the first of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.domain import home
from sdp_dash.domain.figure import (
    NO_DATA_TEXT,
    SHOWN_TEXT,
    SUPPRESSED_TEXT,
    count_text,
    is_suppressed,
    tidy_frame,
    with_csv,
)
from sdp_dash.warehouse import Con

SOURCE_ID = "ons_recorded_crime_pfa"
NATIONAL = "England and Wales"
BASELINE = ("2018-04-01", "2020-03-31")
BASELINE_LABEL = "The plan's baseline years, 2018/19 and 2019/20"
UNIT = "crimes recorded in the 12 months"
POPULATION_NOTE = (
    "Shown as counts, not rates per 1,000 residents: the open data used here has no population estimates for each "
    "year from 2003 to 2018 (only mid-2015, mid-2020 and Census 2021 figures), and dividing sixteen years of counts by "
    "one year's population would misstate the other years. Each area has its own scale."
)


def caveats() -> tuple[str, ...]:
    """What the long view's card says about its figures (its force area named with its authorities)."""
    h = home.current()
    whole = f"{h.force_sentence()} together, not the partnership area alone."
    return (CAVEATS[0], whole[:1].upper() + whole[1:], *CAVEATS[1:]) if h.neighbours else CAVEATS


CAVEATS = (
    "A different source from the police.uk figures elsewhere on this site: the Home Office's police recorded crime "
    "statistics as published by the ONS, with their own counting rules. The two are shown apart, never joined.",
    "England and Wales is the sum of the 43 territorial police force areas (British Transport Police and the national "
    "fraud bodies are left out).",
    "Fraud is left out: its recording moved from police forces to Action Fraud between 2011 and 2013.",
    "Each point is a rolling 12-month total: yearly to March 2007, then every quarter. The published file dates one "
    "quarter 30 December 2017; it is read as the year to December 2017.",
    "Much of the rise in recorded crime after 2014 reflects improvements in how police record crime, as well as any "
    "change in crime itself (ONS).",
    POPULATION_NOTE,
)

_VAP = (
    "Homicide",
    "Death or serious injury caused by illegal driving",
    "Violence with injury",
    "Violence without injury",
    "Stalking and harassment",
)
_BURGLARY = ("Domestic burglary", "Non-domestic burglary", "Residential burglary", "Non-residential burglary")
_THEFT = (*_BURGLARY, "Vehicle offences", "Theft from the person", "Bicycle theft", "Shoplifting", "All other theft offences")
_SOCIETY = ("Drug offences", "Possession of weapons offences", "Public order offences", "Miscellaneous crimes against society")
TOTAL = "All recorded crime excluding fraud"
# Each series and the ONS offence groups it adds up (ONS offence hierarchy; fraud left out).
SERIES: dict[str, tuple[str, ...]] = {
    TOTAL: (*_VAP, "Sexual offences", "Robbery", *_THEFT, "Criminal damage and arson", *_SOCIETY),
    "Victim-based crime": (*_VAP, "Sexual offences", "Robbery", *_THEFT, "Criminal damage and arson"),
    "Violence and sexual offences": (*_VAP, "Sexual offences"),
    "Violence against the person": _VAP,
    "Sexual offences": ("Sexual offences",),
    "Robbery": ("Robbery",),
    "Theft offences": _THEFT,
    "Burglary": _BURGLARY,
    "Vehicle offences": ("Vehicle offences",),
    "Theft from the person": ("Theft from the person",),
    "Bicycle theft": ("Bicycle theft",),
    "Shoplifting": ("Shoplifting",),
    "All other theft offences": ("All other theft offences",),
    "Criminal damage and arson": ("Criminal damage and arson",),
    "Drug offences": ("Drug offences",),
    "Possession of weapons offences": ("Possession of weapons offences",),
    "Public order offences": ("Public order offences",),
    "Miscellaneous crimes against society": ("Miscellaneous crimes against society",),
}
SENSITIVE_SERIES = ("Violence and sexual offences", "Violence against the person", "Sexual offences", "Robbery")
# The page's measure (police.uk) -> the closest ONS series (None: no recorded-crime equivalent).
FOR_MEASURE = {
    "all_crime": TOTAL,
    "victim_based": "Victim-based crime",
    "theft": "Theft offences",
    "violence_and_sexual_offences": "Violence and sexual offences",
    "anti_social_behaviour": None,
    "robbery": "Robbery",
    "burglary": "Burglary",
    "vehicle_crime": "Vehicle offences",
    "theft_from_the_person": "Theft from the person",
    "bicycle_theft": "Bicycle theft",
    "shoplifting": "Shoplifting",
    "other_theft": "All other theft offences",
    "criminal_damage_and_arson": "Criminal damage and arson",
    "drugs": "Drug offences",
    "possession_of_weapons": "Possession of weapons offences",
    "public_order": "Public order offences",
    "other_crime": "Miscellaneous crimes against society",
}


def forces() -> list[tuple[str, str]]:
    """(ONS name, label) of the force areas shown, the partnership's first (``home``, from data/sources.toml)."""
    h = home.current()
    return [(home.short_force(name), h.force_area(code)) for code, name in h.forces]


def series_for(measure_id: str) -> tuple[str, str]:
    """The ONS series shown for a measure, and a note when it is not the same thing."""
    if measure_id in FOR_MEASURE and FOR_MEASURE[measure_id] is None:
        return TOTAL, "Anti-social behaviour is not recorded crime, so the long view shows all recorded crime."
    name = FOR_MEASURE.get(measure_id, TOTAL)
    note = (
        ""
        if measure_id in FOR_MEASURE
        else "No ONS offence group matches this measure, so the long view shows all recorded crime."
    )
    return name, note


def series_frame(con: Con) -> pd.DataFrame:
    """Every series for each force area shown and England and Wales: period_end, area, area_label,
    series, count (one row per 12-month total)."""
    names = forces()
    raw = warehouse.long_view_counts(con, [n for n, _ in names], NATIONAL)
    if raw.empty:
        return pd.DataFrame(columns=["period_end", "area", "area_label", "series", "count"])
    n_forces = warehouse.long_view_forces(con)
    labels = dict(names) | {NATIONAL: f"{NATIONAL} ({n_forces} police force areas)"}
    frames = []
    for name, offences in SERIES.items():
        part = raw[raw["offence"].isin(offences)].groupby(["period_end", "area"], as_index=False)["count"].sum()
        frames.append(part.assign(series=name))
    df = pd.concat(frames, ignore_index=True)
    df["area_label"] = df["area"].map(labels)
    order = {a: i for i, a in enumerate([n for n, _ in names] + [NATIONAL])}
    df = df.sort_values(["series", "area"], key=lambda s: s.map(order) if s.name == "area" else s, kind="stable")
    df["period_end"] = pd.to_datetime(df["period_end"]).dt.strftime("%Y-%m-%d")
    return df[["period_end", "area", "area_label", "series", "count"]].reset_index(drop=True)


def period_label(period_end: str) -> str:
    d = pd.Timestamp(period_end)
    return f"12 months to {d.strftime('%B %Y')}"


@dataclass(frozen=True)
class LongView:
    series: str
    note: str  # why this series (when the measure has no exact match)
    frame: pd.DataFrame  # the chosen series: period_end, area, area_label, count, count_shown, period
    periods: dict  # area -> number of 12-month totals
    sentence: str
    loaded: bool

    @property
    def sensitive(self) -> bool:
        return self.series in SENSITIVE_SERIES


def long_view(con: Con, measure_id: str = "all_crime") -> LongView:
    name, note = series_for(measure_id)
    df = series_frame(con)
    if df.empty:
        return LongView(name, note, df, {}, "The ONS table of recorded crime by police force area is not loaded.", False)
    part = df[df["series"] == name].copy()
    sensitive = name in SENSITIVE_SERIES
    part["count_shown"] = [count_text(int(c), sensitive) for c in part["count"]]
    part["count"] = [None if count_text(int(c), sensitive) != f"{int(c):,}" else int(c) for c in part["count"]]
    part["period"] = part["period_end"].map(period_label)
    periods = part.groupby("area", sort=False)["period_end"].nunique().to_dict()
    return LongView(name, note, part.reset_index(drop=True), periods, _sentence(part, name), True)


def _sentence(part: pd.DataFrame, name: str) -> str:
    own, label = forces()[0]
    d = part[part["area"] == own].dropna(subset=["count"])
    e = part[part["area"] == NATIONAL].dropna(subset=["count"])
    if len(d) < 2:
        return f"Too few figures for the {own} force area to describe a trend."
    first, last = d.iloc[0], d.iloc[-1]
    change = (last["count"] - first["count"]) / first["count"] * 100 if first["count"] else None
    text = (
        f"In the {label}, police recorded {int(first['count']):,} crimes "
        f"({name.lower()}) in the {first['period']} and {int(last['count']):,} in the {last['period']}"
    )
    if change is not None:
        text += f" ({'up' if change > 0 else 'down'} {abs(change):.0f}%)"
    if len(e) >= 2 and e.iloc[0]["count"]:
        ec = (e.iloc[-1]["count"] - e.iloc[0]["count"]) / e.iloc[0]["count"] * 100
        text += f"; across England and Wales the change was {'up' if ec > 0 else 'down'} {abs(ec):.0f}%"
    return text + ". Recorded crime reflects reporting and recording as well as crime: see the notes."


EXPORT_COLUMNS = ("area_code", "area_name", "measure", "period_from", "period_to", "count", "unit", "status", "source")


def tidy(df: pd.DataFrame, sensitive: list[bool]) -> pd.DataFrame:
    """12-month totals (``series_frame`` rows) as tidy data: the area (ONS name and label), the offences,
    the 12 months as ``period_from``/``period_to`` (YYYY-MM), the count (empty when withheld) and why."""
    rows = []
    for r, sens in zip(df.itertuples(index=False), sensitive, strict=True):
        c = None if pd.isna(r.count) else int(r.count)
        end = pd.Timestamp(r.period_end)
        if c is None:  # already withheld (``long_view`` keeps only counts it may show) or missing
            status = SUPPRESSED_TEXT if getattr(r, "count_shown", "") == SUPPRESSED_TEXT else NO_DATA_TEXT
        else:
            status = SUPPRESSED_TEXT if is_suppressed(c, sens) else SHOWN_TEXT
        rows.append(
            {
                "area_code": r.area,
                "area_name": r.area_label,
                "measure": r.series,
                "period_from": (end - pd.DateOffset(months=11)).strftime("%Y-%m"),
                "period_to": end.strftime("%Y-%m"),
                "count": c if status == SHOWN_TEXT else None,
                "unit": UNIT,
                "status": status,
                "source": SOURCE_ID,
            }
        )
    return tidy_frame(rows, EXPORT_COLUMNS, ("count",))


def table(v: LongView) -> pd.DataFrame:
    """The accessible table; its download is ``tidy`` of the same rows."""
    df = pd.DataFrame(
        {
            "Area": v.frame["area_label"],
            "Period": v.frame["period"],
            "Offences": v.series,
            f"Count ({UNIT})": v.frame["count_shown"],
            "Ends in the plan's baseline years (April 2018 to March 2020)": [
                "yes" if BASELINE[0] <= p <= BASELINE[1] else "" for p in v.frame["period_end"]
            ],
        }
    )
    return with_csv(df, tidy(v.frame.assign(series=v.series), [v.sensitive] * len(v.frame)))


def export(con: Con, *, measure_id: str | None = None) -> pd.DataFrame:
    """The command line's CSV: one series (the measure's, as on the page) or, with no measure, every series."""
    if measure_id:
        v = long_view(con, measure_id)
        return tidy(v.frame.assign(series=v.series), [v.sensitive] * len(v.frame))
    df = series_frame(con)
    return tidy(df, list(df["series"].isin(SENSITIVE_SERIES)))
