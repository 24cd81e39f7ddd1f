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
from sdp_dash.domain import crime, disclosure, places, stats, words
from sdp_dash.domain.figure import Figure, Period
from sdp_dash.warehouse import Con


def trend_start(start: str) -> str:
    """Trends run from a year before the period starts, so the period reads against the year before it."""
    return disclosure.trend_start(start)


@dataclass(frozen=True)
class YearChange:
    """One measure in the period's months with data against the same months a year earlier, in words
    (``crime.change`` decides whether it may be shown: a withheld or small count never is)."""

    text: str  # 'up 4% (from 2,088)', 'down 44% (5 against 9)', 'not shown (small numbers)', 'no comparison'
    significant: bool  # the difference is bigger than chance would explain


def year_change(c: crime.Change) -> YearChange:
    """'up 4% (from 2,088)' when every month of the period is compared, else 'down 44% (5 against 9)': the
    counts of the months compared (``Profile.change_months`` names them)."""
    if not c.comparable.current:
        return YearChange("no comparison", False)
    if c.now is None or c.before is None:
        return YearChange("not shown (small numbers)", False)
    pct = stats.percent_change(c.now, c.before)
    counts = f"from {c.before:,}" if c.comparable.complete else f"{c.now:,} against {c.before:,}"
    if pct is None:  # none a year earlier
        return YearChange(f"{c.now:,} against none" if c.now else "none in either year", False)
    significant = stats.change_p_value(c.now, c.before) < words.SIGNIFICANCE
    word = "about the same" if round(pct) == 0 else f"{'up' if pct > 0 else 'down'} {abs(pct):.0f}%"
    return YearChange(f"{word} ({counts})", significant)


def year_changes(con: Con, code: str, start: str, end: str, measure_ids: list[str]) -> dict[str, YearChange]:
    """Change on last year for each measure (the same months a year earlier; see ``Profile.change_months``)."""
    return {m: year_change(crime.change(con, code, m, start, end)) for m in dict.fromkeys(measure_ids)}


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
    types_against: tuple[crime.AgainstCounty, ...]  # each category beside the county's, highest rate first
    changes: dict[str, YearChange]  # change on last year by measure id (key indicators and categories)
    change_months: str  # 'Jan to Dec 2025 against Jan to Dec 2024', '' when no month can be compared
    change_note: str  # which months could not be compared, in words, or ''
    trend: tuple[Figure, ...]  # the chosen measure month by month (area, then county)
    trend_from: str
    method: str  # how the area is built (approximate areas), or ""
    deprivation: str  # one sentence, or "" when there are no figures
    not_published: tuple[str, ...]  # what is withheld or missing for this area, said once


def _against(
    con: Con, code: str, start: str, end: str
) -> tuple[tuple[crime.AgainstCounty, ...], tuple[crime.AgainstCounty, ...]]:
    """The key indicators and every police.uk category, each beside the county's."""
    if code == codes.COUNTY:
        against = tuple(crime.against_rest(f, f) for f in crime.key_figures(con, code, start, end))
    else:
        against = tuple(crime.against_county(con, code, start, end))
    county_types = {f.measure_id: f for f in crime.type_figures(con, codes.COUNTY, start, end)}
    types = tuple(crime.against_rest(f, county_types[f.measure_id]) for f in crime.type_figures(con, code, start, end))
    return against, types


def build(con: Con, code: str, start: str, end: str, measure_id: str) -> Profile:
    """The profile of one area for one period (the trend runs from a year before the period)."""
    area = warehouse.area(con, code)
    is_county = code == codes.COUNTY
    per = crime.period(con, code, start, end)
    against, types_against = _against(con, code, start, end)
    trend = crime.trend_figures(con, code, measure_id, start, end)
    if not is_county:
        trend += crime.trend_figures(con, codes.COUNTY, measure_id, start, end)
    comp = crime.comparison_months(con, code, start, end)
    ids = [r.area.measure_id for r in against + types_against]
    return Profile(
        area_code=code,
        area_name=str(area["area_name"]),
        type_label=str(area.get("type_label") or ""),
        is_county=is_county,
        period=per,
        measure_id=measure_id,
        measure_label=crime.measure(con, measure_id).label,
        against=against,
        types_against=types_against,
        changes=year_changes(con, code, start, end, ids),
        change_months=words.change_months(comp, short=True),
        change_note=comp.note(),
        trend=tuple(trend),
        trend_from=trend_start(start),
        method=places.area_method(con, str(area["area_type"])),
        deprivation=deprivation_sentence(crime.deprivation_summary(con, code)),
        not_published=not_published(code, per, against, tuple(r.area for r in types_against), tuple(trend)),
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
    for f in trend:
        if f.area_code == code and f.suppressed:
            withheld[f.measure] = withheld.get(f.measure, 0) + 1
    if withheld:
        out.append(
            "Monthly figures with fewer than 5 recorded are left out of the trend chart (gaps): "
            + "; ".join(f"{m.lower() if i else m}, {_months(n)}" for i, (m, n) in enumerate(withheld.items()))
            + "."
        )
    return tuple(out)


def _join(items: list[str]) -> str:
    items = [items[0]] + [i[:1].lower() + i[1:] for i in items[1:]]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"
