"""Published indicators (tables other publishers released) as ``PublishedFigure`` objects.  No Streamlit here.

Every rule about a published figure lives here once:

- **quality**: an *official statistic* (a publisher's own table, e.g. Fingertips or ONS), a figure
  *transcribed from an official page* (a Home Office release, an ONS article, a council factsheet),
  a *secondary quotation* (an official page quoting another publisher's statistic: Durham Insight
  quoting the Ministry of Justice, committee minutes quoting ONS; the catalogue's ``quoted_ids``), or
  a *press report*.  Press and secondary copies are only ever pointers (``pointers``), never figures;
  the quality of every figure is said beside it;
- **precision**: a value is shown at the precision its source printed (``value_text``): 36.8 stays
  "36.8", a count of deaths is "5", a percentage change carries its sign ("+28%");
- **the headline** (``headline``): the catalogue's headline series, for County Durham or else the
  smallest published area containing it, at the latest period end; ties broken by rule, never by
  row order; never a comparator's value;
- **trends** (``lines``): a line joins only points of one series (definition), one area and one
  kind of period (``published_period``); anything else is a separate mark;
- **comparisons**: published tables carry no intervals, so no "better / worse" is made here; a
  publisher's own comparison (Fingertips) is quoted as the publisher's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config.catalogue import PLAN_SOURCE, POLICE_UK, PRESS_CAVEAT, Indicator, catalogue, indicator
from sdp_dash.config.codes import (
    COUNTY,
    DARLINGTON,
    DURHAM_FORCE,
    ENGLAND,
    ENGLAND_AND_WALES,
    GREAT_BRITAIN,
    NORTH_EAST,
    NORTH_EAST_LAS,
)
from sdp_dash.domain.published_period import PublishedPeriod, parse
from sdp_dash.warehouse import Con

OFFICIAL = "official statistic"
TRANSCRIBED = "transcribed from an official page"
SECONDARY = "secondary quotation"
PRESS = "press report"
QUALITY_NOTES = {
    OFFICIAL: "an official statistic, from the publisher's own table",
    TRANSCRIBED: "transcribed by hand from an official page",
    SECONDARY: "a secondary quotation: an official page quoting another publisher's statistic; check the original",
    PRESS: "a press report: a pointer to the primary publication, not an official figure",
}

_REGION_NAMES = {
    NORTH_EAST: "North East",
    ENGLAND: "England",
    ENGLAND_AND_WALES: "England and Wales",
    GREAT_BRITAIN: "Great Britain",
}
FORCE_ROLES = {
    DURHAM_FORCE: "Durham Constabulary force area (County Durham and Darlington)",
    "E23000013": "Cleveland Police force area",
    "E23000007": "Northumbria Police force area",
}
# The areas that contain County Durham, smallest first: where the table has no County Durham row,
# the headline is the first of these it has (never a comparator such as Northumbria).
_CONTAINING = (COUNTY, DURHAM_FORCE, "fire_service_area", NORTH_EAST, ENGLAND, ENGLAND_AND_WALES, GREAT_BRITAIN, "all_forces")


def area_level(code, name="") -> str:
    """The geography of a published row: county, la, force, region, country, fire_service_area, all_forces, other."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
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


# --- Formatting: one rule --------------------------------------------------------------------------


def decimals_of(value: float | None, most: int = 3) -> int:
    """How many decimal places a value was printed with (36.8 -> 1, 4.01 -> 2, 5.0 -> 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    text = f"{float(value):.{most}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def is_count(unit: str) -> bool:
    u = str(unit).lower()
    return u.startswith("count") or u in ("crimes", "incidents", "arrests", "deaths", "casualties", "offences", "young people")


def value_text(value: float | None, unit: str, decimals: int) -> str:
    """A published value as its source printed it: '36.8', '14,649', '30%', '+28%' (a change keeps its sign)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    v = float(value)
    d = 0 if is_count(unit) else decimals
    if "change" in str(unit).lower() and str(unit).startswith("%"):
        sign = "+" if v > 0 else ("−" if v < 0 else "")
        return f"{sign}{abs(v):,.{d}f}%"
    if str(unit).startswith("%"):
        return f"{v:,.{d}f}%"
    return f"{v:,.{d}f}"


