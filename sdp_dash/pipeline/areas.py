"""The area model, built as data: every LSOA 2021 of the partnership (``SDP_PARTNERSHIP``, one local
authority) belongs to one current electoral area (ward or division), one MSOA and, where the
partnership's file lists them, one 2013-2025 division and one (approximate) Area Action Partnership
(its file's local sets); comparators (the other authorities of the police force areas held, and the force
areas) sit beside it.  The area type "county" is the partnership's whole area, whatever it is called.

Three tables come out:
- ``areas``: code, name, type, parent, population (Census 2021, sum of LSOAs), approximate flag
- ``area_lsoa``: which LSOAs make up each area (so any area is queried the same way)
- ``area_geometry``: a GeoJSON outline per mappable area

No Streamlit here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd
import shapely
from shapely.geometry import Point, mapping
from shapely.ops import unary_union

from sdp_dash.config.partnership import Partnership
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.sources.geography import Feature


def area_types(p: Partnership) -> pd.DataFrame:
    """How each area type is named to people (the app reads these from the warehouse): the whole area and
    the electoral areas in the partnership's words; the 2013-2025 divisions and area boards only where
    its file lists them."""
    ward = p.ward[0].upper() + p.ward[1:]
    since = "from May 2025" if "division_2013" in p.area_sets else "2025"
    rows = [
        ("county", f"Whole {p.area_word}", p.the_area, 1, False),
        ("aap", "Area board (AAP, approximate)", "area board", 2, True),
        ("division_2025", f"{ward} ({since})", p.ward, 3, False),
        ("division_2013", f"{ward} (2013-2025)", f"{p.ward} (2013-2025)", 4, False),
        ("msoa", "Neighbourhood (MSOA)", "neighbourhood", 5, False),
        ("lsoa", "Small area (LSOA)", "small area", 6, False),
        ("force", "Police force area", "police force area", 7, False),
        ("la", "Local authority", "local authority", 8, False),
    ]
    rows = [r for r in rows if r[0] not in ("aap", "division_2013") or r[0] in p.area_sets]
    return pd.DataFrame(rows, columns=["area_type", "label", "noun", "sort_order", "approximate"])


@dataclass(frozen=True)
class AreaInputs:
    partnership: Partnership
    lookup: pd.DataFrame  # lsoa11->lsoa21->lad (E&W)
    centroids: pd.DataFrame  # lsoa21_code, longitude, latitude
    population: pd.DataFrame  # lsoa21_code, usual_residents (total)
    lsoa_features: list[Feature]  # the partnership's LSOAs 2021
    outlines: dict[str, list[Feature]]  # the LSOAs of the other authorities of its force: {code: [Feature]}
    msoa_features: list[Feature]  # the partnership's MSOAs 2021
    divisions_2013: list[Feature]  # empty unless the partnership's file lists them
    divisions_2025: list[Feature]  # the current electoral areas (wards or divisions)
    msoa_names: pd.DataFrame  # msoa21_code, hcl_name
    lad_pfa: pd.DataFrame
    la_names: pd.DataFrame
    forces: tuple  # manifest Force objects
    aap_lsoa: pd.DataFrame | None  # lsoa21_code, aap_name (None when not available)
    aap_divisions: pd.DataFrame | None


def aap_code(name: str) -> str:
    """A stable, readable code for an (unofficial) Area Action Partnership."""
    return "AAP-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _assign_by_centroid(points: pd.DataFrame, features: list[Feature], what: str) -> pd.Series:
    """The code of the polygon holding each point (population-weighted centroid)."""
    geoms = [f.geometry for f in features]
    tree = shapely.STRtree(geoms)
    pts = shapely.points(points["longitude"].to_numpy(), points["latitude"].to_numpy())
    hit_point, hit_geom = tree.query(pts, predicate="intersects")
    out = pd.Series([None] * len(points), index=points.index, dtype=object)
    codes = [features[i].code for i in hit_geom]
    for p, code in zip(hit_point, codes, strict=True):
        if out.iloc[p] is None:
            out.iloc[p] = code
    missing = out.isna()
    if missing.any():
        # A centroid on a generalised coastline can fall just outside; take the nearest division.
        for idx in out.index[missing]:
            pt = Point(points.at[idx, "longitude"], points.at[idx, "latitude"])
            nearest = min(features, key=lambda f: f.geometry.distance(pt))
            if nearest.geometry.distance(pt) > 0.01:  # ~1 km: not a coastline effect
                raise SourceError(what, f"LSOA {points.at[idx, 'lsoa21_code']} centroid is in no {what}")
            out.at[idx] = nearest.code
    return out


def build(inp: AreaInputs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The areas table, each area's LSOAs and each area's geometry (GeoJSON and a label point)."""
    lookup21 = inp.lookup.drop_duplicates("lsoa21_code")[["lsoa21_code", "lsoa21_name", "lad_code", "lad_name"]]
    county = _county_lsoas(inp, lookup21)
    lad_pfa, comparator_lsoas = _comparators(inp, lookup21)
    area_lsoa = _membership(county, comparator_lsoas)
    areas = _areas_table(inp, county, lad_pfa, _population_by_area(inp, area_lsoa))
    held = set(lad_pfa["lad_code"])
    return areas, area_lsoa, _geometry(inp, county, {c: f for c, f in inp.outlines.items() if c in held})


