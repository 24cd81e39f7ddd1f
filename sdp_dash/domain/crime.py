"""police.uk crime and anti-social behaviour as ``Figure`` objects.  No Streamlit here.

Pages, charts, downloads and the command line's ``export`` all take their police.uk numbers from
these functions, so they always agree and always follow the rules in ``figure.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config import codes
from sdp_dash.config.months import shift_month
from sdp_dash.domain import disclosure, home, published, words
from sdp_dash.domain.figure import (
    TIDY_COLUMNS,
    TIDY_INTEGERS,
    TIDY_NUMBERS,
    Comparison,
    Figure,
    Period,
    compare,
    is_suppressed,
    tidy_frame,
    with_csv,
)
from sdp_dash.warehouse import Con

# Area types whose areas are built from small areas (LSOAs placed by population-weighted centre,
# or the area boards' best fit): their figures are approximate and say so.
APPROXIMATE_TYPES = ("aap", "division_2013", "division_2025")


@dataclass(frozen=True)
class Measure:
    measure_id: str
    label: str
    short_label: str
    sensitive: bool
    kind: str  # "key" (the plan's key indicators) or "type" (one police.uk category)
    crime_types: tuple[str, ...] = ()

    @property
    def single_type(self) -> bool:
        """The measure is one police.uk category (some key measures are, e.g. anti-social behaviour)."""
        return len(self.crime_types) == 1


@warehouse.lookup
def measures(con: Con) -> dict[str, Measure]:
    """Every measure of the warehouse by id, key measures first."""
    m = warehouse.measures(con)
    return {
        r.measure_id: Measure(r.measure_id, r.label, r.short_label or r.label, bool(r.sensitive), r.kind, tuple(r.crime_types))
        for r in m.itertuples()
    }


def measure(con: Con, measure_id: str) -> Measure:
    found = measures(con).get(measure_id)
    if found is None:
        raise LookupError(f"unknown measure {measure_id!r}")
    return found


def period(con: Con, code: str, start: str, end: str) -> Period:
    """The months from ``start`` to ``end`` and which of them have no file for the area's force(s)."""
    return Period(start, end, tuple(warehouse.missing_months(con, code, start, end)))


def _figure(area: dict, m: Measure, per: Period, count: int | None, protect: disclosure.Pattern | None = None) -> Figure:
    """A figure of ``area``; ``protect`` is the disclosure pattern of the view's period, which says
    whether the figure is withheld so that a small count beside it cannot be worked out."""
    return Figure(
        measure_id=m.measure_id,
        measure=m.label,
        area_code=str(area["area_code"]),
        area_name=str(area["area_name"]),
        period=per,
        count=None if per.n_present == 0 or count is None else int(count),
        population=int(area["population"]),
        sensitive=m.sensitive,
        approximate=str(area["area_type"]) in APPROXIMATE_TYPES or bool(area.get("approximate")),
        withheld=protect is not None and protect.withheld(str(area["area_code"]), m.measure_id, per.present),
    )


def figure(con: Con, code: str, measure_id: str, start: str, end: str) -> Figure:
    """One measure (a key measure or one police.uk category) for one area and period."""
    area = warehouse.area(con, code)
    m = measure(con, measure_id)
    counts = warehouse.counts_by_measure(con, code, start, end, kind="all").set_index("measure_id")["count"]
    return _figure(area, m, period(con, code, start, end), int(counts.get(measure_id, 0)), disclosure.pattern(con, start, end))


def key_figures(con: Con, code: str, start: str, end: str) -> list[Figure]:
    """The plan's key crime measures for an area and period."""
    return _figures_of_kind(con, code, start, end, "key")


def type_figures(con: Con, code: str, start: str, end: str) -> list[Figure]:
    """Every police.uk category (all 14) for an area and period, highest rate first (withheld ones last)."""
    figs = _figures_of_kind(con, code, start, end, "all", lambda m: m.single_type)
    return sorted(figs, key=lambda f: (f.rate is None, -(f.rate or 0), f.measure))


def _figures_of_kind(con: Con, code: str, start: str, end: str, kind: str, keep=lambda m: True) -> list[Figure]:
    area = warehouse.area(con, code)
    per = period(con, code, start, end)
    ms = measures(con)
    counts = warehouse.counts_by_measure(con, code, start, end, kind=kind)
    protect = disclosure.pattern(con, start, end)
    return [_figure(area, ms[r.measure_id], per, int(r.count), protect) for r in counts.itertuples() if keep(ms[r.measure_id])]


