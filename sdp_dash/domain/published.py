"""Published indicators (tables other publishers released) as ``PublishedFigure`` objects.  No Streamlit here.

Every rule about a published figure lives here once:

- **quality**: an *official statistic* (a publisher's own table, e.g. Fingertips or ONS), a figure
  *transcribed from an official page* (a Home Office release, an ONS article, a council factsheet),
  a *secondary quotation* (an official page quoting another publisher's statistic: a council's
  insight pages quoting the Ministry of Justice, committee minutes quoting ONS; the catalogue's ``quoted_ids``), or
  a *press report*.  Press and secondary copies are only ever pointers (``pointers``), never figures;
  the quality of every figure is said beside it;
- **precision**: a value is shown at the precision its source printed (``value_text``): 36.8 stays
  "36.8", a count of deaths is "5", a percentage change carries its sign ("+28%");
- **the headline** (``headline``): the catalogue's headline series, for the partnership's area or else
  the smallest published area containing it, at the latest period end; ties broken by rule, never by
  row order; never a comparator's value;
- **trends** (``lines``): a line joins only points of one series (definition), one area and one
  kind of period (``published_period``); anything else is a separate mark;
- **a change** (``previous``, ``direction_words``) joins only two consecutive points of one line: the
  figure for the period just before (a year earlier, same kind of period).  Two figures further apart
  (161 in 2015/16 and 1,129 in 2007/08) are two figures, not a change; every change names both periods;
- **comparisons like with like** (``comparison``): the headline is set only beside the same kind of
  figure (same unit and period; its own series, or a series published only for other areas: a total
  with totals, never with the parts of a total), each area at most once and named with its kind
  ("Cleveland force area"); an area that contains the headline's area, or lies inside it (the
  partnership's force area and the partnership, England and the partnership), is never a peer: it is context.
  Published tables carry no intervals, so no "better / worse" is made here; a publisher's own
  comparison (Fingertips) is quoted as the publisher's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config import codes as areas
from sdp_dash.config import partnership
from sdp_dash.config.catalogue import PLAN_SOURCE, POLICE_UK, PRESS_CAVEAT, Indicator, catalogue, indicator
from sdp_dash.config.codes import ENGLAND, ENGLAND_AND_WALES, GREAT_BRITAIN
from sdp_dash.config.months import shift_month
from sdp_dash.domain import home, words
from sdp_dash.domain.figure import with_csv
from sdp_dash.domain.home import short_force
from sdp_dash.domain.published_period import PublishedPeriod, parse
from sdp_dash.warehouse import Con

OFFICIAL = "official statistic"
TRANSCRIBED = "transcribed from an official page"
SECONDARY = "secondary quotation"
PRESS = "press report"

_NATIONAL_NAMES = {
    ENGLAND: "England",
    ENGLAND_AND_WALES: "England and Wales",
    GREAT_BRITAIN: "Great Britain",
}


def _containing() -> tuple[str, ...]:
    """The areas that contain the partnership's, smallest first: where the table has no row for the partnership,
    the headline is the first of these it has (never a comparator such as another force area)."""
    h = home.current()
    return (h.code, h.force_code, "fire_service_area", h.region_code, ENGLAND, ENGLAND_AND_WALES, GREAT_BRITAIN, "all_forces")


def area_level(code, name="") -> str:
    """The geography of a published row: county, la, force, region, country, fire_service_area, all_forces, other."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        text = str(name).lower()
        if "fire" in text:
            return "fire_service_area"
        if "all forces" in text:
            return "all_forces"
        return "other"
    if code == areas.COUNTY:
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
        return f"{words.number(v, d, sign=True)}%"
    if str(unit).startswith("%"):
        return f"{words.number(v, d)}%"
    return words.number(v, d)


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

    @property
    def place_name(self) -> str:
        return place_name(self)

    def row(self) -> dict:
        """The figure as one row of a table or CSV (the area named with its kind: 'Cleveland force area')."""
        return {
            "Area": self.place_name,
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
        rank = set(warehouse.statistical_neighbours(con, areas.COUNTY)["area_code"])
    except Exception:  # noqa: BLE001 - a warehouse built without the neighbours table
        rank = set()
    h = home.current()
    regions = {**_NATIONAL_NAMES, h.region_code: h.region_name}
    roles = []
    for code, level in zip(codes, levels, strict=True):
        if code == h.code:
            roles.append(h.name)
        elif level == "la" and code in h.region_las and code in rank:
            roles.append(f"{h.region_name} authority and statistical neighbour")
        elif level == "la" and code in h.region_las:
            roles.append(f"{h.region_name} authority")
        elif level == "la" and code in rank:
            roles.append("Statistical neighbour")
        elif level == "force":
            roles.append(h.force_area(code, full=True) if code in h.force_codes else "Police force area")
        elif level in ("region", "country"):
            roles.append(regions.get(code, "National"))
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
    containing = _containing()
    key = f.area_code if f.area_code in containing else f.area_level
    return containing.index(key) if key in containing else len(containing)


def _contains_county(f: PublishedFigure) -> bool:
    key = f.area_code if f.area_code else f.area_level
    return key in _containing()


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
    """The headline: the catalogue's headline series, for the partnership's area (or the smallest published area
    containing it), at the latest period end.  Ties: a full year before a part year, then the period text."""
    cands = [f for f in figs if f.series_id == ind.headline_id and f.value is not None and _contains_county(f)]
    if not cands:
        return None
    nearest = min(_place_rank(f) for f in cands)
    cands = [f for f in cands if _place_rank(f) == nearest]
    return max(cands, key=lambda f: (f.period.order, not f.period.part_year, f.period.text))


# --- Areas: their kind, and which contains which ------------------------------------------------------

_LEVEL_NOUNS = {
    "la": "council areas",
    "force": "police force areas",
    "region": "regions",
    "country": "countries",
}


def place_name(f: PublishedFigure) -> str:
    """The figure's area named with its kind where the name alone does not say it: 'Cleveland force area'
    (a table printed only 'Cleveland'), 'North East region'; a council area or country keeps its name."""
    if f.area_level == "force":
        h = home.current()
        if f.area_code in h.force_codes:
            return h.force_area(f.area_code)
        return f"{f.area_name.replace(' (police force area)', '')} police force area"
    if f.area_level == "region" and "region" not in f.area_name.lower():
        return f"{f.area_name} region"
    return f.area_name


def _key(f: PublishedFigure) -> str:
    """What names an area in the containment rules: its code, or its level for a row without one."""
    return f.area_code if f.area_code else f.area_level


def _within(f: PublishedFigure) -> set[str]:
    """The areas (codes, or levels for rows without a code) that contain a figure's area."""
    key, level, h = _key(f), f.area_level, home.current()
    out: set[str] = set()
    if key in (h.code, *h.neighbour_codes):
        out |= {h.force_code, "fire_service_area"}
    if key == h.force_code or level == "fire_service_area":
        out |= {"fire_service_area", h.force_code} - {key}
    if h.region_code and (key in h.region_las or key in h.force_codes or level == "fire_service_area"):
        out.add(h.region_code)
    if level == "force":
        out.add("all_forces")
    if level in ("county", "la", "force", "region", "fire_service_area", "all_forces"):
        welsh = str(f.area_code).startswith("W")
        out |= {ENGLAND_AND_WALES, GREAT_BRITAIN} | (set() if welsh or level == "all_forces" else {ENGLAND})
    if key == ENGLAND:
        out |= {ENGLAND_AND_WALES, GREAT_BRITAIN}
    if key == ENGLAND_AND_WALES:
        out.add(GREAT_BRITAIN)
    return out


def contains(outer: PublishedFigure, inner: PublishedFigure) -> bool:
    """``outer``'s area contains ``inner``'s (the partnership's force area contains it; England contains both)."""
    return _key(outer) != _key(inner) and _key(outer) in _within(inner)


def nested(a: PublishedFigure, b: PublishedFigure) -> bool:
    """One of the two areas contains the other: they are never compared, one is context for the other."""
    return contains(a, b) or contains(b, a)


# --- Comparisons: like with like -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparators:
    """What a published headline is set beside: peers (the same kind of figure for areas that neither contain
    it nor lie inside it) and context (the same kind of figure for areas that do)."""

    peers: tuple[PublishedFigure, ...]
    context: tuple[PublishedFigure, ...]


def same_kind(figs: list[PublishedFigure], head: PublishedFigure, f: PublishedFigure) -> bool:
    """``f`` is the same kind of figure as the headline: the same unit and period, and either the headline's own
    series or a series published only for other areas (e.g. 'national average', 'police force areas').  A series
    that also has a figure for the headline's own area is a different figure of it (a part of a total)."""
    if f.unit != head.unit or f.period.text != head.period.text or f.value is None:
        return False
    if f.series_id == head.series_id:
        return True
    return not any(g.series_id == f.series_id and g.place == head.place for g in figs)


def comparison(figs: list[PublishedFigure], head: PublishedFigure) -> Comparators:
    """The headline's peers and context (see ``same_kind`` and ``nested``); each other area once, from the
    headline's own series where it has one."""
    seen: dict[str, PublishedFigure] = {}
    for f in sorted(figs, key=lambda f: f.series_id != head.series_id):  # the headline's series first
        if f.place != head.place and f.place not in seen and same_kind(figs, head, f):
            seen[f.place] = f
    others = list(seen.values())
    peers = tuple(o for o in others if not nested(o, head))
    context = tuple(o for o in others if nested(o, head))
    return Comparators(peers, context)


def comparators(figs: list[PublishedFigure], head: PublishedFigure) -> list[PublishedFigure]:
    """The headline's peers: other areas' figures of the same kind (never an area containing it)."""
    return list(comparison(figs, head).peers)


def context_words(head: PublishedFigure, context: tuple[PublishedFigure, ...] | list[PublishedFigure]) -> str:
    """'<its force area> (<its authorities>), which includes <the area>: 136' (context, not compared)."""
    around = [c for c in context if contains(c, head)]
    inside = [c for c in context if not contains(c, head)]
    parts = []
    if len(around) == 1:
        parts.append(f"{place_name(around[0])}, which includes {place_name(head)}: {around[0].text}")
    elif around:
        listed = "; ".join(f"{place_name(c)} {c.text}" for c in around)
        parts.append(f"{listed} (each includes {place_name(head)})")
    parts += [f"{place_name(c)}, part of {place_name(head)}: {c.text}" for c in inside]
    return "; ".join(parts)


def nearest_first(peers: tuple[PublishedFigure, ...]) -> list[PublishedFigure]:
    """Peers in the partnership's comparators' order (its police force's authorities first, then its ONS
    statistical neighbours), the rest after them as they were."""
    order = {code: k for k, code in enumerate(partnership.active().comparators)}
    return sorted(peers, key=lambda o: order.get(o.area_code, len(order)))


def comparison_words(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    """'worse than England (the publisher's comparison)'; 'Cleveland force area 272; Northumbria force area 480
    (no interval published: not compared). For context: ...'; or 'no comparison published'."""
    if head.publisher_comparison:
        return head.publisher_comparison
    c = comparison(figs, head)
    levels = ("force", "region", "country", "all_forces")
    wider = sorted((o for o in c.peers if o.area_level in levels), key=lambda o: levels.index(o.area_level))
    shown = wider or nearest_first(c.peers)
    text = ""
    if shown:
        text = "; ".join(f"{place_name(o)} {o.text}" for o in shown[:3])
        rest = shown[3:]
        if rest:
            nouns = {_LEVEL_NOUNS.get(o.area_level, "areas") for o in rest}
            text += f" and {len(rest)} more {nouns.pop() if len(nouns) == 1 else 'areas'}"
        text += " (no interval published: not compared)"
    if c.context:
        lead = "For context (not compared): " if text else "no like-for-like comparison published; for context (not compared): "
        text += (". " if text else "") + lead + context_words(head, c.context)
    return text or "no comparison published"


# --- Change: two consecutive points of one line -------------------------------------------------------------


def _same_line(f: PublishedFigure, head: PublishedFigure) -> bool:
    return (
        f.series_id == head.series_id
        and f.place == head.place
        and f.period.stated
        and f.period.key == head.period.key
        and f.value is not None
    )


def earlier(figs: list[PublishedFigure], head: PublishedFigure) -> PublishedFigure | None:
    """The nearest earlier figure of the headline's line (same series, area and kind of period), however far back."""
    same = [f for f in figs if _same_line(f, head) and f.period.order < head.period.order]
    return max(same, key=lambda f: f.period.order) if same else None


def previous(figs: list[PublishedFigure], head: PublishedFigure) -> PublishedFigure | None:
    """The figure just before the headline in its own line: same series, area and kind of period, ending a year
    earlier.  A figure further back is not a point next to it (see ``earlier``): no change is made with it."""
    before = earlier(figs, head)
    if before is None or not head.period.months or shift_month(head.period.end, -12) != before.period.end:
        return None
    return before


def gap_years(figs: list[PublishedFigure], head: PublishedFigure) -> int | None:
    """How many years before the headline the nearest earlier figure of its line is, when it is not the year before."""
    before = earlier(figs, head)
    if before is None or previous(figs, head) is not None:
        return None
    h, b = head.period.end, before.period.end
    return round(((int(h[:4]) - int(b[:4])) * 12 + int(h[5:]) - int(b[5:])) / 12)


def direction_words(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    """'up from 344 in Apr 2019 - Dec 2019 to 359 in Apr 2020 - Dec 2020', 'down from ...', 'the same as ...',
    or why no change is shown (naming the earlier figure held when it is not the year before)."""
    before = previous(figs, head)
    if before is None:
        far = earlier(figs, head)
        if far is None:
            return "no earlier figure of the same kind"
        years = gap_years(figs, head)
        apart = f"{years} years" if years and years > 1 else "more than a year"
        return (
            f"no change shown: no figure is held for the year before {head.period.label}; the nearest earlier "
            f"figure, {far.text} in {far.period.label}, is {apart} earlier, so the two are not joined as a change"
        )
    now = f"{head.text} in {head.period.label}"
    if head.value == before.value:
        return f"the same in {head.period.label} as in {before.period.label} ({before.text})"
    word = "up" if head.value > before.value else "down"
    return f"{word} from {before.text} in {before.period.label} to {now}"


def change_periods(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    """The two periods a published change sets side by side: '2016-2018 against 2015-2017' ('' when none)."""
    before = previous(figs, head)
    return f"{head.period.text} against {before.period.text}" if before else ""


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
        label = place_name(first)
        if several_series:
            label = f"{label}: {first.series}"
        if len(several_kinds[(sid, place)]) > 1:
            label += f" ({key[0]})"
        out.append(Line(label, sid, place, key[0], tuple(sorted(pts, key=lambda f: f.period.order))))
    return out


def chart_frame(figs: list[PublishedFigure]) -> pd.DataFrame:
    """Chart data: one row a point, with its line's label and whether the line joins points."""
    rows = []
    for line in lines(figs):
        for f in line.points:
            rows.append({**f.data(), "line": line.label, "joined": line.joined, "county": f.area_code == areas.COUNTY})
    return pd.DataFrame(rows)


def longest_line(figs: list[PublishedFigure]) -> int:
    """How many comparable points the longest line has (a chart needs at least three)."""
    return max((len(line.points) for line in lines(figs)), default=0)


TIDY_COLUMNS = (
    "area_code",
    "area_name",
    "area_level",
    "indicator_id",
    "series_id",
    "series",
    "period",
    "period_from",
    "period_to",
    "value",
    "unit",
    "status",
    "quality",
    "source",
    "source_url",
    "note",
)


def tidy_row(f: PublishedFigure) -> dict:
    """A published figure as one tidy row: the value as a number (empty when the source gives none), the
    period as published and, when it is stated, as months (``period_from``/``period_to``, YYYY-MM)."""
    start = shift_month(f.period.end, -(f.period.months - 1)) if f.period.end and f.period.months else None
    return {
        "area_code": f.area_code,
        "area_name": f.area_name,
        "area_level": f.area_level,
        "indicator_id": f.indicator_id,
        "series_id": f.series_id,
        "series": f.series,
        "period": f.period.text,
        "period_from": start,
        "period_to": f.period.end,
        "value": None if f.value is None or (isinstance(f.value, float) and math.isnan(f.value)) else float(f.value),
        "unit": f.unit,
        "status": "shown" if f.value is not None else "no data",
        "quality": f.quality,
        "source": f.source_title,
        "source_url": f.source_url,
        "note": f.note,
    }


def tidy(figs: list[PublishedFigure]) -> pd.DataFrame:
    """Published figures as tidy data: what their CSV download writes."""
    df = pd.DataFrame([tidy_row(f) for f in figs], columns=list(TIDY_COLUMNS))
    df["value"] = pd.to_numeric(df["value"]).astype("float64")
    return df


def table(figs: list[PublishedFigure]) -> pd.DataFrame:
    """The accessible table of published figures; its download is ``tidy`` (``DataFrame.attrs``, see ``figure.with_csv``)."""
    return with_csv(pd.DataFrame([f.row() for f in figs]), tidy(figs))


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
        problems += _id_problems(ind, quality)
    return problems


def _id_problems(ind, quality: dict[str, str]) -> list[str]:
    """An indicator's official ids must have official rows; its pointer ids rows that are not official."""
    problems = []
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
    h = home.current()
    if code == h.code:
        return f"{h.name} (the partnership area)"
    if code in h.neighbour_codes:
        return f"{dict(h.neighbours)[code]} (same police force, different partnership)"
    if code == h.force_code and h.neighbours:
        return f"{short_force(h.force_name(code))} force area: {h.members} together (context, not compared)"
    if code.startswith(REST_OF_COUNTY):
        return f"The rest of {h.name}: {areas.THE_AREA} without the chosen area (compared with it)"
    return h.force_area(code, full=True) if code in h.force_codes else "Selected area"


REST_OF_COUNTY = "rest-of-county:"  # code prefix of the figure for the partnership's area without the chosen area