def _county_lsoas(inp: AreaInputs, lookup21: pd.DataFrame) -> pd.DataFrame:
    """The partnership's LSOAs with their electoral areas (by population-weighted centroid), MSOA and area board."""
    own = inp.partnership
    county = lookup21[lookup21["lad_code"] == own.code].merge(inp.centroids, on="lsoa21_code", how="left")
    if county["longitude"].isna().any():
        raise SourceError("lsoa21_centroids", f"no centroid for {county.loc[county['longitude'].isna(), 'lsoa21_code'].iloc[0]}")
    if inp.divisions_2013:
        county["division_2013"] = _assign_by_centroid(county, inp.divisions_2013, f"{own.ward} (2013)")
    county["division_2025"] = _assign_by_centroid(county, inp.divisions_2025, f"{own.ward} (2025)")
    msoa_by_name = {f.name: f.code for f in inp.msoa_features}
    county["msoa"] = county["lsoa21_name"].str[:-1].map(msoa_by_name)
    if county["msoa"].isna().any():
        raise SourceError("msoa21", f"no MSOA for {county.loc[county['msoa'].isna(), 'lsoa21_name'].iloc[0]}")
    if inp.aap_lsoa is not None:
        county = county.merge(inp.aap_lsoa[["lsoa21_code", "aap_name"]], on="lsoa21_code", how="left")
        if county["aap_name"].isna().any():
            raise SourceError("aap_lsoa", f"no area board for {county.loc[county['aap_name'].isna(), 'lsoa21_code'].iloc[0]}")
        county["aap"] = county["aap_name"].map(aap_code)
    return county


