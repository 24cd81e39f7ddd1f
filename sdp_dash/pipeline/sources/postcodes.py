"""Postcodes: OS Code-Point Open (live postcodes, grid references) and the ONS postcode lookup
(May 2022, with terminated postcodes), placed in the LSOAs 2021 of the partnership (its authority's rows).

Each live postcode's grid reference (British National Grid, EPSG:27700) is converted to WGS84 and
placed in the LSOA 2021 boundary that holds it.  The boundaries are generalised (20 m) and clipped
to the coast, so a point just outside every boundary is placed in the nearest one within
``NEAREST_MAX_M`` and its method says so.  A postcode the ONS lookup lists as terminated (a date in
``doterm``; Code-Point Open no longer lists it) is kept as terminated, in the LSOA 2021 its ONS best-fit
LSOA 2011 becomes (a resident may still use an old address); with no area when that LSOA was split.

The postcode is the resident's own input at run time: this module only builds the table.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from sdp_dash.config.codes import normalise_postcode as normalise
from sdp_dash.errors import SourceError, quote

from .common import create_from, read_bytes, read_csv

_OSGB_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
NEAREST_MAX_M = 250  # a point this close to a boundary (coastline, generalisation) takes the nearest LSOA
METHOD_INSIDE = "grid reference inside the LSOA 2021 boundary"
METHOD_NEAREST = "grid reference just outside the generalised boundaries: nearest LSOA 2021"
METHOD_ONS = "no usable grid reference: ONS best-fit LSOA 2011, carried to 2021"
METHOD_TERMINATED = "terminated (ONS postcode lookup); no longer in use"
METHOD_TERMINATED_ONS = "terminated (ONS postcode lookup): its ONS best-fit LSOA 2011, carried to 2021"
COLUMNS = ["postcode", "sector", "district", "lsoa21_code", "method", "terminated"]


def parts(postcode: str) -> tuple[str, str]:
    """(sector, district) of a normalised postcode: ("DH1 1", "DH1") for "DH1 1AB"."""
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}", outward


CODEPOINT_COLUMNS = [
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
]


def _codepoint_zip(path: Path, data: bytes) -> pd.DataFrame:
    """The product as OS publishes it (``codepo_gb.zip``: one headerless CSV per postcode area)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [m for m in zf.namelist() if re.search(r"Data/CSV/[a-z]{1,2}\.csv$", m)]
            if not members:
                raise SourceError(path, "a zip without Code-Point Open's Data/CSV/<area>.csv files")
            frames = [
                pd.read_csv(zf.open(m), header=None, names=CODEPOINT_COLUMNS, dtype=str, keep_default_na=False) for m in members
            ]
    except (zipfile.BadZipFile, pd.errors.ParserError, ValueError) as exc:
        raise SourceError(path, f"not a readable Code-Point Open zip ({type(exc).__name__})") from None
    return pd.concat(frames, ignore_index=True)


def read_codepoint(path: Path, lad_code: str | None = None) -> pd.DataFrame:
    """OS Code-Point Open rows: postcode, easting, northing, quality, local authority (only ``lad_code``'s
    rows when given: the partnership's; the others are not read further).

    Reads the mirror's extract (a CSV with Code-Point Open's column names) or the publisher's zip.
    """
    cols = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings", "Admin_district_code"]
    data = read_bytes(path)
    df = _codepoint_zip(path, data) if data[:4] == b"PK\x03\x04" else read_csv(path, cols)
    if lad_code:
        df = df[df["Admin_district_code"] == lad_code].reset_index(drop=True)
    pcs = df["Postcode"].map(normalise)
    if pcs.isna().any():
        raise SourceError(path, f"not a postcode: {quote(df.loc[pcs.isna(), 'Postcode'].iloc[0])}")
    e = pd.to_numeric(df["Eastings"], errors="coerce")
    n = pd.to_numeric(df["Northings"], errors="coerce")
    if e.isna().any() or n.isna().any():
        raise SourceError(
            path, f"postcode {quote(df.loc[e.isna() | n.isna(), 'Postcode'].iloc[0])} has a non-numeric grid reference"
        )
    if ((e < 0) | (e > 700000) | (n < 0) | (n > 1300000)).any():
        raise SourceError(path, "a grid reference is outside Great Britain")
    out = pd.DataFrame(
        {
            "postcode": pcs,
            "easting": e,
            "northing": n,
            "quality": df["Positional_quality_indicator"],
            "lad_code": df["Admin_district_code"],
        }
    )
    if out["postcode"].duplicated().any():
        raise SourceError(path, f"duplicate postcode {quote(out.loc[out['postcode'].duplicated(), 'postcode'].iloc[0])}")
    return out


