"""What a build (or ``fetch``) reads for the chosen partnership: its facts and the manifest resolved for it.

The partnership (``SDP_PARTNERSHIP``) is a local authority.  Three small ONS tables (local authority ->
community safety partnership -> police force, the authorities' names, the statistical neighbours) say
which force it is in, which authorities share that force, and what it is compared with.  From those the
manifest's per-authority sources are resolved (``{code}``, ``{slug}``; see sdp_dash/config/manifest.py):
the partnership's own boundaries, the LSOA outlines of the other authorities of its force, and the
sources only its own file lists.  The police.uk files read are those of its force and its comparators'.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdp_dash.config import partnership
from sdp_dash.config.manifest import Force, Manifest, Source
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.sources import geography
from sdp_dash.pipeline.sources.common import check_regular

LOOKUP_IDS = ("lad_csp_pfa", "la_names", "ons_neighbours_global")  # read to make the plan


@dataclass(frozen=True)
class Wanted:
    """One file to read: the manifest's source resolved for an authority (``area``; "" for a shared file)."""

    source: Source
    area: str
    required: bool


@dataclass(frozen=True)
class Plan:
    partnership: partnership.Partnership
    neighbours: tuple[str, ...]  # the other authorities of the partnership's police force
    wanted: tuple[Wanted, ...]
    forces: tuple[Force, ...]  # the police forces whose street files are read
    lad_pfa: pd.DataFrame  # the three lookups read to make the plan (the build keeps them)
    la_names: pd.DataFrame
    statistical_neighbours: pd.DataFrame


def _lookup(root: Path, manifest: Manifest, source_id: str) -> Path:
    src = manifest.source(source_id)
    found = src.locate(root)
    if found is None:
        raise SourceError(root / src.path, "missing (run `python -m sdp_dash fetch`, or set SDP_MIRROR)")
    check_regular(found, found.relative_to(root).as_posix())
    return found


def partnership_facts(
    chosen: str, lad_pfa: pd.DataFrame, neighbours: pd.DataFrame, forces: tuple[Force, ...]
) -> partnership.Partnership:
    """The chosen partnership from the ONS lookups: its name, police force and comparators (the other
    authorities of the forces whose data is held: its own force's first, then its ONS statistical
    neighbours in rank order, then the rest)."""
    mine = lad_pfa[lad_pfa["lad_code"] == chosen]
    if mine.empty:
        raise SourceError("lad_csp_pfa", f"no community safety partnership for SDP_PARTNERSHIP={chosen}")
    force_code = str(mine["pfa_code"].iloc[0])
    held = {f.pfa_code for f in forces}
    if force_code not in held:
        raise SourceError("sources.toml", f"no police.uk force in the manifest for {chosen}'s force {force_code}")
    held_las = lad_pfa[lad_pfa["pfa_code"].isin(held) & (lad_pfa["lad_code"] != chosen)]
    same = list(held_las.loc[held_las["pfa_code"] == force_code, "lad_code"])
    ranked = neighbours[neighbours["area_code"] == chosen].sort_values("rank")["neighbour_code"]
    near = [c for c in ranked if c in set(held_las["lad_code"]) and c not in same]
    rest = sorted(set(held_las["lad_code"]) - set(same) - set(near))
    force_name = next(f.name for f in forces if f.pfa_code == force_code)
    return partnership.resolve(chosen, str(mine["lad_name"].iloc[0]), force_code, force_name, tuple(same + near + rest))


def _wanted(manifest: Manifest, p: partnership.Partnership, names: dict[str, str], neighbours) -> list[Wanted]:
    """Every source of the manifest this partnership's build reads, resolved for its authority."""
    for sid in p.sources:
        if sid not in {s.id for s in manifest.sources}:
            raise SourceError(partnership.file_for(p.code).name, f"lists unknown source id {sid!r} (see data/sources.toml)")
    out: list[Wanted] = []
    for src in manifest.sources:
        if src.scope == "listed" and src.id not in p.sources:
            continue
        own = src.for_authority(p.code, names.get(p.code, p.name))
        out.append(Wanted(own, p.code if src.pattern else "", not src.optional))
        if src.scope == "force":
            out += [Wanted(src.for_authority(c, names.get(c, c)), c, False) for c in neighbours]
    return out


def make(root: Path, manifest: Manifest, chosen: str | None = None) -> Plan:
    """The plan for the chosen partnership (``SDP_PARTNERSHIP`` unless given) from the source folder's lookups."""
    lad_pfa = geography.read_lad_pfa(_lookup(root, manifest, "lad_csp_pfa"))
    la_names = geography.read_la_names(_lookup(root, manifest, "la_names"))
    ranked = geography.read_neighbours(_lookup(root, manifest, "ons_neighbours_global"), "global")
    try:
        p = partnership_facts(chosen or partnership.code(), lad_pfa, ranked, manifest.forces)
    except partnership.PartnershipError as exc:
        raise SourceError("SDP_PARTNERSHIP", str(exc)) from None
    names = dict(zip(lad_pfa["lad_code"], lad_pfa["lad_name"], strict=True))
    current = la_names[la_names["lad_code"] == la_names["lad_code_active"]]
    names.update(zip(current["lad_code"], current["lad_name"], strict=True))
    neighbours = tuple(sorted(set(lad_pfa.loc[lad_pfa["pfa_code"] == p.force_code, "lad_code"]) - {p.code}))
    compared = set(lad_pfa.loc[lad_pfa["lad_code"].isin(p.comparators), "pfa_code"]) | {p.force_code}
    forces = tuple(f for f in manifest.forces if f.pfa_code in compared)
    wanted = tuple(_wanted(manifest, p, names, neighbours))
    return Plan(p, neighbours, wanted, forces, lad_pfa, la_names, ranked)
