"""Where the partnership sits: its police force, the other authorities of that force, the force areas
compared with it and its region.  No Streamlit here.

Read from the warehouse the app shows (``SDP_WAREHOUSE``: its ``partnership``, ``areas`` and ``la_names``
tables, cached on the file's identity as ``partnership.active`` is), so every page names the same
comparators the figures were built with.  A warehouse without those tables (or built for another
partnership) gives what the partnership's file and the manifest say: its force first, no neighbours.

The standing comparators of a police.uk card are, in this order: the partnership, the other authorities
of its police force (each has a partnership of its own), its force area (which contains them all: context,
never compared), then the other force areas held, in the manifest's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sdp_dash.config import partnership
from sdp_dash.config.manifest import load as load_manifest

_FORCE_WORDS = (" Constabulary", " Police")  # "Cleveland Police" -> "Cleveland"


def short_force(name: str) -> str:
    """A police force's place name: 'Cleveland' for 'Cleveland Police'."""
    for w in _FORCE_WORDS:
        name = name.replace(w, "")
    return name.strip()


def joined(names: list[str] | tuple[str, ...], word: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (or 'A, B or C')."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}" if names else ""


@dataclass(frozen=True)
class Home:
    code: str
    name: str  # the partnership's area
    title: str  # the partnership
    force_code: str
    neighbours: tuple[tuple[str, str], ...]  # (code, name): the other authorities of its police force
    forces: tuple[tuple[str, str], ...]  # (code, police force name): its own first, then the manifest's order
    region_code: str = ""
    region_name: str = ""
    region_las: frozenset[str] = frozenset()  # the authorities of its region held in the warehouse
    las: tuple[tuple[str, str], ...] = ()  # (code, name) of every other authority held

    @property
    def neighbour_codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.neighbours)

    @property
    def force_codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.forces)

    @property
    def other_forces(self) -> tuple[str, ...]:
        return self.force_codes[1:]

    @property
    def comparators(self) -> tuple[str, ...]:
        """The figures a police.uk card's table shows: the partnership, its force's other authorities, the forces."""
        return (self.code, *self.neighbour_codes, *self.force_codes)

    @property
    def members(self) -> str:
        """The authorities of its police force area in words: 'Middlesbrough, Hartlepool, ... and Stockton-on-Tees'."""
        return joined([self.name, *(n for _, n in self.neighbours)])

    def force_name(self, code: str) -> str:
        return dict(self.forces).get(code, "")

    def force_area(self, code: str, *, full: bool = False) -> str:
        """'<force> force area (<its authorities>)' for its own force, 'Cleveland force area' for another;
        ``full``: with the force's name ('Cleveland Police force area')."""
        name = self.force_name(code) or code
        name = name if full else short_force(name)
        return f"{name} force area ({self.members})" if code == self.force_code and self.neighbours else f"{name} force area"

    def force_sentence(self, word: str = "and") -> str:
        """'the <force> force area is <the area> plus <its other authorities>' (``word`` "plus"), or '<all> and <last>'."""
        others = [n for _, n in self.neighbours]
        start = f"the {short_force(self.force_name(self.force_code))} force area is "
        if not others:
            return f"{start}{self.name} alone"
        return start + (joined([self.name, *others]) if word == "and" else f"{self.name} {word} {joined(others)}")


def police_files() -> str:
    """The police.uk files' title, naming the forces read (in the manifest's order)."""
    held = set(current().force_codes)
    names = ", ".join(f.name for f in load_manifest().forces if f.pfa_code in held)
    return f"data.police.uk street-level crime and anti-social behaviour files ({names})"


def _manifest_forces(home_force: str) -> list[tuple[str, str]]:
    listed = [(f.pfa_code, f.name) for f in load_manifest().forces]
    return sorted(listed, key=lambda f: f[0] != home_force)  # stable: its own first, then the manifest's order


@lru_cache(maxsize=4)  # keyed like partnership.active's record: one entry per warehouse generation
def _read(identity: tuple | None, chosen: str) -> Home:
    p = partnership.active()
    forces = _manifest_forces(p.force_code)
    bare = Home(p.code, p.name, p.title, p.force_code or (forces[0][0] if forces else ""), (), tuple(forces))
    if identity is None:
        return bare
    import duckdb

    try:
        with duckdb.connect(identity[0], read_only=True) as con:
            held = con.execute("SELECT code FROM partnership").fetchone()
            las = con.execute("SELECT area_code, area_name, parent_code FROM areas WHERE area_type = 'la'").fetchall()
            regions = con.execute("SELECT lad_code, region_code, region_name FROM la_names").fetchall()
            force_rows = {r[0] for r in con.execute("SELECT area_code FROM areas WHERE area_type = 'force'").fetchall()}
    except (duckdb.Error, OSError):
        return bare
    if held is None or held[0] != chosen:
        return bare
    order = {c: k for k, c in enumerate(p.comparators)}
    same = sorted(((c, n) for c, n, parent in las if parent == p.force_code), key=lambda r: order.get(r[0], len(order)))
    region = {c: (rc, rn) for c, rc, rn in regions}
    rc, rn = region.get(p.code, ("", ""))
    held_forces = tuple(f for f in forces if f[0] in force_rows) or tuple(forces)
    in_region = frozenset(c for c, _n, _p in las if region.get(c, ("",))[0] == rc) | {p.code}
    others = tuple((c, n) for c, n, _p in las)
    return Home(p.code, p.name, p.title, p.force_code, tuple(same), held_forces, rc, rn, in_region, others)


def current() -> Home:
    """The partnership shown and its standing comparators (see the module's docstring)."""
    chosen = partnership.code()
    return _read(partnership.warehouse_identity(), chosen)
