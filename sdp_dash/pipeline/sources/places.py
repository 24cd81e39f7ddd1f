"""Populated places (GeoNames ``cities500``: towns and villages with their population), placed in
the LSOAs 2021 of the partnership.  Used for map labels and the "Find your area" search.

GeoNames populations are GeoNames' own figures: they size and rank labels, never a statistic.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sdp_dash.errors import SourceError, quote

from .common import create_from, read_bytes, read_csv, to_int

COLUMNS = ["geonameid", "name", "longitude", "latitude", "population", "lsoa21_code"]


# The columns of a GeoNames dump file (tab-separated, no header), e.g. cities500.txt.
GEONAMES_COLUMNS = [
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class", "feature_code",
    "country_code", "cc2", "admin1", "admin2", "admin3", "admin4", "population", "elevation", "dem", "timezone", "modified",
]  # fmt: skip


def _geonames_zip(path: Path, data: bytes) -> pd.DataFrame:
    """The dump as GeoNames publishes it (``cities500.zip``), Great Britain's rows only."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            name = next(m for m in zf.namelist() if m.endswith(".txt"))
            df = pd.read_csv(zf.open(name), sep="\t", header=None, names=GEONAMES_COLUMNS, dtype=str, keep_default_na=False,
                             quoting=3)  # fmt: skip
    except (StopIteration, zipfile.BadZipFile, pd.errors.ParserError, ValueError) as exc:
        raise SourceError(path, f"not a readable GeoNames zip ({type(exc).__name__})") from None
    return df[df["country_code"] == "GB"]


def read_places(path: Path) -> pd.DataFrame:
    """geonameid, name, latitude, longitude (WGS84), population.

    Reads the mirror's extract (CSV) or the publisher's dump (``cities500.zip``).  A place outside the
    United Kingdom's box (GeoNames counts the sovereign base areas in Cyprus as GB) is left out: it can
    never be in the county; a latitude or longitude that is not a number is refused.
    """
    data = read_bytes(path)
    cols = ["geonameid", "name", "latitude", "longitude", "population"]
    df = _geonames_zip(path, data) if data[:4] == b"PK\x03\x04" else read_csv(path, cols)
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    bad = lat.isna() | lon.isna()
    if bad.any():
        raise SourceError(path, f"place {quote(df.loc[bad, 'name'].iloc[0])} has no usable latitude/longitude")
    uk = lat.between(49.8, 60.9) & lon.between(-8.7, 1.9)
    df, lat, lon = df[uk], lat[uk], lon[uk]
    if (df["name"].str.strip() == "").any():
        raise SourceError(path, "a place has no name")
    return pd.DataFrame(
        {
            "geonameid": df["geonameid"],
            "name": df["name"].str.strip(),
            "longitude": lon,
            "latitude": lat,
            "population": to_int(df["population"].replace("", "0"), path, "population"),
        }
    ).drop_duplicates("geonameid")