def read_ons_lookup(path: Path, lad_code: str | None = None) -> pd.DataFrame:
    """ONS postcode -> OA/LSOA 2011 best-fit lookup: postcode, terminated flag, LSOA 2011, LAD (only
    ``lad_code``'s rows when given)."""
    df = read_csv(path, ["pcds", "doterm", "lsoa11cd", "ladcd"])
    if lad_code:
        df = df[df["ladcd"] == lad_code].reset_index(drop=True)
    pcs = df["pcds"].map(normalise)
    if pcs.isna().any():
        raise SourceError(path, f"not a postcode: {quote(df.loc[pcs.isna(), 'pcds'].iloc[0])}")
    return pd.DataFrame(
        {"postcode": pcs, "terminated": df["doterm"].str.strip() != "", "lsoa11_code": df["lsoa11cd"], "lad_code": df["ladcd"]}
    ).drop_duplicates("postcode")


def place(
    codepoint: pd.DataFrame,
    ons: pd.DataFrame,
    lsoa_features: list,
    lsoa11_to_21: pd.DataFrame,
    *,
    lad_code: str,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The ``postcodes`` table and counts for the build report.

    ``lsoa_features``: the local authority's LSOA 2021 boundaries (``geography.Feature``);
    ``lsoa11_to_21``: the ONS LSOA 2011 -> 2021 lookup (lsoa11_code, lsoa21_code).
    """
    live = codepoint[codepoint["lad_code"] == lad_code].reset_index(drop=True)
    bridge = _bridge(lsoa11_to_21)
    lsoa, method = _place_by_point(live, lsoa_features)
    # The ONS best fit for the rest (no grid reference, or far outside: a data problem reported by count).
    ons_by_pc = ons.set_index("postcode")["lsoa11_code"]
    for p in np.flatnonzero(lsoa == None):  # noqa: E711
        lsoa11 = ons_by_pc.get(live.at[p, "postcode"])
        lsoa21 = bridge.get(lsoa11) if lsoa11 else None
        if lsoa21:
            lsoa[p], method[p] = lsoa21, METHOD_ONS
    placed = pd.DataFrame({"postcode": live["postcode"], "lsoa21_code": lsoa, "method": method, "terminated": False})
    unplaced = int(placed["lsoa21_code"].isna().sum())
    placed = placed[placed["lsoa21_code"].notna()]
    terminated = _terminated(ons, live, bridge, lad_code)
    out = pd.concat([placed, terminated], ignore_index=True)
    sector_district = out["postcode"].map(parts)
    out["sector"] = sector_district.str[0]
    out["district"] = sector_district.str[1]
    out = out[COLUMNS].sort_values("postcode", ignore_index=True)
    return out, _counts(placed, terminated, unplaced, ons, bridge)


def _place_by_point(live: pd.DataFrame, lsoa_features: list) -> tuple[np.ndarray, np.ndarray]:
    """Each live postcode's LSOA 2021 and method by its grid reference: the boundary it is in, else the
    nearest within NEAREST_MAX_M; None where neither (or no usable grid reference)."""
    # Quality 90 means "no coordinates"; such a postcode falls back to the ONS best fit.
    usable = (live["quality"] != "90") & (live["easting"] > 0)
    lon, lat = _OSGB_TO_WGS84.transform(live["easting"].to_numpy(), live["northing"].to_numpy())
    geoms = [f.geometry for f in lsoa_features]
    codes = np.array([f.code for f in lsoa_features], dtype=object)
    tree = shapely.STRtree(geoms)
    pts = shapely.points(lon, lat)
    lsoa = np.full(len(live), None, dtype=object)
    method = np.full(len(live), None, dtype=object)
    hit_pt, hit_geom = tree.query(pts, predicate="within")
    for p, g in zip(hit_pt, hit_geom, strict=True):
        if usable[p] and lsoa[p] is None:
            lsoa[p], method[p] = codes[g], METHOD_INSIDE
    # Points on a generalised coastline or boundary: the nearest LSOA, if close enough (in metres).
    outside = np.flatnonzero(usable.to_numpy() & (lsoa == None))  # noqa: E711 - numpy element-wise
    if len(outside):
        near_pt, near_geom = tree.query_nearest(pts[outside], return_distance=False, all_matches=False)
        for i, g in zip(near_pt, near_geom, strict=True):
            p = outside[i]
            metres = _distance_m(lon[p], lat[p], geoms[g])
            if metres <= NEAREST_MAX_M:
                lsoa[p], method[p] = codes[g], METHOD_NEAREST
    return lsoa, method


def _terminated(ons: pd.DataFrame, live: pd.DataFrame, bridge: dict[str, str], lad_code: str) -> pd.DataFrame:
    """Terminated postcodes of the authority (not live in Code-Point), placed by the ONS best fit where it can be."""
    ended = ons[(ons["lad_code"] == lad_code) & ons["terminated"] & ~ons["postcode"].isin(live["postcode"])]
    ended_lsoa = ended["lsoa11_code"].map(bridge)
    return pd.DataFrame(
        {
            "postcode": ended["postcode"],
            "lsoa21_code": ended_lsoa.astype(object).where(ended_lsoa.notna(), None),
            "method": np.where(ended_lsoa.notna(), METHOD_TERMINATED_ONS, METHOD_TERMINATED),
            "terminated": True,
        }
    )


def _counts(placed, terminated, unplaced: int, ons: pd.DataFrame, bridge: dict[str, str]) -> dict[str, int]:
    """The build report's counts, with a cross-check against the ONS best fit where the LSOA did not
    change between 2011 and 2021."""
    both = placed.merge(ons[["postcode", "lsoa11_code"]], on="postcode")
    both["ons21"] = both["lsoa11_code"].map(bridge)
    comparable = both[both["ons21"].notna()]
    return {
        "live postcodes placed": len(placed),
        "placed inside a boundary": int((placed["method"] == METHOD_INSIDE).sum()),
        "placed in the nearest boundary": int((placed["method"] == METHOD_NEAREST).sum()),
        "placed by the ONS best fit": int((placed["method"] == METHOD_ONS).sum()),
        "not placed (no usable grid reference)": unplaced,
        "terminated postcodes kept": len(terminated),
        "terminated postcodes placed by the ONS best fit": int(terminated["lsoa21_code"].notna().sum()),
        "agree with the ONS best fit (comparable LSOAs)": int((comparable["ons21"] == comparable["lsoa21_code"]).sum()),
        "differ from the ONS best fit (comparable LSOAs)": int((comparable["ons21"] != comparable["lsoa21_code"]).sum()),
    }


def _bridge(lookup: pd.DataFrame) -> dict[str, str]:
    """LSOA 2011 -> LSOA 2021 where that is one-to-one or a merge (a split 2011 LSOA has no single answer)."""
    pairs = lookup[["lsoa11_code", "lsoa21_code"]].drop_duplicates()
    n = pairs.groupby("lsoa11_code")["lsoa21_code"].transform("count")
    single = pairs[n == 1]
    return dict(zip(single["lsoa11_code"], single["lsoa21_code"], strict=True))


def _distance_m(lon: float, lat: float, geom) -> float:
    """Approximate distance in metres from a point to a polygon (degrees scaled at this latitude)."""
    deg = geom.distance(shapely.Point(lon, lat))
    return float(deg * 111_320 * max(np.cos(np.radians(lat)), 0.3))


def load(con, codepoint_path: Path, ons_path: Path | None, lsoa_features: list, lookup: pd.DataFrame, *, lad_code: str):
    """Create the ``postcodes`` table; returns (file, item, rows) lines for the build report."""
    codepoint = read_codepoint(codepoint_path, lad_code)
    ons = (
        read_ons_lookup(ons_path, lad_code)
        if ons_path
        else pd.DataFrame(columns=["postcode", "terminated", "lsoa11_code", "lad_code"])
    )
    placed_postcodes, counts = place(codepoint, ons, lsoa_features, lookup, lad_code=lad_code)
    create_from(
        con,
        """CREATE OR REPLACE TABLE postcodes AS
           SELECT postcode, sector, district, lsoa21_code, method, terminated::BOOLEAN AS terminated FROM placed_postcodes ORDER BY postcode""",
        placed_postcodes=placed_postcodes,
    )
    read = "read (the partnership's authority's rows)"
    lines = [("codepoint", read, len(codepoint))] + [("codepoint", item, n) for item, n in counts.items()]
    if ons_path:
        lines.append(("ons", read, len(ons)))
    return lines
