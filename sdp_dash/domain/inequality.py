"""Who is most affected: crime and anti-social behaviour rates by national deprivation decile.
No Streamlit here.

Each small area (LSOA 2021) of an area takes its Index of Multiple Deprivation 2019 national
decile (1 = the most deprived 10% of small areas in England; bridged from the 2011 LSOAs, see
``pipeline/sources/deprivation.py``).  The crimes and residents of the small areas in each decile
are added up and made into a ``Figure`` (rate per 1,000 residents a year, its 95% interval and
the suppression of small counts of sensitive measures: the figure model's rules, not new ones).

The gap between the most and the least deprived tenth is the ratio of their rates with a 95%
interval from the log rate ratio: exp(log(RR) ± 1.96 * sqrt(1/a + 1/b)), a and b the two counts
(the same months and the Census 2021 residents, so the annualising cancels).  It is not given when
either count is withheld or zero.  An area with no small area in decile 1 or 10 gets the ratio of
the most and least deprived deciles it has, and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.domain import crime, disclosure, stats
from sdp_dash.domain.figure import (
    KEY_COLUMNS,
    SHOWN_TEXT,
    TIDY_COLUMNS,
    TIDY_INTEGERS,
    TIDY_NUMBERS,
    WITHHELD_TEXT,
    Figure,
    Period,
    fmt_rate,
    tidy_frame,
    with_csv,
)
from sdp_dash.warehouse import Con


def decile_words(d: int) -> str:
    if d == 1:
        return "1 (most deprived 10% in England)"
    if d == 10:
        return "10 (least deprived 10% in England)"
    return str(d)


@dataclass(frozen=True)
class RateRatio:
    most: Figure | None
    least: Figure | None
    most_decile: int | None
    least_decile: int | None
    ratio: float | None
    lower: float | None
    upper: float | None
    reason: str = ""  # why there is no ratio

    @property
    def extremes(self) -> bool:
        """The ratio is of deciles 1 and 10 (not the most and least deprived deciles the area has)."""
        return self.most_decile == 1 and self.least_decile == 10

    @property
    def text(self) -> str:
        if self.ratio is None:
            return f"not given ({self.reason})"
        return f"{self.ratio:.1f} times (95% interval {self.lower:.1f} to {self.upper:.1f})"


def rate_ratio(most: Figure | None, least: Figure | None, most_decile=None, least_decile=None) -> RateRatio:
    """The ratio of two figures' rates over the same months, with its 95% interval (log method)."""
    if most is None or least is None:
        return RateRatio(most, least, most_decile, least_decile, None, None, None, "no small areas in one of the deciles")
    if most.suppressed or least.suppressed:
        return RateRatio(most, least, most_decile, least_decile, None, None, None, "too few to show")
    if most.count is None or least.count is None:
        return RateRatio(most, least, most_decile, least_decile, None, None, None, "no data")
    if most.period.present != least.period.present:
        return RateRatio(most, least, most_decile, least_decile, None, None, None, "the figures cover different months")
    a, b = int(most.count), int(least.count)
    if a == 0 or b == 0:
        return RateRatio(most, least, most_decile, least_decile, None, None, None, "none recorded in one of the deciles")
    ratio = (a / most.population) / (b / least.population)
    se = math.sqrt(1 / a + 1 / b)
    return RateRatio(
        most, least, most_decile, least_decile, ratio, ratio * math.exp(-stats.Z95 * se), ratio * math.exp(stats.Z95 * se)
    )


@dataclass(frozen=True)
class Inequality:
    area_code: str
    area_name: str
    approximate: bool
    measure_id: str
    measure: str
    sensitive: bool
    period: Period
    deciles: tuple[tuple[int, int, Figure], ...]  # (decile, small areas, figure), deciles present only
    ratio: RateRatio
    small_areas: tuple[tuple[int | None, Figure], ...]  # (decile, figure) per LSOA, most deprived first
    without_decile: int  # small areas with no IMD decile (none in an English partnership)

    @property
    def sentence(self) -> str:
        return sentence(self)


def _figure(
    code: str,
    name: str,
    m: crime.Measure,
    per: Period,
    count: int,
    population: int,
    approximate: bool,
    protect: disclosure.Pattern,
) -> Figure:
    return Figure(
        measure_id=m.measure_id,
        measure=m.label,
        area_code=code,
        area_name=name,
        period=per,
        count=None if per.n_present == 0 else int(count),
        population=int(population),
        sensitive=m.sensitive,
        approximate=approximate,
        withheld=protect.withheld(code, m.measure_id, per.present),
    )


