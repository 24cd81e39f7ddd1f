"""police.uk "Last outcome category" -> outcome groups (data/outcomes.toml), checked, and the
warehouse's outcome tables.

- ``load``: the groups table, validated (each mistake is one line naming data/outcomes.toml);
- ``derive``: ``outcome_groups`` and ``outcome_categories`` (the table as data), and
  ``outcome_counts``: crimes by force x month x LSOA 2021 x crime type x outcome (with its group),
  home-force rows only (the same rows as ``crime_counts``), anti-social behaviour left out (it has
  no outcomes), and whether the category means the case is still open (``still_open``).  A crime whose category no group lists stops the build with one line naming a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdp_dash.config.codes import CRIME_TYPES
from sdp_dash.config.measures import read_toml
from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.errors import SourceError, quote
from sdp_dash.pipeline.sources.common import create_from

OUTCOMES_PATH = PROJECT_ROOT / "data" / "outcomes.toml"
_TOP = {"blank_group", "no_outcome_types", "still_open", "group"}
_GROUP = {"id", "label", "description", "categories"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    description: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class OutcomeGroups:
    groups: tuple[Group, ...]
    blank_group: str
    no_outcome_types: tuple[str, ...]
    still_open: tuple[str, ...] = ()

    def category_rows(self) -> list[tuple[str, str, bool]]:
        return [(c, g.id, c in self.still_open) for g in self.groups for c in g.categories]


def _group(g, i: int, seen: dict[str, str], where: str) -> Group:
    """One [[group]] entry, checked; its categories are added to ``seen`` (a category is in one group)."""
    label = f"[[group]] {g.get('id', i + 1) if isinstance(g, dict) else i + 1}"
    if not isinstance(g, dict):
        raise SourceError(where, f"{label}: not a table")
    if bad := sorted(set(g) - _GROUP):
        raise SourceError(where, f"{label}: unknown key(s) {', '.join(bad)}")
    if missing := sorted(_GROUP - set(g)):
        raise SourceError(where, f"{label}: missing {', '.join(missing)}")
    if not isinstance(g["id"], str) or not _ID.match(g["id"]):
        raise SourceError(where, f"{label}: id must be a lower-case slug")
    for k in ("label", "description"):
        if not isinstance(g[k], str) or not g[k].strip():
            raise SourceError(where, f"{label}: {k} must be non-empty text")
    cats = _categories(g["categories"], g["id"], label, seen, where)
    return Group(g["id"], g["label"].strip(), g["description"].strip(), tuple(cats))


def _categories(cats, group_id: str, label: str, seen: dict[str, str], where: str) -> list[str]:
    """A group's outcome categories: non-empty text, none already in another group (added to ``seen``)."""
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) and c.strip() for c in cats):
        raise SourceError(where, f"{label}: categories must be a non-empty list of police.uk outcome categories")
    for c in cats:
        if c in seen:
            raise SourceError(where, f"{label}: the category {quote(c, 60)} is also in [[group]] {seen[c]}")
        seen[c] = group_id
    return cats


def load(path: Path = OUTCOMES_PATH) -> OutcomeGroups:
    where, raw = read_toml(path, _TOP)
    entries = raw.get("group")
    if not isinstance(entries, list) or not entries:
        raise SourceError(where, "needs [[group]] entries")
    seen: dict[str, str] = {}  # category -> the group it is in
    groups = [_group(g, i, seen, where) for i, g in enumerate(entries)]
    ids = [g.id for g in groups]
    if dup := sorted({i for i in ids if ids.count(i) > 1}):
        raise SourceError(where, f"duplicate group id(s) {', '.join(dup)}")
    blank = raw.get("blank_group")
    if blank not in ids:
        raise SourceError(where, f"blank_group must be one of the group ids ({', '.join(ids)})")
    none = raw.get("no_outcome_types", [])
    if not isinstance(none, list) or (bad := [t for t in none if t not in CRIME_TYPES]):
        raise SourceError(where, "no_outcome_types: not police.uk crime type(s)")
    still_open = raw.get("still_open", [])
    if not isinstance(still_open, list) or (bad := [c for c in still_open if c not in seen]):
        raise SourceError(
            where,
            f"still_open: not a category of any group: {', '.join(map(quote, bad)) if isinstance(still_open, list) else '(not a list)'}",
        )
    return OutcomeGroups(tuple(groups), blank, tuple(none), tuple(still_open))


def derive(con, groups: OutcomeGroups | None = None) -> None:
    """The outcome tables from ``crime_events`` (full and incremental builds alike)."""
    groups = groups or load()
    info = pd.DataFrame(
        [(g.id, g.label, g.description, i) for i, g in enumerate(groups.groups)],
        columns=["group_id", "label", "description", "sort_order"],
    )
    create_from(con, "CREATE OR REPLACE TABLE outcome_groups AS SELECT * FROM info ORDER BY sort_order", info=info)
    cats = pd.DataFrame(groups.category_rows(), columns=["outcome", "group_id", "still_open"])
    create_from(con, "CREATE OR REPLACE TABLE outcome_categories AS SELECT * FROM cats", cats=cats)
    unknown = con.execute(
        """SELECT e.outcome, any_value(e.source_file), count(*) FROM crime_events e
           LEFT JOIN outcome_categories c ON c.outcome = e.outcome
           WHERE e.outcome IS NOT NULL AND c.outcome IS NULL AND NOT list_contains(?, e.crime_type)
           GROUP BY 1 ORDER BY 3 DESC LIMIT 1""",
        [list(groups.no_outcome_types)],
    ).fetchone()
    if unknown:
        outcome, file, n = unknown
        raise SourceError(
            file,
            f"{n:,} crime(s) with the outcome category {quote(outcome, 80)}, which no group in data/outcomes.toml lists",
        )
    con.execute(
        """CREATE OR REPLACE TABLE outcome_counts AS
           SELECT e.force, e.month, e.lsoa21_code, e.crime_type, coalesce(e.outcome, '') AS outcome,
                  coalesce(c.group_id, ?) AS group_id, coalesce(c.still_open, true) AS still_open, count(*)::INTEGER AS n
           FROM crime_events e
           JOIN lsoa_force f ON e.lsoa21_code = f.lsoa21_code AND e.force = f.force
           LEFT JOIN outcome_categories c ON c.outcome = e.outcome
           WHERE NOT list_contains(?, e.crime_type)
           GROUP BY ALL ORDER BY ALL""",
        [groups.blank_group, list(groups.no_outcome_types)],
    )
