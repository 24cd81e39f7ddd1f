"""ONS geography: boundary GeoJSON, LSOA lookups, population-weighted centroids, LAD->CSP->PFA."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from sdp_dash.errors import SourceError, quote

from .common import LSOA_CODE, read_csv, read_text, renamed

_OSGB_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class Feature:
    code: str
    name: str
    geometry: BaseGeometry
    repair: str = ""  # how an invalid polygon as published was made valid ("" when it was valid)


def read_boundaries(path: Path, code_field: str, name_field: str) -> list[Feature]:
    """A GeoJSON FeatureCollection of areas (WGS84), one feature per code, valid geometry."""
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"not valid GeoJSON ({exc.msg} at line {exc.lineno})") from None
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
        or not doc["features"]
    ):
        raise SourceError(path, "not a GeoJSON FeatureCollection with features")
    out: list[Feature] = []
    seen: set[str] = set()
    for i, feat in enumerate(doc["features"]):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict):
            raise SourceError(path, f"feature {i} is not a GeoJSON feature with properties")
        code, name = props.get(code_field), props.get(name_field)
        if not isinstance(code, str) or not isinstance(name, str) or not code or not name:
            raise SourceError(path, f"feature {i} has no {code_field}/{name_field}")
        if code in seen:
            raise SourceError(path, f"duplicate area code {quote(code)}")
        seen.add(code)
        geom, repair = _polygon(feat, code, path)
        out.append(Feature(code, name.strip(), geom, repair))
    return out


REPAIR_METHOD = "made valid with shapely make_valid, keeping its polygonal parts"


def _polygon(feat: dict, code: str, path: Path) -> tuple[BaseGeometry, str]:
    """A feature's geometry, a valid polygon in WGS84 over England and Wales, and how it was repaired.

    A publisher's invalid polygon (self-intersecting, nested shells) is made valid by REPAIR_METHOD and the
    repair is returned for the build report (never silent); what cannot be made a polygon (empty after the
    repair, no polygonal part, not a polygon at all, coordinates off the earth) is refused.
    """
    try:
        geom = shape(feat["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(path, f"feature {quote(code)} has no usable geometry ({type(exc).__name__})") from None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise SourceError(path, f"feature {quote(code)} is not a polygon")
    _check_position(geom, code, path)
    if geom.is_valid:
        return geom, ""
    why = explain_validity(geom)[:80]
    repaired = _polygonal(shapely.make_valid(geom))
    if repaired.is_empty or repaired.area <= 0:
        raise SourceError(path, f"feature {quote(code)} has an invalid polygon ({why}) with no polygonal part once made valid")
    return repaired, f"invalid polygon as published ({why}); {REPAIR_METHOD}"


def _check_position(geom: BaseGeometry, code: str, path: Path) -> None:
    minx, miny, maxx, maxy = geom.bounds
    if not (-8.7 < minx <= maxx < 1.9 and 49.8 < miny <= maxy < 60.9):
        raise SourceError(path, f"feature {quote(code)} is not in WGS84 longitude/latitude over England and Wales")


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal parts of a geometry (a make_valid result may add lines or points): one (multi)polygon."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    if not polys:
        return Polygon()
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def read_lsoa_lookup(path: Path) -> pd.DataFrame:
    """ONS exact-fit LSOA 2011 -> LSOA 2021 -> LAD 2022 lookup with its change indicator."""
    df = read_csv(path, ["LSOA21CD", "LSOA21NM", "CHGIND", "LAD22CD", "LAD22NM"])
    first = df.columns[0]  # 'F_LSOA11CD' in the published file, 'LSOA11CD' in some editions
    if "LSOA11CD" in first:
        df = df.rename(columns={first: "LSOA11CD"})
    if "LSOA11CD" not in df.columns:
        raise SourceError(path, "wrong header: missing column LSOA11CD")
    bad = ~df["LSOA21CD"].str.match(LSOA_CODE.pattern) | ~df["LSOA11CD"].str.match(LSOA_CODE.pattern)
    if bad.any():
        row = df[bad].iloc[0]
        raise SourceError(path, f"bad LSOA code {quote(row['LSOA11CD'])} -> {quote(row['LSOA21CD'])}")
    return renamed(
        df,
        {
            "LSOA11CD": "lsoa11_code",
            "LSOA21CD": "lsoa21_code",
            "LSOA21NM": "lsoa21_name",
            "CHGIND": "change",
            "LAD22CD": "lad_code",
            "LAD22NM": "lad_name",
        },
    )


def read_centroids(path: Path) -> pd.DataFrame:
    """LSOA 2021 population-weighted centroids: OSGB x/y, plus WGS84 longitude/latitude."""
    df = read_csv(path, ["LSOA21CD", "x", "y"])
    x = pd.to_numeric(df["x"], errors="coerce")
    y = pd.to_numeric(df["y"], errors="coerce")
    if x.isna().any() or y.isna().any():
        raise SourceError(path, "a centroid has a non-numeric x or y")
    if not df["LSOA21CD"].str.match(LSOA_CODE.pattern).all():
        raise SourceError(
            path, f"bad LSOA code {quote(df.loc[~df['LSOA21CD'].str.match(LSOA_CODE.pattern), 'LSOA21CD'].iloc[0])}"
        )
    lon, lat = _OSGB_TO_WGS84.transform(x.to_numpy(), y.to_numpy())
    return pd.DataFrame({"lsoa21_code": df["LSOA21CD"], "easting": x, "northing": y, "longitude": lon, "latitude": lat})


def read_lad_pfa(path: Path) -> pd.DataFrame:
    """ONS LAD -> community safety partnership -> police force area."""
    df = read_csv(path, ["LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"])
    return renamed(
        df,
        {
            "LAD19CD": "lad_code",
            "LAD19NM": "lad_name",
            "CSP19CD": "csp_code",
            "CSP19NM": "csp_name",
            "PFA19CD": "pfa_code",
            "PFA19NM": "pfa_name",
        },
    )


def read_msoa_names(path: Path) -> pd.DataFrame:
    """House of Commons Library names of MSOA 2021 areas (e.g. 'Ouston & Beamish')."""
    df = read_csv(path, ["MSOA21CD", "MSOAHCLNM", "LADCD_ACTIVE"])
    df = df[df["MSOA21CD"] != ""]
    return df.rename(columns={"MSOA21CD": "msoa21_code", "MSOAHCLNM": "hcl_name", "LADCD_ACTIVE": "lad_code"})[
        ["msoa21_code", "hcl_name", "lad_code"]
    ].drop_duplicates("msoa21_code")


def read_la_names(path: Path) -> pd.DataFrame:
    """Every local authority code since 2011 with its current code, region and country."""
    df = read_csv(path, ["LADCD", "LADNM", "LADCD_ACTIVE", "RGNCD", "RGNNM"])
    return renamed(
        df,
        {
            "LADCD": "lad_code",
            "LADNM": "lad_name",
            "LADCD_ACTIVE": "lad_code_active",
            "RGNCD": "region_code",
            "RGNNM": "region_name",
        },
    )


def read_neighbours(path: Path, kind: str) -> pd.DataFrame:
    """ONS statistical neighbours: one row per authority with its nearest areas in rank order."""
    df = read_csv(path, ["AREACD", "1"])
    ranks = [c for c in df.columns if c.isdigit()]
    long = df.melt(id_vars=["AREACD"], value_vars=ranks, var_name="rank", value_name="neighbour_code")
    long = long[long["neighbour_code"] != ""]
    return pd.DataFrame(
        {
            "area_code": long["AREACD"],
            "rank": long["rank"].astype("int64"),
            "neighbour_code": long["neighbour_code"],
            "kind": kind,
        }
    ).sort_values(["area_code", "rank"], ignore_index=True)