def area_figures(con: Con, area_type: str, measure_id: str, start: str, end: str) -> list[Figure]:
    """One measure for every area of one type in the county (for a map and its table)."""
    m = measure(con, measure_id)
    per = period(con, codes.COUNTY, start, end)
    df = warehouse.counts_by_area_type(con, area_type, measure_id, start, end)
    protect = disclosure.pattern(con, start, end)
    return [
        _figure(
            {"area_code": r.area_code, "area_name": r.area_name, "population": r.population, "area_type": area_type},
            m,
            per,
            r.count,
            protect,
        )
        for r in df.itertuples()
    ]


def monthly_figures(con: Con, code: str, measure_id: str, start: str, end: str) -> list[Figure]:
    """One figure per month of the period (rates annualised: each month's count x 12), months without
    data kept; withheld as in every view of the period."""
    return _months(con, code, measure_id, start, end, start)


def trend_figures(con: Con, code: str, measure_id: str, start: str, end: str) -> list[Figure]:
    """The trend a view of the period shows: one figure per month from a year before ``start`` to ``end``."""
    return _months(con, code, measure_id, start, end, disclosure.trend_start(start))


def _months(con: Con, code: str, measure_id: str, start: str, end: str, first: str) -> list[Figure]:
    area = warehouse.area(con, code)
    m = measure(con, measure_id)
    protect = disclosure.pattern(con, start, end)
    df = warehouse.monthly_counts(con, code, measure_id, first, end)
    out = []
    for r in df.itertuples():
        missing = (r.month,) if r.status == "missing" else ()
        count = None if pd.isna(r.count) else int(r.count)
        out.append(_figure(area, m, Period(r.month, r.month, missing), count, protect))
    return out


def force_figures(con: Con, measure_id: str, start: str, end: str) -> list[Figure]:
    """The measure for the police force areas held, the partnership's first (``home``)."""
    return [figure(con, code, measure_id, start, end) for code in home.current().force_codes]


# --- Change against a year earlier ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    measure: str
    now: int | None
    before: int | None
    comparable: words.Comparable
    sentence: str


def change(con: Con, code: str, measure_id: str, start: str, end: str) -> Change:
    """The measure in the months of the period that have data, against the same months a year earlier."""
    m = measure(con, measure_id)
    comp = comparison_months(con, code, start, end)
    if not comp.current:
        return Change(m.label, None, None, comp, f"{m.label}: no comparison with a year earlier is possible for these months.")
    now = _sum_months(con, code, measure_id, comp.current)
    before = _sum_months(con, code, measure_id, comp.previous)
    protect = disclosure.pattern(con, start, end)
    hidden = protect.withheld(code, measure_id, comp.current) or protect.withheld(code, measure_id, comp.previous)
    if hidden or is_suppressed(now, m.sensitive) or is_suppressed(before, m.sensitive):
        sentence = f"{m.label}: the numbers are too small to compare with a year earlier without risking identifying people."
        return Change(m.label, None, None, comp, sentence)
    return Change(m.label, now, before, comp, words.change_sentence(m.label, now, before, comp))


def comparison_months(con: Con, code: str, start: str, end: str) -> words.Comparable:
    missing_now = warehouse.missing_months(con, code, start, end)
    missing_before = warehouse.missing_months(con, code, shift_month(start, -12), shift_month(end, -12))
    return words.comparable(start, end, missing_now, missing_before)


def _sum_months(con: Con, code: str, measure_id: str, months: tuple[str, ...]) -> int:
    df = warehouse.monthly_counts(con, code, measure_id, months[0], months[-1])
    return int(df[df["month"].isin(months)]["count"].fillna(0).sum())


# --- Area against the county ----------------------------------------------------------------------
# An area is never called higher, similar or lower than an area that contains it: an area of the county
# is compared with the rest of the county (the county without it), and the county is shown as context.


def rest_of_county(county: Figure, me: Figure) -> Figure | None:
    """The partnership's area without the chosen area (an area inside it): the like-for-like figure an area is
    compared with.  None when either figure is withheld (the difference would give a withheld count back)."""
    if me.area_code == codes.COUNTY or not (me.available and county.available):
        return None
    return dataclasses.replace(
        county,
        area_code=f"{published.REST_OF_COUNTY}{me.area_code}",
        area_name=f"Rest of {codes.COUNTY_NAME} (without {me.area_name})",
        count=county.count - me.count,
        population=county.population - me.population,
        approximate=me.approximate or county.approximate,
    )


@dataclass(frozen=True)
class AgainstCounty:
    area: Figure
    county: Figure  # context: the county contains the area
    comparison: Comparison  # the area against the rest of the county
    rest: Figure | None = None  # the rest of the county (None for the county itself, or when withheld)


