"""The indicator catalogue of the partnership shown: its priorities and their indicators, and its plan's
own figures (each with its citation), loaded into checked, typed objects.  A malformed entry is a
``CatalogueError`` naming it.  No Streamlit, no warehouse.

The partnership's file (``data/partnerships/<code>.toml``, else ``default.toml``) names both files (a plan's
priorities, e.g. data/indicators.toml with data/plan_baselines.toml); a partnership with no file of its own
gets data/partnerships/default_indicators.toml (priorities built from the police.uk categories) and no plan
file, so no plan figures.  Any number of priorities (at least one),
each with its own id and page address.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sdp_dash.config import codes, partnership

POLICE_UK = "police_uk"  # pseudo source id: every police_uk_<force>_<YYYY-MM> file
PLAN_SOURCE = "sdp_plan_2021_25"  # pseudo source id: data/plan_baselines.toml

PRIORITY_ID = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_PATHS = ("home", "overview", "explore", "compare", "about", *codes.ANALYSIS_PAGES)  # the other pages
ANALYSES = ("next", "affected", "long")  # what happened next, who is most affected, the long view (pages/analyses.py)
POLARITIES = ("higher_is_worse", "higher_is_better", "neither")
PERIOD_TYPES = ("monthly", "financial_year", "calendar_year", "3_year_pooled", "as_published")
KINDS = ("police_uk", "published", "plan")
POLICE_GEOGRAPHIES = ("county", "aap", "division_2025", "division_2013", "msoa", "lsoa")
PUBLISHED_GEOGRAPHIES = ("county", "la", "force", "region", "country", "fire_service_area", "all_forces", "other")

PRESS_CAVEAT = {
    "press": "Press report: listed only as a pointer to the primary publication, not as an official figure.",
    "secondary": "Secondary copy: listed only as a pointer to the primary publication, not as an official figure.",
}


class CatalogueError(ValueError):
    """The catalogue or the plan baselines file is malformed; the message names the entry."""


# --- The catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkArea:
    name: str
    description: str


@dataclass(frozen=True)
class HelpLink:
    label: str
    url: str


@dataclass(frozen=True)
class Priority:
    id: str
    order: int
    title: str
    menu_title: str
    url_path: str
    summary: str
    work_areas: tuple[WorkArea, ...]
    not_measured_locally: tuple[str, ...]
    help: tuple[HelpLink, ...]
    analyses: tuple[str, ...] = ()  # the analyses' pages it links to, in order (ANALYSES)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    priority: str
    work_area: str
    unit: str
    polarity: str
    sources: tuple[str, ...]
    geographies: tuple[str, ...]
    period_type: str
    kind: str
    measure: str = ""
    indicator_ids: tuple[str, ...] = ()
    pointer_ids: tuple[str, ...] = ()
    baseline_ids: tuple[str, ...] = ()
    sensitive: bool = False
    per: int | None = None
    no_official_figure: str = ""
    method_notes: tuple[str, ...] = ()
    headline_series: str = ""  # the series (one of indicator_ids) a page headlines; required with several
    quoted_ids: tuple[str, ...] = ()  # series that are an official page quoting another publisher's statistic

    @property
    def headline_id(self) -> str:
        """The series the headline figure is taken from ('' for indicators without published series)."""
        return self.headline_series or (self.indicator_ids[0] if self.indicator_ids else "")

    @property
    def has_official_figures(self) -> bool:
        """False when the page can only say that no official figure is held."""
        if self.kind == "published":
            return bool(self.indicator_ids)
        return True


@dataclass(frozen=True)
class Baseline:
    id: str
    label: str
    description: str
    value: float
    unit: str
    period: str
    months: int
    measure: str
    comparable: bool
    section: str
    page: int
    reason: str = ""
    caveat: str = ""
    source: str = ""  # what the plan's figure was measured from (so a comparison can say what differs)

    def citation(self, plan: dict) -> str:
        return f"{plan['title']}, {plan['publisher']}: '{self.section}', page {self.page}."


@dataclass(frozen=True)
class Catalogue:
    priorities: tuple[Priority, ...]
    indicators: tuple[Indicator, ...]
    plan: dict = field(hash=False, compare=False)
    baselines: tuple[Baseline, ...] = ()

    @property
    def has_plan(self) -> bool:
        """False when the partnership has no plan file: no plan figures, no "since the plan" anywhere."""
        return bool(self.plan)

    def priority(self, priority_id: str) -> Priority:
        for p in self.priorities:
            if p.id == priority_id:
                return p
        raise LookupError(f"unknown priority {priority_id!r}")

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise LookupError(f"unknown indicator {indicator_id!r}")

    def baseline(self, baseline_id: str) -> Baseline:
        for b in self.baselines:
            if b.id == baseline_id:
                return b
        raise LookupError(f"unknown plan baseline {baseline_id!r}")


_IND_REQUIRED = (
    "id",
    "title",
    "definition",
    "priority",
    "work_area",
    "unit",
    "polarity",
    "sources",
    "geographies",
    "period_type",
    "kind",
)
_IND_FIELDS = set(Indicator.__dataclass_fields__)
_TUPLES = ("sources", "geographies", "indicator_ids", "pointer_ids", "baseline_ids", "method_notes", "quoted_ids")


def _work_area(text: str, where: str) -> WorkArea:
    name, sep, description = text.partition(": ")
    if not sep or not name.strip() or not description.strip():
        raise CatalogueError(f"{where}: a work area is written 'Name: description', got {text!r}")
    return WorkArea(name.strip(), description.strip())


def _priority(raw: dict) -> Priority:
    where = f"priority {raw.get('id', '?')!r}"
    for key in ("id", "order", "title", "menu_title", "url_path", "summary", "work_areas", "not_measured_locally"):
        if not raw.get(key):
            raise CatalogueError(f"{where}: missing {key!r}")
    if not PRIORITY_ID.fullmatch(str(raw["id"])):
        raise CatalogueError(f"{where}: id must be lower-case letters, digits and underscores")
    if not re.fullmatch(r"[a-z0-9-]+", raw["url_path"]):
        raise CatalogueError(f"{where}: url_path {raw['url_path']!r} is not a lower-case slug")
    if raw["url_path"] in RESERVED_PATHS:
        raise CatalogueError(f"{where}: url_path {raw['url_path']!r} is another page's address")
    if bad := [a for a in raw.get("analyses", []) if a not in ANALYSES]:
        raise CatalogueError(f"{where}: analyses must be among {', '.join(ANALYSES)}, got {', '.join(map(str, bad))}")
    links = []
    for h in raw.get("help", []):
        if not h.get("label") or not str(h.get("url", "")).startswith("https://"):
            raise CatalogueError(f"{where}: every help link needs a label and an https:// url")
        links.append(HelpLink(h["label"], h["url"]))
    return Priority(
        id=raw["id"],
        order=int(raw["order"]),
        title=raw["title"],
        menu_title=raw["menu_title"],
        url_path=raw["url_path"],
        summary=raw["summary"],
        work_areas=tuple(_work_area(w, where) for w in raw["work_areas"]),
        not_measured_locally=tuple(raw["not_measured_locally"]),
        help=tuple(links),
        analyses=tuple(raw.get("analyses", ())),
    )


def _indicator(raw: dict, priorities: dict[str, Priority], baseline_ids: set[str]) -> Indicator:
    where = f"indicator {raw.get('id', '?')!r}"
    missing = [k for k in _IND_REQUIRED if raw.get(k) in (None, "", [])]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - _IND_FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {k: (tuple(v) if k in _TUPLES else v) for k, v in raw.items()}
    ind = Indicator(**values)
    if ind.priority not in priorities:
        raise CatalogueError(f"{where}: unknown priority {ind.priority!r}")
    if ind.work_area not in {w.name for w in priorities[ind.priority].work_areas}:
        raise CatalogueError(f"{where}: work area {ind.work_area!r} is not one of priority {ind.priority!r}'s")
    if ind.polarity not in POLARITIES:
        raise CatalogueError(f"{where}: polarity must be one of {', '.join(POLARITIES)}")
    if ind.period_type not in PERIOD_TYPES:
        raise CatalogueError(f"{where}: period_type must be one of {', '.join(PERIOD_TYPES)}")
    if ind.kind not in KINDS:
        raise CatalogueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    _check_kind(ind, where)
    _check_ids(ind, where, baseline_ids)
    return ind


def _check_kind(ind: Indicator, where: str) -> None:
    """What an indicator of each kind needs: a police_uk one its measure, sources and monthly periods; geographies."""
    if ind.kind == "police_uk":
        police_sources = (POLICE_UK, PLAN_SOURCE) if ind.baseline_ids else (POLICE_UK,)
        if not ind.measure or ind.sources != police_sources or ind.period_type != "monthly":
            raise CatalogueError(
                f"{where}: a police_uk indicator needs a measure, sources = {list(police_sources)} and monthly periods"
            )
        bad = set(ind.geographies) - set(POLICE_GEOGRAPHIES)
    else:
        if ind.measure:
            raise CatalogueError(f"{where}: only police_uk indicators have a measure")
        bad = set(ind.geographies) - set(PUBLISHED_GEOGRAPHIES)
    if bad:
        raise CatalogueError(f"{where}: unknown geography {', '.join(sorted(bad))}")


def _check_ids(ind: Indicator, where: str, baseline_ids: set[str]) -> None:
    """The official indicator ids (headline, quoted) and the plan's baselines an indicator names."""
    if ind.kind == "published" and not ind.indicator_ids and not ind.no_official_figure:
        raise CatalogueError(f"{where}: with no official indicator_ids it must say so in no_official_figure")
    if len(ind.indicator_ids) > 1 and not ind.headline_series:
        raise CatalogueError(f"{where}: with several indicator_ids, say which one is the headline in headline_series")
    if ind.headline_series and ind.headline_series not in ind.indicator_ids:
        raise CatalogueError(f"{where}: headline_series {ind.headline_series!r} is not one of its indicator_ids")
    stray = set(ind.quoted_ids) - set(ind.indicator_ids)
    if stray:
        raise CatalogueError(f"{where}: quoted_ids {', '.join(sorted(stray))} are not among its indicator_ids")
    if ind.kind == "plan" and not ind.baseline_ids:
        raise CatalogueError(f"{where}: a plan indicator needs baseline_ids")
    if bool(ind.baseline_ids) != (PLAN_SOURCE in ind.sources):
        raise CatalogueError(f"{where}: {PLAN_SOURCE!r} is in sources exactly when it names plan figures (baseline_ids)")
    for b in ind.baseline_ids:
        if b not in baseline_ids:
            raise CatalogueError(f"{where}: unknown plan baseline {b!r}")