def place(places: pd.DataFrame, lsoa_features: list) -> pd.DataFrame:
    """Each place with the LSOA 2021 holding its point; places outside every boundary are left out."""
    tree = shapely.STRtree([f.geometry for f in lsoa_features])
    pts = shapely.points(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    hit_pt, hit_geom = tree.query(pts, predicate="within")
    found = dict(zip(hit_pt, (lsoa_features[g].code for g in hit_geom), strict=True))
    out = places.assign(lsoa21_code=[found.get(i) for i in range(len(places))])
    return out[out["lsoa21_code"].notna()][COLUMNS].sort_values(
        ["population", "name"], ascending=[False, True], ignore_index=True
    )


def load(con, path: Path, lsoa_features: list, name: str) -> list[tuple[str, int]]:
    """Create the ``places`` table (the places inside the partnership ``name``'s LSOAs); returns (item,
    rows) lines for the build report."""
    raw = read_places(path)
    placed = place(raw, lsoa_features)
    create_from(con, "CREATE OR REPLACE TABLE places AS SELECT * FROM placed", placed=placed)
    return [("read", len(raw)), (f"places in {name}", len(placed))]


# --- Places outside the partnership (GeoNames cities500, every UK row with its alternate names) ----------
# A resident who types a town of another authority ("Newcastle" on Sunderland's dashboard) is told it is
# outside the partnership (and who covers it) instead of being offered a look-alike village inside.

OUTSIDE_COLUMNS = [
    "geonameid", "name", "alternatenames", "population", "country", "lad_code", "lad_name", "csp_name", "pfa_code",
    "pfa_name",
]  # fmt: skip
COUNTRIES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def read_uk_places(path: Path) -> tuple[pd.DataFrame, int]:
    """Every UK place of the file (the mirror's CSV with ``admin1code`` and ``alternatenames``, or the
    publisher's ``cities500.zip``), and how many rows lie outside the United Kingdom's box (GeoNames
    counts the sovereign base areas in Cyprus as GB): those are left out, not refused."""
    data = read_bytes(path)
    if data[:4] == b"PK\x03\x04":
        df = _geonames_zip(path, data).rename(columns={"admin1": "admin1code"})
    else:
        df = read_csv(path, ["geonameid", "name", "latitude", "longitude", "population", "admin1code", "alternatenames"])
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    if lat.isna().any() or lon.isna().any():
        raise SourceError(
            path, f"place {quote(df.loc[lat.isna() | lon.isna(), 'name'].iloc[0])} has no usable latitude/longitude"
        )
    if (df["name"].str.strip() == "").any():
        raise SourceError(path, "a place has no name")
    uk = lat.between(49.8, 60.9) & lon.between(-8.7, 1.9)
    out = pd.DataFrame(
        {
            "geonameid": df["geonameid"],
            "name": df["name"].str.strip(),
            "alternatenames": df["alternatenames"].fillna("").str.strip(),
            "longitude": lon,
            "latitude": lat,
            "population": to_int(df["population"].replace("", "0"), path, "population"),
            "country": df["admin1code"].map(COUNTRIES).fillna(""),
        }
    )[uk]
    return out.drop_duplicates("geonameid").reset_index(drop=True), int((~uk).sum())


def outside(
    uk: pd.DataFrame,
    county_features: list,
    centroids: pd.DataFrame,
    lookup: pd.DataFrame,
    lad_pfa: pd.DataFrame,
    la_names: pd.DataFrame,
    *,
    county_code: str,
) -> pd.DataFrame:
    """The places outside the county, each (in England and Wales) with the local authority of the nearest
    LSOA 2021 population-weighted centre, its community safety partnership and police force area.

    A point inside a county boundary, or whose nearest centre is the county's, is left out: the county's
    own places come from the county file.
    """
    pts = shapely.points(uk["longitude"].to_numpy(), uk["latitude"].to_numpy())
    inside = np.zeros(len(uk), dtype=bool)
    if county_features:
        hit_pt, _ = shapely.STRtree([f.geometry for f in county_features]).query(pts, predicate="within")
        inside[hit_pt] = True
    lad = np.full(len(uk), "", dtype=object)
    ew = uk["country"].isin(["England", "Wales"]).to_numpy()
    cen = centroids.merge(lookup[["lsoa21_code", "lad_code"]].drop_duplicates("lsoa21_code"), on="lsoa21_code")
    if ew.any() and len(cen):
        scale = np.cos(np.radians(54.0))  # degrees of longitude to degrees of latitude, roughly, in Britain
        tree = shapely.STRtree(shapely.points(cen["longitude"].to_numpy() * scale, cen["latitude"].to_numpy()))
        where = np.flatnonzero(ew)
        q = shapely.points(uk["longitude"].to_numpy()[where] * scale, uk["latitude"].to_numpy()[where])
        qi, ci = tree.query_nearest(q, all_matches=False)
        lad[where[qi]] = cen["lad_code"].to_numpy()[ci]
    # Codes of different years (the LSOA lookup's 2022, the partnership lookup's 2019) meet at today's code.
    active = dict(zip(la_names["lad_code"], la_names["lad_code_active"], strict=True))
    lad = np.array([active.get(c, c) or c for c in lad], dtype=object)
    keep = ~inside & (lad != county_code)
    out = uk[keep].assign(lad_code=lad[keep])
    csp = lad_pfa.assign(lad_code=lad_pfa["lad_code"].map(lambda c: active.get(c, c) or c)).drop_duplicates("lad_code")
    csp = csp.drop(columns="lad_name")
    out = out.merge(csp[["lad_code", "csp_name", "pfa_code", "pfa_name"]], on="lad_code", how="left")
    names = la_names.drop_duplicates("lad_code").set_index("lad_code")["lad_name"]
    out["lad_name"] = out["lad_code"].map(names)
    out = out.fillna({c: "" for c in ["lad_name", "csp_name", "pfa_code", "pfa_name"]})
    return out[OUTSIDE_COLUMNS].sort_values(["population", "name"], ascending=[False, True], ignore_index=True)


def load_outside(con, path: Path, county_features: list, centroids, lookup, lad_pfa, la_names, *, county_code: str, name: str):
    """Create the ``places_outside`` table (places outside the partnership ``name``); returns (item, rows)
    lines for the build report."""
    uk, dropped = read_uk_places(path)
    far = outside(uk, county_features, centroids, lookup, lad_pfa, la_names, county_code=county_code)
    create_from(con, "CREATE OR REPLACE TABLE places_outside AS SELECT * FROM far", far=far)
    lines = [("read", len(uk) + dropped), (f"places outside {name}", len(far))]
    return lines + ([("left out: outside the United Kingdom's box", dropped)] if dropped else [])
