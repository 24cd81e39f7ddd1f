"""An area's profile: what the Explore page's profile and the downloadable profile document show.
No Streamlit and no charts here (the document is drawn by ``sdp_dash.web.profile``).

Every number is a ``Figure`` (``figure.py``), so suppression, rates, intervals and comparison words
follow the one set of rules.  Nothing withheld becomes an empty row: what is not published for the
area is gathered once, in words (``Profile.not_published``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sdp_dash import warehouse
from sdp_dash.config import codes
from sdp_dash.domain import crime, disclosure, places, words
from sdp_dash.domain.figure import Figure, Period
from sdp_dash.warehouse import Con


def trend_start(start: str) -> str:
    """Trends run from a year before the period starts, so the period reads against the year before it."""
    return disclosure.trend_start(start)


def type_trends(con: Con, code: str, start: str, end: str) -> list[Figure]:
    """One figure per police.uk category and month of the trend of the period ``start``-``end`` (the
    month's count x 12 per 1,000 residents), for the area and, unless the area is the county, for
    County Durham.  Months with no police.uk file have no count; small counts of sensitive categories,
    and the figures that would give them back, are withheld by the figure model."""
    ms = [m for m in crime.measures(con).values() if m.single_type]
    return [
        f
        for area_code in dict.fromkeys([code, codes.COUNTY])
        for m in ms
        for f in crime.trend_figures(con, area_code, m.measure_id, start, end)
    ]


@dataclass(frozen=True)
class Profile:
    """Everything the profile document says about one area and period."""

    area_code: str
    area_name: str
    type_label: str
    is_county: bool
    period: Period
    measure_id: str
    measure_label: str
    against: tuple[crime.AgainstCounty, ...]  # key indicators (area beside the county); the county alone if it is the area
    types: tuple[Figure, ...]  # every police.uk category, highest rate first
    types_against: tuple[crime.AgainstCounty, ...]  # each category beside the county's (the county alone if it is the area)
    trend: tuple[Figure, ...]  # the chosen measure month by month (area, then county)
    type_trend: tuple[Figure, ...]  # every category month by month (area, then county)
    trend_from: str
    method: str  # how the area is built (approximate areas), or ""
    deprivation: str  # one sentence, or "" when there are no figures
    not_published: tuple[str, ...]  # what is withheld or missing for this area, said once

    @property
    def approximate(self) -> bool:
        return bool(self.method)

    @property
    def shown_types(self) -> list[Figure]:
        return [f for f in self.types if f.available]

    @property
    def trend_types(self) -> list[str]:
        """The categories whose monthly trend is drawn: those with any month shown for the area."""
        shown = {f.measure for f in self.type_trend if f.area_code == self.area_code and f.available}
        return [f.measure for f in self.types if f.measure in shown]


def build(con: Con, code: str, start: str, end: str, measure_id: str) -> Profile:
    """The profile of one area for one period (the trends run from a year before the period)."""
    area = warehouse.area(con, code)
    is_county = code == codes.COUNTY
    per = crime.period(con, code, start, end)
    m = crime.measure(con, measure_id)
    if is_county:
        against = tuple(crime.against_rest(f, f) for f in crime.key_figures(con, code, start, end))
    else:
        against = tuple(crime.against_county(con, code, start, end))
    types = tuple(crime.type_figures(con, code, start, end))
    county_types = {f.measure_id: f for f in crime.type_figures(con, codes.COUNTY, start, end)}
    types_against = tuple(crime.against_rest(f, county_types[f.measure_id]) for f in types)
    t0 = trend_start(start)
    trend = crime.trend_figures(con, code, measure_id, start, end)
    if not is_county:
        trend += crime.trend_figures(con, codes.COUNTY, measure_id, start, end)
    type_trend = tuple(type_trends(con, code, start, end))
    return Profile(
        area_code=code,
        area_name=str(area["area_name"]),
        type_label=str(area.get("type_label") or ""),
        is_county=is_county,
        period=per,
        measure_id=measure_id,
        measure_label=m.label,
        against=against,
        types=types,
        types_against=types_against,
        trend=tuple(trend),
        type_trend=type_trend,
        trend_from=t0,
        method=places.area_method(con, str(area["area_type"])),
        deprivation=deprivation_sentence(crime.deprivation_summary(con, code)),
        not_published=not_published(code, per, against, types, tuple(trend), type_trend),
    )


def deprivation_sentence(dep: dict) -> str:
    if dep["imd_decile"] is None:
        return ""
    if dep["lsoas"] == 1:
        return (
            f"This small area is in decile {dep['imd_decile']:.0f} of the English Index of Multiple Deprivation 2019 and decile "
            f"{dep['crime_decile']:.0f} of its Crime domain (1 = the most deprived 10% of small areas in England, 10 = the least)."
        )
    return (
        f"Averaged over its {dep['lsoas']} small areas (LSOAs), weighting each by its residents, the area's Index of Multiple "
        f"Deprivation 2019 decile is {dep['imd_decile']:.1f} and its Crime-domain decile {dep['crime_decile']:.1f} "
        f"(1 = the most deprived 10% of small areas in England, 10 = the least). {dep['most_deprived_20']} of its small areas "
        "are among the most deprived 20% in England. Deprivation describes the area, not the people in it."
    )


def not_published(
    code: str,
    per: Period,
    against: tuple[crime.AgainstCounty, ...],
    types: tuple[Figure, ...],
    trend: tuple[Figure, ...],
    type_trend: tuple[Figure, ...],
) -> tuple[str, ...]:
    """What is withheld or missing for the area, each said once (instead of rows that read 'no data')."""
    out: list[str] = []
    if per.missing:
        out.append(f"police.uk published no file for {words.months_words(list(per.missing))} for this area's police force.")
    suppressed = list(
        dict.fromkeys([r.area.measure for r in against if r.area.suppressed] + [f.measure for f in types if f.suppressed])
    )
    if suppressed:
        out.append(
            f"{_join(suppressed)}: fewer than 5 recorded in the period, so the count and rate are not shown "
            "(small numbers could identify people)."
        )
    empty = [r.area.measure for r in against if r.area.count is None] + [f.measure for f in types if f.count is None]
    if empty and not per.missing:
        out.append(f"{_join(list(dict.fromkeys(empty)))}: no figures for this period.")
    withheld: dict[str, int] = {}
    for f in trend + type_trend:
        if f.area_code == code and f.suppressed:
            withheld[f.measure] = withheld.get(f.measure, 0) + 1
    if withheld:
        out.append(
            "Monthly figures with fewer than 5 recorded are left out of the trend charts (gaps): "
            + "; ".join(f"{m.lower() if i else m}, {_months(n)}" for i, (m, n) in enumerate(withheld.items()))
            + "."
        )
    return tuple(out)


def _join(items: list[str]) -> str:
    items = [items[0]] + [i[:1].lower() + i[1:] for i in items[1:]]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"
