"""The partnership the dashboard shows: one setting, ``SDP_PARTNERSHIP`` (a local authority code).

Every community safety partnership in England is one or more local authorities; the ones this project
holds data for are one authority each, so the partnership is named by its authority's code.  What is
known about it comes from two places:

- **its file** under ``data/partnerships/`` (``<code>.toml``; ``default.toml`` for a partnership with no
  file of its own): the words people know it by, its plan's priorities and catalogue, and local area sets
  that exist only there (area boards, an earlier set of electoral divisions);
- **the ONS lookups**, read by the build: the authority's name, its police force, the partnerships it is
  compared with (same force first, then ONS statistical neighbours whose data is held).  The build writes
  what it found to the warehouse's ``partnership`` table, so the app reads the same facts the figures were
  built with (:func:`active`).

No Streamlit, no warehouse module: the app's view of the facts comes through :func:`active`, which reads
the warehouse file named by ``SDP_WAREHOUSE`` (cached on the file's identity).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from pathlib import Path

from sdp_dash.config import settings

PARTNERSHIPS_DIR = settings.PROJECT_ROOT / "data" / "partnerships"
DEFAULT_FILE = "default.toml"
CODE = re.compile(r"^[EW]0[6-9]\d{6}$")  # a unitary, metropolitan or (Welsh) principal authority


class PartnershipError(ValueError):
    """SDP_PARTNERSHIP is not a usable code, or a partnership file is malformed (one line)."""


@dataclass(frozen=True)
class Partnership:
    """Everything the pages and the build need to know about the partnership being shown."""

    code: str
    name: str  # the place: "Middlesbrough"
    title: str  # the partnership: its own name, else "Middlesbrough community safety partnership"
    area_word: str  # what residents call the whole area: "county", "borough", "city"
    ward: str  # the electoral area's noun: "electoral division", "ward"
    catalogue: str  # the indicator catalogue, relative to data/
    baselines: str  # the plan's own figures, relative to data/ ("" when there is no plan file)
    area_sets: tuple[str, ...] = ()  # local area types only this partnership has ("aap", "division_2013")
    sources: tuple[str, ...] = ()  # source ids (data/sources.toml) only this partnership reads
    has_file: bool = False
    force_code: str = ""  # filled from the ONS lookup by the build
    force_name: str = ""
    comparators: tuple[str, ...] = field(default=())  # local authority codes, same force first

    @property
    def the_area(self) -> str:
        """ "the county", "the borough": the whole area in running text."""
        return f"the {self.area_word}"

    @property
    def whole(self) -> str:
        """The whole area's entry in lists: "Middlesbrough (whole area)"."""
        return f"{self.name} (whole {self.area_word})"

    def to_row(self) -> dict:
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("area_sets", "sources", "comparators"):
            row[key] = json.dumps(list(row[key]))
        return row

    @classmethod
    def from_row(cls, row: dict) -> Partnership:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in known}
        for key in ("area_sets", "sources", "comparators"):
            values[key] = tuple(json.loads(values.get(key) or "[]"))
        return cls(**values)


_FILE_KEYS = {"name", "title", "area_word", "ward", "catalogue", "baselines", "area_sets", "sources", "contact", "search"}


def code() -> str:
    """The chosen partnership's local authority code (PartnershipError for anything else)."""
    value = settings.get("SDP_PARTNERSHIP").strip().upper()
    if not CODE.match(value):
        raise PartnershipError(
            f"SDP_PARTNERSHIP={value!r} is not a local authority code (E06, E07, E08, E09 or W06 and six digits)"
        )
    return value


def file_for(lad_code: str) -> Path:
    """The partnership's own file, else the default one."""
    own = PARTNERSHIPS_DIR / f"{lad_code}.toml"
    return own if own.is_file() else PARTNERSHIPS_DIR / DEFAULT_FILE


@cache
def _raw(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PartnershipError(f"data/partnerships/{path.name}: cannot be read ({exc})") from None


def own_words(key: str):
    """A table or text only the chosen partnership's own file has (``contact``, ``search``), else None: the
    default file holds none, so a partnership without a file of its own gets the generic words."""
    path = file_for(code())
    return _raw(path).get(key) if path.name != DEFAULT_FILE else None


@cache
def profile(lad_code: str) -> Partnership:
    """What the partnership's file (or the default file) says; the lookup's facts are left empty."""
    path = file_for(lad_code)
    raw = _raw(path)
    if bad := sorted(set(raw) - _FILE_KEYS - {"code"}):
        raise PartnershipError(f"data/partnerships/{path.name}: unknown key(s) {', '.join(bad)}")
    if raw.get("code", lad_code) != lad_code and path.name != DEFAULT_FILE:
        raise PartnershipError(f"data/partnerships/{path.name}: code {raw['code']!r} is not {lad_code}")
    for key in ("catalogue", "area_word", "ward"):
        if not raw.get(key):
            raise PartnershipError(f"data/partnerships/{path.name}: missing {key!r}")
    return Partnership(
        code=lad_code,
        name=raw.get("name", lad_code),
        title=raw.get("title", ""),
        area_word=raw["area_word"],
        ward=raw["ward"],
        catalogue=raw["catalogue"],
        baselines=raw.get("baselines", ""),
        area_sets=tuple(raw.get("area_sets", ())),
        sources=tuple(raw.get("sources", ())),
        has_file=path.name != DEFAULT_FILE,
    )


def resolve(lad_code: str, la_name: str, force_code: str, force_name: str, comparators: tuple[str, ...]) -> Partnership:
    """The full facts, from the file and what the build found in the ONS lookups."""
    p = profile(lad_code)
    name = p.name if p.has_file else la_name
    title = p.title or f"{name} community safety partnership"
    return replace(p, name=name, title=title, force_code=force_code, force_name=force_name, comparators=comparators)


def warehouse_identity() -> tuple | None:
    """The warehouse file the app reads (``SDP_WAREHOUSE``) as (path, inode, size, mtime), or None when there is
    none: the key of every cache of what it holds (a rebuild is a new file, so a new key)."""
    path = settings.path("SDP_WAREHOUSE")
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4)  # a few generations: a test process opens many warehouses, a server one at a time
def _read_warehouse(identity: tuple) -> Partnership | None:
    import duckdb

    try:
        with duckdb.connect(identity[0], read_only=True) as con:
            cur = con.execute("SELECT * FROM partnership")
            names = [d[0] for d in cur.description]
            row = cur.fetchone()
    except (duckdb.Error, OSError):
        return None
    return Partnership.from_row(dict(zip(names, row, strict=True))) if row else None


def active() -> Partnership:
    """The chosen partnership's facts: the warehouse's record when it holds this partnership, else the file's."""
    chosen = code()
    identity = warehouse_identity()
    held = _read_warehouse(identity) if identity else None
    return held if held is not None and held.code == chosen else profile(chosen)


def catalogue_path(p: Partnership | None = None) -> Path:
    return settings.PROJECT_ROOT / "data" / (p or profile(code())).catalogue


def baselines_path(p: Partnership | None = None) -> Path | None:
    rel = (p or profile(code())).baselines
    return settings.PROJECT_ROOT / "data" / rel if rel else None