def by_decile(con: Con, code: str, measure_id: str, start: str, end: str) -> Inequality:
    """One measure's rate in each IMD 2019 national decile of an area's small areas, and the gap."""
    area = warehouse.area(con, code)
    m = crime.measure(con, measure_id)
    per = crime.period(con, code, start, end)
    approx = str(area["area_type"]) in crime.APPROXIMATE_TYPES or bool(area.get("approximate"))
    protect = disclosure.pattern(con, start, end)
    lsoas = warehouse.counts_by_lsoa(con, code, measure_id, start, end)
    dep = warehouse.deprivation_for_area(con, code)[["lsoa21_code", "imd_decile"]]
    df = lsoas.merge(dep, left_on="area_code", right_on="lsoa21_code", how="left")
    have = df.dropna(subset=["imd_decile"]).astype({"imd_decile": int})
    agg = have.groupby("imd_decile").agg(count=("count", "sum"), population=("population", "sum"), lsoas=("area_code", "size"))
    deciles = tuple(
        (
            int(d),
            int(r["lsoas"]),
            _figure(
                disclosure.decile_code(code, int(d)),
                f"Decile {decile_words(int(d))}",
                m,
                per,
                r["count"],
                r["population"],
                approx,
                protect,
            ),
        )
        for d, r in agg.sort_index().iterrows()
    )
    by = {d: f for d, _, f in deciles}
    if 1 in by and 10 in by:
        ratio = rate_ratio(by[1], by[10], 1, 10)
    elif len(by) >= 2:
        lo, hi = min(by), max(by)
        ratio = rate_ratio(by[lo], by[hi], lo, hi)
    else:
        ratio = rate_ratio(None, None)
    small = []
    for r in df.sort_values(["imd_decile", "area_name"], na_position="last").itertuples():
        d = None if pd.isna(r.imd_decile) else int(r.imd_decile)
        small.append((d, _figure(r.area_code, str(r.area_name), m, per, r.count, r.population, False, protect)))
    return Inequality(
        code,
        str(area["area_name"]),
        approx,
        m.measure_id,
        m.label,
        m.sensitive,
        per,
        deciles,
        ratio,
        tuple(small),
        int(df["imd_decile"].isna().sum()),
    )


def sentence(q: Inequality) -> str:
    """The gap in plain English."""
    label = q.measure[:1].lower() + q.measure[1:]
    r = q.ratio
    if not q.period.n_present:
        return f"There is no police.uk data for {q.period.label}."
    if r.ratio is None:
        return f"{q.area_name}: the gap in {label} between the most and least deprived small areas is not given ({r.reason})."
    if r.extremes:
        where = "the most deprived tenth of small areas in England (decile 1)", "the least deprived tenth (decile 10)"
    else:
        where = (
            f"its most deprived small areas (decile {r.most_decile}; it has none in decile 1)"
            if r.most_decile != 1
            else "the most deprived tenth of small areas in England (decile 1)",
            f"its least deprived (decile {r.least_decile}; it has none in decile 10)"
            if r.least_decile != 10
            else "the least deprived tenth (decile 10)",
        )
    rates = (
        f"In {q.area_name}, {label} was recorded at {fmt_rate(r.most.rate)} per 1,000 residents a year in {where[0]} "
        f"and {fmt_rate(r.least.rate)} in {where[1]}, {q.period.label}"
    )
    if r.lower > 1:
        gap = f": {r.ratio:.1f} times as high (95% interval {r.lower:.1f} to {r.upper:.1f})."
    elif r.upper < 1:
        gap = f": {r.ratio:.1f} times the rate, lower (95% interval {r.lower:.1f} to {r.upper:.1f})."
    else:
        gap = f": the ratio, {r.ratio:.1f} (95% interval {r.lower:.1f} to {r.upper:.1f}), shows no clear difference."
    return rates + gap


def key_ratios(con: Con, code: str, start: str, end: str) -> list[Inequality]:
    """The gap for each of the plan's key measures (crime and anti-social behaviour)."""
    ids = [mid for mid, m in crime.measures(con).items() if m.kind == "key"]
    return [by_decile(con, code, mid, start, end) for mid in ids]


# --- Tables and exports ---------------------------------------------------------------------------------


NOT_GIVEN = "not given"  # a ratio's status when there is none to give (the note says why)


def spread_words(q: Inequality) -> str:
    """'Deciles are national: <the area> has more small areas in the most deprived deciles than in the least.'
    (the three most deprived deciles against the three least)."""
    most = sum(n for d, n, _f in q.deciles if d <= 3)
    least = sum(n for d, n, _f in q.deciles if d >= 8)
    how = "more" if most > least else "fewer" if most < least else "as many"
    than = "as" if how == "as many" else "than"
    return f"Deciles are national: {q.area_name} has {how} small areas in the most deprived deciles {than} in the least."


DECILE_COLUMNS = (*TIDY_COLUMNS[:4], "imd_decile", "small_areas", *TIDY_COLUMNS[4:])
LSOA_COLUMNS = (*TIDY_COLUMNS[:4], "imd_decile", *TIDY_COLUMNS[4:])
RATIO_COLUMNS = (
    *KEY_COLUMNS,
    "most_deprived_decile",
    "least_deprived_decile",
    "rate_most_deprived",
    "rate_least_deprived",
    "ratio",
    "lower",
    "upper",
    "unit",
    "status",
    "note",
)