def _baseline(b: dict, seen: set[str]) -> Baseline:
    """One plan baseline, checked (its id is added to ``seen``: ids are unique)."""
    where = f"plan baseline {b.get('id', '?')!r}"
    for key in ("id", "label", "description", "value", "unit", "period", "months", "section", "page"):
        if b.get(key) in (None, ""):
            raise CatalogueError(f"{where}: missing {key!r}")
    if "comparable" not in b or "measure" not in b:
        raise CatalogueError(f"{where}: say whether it is comparable and with which measure ('' for none)")
    if not b["comparable"] and not b.get("reason"):
        raise CatalogueError(f"{where}: a figure that is not comparable needs a reason")
    if b["comparable"] and not b["measure"]:
        raise CatalogueError(f"{where}: a comparable figure needs the measure it compares with")
    if b.get("measure") and not b.get("source"):
        raise CatalogueError(f"{where}: say what the plan's figure was measured from (source), to compare it honestly")
    unknown = set(b) - set(Baseline.__dataclass_fields__)
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if b["id"] in seen:
        raise CatalogueError(f"{where}: duplicate id")
    seen.add(b["id"])
    return Baseline(**{**b, "value": float(b["value"]), "months": int(b["months"]), "page": int(b["page"])})


def _baselines(raw: dict) -> tuple[dict, tuple[Baseline, ...]]:
    plan = raw.get("plan", {})
    for key in ("id", "title", "publisher", "note", "area_code"):
        if not plan.get(key):
            raise CatalogueError(f"plan_baselines.toml: [plan] is missing {key!r}")
    out, seen = [], set()
    for b in raw.get("baseline", []):
        out.append(_baseline(b, seen))
    return plan, tuple(out)