def against_rest(area: Figure, county: Figure) -> AgainstCounty:
    """An area's figure beside the county's, compared with the rest of the county by 95% intervals."""
    if area.area_code == codes.COUNTY:
        return AgainstCounty(area, county, Comparison("not compared", f"this is {codes.THE_AREA}"))
    rest = rest_of_county(county, area)
    if rest is None:
        return AgainstCounty(area, county, Comparison("not compared", "too few to show" if area.suppressed else "no data"))
    return AgainstCounty(area, county, compare(area, rest), rest)


def against_county(con: Con, code: str, start: str, end: str) -> list[AgainstCounty]:
    """Each key measure for an area beside the county's, compared with the rest of the county."""
    mine = key_figures(con, code, start, end)
    county = {f.measure_id: f for f in key_figures(con, codes.COUNTY, start, end)}
    return [against_rest(f, county[f.measure_id]) for f in mine]


def rest_words() -> str:
    """'the rest of the county', 'the rest of the area': the partnership's area without the chosen one."""
    return f"the rest of {codes.THE_AREA}"


# --- Tables and exports ---------------------------------------------------------------------------


def table(figs: list[Figure], *, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """The accessible table of some figures (withheld numbers are words, never numbers); its download
    is the tidy CSV of the same figures (``tidy``), every column kept whatever the table drops."""
    df = pd.DataFrame([f.row() for f in figs])
    df = df.drop(columns=[c for c in drop if c in df.columns])
    return with_csv(df, tidy(figs))


def tidy(figs: list[Figure]) -> pd.DataFrame:
    """Figures as tidy data (``figure.TIDY_COLUMNS``), one row each: what every police.uk CSV download
    and the command line's ``export`` write.  Withheld or missing numbers are empty; ``status`` says why."""
    return tidy_frame([f.data() for f in figs], TIDY_COLUMNS, TIDY_INTEGERS, TIDY_NUMBERS)


def frame(figs: list[Figure]) -> pd.DataFrame:
    """Figures as data for charts: the tidy columns and ``count_shown`` (the count as a page says it,
    for a map's tooltip)."""
    df = tidy(figs)
    df["count_shown"] = [f.count_text for f in figs]
    return df


def trend_frame(figs: list[Figure]) -> pd.DataFrame:
    """Monthly figures as chart data (one row a month, area and measure; withheld rates empty)."""
    df = frame(figs)
    return df.assign(month=df["period_from"]) if len(df) else df


def trend_table(figs: list[Figure]) -> pd.DataFrame:
    """Monthly figures as a table: the month in words first."""
    df = table(figs, drop=("Period", "Residents", "95% interval", "Note"))
    df.insert(0, "Month", [words.month_words(f.period.start) for f in figs])
    return df


EXPORT_BY = ("measure", "type", "month", "lsoa")


def export(con: Con, *, area: str, start: str, end: str, by: str = "measure", measure_id: str = "all_crime") -> pd.DataFrame:
    """The command line's CSV: the same figures, rules, suppression and tidy columns as the pages' downloads."""
    if by == "measure":
        figs = key_figures(con, area, start, end)
    elif by == "type":
        figs = type_figures(con, area, start, end)
    elif by == "month":
        figs = monthly_figures(con, area, measure_id, start, end)
    elif by == "lsoa":
        figs = area_figures_within(con, area, measure_id, start, end)
    else:
        raise ValueError(f"unknown --by {by!r}")
    return tidy(figs)


def area_figures_within(con: Con, code: str, measure_id: str, start: str, end: str) -> list[Figure]:
    """One measure for each small area (LSOA) inside an area."""
    m = measure(con, measure_id)
    per = period(con, code, start, end)
    df = warehouse.counts_by_lsoa(con, code, measure_id, start, end)
    protect = disclosure.pattern(con, start, end)
    return [
        _figure(
            {"area_code": r.area_code, "area_name": r.area_name, "population": r.population, "area_type": "lsoa"},
            m,
            per,
            r.count,
            protect,
        )
        for r in df.itertuples()
    ]


# --- Deprivation ----------------------------------------------------------------------------------


def deprivation_summary(con: Con, code: str) -> dict:
    """Population-weighted average IMD 2019 decile and Crime-domain decile of an area's LSOAs."""
    df = warehouse.deprivation_for_area(con, code)
    have = df.dropna(subset=["imd_decile"])
    out = {"lsoas": len(df), "lsoas_with_data": len(have), "imd_decile": None, "crime_decile": None, "most_deprived_20": 0}
    if len(have):
        w = have["population"].astype(float)
        out["imd_decile"] = float((have["imd_decile"] * w).sum() / w.sum())
        out["crime_decile"] = float((have["crime_decile"] * w).sum() / w.sum())
        out["most_deprived_20"] = int((have["imd_decile"] <= 2).sum())
    return out
