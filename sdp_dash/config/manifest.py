"""The source manifest (data/sources.toml): which files the warehouse is built from.

A source names one file (``path``), or one file per local authority by pattern: ``{code}`` is the
authority's code and ``{slug}`` its name lower-cased with runs of other characters as "_" (:func:`slug`).
Its ``scope`` says for which partnerships the build reads it:

- ``all`` (the default): every build;
- ``partnership``: the chosen partnership's own file (a pattern);
- ``force``: the chosen partnership's file and those of the other authorities of its police force (the
  neighbours' outlines on the maps); a neighbour's missing file is left out;
- ``listed``: only when the partnership's own file lists the source's id in its ``sources`` (a pattern
  is resolved for the chosen partnership).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.errors import SourceError

MANIFEST_PATH = PROJECT_ROOT / "data" / "sources.toml"
SCOPES = ("all", "partnership", "force", "listed")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def slug(name: str) -> str:
    """A file-name form of an authority's name: "Stockton-on-Tees" -> "stockton_on_tees"."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Source:
    id: str
    path: str
    title: str
    publisher: str
    licence: str
    attribution: str
    page: str = ""
    url: str = ""
    alt_path: str = ""
    format: str = ""
    quality: str = "official"
    optional: bool = False
    scope: str = "all"
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def pattern(self) -> bool:
        """Whether the path names one file per local authority (``{code}``, ``{slug}``)."""
        return "{" in self.path

    def path_for(self, code: str, slug_: str) -> str:
        """The path for one authority (a path without a pattern is returned unchanged)."""
        return self.path.format(code=code, slug=slug_) if self.pattern else self.path

    def for_authority(self, code: str, name: str) -> Source:
        """This source resolved for one authority: its path, download address and title."""
        if not self.pattern:
            return self
        return replace(
            self,
            path=self.path_for(code, slug(name)),
            url=self.url.format(code=code, slug=slug(name)),
            title=self.title.format(name=name),
        )

    def locate(self, root: Path) -> Path | None:
        """The file in a source folder (the main path, else its alternative form), or None.

        Whatever is at the path is returned, file or not: a directory or a pipe where the file
        should be is an error for the build to report, never a reason to leave the source out.
        """
        for rel in (self.path, self.alt_path):
            if rel and ((root / rel).exists() or (root / rel).is_symlink()):
                return root / rel
        return None


@dataclass(frozen=True)
class Force:
    slug: str
    folder: str
    name: str
    pfa_code: str


@dataclass(frozen=True)
class Manifest:
    sources: tuple[Source, ...]
    forces: tuple[Force, ...]
    police: dict

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def force(self, slug: str) -> Force:
        for f in self.forces:
            if f.slug == slug:
                return f
        raise KeyError(slug)


_SOURCE_FIELDS = {f for f in Source.__dataclass_fields__ if f != "extra"}
_EXTRA_FIELDS = {"indicator", "unit"}  # read by the indicator adapters (ONS tables whose indicator the manifest names)
_REQUIRED = {"id", "path", "title", "publisher", "licence", "attribution"}
_TOP = {"police", "defaults", "source"}
_POLICE = {"archive_url", "title", "publisher", "page", "licence", "attribution", "force"}
_POLICE_OPTIONAL = {"last_updated_url"}  # read by `refresh` (the latest month published)
_FORCE = {"slug", "folder", "name", "pfa_code"}


def _name(path: Path) -> str:
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _unknown(keys, allowed: set[str]) -> str:
    return ", ".join(sorted(set(keys) - allowed))


def _check(raw: dict, where: str) -> None:
    """Unknown keys, missing keys and duplicate ids stop the build with one line."""
    if bad := _unknown(raw, _TOP):
        raise SourceError(where, f"unknown top-level key(s) {bad}")
    police = raw.get("police")
    if not isinstance(police, dict) or not isinstance(police.get("force"), list) or not police["force"]:
        raise SourceError(where, "needs a [police] table with [[police.force]] entries")
    if bad := _unknown(police, _POLICE | _POLICE_OPTIONAL):
        raise SourceError(where, f"[police]: unknown key(s) {bad}")
    if missing := ", ".join(sorted(_POLICE - set(police))):
        raise SourceError(where, f"[police]: missing {missing}")
    slugs = []
    for i, force in enumerate(police["force"]):
        if not isinstance(force, dict) or set(force) != _FORCE:
            raise SourceError(where, f"[[police.force]] {i + 1}: needs exactly the keys {', '.join(sorted(_FORCE))}")
        slugs.append(force["slug"])
    if dup := sorted({s for s in slugs if slugs.count(s) > 1}):
        raise SourceError(where, f"duplicate force slug(s) {', '.join(dup)}")
    _check_sources(raw, where)