def _comparators(inp: AreaInputs, lookup21: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The police force areas' local authorities (current codes), and their LSOAs with authority and force."""
    active = dict(zip(inp.la_names["lad_code"], inp.la_names["lad_code_active"], strict=True))
    lad_pfa = inp.lad_pfa.assign(lad_code=inp.lad_pfa["lad_code"].map(lambda c: active.get(c, c) or c))
    force_codes = {f.pfa_code: f for f in inp.forces}
    lad_pfa = lad_pfa[lad_pfa["pfa_code"].isin(force_codes)]
    comparator_lsoas = lookup21[lookup21["lad_code"].isin(lad_pfa["lad_code"])].merge(
        lad_pfa[["lad_code", "pfa_code"]], on="lad_code"
    )
    return lad_pfa, comparator_lsoas


def _membership(county: pd.DataFrame, comparator_lsoas: pd.DataFrame) -> pd.DataFrame:
    """(area_code, lsoa21_code) for every area of every type."""
    member_frames = [
        comparator_lsoas[["lad_code", "lsoa21_code"]].rename(columns={"lad_code": "area_code"}),
        comparator_lsoas[["pfa_code", "lsoa21_code"]].rename(columns={"pfa_code": "area_code"}),
        county[["lsoa21_code"]].assign(area_code=county["lsoa21_code"]),
    ]
    for col in [c for c in ("division_2013", "division_2025", "msoa", "aap") if c in county]:
        member_frames.append(county[[col, "lsoa21_code"]].rename(columns={col: "area_code"}))
    return pd.concat(member_frames, ignore_index=True).drop_duplicates()[["area_code", "lsoa21_code"]]


def _population_by_area(inp: AreaInputs, area_lsoa: pd.DataFrame) -> pd.Series:
    pop = inp.population.groupby("lsoa21_code", as_index=False)["usual_residents"].sum()
    population = area_lsoa.merge(pop, on="lsoa21_code", how="left")
    if population["usual_residents"].isna().any():
        missing = population.loc[population["usual_residents"].isna(), "lsoa21_code"].iloc[0]
        raise SourceError("census21_lsoa", f"no Census 2021 population for LSOA {missing}")
    return population.groupby("area_code")["usual_residents"].sum()


def _areas_table(inp: AreaInputs, county: pd.DataFrame, lad_pfa: pd.DataFrame, pop_by_area: pd.Series) -> pd.DataFrame:
    """One row per area: code, name, type, parent, whether approximate, official name and population."""
    rows = _area_rows(inp, county, lad_pfa)
    areas = pd.DataFrame(rows, columns=["area_code", "area_name", "area_type", "parent_code", "approximate", "official_name"])
    areas = areas.drop_duplicates("area_code")
    areas["population"] = areas["area_code"].map(pop_by_area).fillna(0).astype("int64")
    empty = areas[areas["population"] == 0]
    if not empty.empty:
        raise SourceError("areas", f"area {empty['area_code'].iloc[0]} ({empty['area_name'].iloc[0]}) has no LSOAs")
    return areas


def _division_rows(inp: AreaInputs) -> list[tuple]:
    """The electoral areas (2013 set: parent its area board when known; the current set: the whole area)."""
    own = inp.partnership.code
    aap_by_div = {}
    if inp.aap_divisions is not None:
        aap_by_div = dict(zip(inp.aap_divisions["division_code"], inp.aap_divisions["aap_name"].map(aap_code), strict=True))
    rows = [(f.code, f.name, "division_2013", aap_by_div.get(f.code, own), False, "") for f in inp.divisions_2013]
    return rows + [(f.code, f.name, "division_2025", own, False, "") for f in inp.divisions_2025]


def _area_rows(inp: AreaInputs, county: pd.DataFrame, lad_pfa: pd.DataFrame) -> list[tuple]:
    own = inp.partnership.code
    msoa_names = dict(zip(inp.msoa_names["msoa21_code"], inp.msoa_names["hcl_name"], strict=True))
    rows: list[tuple] = []
    lad_names = dict(zip(lad_pfa["lad_code"], lad_pfa["lad_name"], strict=True))
    for lad, name in lad_names.items():
        pfa = lad_pfa.loc[lad_pfa["lad_code"] == lad, "pfa_code"].iloc[0]
        rows.append((lad, name, "county" if lad == own else "la", pfa, False, ""))
    for f in inp.forces:
        rows.append((f.pfa_code, f"{f.name} area", "force", None, False, ""))
    rows += _division_rows(inp)
    for f in inp.msoa_features:
        rows.append((f.code, msoa_names.get(f.code, f.name), "msoa", own, False, f.name))
    msoa_of = dict(zip(county["lsoa21_code"], county["msoa"], strict=True))
    msoa_label = {f.code: msoa_names.get(f.code, f.name) for f in inp.msoa_features}
    for code, name in zip(county["lsoa21_code"], county["lsoa21_name"], strict=True):
        rows.append((code, f"{msoa_label[msoa_of[code]]} ({name})", "lsoa", msoa_of[code], False, name))
    if "aap" in county:
        for name in sorted(county["aap_name"].unique()):
            rows.append((aap_code(name), name, "aap", own, True, ""))
    return rows


def _geometry(inp: AreaInputs, county: pd.DataFrame, outlines: dict[str, list[Feature]]) -> pd.DataFrame:
    """Each mapped area's shape as GeoJSON (WGS84, 1e-5 degrees) and a label point inside it: the
    partnership's areas, and the outline of each other authority of its force with a boundary file."""
    lsoa_geom = {f.code: f.geometry for f in inp.lsoa_features}
    geo_rows = [(f.code, f.geometry) for f in inp.divisions_2013 + inp.divisions_2025 + inp.msoa_features]
    geo_rows += [(c, lsoa_geom[c]) for c in county["lsoa21_code"] if c in lsoa_geom]
    geo_rows += [(code, unary_union([f.geometry for f in feats])) for code, feats in sorted(outlines.items()) if feats]
    county_geoms = [lsoa_geom[c] for c in county["lsoa21_code"] if c in lsoa_geom]
    geo_rows.append((inp.partnership.code, unary_union(county_geoms)))
    if "aap" in county:
        for code, grp in county.groupby("aap"):
            geo_rows.append((code, unary_union([lsoa_geom[c] for c in grp["lsoa21_code"] if c in lsoa_geom])))
    return pd.DataFrame(
        [
            (code, json.dumps(mapping(shapely.set_precision(g, 1e-5))), g.representative_point().x, g.representative_point().y)
            for code, g in geo_rows
        ],
        columns=["area_code", "geojson", "label_lon", "label_lat"],
    )