def unit_words(unit: str) -> str:
    """The unit as words after a value: 'count of arrests' -> 'arrests'; '%' -> ''; '% of arrests' -> 'of arrests'."""
    u = str(unit).strip()
    if u.startswith("count of "):
        return u[len("count of ") :]
    if u.startswith("%"):
        rest = u[1:].strip()
        return "" if rest in ("", "change") else rest
    return u[:1].lower() + u[1:] if u[1:2].islower() else u


# --- The figure ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedFigure:
    """One published value: a series (definition), an area and a period, with its quality and source."""

    indicator_id: str
    series_id: str
    series: str
    area_code: str
    area_name: str
    area_level: str
    role: str
    period: PublishedPeriod
    value: float | None
    unit: str
    decimals: int
    source_title: str
    source_url: str
    publisher: str
    quality: str
    publisher_comparison: str = ""  # e.g. "worse than England (the publisher's comparison)"
    note: str = ""

    @property
    def text(self) -> str:
        return value_text(self.value, self.unit, self.decimals)

    @property
    def change(self) -> bool:
        return "change" in self.unit.lower() and self.unit.startswith("%")

    @property
    def headline(self) -> str:
        """'14,649 incidents', '+28% (a rise)', '30%'."""
        if self.change and self.value:
            return f"{self.text} ({'a rise' if self.value > 0 else 'a fall'})"
        words = unit_words(self.unit)
        return f"{self.text} {words}".strip()

    @property
    def official(self) -> bool:
        """An official statistic or a figure transcribed from the publisher's own official page."""
        return self.quality in (OFFICIAL, TRANSCRIBED)

    @property
    def place(self) -> str:
        """The area's code, or its name when the table gives no code (fire service area, all forces)."""
        return self.area_code or self.area_name

    @property
    def age(self) -> str:
        return self.period.age

    def row(self) -> dict:
        """The figure as one row of a table or CSV."""
        return {
            "Area": self.area_name,
            "Figure": self.series,
            "Period": self.period.label,
            "Value": self.text,
            "Unit": self.unit,
            "Quality": self.quality,
            "Source": self.source_title,
            "Age": self.age,
        }

    def data(self) -> dict:
        return {
            "series_id": self.series_id,
            "series": self.series,
            "area_code": self.area_code,
            "area_name": self.area_name,
            "period": self.period.text,
            "period_end": f"{self.period.end}-01" if self.period.end else None,
            "period_kind": self.period.kind,
            "value": self.value,
            "value_text": self.text,
            "unit": self.unit,
            "quality": self.quality,
        }


def _quality(row_quality: str, source_id: str, series_id: str, quoted: tuple[str, ...]) -> str:
    if row_quality == "press":
        return PRESS
    if row_quality == "secondary" or series_id in quoted:
        return SECONDARY
    return TRANSCRIBED if str(source_id).startswith("transcribed_") else OFFICIAL


_PUBLISHER_SAYS = re.compile(r"compared with (?P<other>[A-Za-z ]+?) by the publisher: (?P<result>\w+)", re.I)


def _publisher_comparison(note: str) -> str:
    m = _PUBLISHER_SAYS.search(str(note or ""))
    if not m or m.group("result").lower() == "not":
        return ""
    result = m.group("result").lower()
    word = {"similar": "similar to"}.get(result, f"{result} than")
    return f"{word} {m.group('other').strip()} (the publisher's comparison)"


def _roles(con: Con, codes: list, levels: list[str]) -> list[str]:
    try:
        rank = set(warehouse.statistical_neighbours(con, COUNTY)["area_code"])
    except Exception:  # noqa: BLE001 - a warehouse built without the neighbours table
        rank = set()
    roles = []
    for code, level in zip(codes, levels, strict=True):
        if code == COUNTY:
            roles.append("County Durham")
        elif level == "la" and code in NORTH_EAST_LAS and code in rank:
            roles.append("North East authority and statistical neighbour")
        elif level == "la" and code in NORTH_EAST_LAS:
            roles.append("North East authority")
        elif level == "la" and code in rank:
            roles.append("Statistical neighbour")
        elif level == "force":
            roles.append(FORCE_ROLES.get(code, "Police force area"))
        elif level in ("region", "country"):
            roles.append(_REGION_NAMES.get(code, "National"))
        else:
            roles.append(level.replace("_", " ").capitalize())
    return roles