def frame(q: Inequality) -> pd.DataFrame:
    """The decile figures as tidy data (the tidy police.uk columns, each decile's figure; empty where withheld)."""
    rows = []
    for d, n, f in q.deciles:
        row = f.data()
        row.update({"area_code": q.area_code, "area_name": q.area_name, "imd_decile": d, "small_areas": n})
        rows.append(row)
    return tidy_frame(rows, DECILE_COLUMNS, (*TIDY_INTEGERS, "imd_decile", "small_areas"), TIDY_NUMBERS)


def lsoa_frame(q: Inequality) -> pd.DataFrame:
    """Each small area's figure and its decile, as tidy data."""
    rows = [{**f.data(), "imd_decile": d} for d, f in q.small_areas]
    return tidy_frame(rows, LSOA_COLUMNS, (*TIDY_INTEGERS, "imd_decile"), TIDY_NUMBERS)


def table(q: Inequality) -> pd.DataFrame:
    rows = []
    for d, n, f in q.deciles:
        rows.append(
            {
                "Area": q.area_name + (" (approximate)" if q.approximate else ""),
                "IMD 2019 decile": decile_words(d),
                "Small areas": n,
                "Residents": f"{f.population:,}",
                "Count": f.count_text,
                f"Rate {f.unit}": f.rate_text,
                "95% interval": f.interval_text,
            }
        )
    return with_csv(pd.DataFrame(rows), frame(q))


def ratio_row(q: Inequality) -> dict:
    r = q.ratio
    return {
        "area_code": q.area_code,
        "area_name": q.area_name,
        "measure_id": q.measure_id,
        "measure": q.measure,
        "period_from": q.period.start,
        "period_to": q.period.end,
        "most_deprived_decile": r.most_decile,
        "least_deprived_decile": r.least_decile,
        "rate_most_deprived": None if r.most is None else r.most.data()["rate"],
        "rate_least_deprived": None if r.least is None else r.least.data()["rate"],
        "ratio": None if r.ratio is None else round(r.ratio, 3),
        "lower": None if r.lower is None else round(r.lower, 3),
        "upper": None if r.upper is None else round(r.upper, 3),
        "unit": "rate in the most deprived decile / rate in the least deprived decile",
        "status": SHOWN_TEXT if r.ratio is not None else (WITHHELD_TEXT if r.reason == "too few to show" else NOT_GIVEN),
        "note": r.reason,
    }


def ratios_frame(qs: list[Inequality]) -> pd.DataFrame:
    """The gap for each measure as tidy data."""
    return tidy_frame(
        [ratio_row(q) for q in qs],
        RATIO_COLUMNS,
        ("most_deprived_decile", "least_deprived_decile"),
        ("rate_most_deprived", "rate_least_deprived", "ratio", "lower", "upper"),
    )


def ratios_table(qs: list[Inequality]) -> pd.DataFrame:
    rows = []
    for q in qs:
        r = q.ratio
        rows.append(
            {
                "Measure": q.measure,
                "Most deprived decile": "" if r.most_decile is None else decile_words(r.most_decile),
                "Rate there": "" if r.most is None else r.most.rate_text,
                "Least deprived decile": "" if r.least_decile is None else decile_words(r.least_decile),
                "Rate there ": "" if r.least is None else r.least.rate_text,
                "Ratio (95% interval)": r.text,
            }
        )
    return with_csv(pd.DataFrame(rows), ratios_frame(qs))


def small_areas_table(q: Inequality) -> pd.DataFrame:
    rows = []
    for d, f in q.small_areas:
        rows.append(
            {
                "Small area (LSOA 2021)": f.area_name,
                "Code": f.area_code,
                "IMD 2019 decile": "not known" if d is None else decile_words(d),
                "Residents": f"{f.population:,}",
                "Count": f.count_text,
                f"Rate {f.unit}": f.rate_text,
            }
        )
    return with_csv(pd.DataFrame(rows), lsoa_frame(q))


EXPORT_BY = ("decile", "ratio", "lsoa")


def export(con: Con, *, area: str, start: str, end: str, measure_id: str = "all_crime", by: str = "decile") -> pd.DataFrame:
    """The command line's CSV: the page's decile figures, the gap for every key measure, or the small areas."""
    if by == "decile":
        return frame(by_decile(con, area, measure_id, start, end))
    if by == "ratio":
        return ratios_frame(key_ratios(con, area, start, end))
    if by == "lsoa":
        return lsoa_frame(by_decile(con, area, measure_id, start, end))
    raise ValueError(f"unknown --by {by!r} for deprivation ({', '.join(EXPORT_BY)})")
