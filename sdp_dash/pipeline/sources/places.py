"""Populated places (GeoNames ``cities500``: towns and villages with their population), placed in
the LSOAs 2021 of County Durham.  Used for map labels and the "Find your area" search.

GeoNames populations are GeoNames' own figures: they size and rank labels, never a statistic.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import shapely

from sdp_dash.errors import SourceError, quote

from .common import read_bytes, read_csv, to_int

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

    Reads the mirror's extract (CSV) or the publisher's dump (``cities500.zip``).
    """
    data = read_bytes(path)
    cols = ["geonameid", "name", "latitude", "longitude", "population"]
    df = _geonames_zip(path, data) if data[:4] == b"PK\x03\x04" else read_csv(path, cols)
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    bad = lat.isna() | lon.isna() | ~lat.between(49.8, 60.9) | ~lon.between(-8.7, 1.9)
    if bad.any():
        raise SourceError(path, f"place {quote(df.loc[bad, 'name'].iloc[0])} has no usable latitude/longitude")
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


def load(con, path: Path, lsoa_features: list) -> list[tuple[str, int]]:
    """Create the ``places`` table; returns (item, rows) lines for the build report."""
    raw = read_places(path)
    placed = place(raw, lsoa_features)  # noqa: F841 - read by DuckDB
    con.execute("CREATE OR REPLACE TABLE places AS SELECT * FROM placed")
    return [("read", len(raw)), ("places in County Durham", len(placed))]