def _figures(con: Con, ind: Indicator, ids: tuple[str, ...]) -> list[PublishedFigure]:
    if not ids:
        return []
    df = warehouse.indicator_rows(con, list(ids))
    if df.empty:
        return []
    codes = [None if pd.isna(c) else str(c) for c in df["area_code"]]
    levels = [area_level(c, n) for c, n in zip(codes, df["area_name"], strict=True)]
    roles = _roles(con, codes, levels)
    # Precision: the most decimal places the source printed for that series and area.
    places = {}
    for sid, code, value in zip(df["indicator_id"], codes, df["value"], strict=True):
        places[(sid, code)] = max(places.get((sid, code), 0), decimals_of(value))
    out = []
    for i, r in enumerate(df.itertuples(index=False)):
        value = None if pd.isna(r.value) else float(r.value)
        out.append(
            PublishedFigure(
                indicator_id=ind.id,
                series_id=r.indicator_id,
                series=str(r.indicator),
                area_code=codes[i] or "",
                area_name=str(r.area_name),
                area_level=levels[i],
                role=roles[i],
                period=parse(r.period),
                value=value,
                unit=str(r.unit),
                decimals=places[(r.indicator_id, codes[i])],
                source_title=str(r.source_title or ""),
                source_url=str(r.source_url or ""),
                publisher=str(r.publisher or ""),
                quality=_quality(r.quality, r.source_id, r.indicator_id, ind.quoted_ids),
                publisher_comparison=_publisher_comparison(r.note),
                note="" if pd.isna(r.note) else str(r.note),
            )
        )
    order = {s: k for k, s in enumerate(ids)}
    return sorted(out, key=lambda f: (order.get(f.series_id, 99), f.period.order, _place_rank(f), f.area_name))


def _place_rank(f: PublishedFigure) -> int:
    key = f.area_code if f.area_code in _CONTAINING else f.area_level
    return _CONTAINING.index(key) if key in _CONTAINING else len(_CONTAINING)


def _contains_county(f: PublishedFigure) -> bool:
    key = f.area_code if f.area_code else f.area_level
    return key in _CONTAINING


def _need(ind: Indicator | str) -> Indicator:
    return indicator(ind) if isinstance(ind, str) else ind


def figures(con: Con, ind: Indicator | str) -> list[PublishedFigure]:
    """The indicator's figures (its ``indicator_ids``: official rows only), in catalogue and period order."""
    ind = _need(ind)
    return [f for f in _figures(con, ind, ind.indicator_ids) if f.quality != PRESS]


def pointers(con: Con, ind: Indicator | str) -> list[PublishedFigure]:
    """Press and secondary copies named in ``pointer_ids``: leads to the primary publication, never figures."""
    ind = _need(ind)
    return [f for f in _figures(con, ind, ind.pointer_ids) if f.quality in (PRESS, SECONDARY)]


def pointer_caveat(f: PublishedFigure) -> str:
    return PRESS_CAVEAT["press" if f.quality == PRESS else "secondary"]


# --- Headline, comparators, direction ------------------------------------------------------------------


def headline(ind: Indicator, figs: list[PublishedFigure]) -> PublishedFigure | None:
    """The headline: the catalogue's headline series, for County Durham (or the smallest published area
    containing it), at the latest period end.  Ties: a full year before a part year, then the period text."""
    cands = [f for f in figs if f.series_id == ind.headline_id and f.value is not None and _contains_county(f)]
    if not cands:
        return None
    nearest = min(_place_rank(f) for f in cands)
    cands = [f for f in cands if _place_rank(f) == nearest]
    return max(cands, key=lambda f: (f.period.order, not f.period.part_year, f.period.text))


def comparators(figs: list[PublishedFigure], head: PublishedFigure) -> list[PublishedFigure]:
    """Other areas' figures for the same period and unit as the headline (any series of the indicator)."""
    return [
        f
        for f in figs
        if f.place != head.place and f.period.text == head.period.text and f.unit == head.unit and f.value is not None
    ]