_ACTIVE = Path()  # load()'s default: the files the chosen partnership's file names


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError(f"{Path(path).name}: not valid TOML: {e}") from e


def _priorities(raw: dict) -> tuple[Priority, ...]:
    """The priorities in their order: at least one, each id and page address once."""
    prios = tuple(sorted((_priority(p) for p in raw.get("priority", [])), key=lambda p: p.order))
    if not prios:
        raise CatalogueError("the catalogue needs at least one [[priority]]")
    for key in ("id", "url_path"):
        values = [getattr(p, key) for p in prios]
        if dupes := sorted({v for v in values if values.count(v) > 1}):
            raise CatalogueError(f"duplicate priority {key} {', '.join(dupes)}")
    return prios


def load(path: Path = _ACTIVE, baselines_path: Path | None = _ACTIVE) -> Catalogue:
    """Read and check a catalogue and its plan baselines (CatalogueError names the bad entry).

    By default the chosen partnership's (``partnership.catalogue_path()``, ``partnership.baselines_path()``);
    ``baselines_path=None``: no plan file, so no plan figures (an indicator naming one is an error).
    """
    if path is _ACTIVE:
        path = partnership.catalogue_path()
    if baselines_path is _ACTIVE:
        baselines_path = partnership.baselines_path()
    raw = _read(path)
    plan, baselines = _baselines(_read(baselines_path)) if baselines_path is not None else ({}, ())
    prios = _priorities(raw)
    by_id = {p.id: p for p in prios}
    inds = tuple(_indicator(i, by_id, {b.id for b in baselines}) for i in raw.get("indicator", []))
    ids = [i.id for i in inds]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CatalogueError(f"duplicate indicator id(s) {', '.join(dupes)}")
    return Catalogue(prios, inds, plan, baselines)