def _check_source(entry, i: int, defaults: dict, where: str) -> str:
    """One [[source]] entry: known keys, known defaults, the required keys (defaults merged); returns its id."""
    label = f"[[source]] {entry.get('id', i + 1) if isinstance(entry, dict) else i + 1}"
    if not isinstance(entry, dict):
        raise SourceError(where, f"{label}: not a table")
    if bad := _unknown(entry, _SOURCE_FIELDS | _EXTRA_FIELDS | {"defaults"}):
        raise SourceError(where, f"{label}: unknown key(s) {bad}")
    if "defaults" in entry and entry["defaults"] not in defaults:
        raise SourceError(where, f"{label}: unknown defaults {entry['defaults']!r}")
    merged = {**defaults.get(entry.get("defaults", ""), {}), **entry}
    if missing := ", ".join(sorted(_REQUIRED - set(merged))):
        raise SourceError(where, f"{label}: missing {missing}")
    _check_scope(merged, label, where)
    return entry["id"]


def _check_scope(merged: dict, label: str, where: str) -> None:
    """A known scope; a path pattern (only {code} and {slug}) exactly when the scope is per authority."""
    scope = merged.get("scope", "all")
    if scope not in SCOPES:
        raise SourceError(where, f"{label}: unknown scope {scope!r} (one of {', '.join(SCOPES)})")
    names = set(_PLACEHOLDER.findall(str(merged["path"]))) | set(_PLACEHOLDER.findall(str(merged.get("url", ""))))
    if bad := ", ".join(sorted(names - {"code", "slug"})):
        raise SourceError(where, f"{label}: unknown placeholder(s) {bad} (only {{code}} and {{slug}})")
    pattern = "{" in str(merged["path"])
    if (pattern and scope == "all") or (not pattern and scope in ("partnership", "force")):
        raise SourceError(where, f"{label}: scope {scope} {'needs' if not pattern else 'cannot have'} a path pattern")


def _check_sources(raw: dict, where: str) -> None:
    """[defaults] and every [[source]] entry: known keys, the required ones (defaults merged), unique ids."""
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict):
        raise SourceError(where, "[defaults] must be a table of tables")
    for name, table in defaults.items():
        if not isinstance(table, dict) or (bad := _unknown(table, _SOURCE_FIELDS - {"id", "path"})):
            raise SourceError(where, f"[defaults.{name}]: unknown key(s) {bad if isinstance(table, dict) else '(not a table)'}")
    entries = raw.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceError(where, "needs [[source]] entries")
    ids = [_check_source(entry, i, defaults, where) for i, entry in enumerate(entries)]
    if dup := sorted({s for s in ids if ids.count(s) > 1}):
        raise SourceError(where, f"duplicate source id(s) {', '.join(dup)}")


@cache
def load(path: Path = MANIFEST_PATH) -> Manifest:
    where = _name(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(where, f"cannot be read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(where, f"not valid TOML ({exc})") from None
    _check(raw, where)
    defaults = raw.get("defaults", {})
    sources = []
    for entry in raw["source"]:
        merged = {**defaults.get(entry.get("defaults", ""), {}), **entry}
        merged.pop("defaults", None)
        # A file with no download address (hand-made tables) can only come from a mirror: optional.
        merged.setdefault("optional", not merged.get("url"))
        known = {k: v for k, v in merged.items() if k in _SOURCE_FIELDS}
        extra = {k: v for k, v in merged.items() if k not in _SOURCE_FIELDS}
        sources.append(Source(**known, extra=extra))
    police = {k: v for k, v in raw["police"].items() if k != "force"}
    forces = tuple(Force(**f) for f in raw["police"]["force"])
    return Manifest(tuple(sources), forces, police)