def comparison_words(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    """'worse than England (the publisher's comparison)', 'England and Wales 29% (no interval published: not
    compared)' or 'no comparison published'."""
    if head.publisher_comparison:
        return head.publisher_comparison
    others = comparators(figs, head)
    levels = ("force", "region", "country", "all_forces")
    shown = sorted((o for o in others if o.area_level in levels), key=lambda o: levels.index(o.area_level)) or others
    if not shown:
        return "no comparison published"
    listed = "; ".join(f"{o.area_name} {o.text}" for o in shown[:3])
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return f"{listed}{more} (no interval published: not compared)"


def previous(figs: list[PublishedFigure], head: PublishedFigure) -> PublishedFigure | None:
    """The figure before the headline in its own line: same series, area and kind of period."""
    same = [
        f
        for f in figs
        if f.series_id == head.series_id
        and f.place == head.place
        and f.period.stated
        and f.period.key == head.period.key
        and f.period.order < head.period.order
        and f.value is not None
    ]
    return max(same, key=lambda f: f.period.order) if same else None


def direction_words(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    """'up from 555 (2018/19)', 'down from ...', 'the same as ...', or why there is no earlier figure."""
    before = previous(figs, head)
    if before is None:
        return "no earlier figure of the same kind"
    if head.value == before.value:
        return f"the same as {before.text} ({before.period.label})"
    word = "up" if head.value > before.value else "down"
    return f"{word} from {before.text} ({before.period.label})"


# --- Lines and marks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Points of one series, one area and one kind of period: the only points a line may join."""

    label: str
    series_id: str
    place: str
    kind: str
    points: tuple[PublishedFigure, ...] = field(default=())

    @property
    def joined(self) -> bool:
        return len(self.points) >= 2


def lines(figs: list[PublishedFigure]) -> list[Line]:
    """The figures grouped into lines (one series, area and period kind), in figure order.

    Figures without a stated period cannot be placed in time and are left out (the table has them).
    """
    dated = [f for f in figs if f.period.stated and f.value is not None]
    several_series = len({f.series_id for f in dated}) > 1
    several_kinds = {}
    for f in dated:
        several_kinds.setdefault((f.series_id, f.place), set()).add(f.period.key)
    groups: dict[tuple, list[PublishedFigure]] = {}
    for f in dated:
        groups.setdefault((f.series_id, f.place, f.period.key), []).append(f)
    out = []
    for (sid, place, key), pts in groups.items():
        first = pts[0]
        label = first.area_name
        if several_series:
            label = f"{first.area_name}: {first.series}"
        if len(several_kinds[(sid, place)]) > 1:
            label += f" ({key[0]})"
        out.append(Line(label, sid, place, key[0], tuple(sorted(pts, key=lambda f: f.period.order))))
    return out


def chart_frame(figs: list[PublishedFigure]) -> pd.DataFrame:
    """Chart data: one row a point, with its line's label and whether the line joins points."""
    rows = []
    for line in lines(figs):
        for f in line.points:
            rows.append({**f.data(), "line": line.label, "joined": line.joined, "county": f.area_code == COUNTY})
    return pd.DataFrame(rows)


def longest_line(figs: list[PublishedFigure]) -> int:
    """How many comparable points the longest line has (a chart needs at least three)."""
    return max((len(line.points) for line in lines(figs)), default=0)


def table(figs: list[PublishedFigure]) -> pd.DataFrame:
    return pd.DataFrame([f.row() for f in figs])


def sources_of(figs: list[PublishedFigure]) -> list[tuple[str, str, str]]:
    """(title, url, quality) of each page the figures come from, in order: each figure credited to its own page."""
    seen = {}
    for f in figs:
        seen.setdefault((f.source_title, f.source_url), f.quality)
    return [(t, u, q) for (t, u), q in seen.items()]


# --- Checking the catalogue against a warehouse ------------------------------------------------------------


def check_against_warehouse(con: Con) -> list[str]:
    """Every problem found between the catalogue and a built warehouse (empty when all is well)."""
    problems = []
    source_ids = warehouse.source_ids(con)
    has_police = any(s.startswith("police_uk_") for s in source_ids)
    measures = warehouse.measure_sensitivity(con)
    quality = warehouse.indicator_qualities(con)
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


def comparator_role(code: str) -> str:
    """How a police.uk comparator relates to the partnership (for the police cards' tables)."""
    if code == COUNTY:
        return "County Durham (the partnership area)"
    if code == DARLINGTON:
        return "Darlington (same police force, different partnership)"
    return FORCE_ROLES.get(code, "Selected area")