@cache
def _catalogue_for(lad_code: str) -> Catalogue:
    p = partnership.profile(lad_code)
    return load(partnership.catalogue_path(p), partnership.baselines_path(p))


def catalogue() -> Catalogue:
    """The chosen partnership's catalogue (read once per partnership: the setting can change in a process)."""
    return _catalogue_for(partnership.code())


def priorities() -> list[Priority]:
    """The partnership's priorities in their order."""
    return list(catalogue().priorities)


def priority(priority_id: str) -> Priority:
    return catalogue().priority(priority_id)


def priority_by_path(url_path: str) -> Priority:
    for p in catalogue().priorities:
        if p.url_path == url_path:
            return p
    raise LookupError(f"no priority page at {url_path!r}")


def indicators_for(priority_id: str) -> list[Indicator]:
    """The indicators of one priority, in catalogue order (LookupError for an unknown priority)."""
    catalogue().priority(priority_id)
    return [i for i in catalogue().indicators if i.priority == priority_id]


def indicator(indicator_id: str) -> Indicator:
    return catalogue().indicator(indicator_id)


def plan_baselines() -> list[Baseline]:
    return list(catalogue().baselines)


def has_plan() -> bool:
    """Whether the partnership has plan figures (a plan file); without one no page says "since the plan"."""
    return catalogue().has_plan


def plan_citation() -> dict:
    """The plan's title, publisher and note (the citation of every baseline); empty with no plan file."""
    return dict(catalogue().plan)
