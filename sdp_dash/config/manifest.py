"""The source manifest (data/sources.toml): which files the warehouse is built from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sdp_dash.config.settings import PROJECT_ROOT

MANIFEST_PATH = PROJECT_ROOT / "data" / "sources.toml"


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
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def locate(self, root: Path) -> Path | None:
        """The file in a source folder (the main path, else its alternative form), or None."""
        for rel in (self.path, self.alt_path):
            if rel and (root / rel).is_file():
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


@cache
def load(path: Path = MANIFEST_PATH) -> Manifest:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
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
