"""The crime measures (data/measures.toml), loaded and checked against the police.uk categories.

A key measure adds up police.uk crime types; every single category is also a measure of its own
(its id is the category's slug).  A mistake here stops the build with one line
(``error: data/measures.toml: <problem>``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sdp_dash.config.codes import CRIME_TYPES
from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.errors import SourceError

MEASURES_PATH = PROJECT_ROOT / "data" / "measures.toml"

_TOP = {"sensitive_types", "measure"}
_REQUIRED = {"id", "label", "short", "definition", "types"}
_OPTIONAL = {"sensitive"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def type_id(crime_type: str) -> str:
    """The measure id of a single police.uk category ('Criminal damage and arson' -> 'criminal_damage_and_arson')."""
    return re.sub(r"[^a-z0-9]+", "_", crime_type.lower()).strip("_")


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    short: str
    definition: str
    types: tuple[str, ...]
    sensitive: bool = False


@dataclass(frozen=True)
class Measures:
    key: tuple[Measure, ...]
    sensitive_types: tuple[str, ...]
    crime_types: tuple[str, ...]

    def rows(self) -> list[tuple]:
        """(measure_id, label, short_label, definition, sensitive, kind, crime_type): the key measures,
        then one measure per police.uk category that no key measure already is."""
        out = [(m.id, m.label, m.short, m.definition, m.sensitive, "key", t) for m in self.key for t in m.types]
        ids = {m.id for m in self.key}
        for t in self.crime_types:
            if type_id(t) not in ids:
                out.append((type_id(t), t, t, f"The police.uk category '{t}'.", t in self.sensitive_types, "type", t))
        return out

    def ids(self) -> set[str]:
        return {r[0] for r in self.rows()}


def _name(path: Path) -> str:
    try:
        return Path(path).relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def read_toml(path: Path, top_keys: set[str]) -> tuple[str, dict]:
    """A project TOML file (its name for messages, its content) with no top-level key but ``top_keys``."""
    where = _name(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(where, f"cannot be read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(where, f"not valid TOML ({exc})") from None
    if bad := sorted(set(raw) - top_keys):
        raise SourceError(where, f"unknown top-level key(s) {', '.join(bad)}")
    return where, raw


def load(path: Path = MEASURES_PATH, crime_types: tuple[str, ...] = CRIME_TYPES) -> Measures:
    where, raw = read_toml(path, _TOP)
    known = set(crime_types)
    sensitive = raw.get("sensitive_types", [])
    if not isinstance(sensitive, list) or (bad := [t for t in sensitive if t not in known]):
        raise SourceError(
            where,
            f"sensitive_types: not police.uk crime type(s): {', '.join(map(repr, bad)) if isinstance(sensitive, list) else '(not a list)'}",
        )
    entries = raw.get("measure")
    if not isinstance(entries, list) or not entries:
        raise SourceError(where, "needs [[measure]] entries")
    by_type = {type_id(t): t for t in crime_types}
    out = [_measure(m, i, where, known, by_type) for i, m in enumerate(entries)]
    ids = [m.id for m in out]
    if dup := sorted({i for i in ids if ids.count(i) > 1}):
        raise SourceError(where, f"duplicate measure id(s) {', '.join(dup)}")
    return Measures(tuple(out), tuple(sensitive), tuple(crime_types))


def _types(types, label: str, where: str, known: set[str]) -> list[str]:
    """A measure's police.uk crime types: a non-empty list of known types, each once."""
    if not isinstance(types, list) or not types:
        raise SourceError(where, f"{label}: types must be a non-empty list of police.uk crime types")
    if bad := [t for t in types if t not in known]:
        raise SourceError(where, f"{label}: not police.uk crime type(s): {', '.join(map(repr, bad))}")
    if len(set(types)) != len(types):
        raise SourceError(where, f"{label}: a crime type is listed twice")
    return types


def _measure(m, i: int, where: str, known: set[str], by_type: dict[str, str]) -> Measure:
    """One [[measure]] entry, checked."""
    label = f"[[measure]] {m.get('id', i + 1) if isinstance(m, dict) else i + 1}"
    if not isinstance(m, dict):
        raise SourceError(where, f"{label}: not a table")
    if bad := sorted(set(m) - _REQUIRED - _OPTIONAL):
        raise SourceError(where, f"{label}: unknown key(s) {', '.join(bad)}")
    if missing := sorted(_REQUIRED - set(m)):
        raise SourceError(where, f"{label}: missing {', '.join(missing)}")
    if not isinstance(m["id"], str) or not _ID.match(m["id"]):
        raise SourceError(where, f"{label}: id must be a lower-case slug")
    for k in ("label", "short", "definition"):
        if not isinstance(m[k], str) or not m[k].strip():
            raise SourceError(where, f"{label}: {k} must be non-empty text")
    types = _types(m["types"], label, where, known)
    if not isinstance(m.get("sensitive", False), bool):
        raise SourceError(where, f"{label}: sensitive must be true or false")
    if m["id"] in by_type and types != [by_type[m["id"]]]:
        raise SourceError(where, f"{label}: the id of the police.uk category {by_type[m['id']]!r} must count only that type")
    return Measure(m["id"], m["label"], m["short"], m["definition"], tuple(types), m.get("sensitive", False))
