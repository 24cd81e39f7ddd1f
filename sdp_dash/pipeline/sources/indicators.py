"""Published indicator tables -> one tidy shape.

Formats (``format`` in data/sources.toml):
- ``fingertips``: OHID Fingertips extract (area_code, area_name, period, value, indicator, measure, ...)
- ``ons_wide_years``: ONS table with one column per year (code, name, 2020, 2019, ...)
- ``ons_3yr_by_name``: 3-year pooled counts, one column per area name, a row per end year
- ``transcribed``: figures typed from official pages (or the press, flagged), one row each
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sdp_dash.config.manifest import Source
from sdp_dash.errors import SourceError, quote

from .common import read_csv

TIDY_COLUMNS = [
    "indicator_id",
    "indicator",
    "area_code",
    "area_name",
    "period",
    "value",
    "lower",
    "upper",
    "count",
    "denominator",
    "unit",
    "source_id",
    "source_title",
    "source_url",
    "quality",
    "note",
]

_AREA_CODE = re.compile(r"^[EWKN]\d{8}$")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _numeric(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    out = pd.to_numeric(df[col].str.replace(",", "", regex=False).str.strip(), errors="coerce")
    bad = out.isna() & (df[col].str.strip() != "")
    if bad.any():
        raise SourceError(path, f"non-numeric value {quote(df.loc[bad, col].iloc[0])} in column {quote(col)}")
    return out


def _finish(df: pd.DataFrame, src: Source, path: Path) -> pd.DataFrame:
    df = df.copy()
    for col in TIDY_COLUMNS:
        if col not in df.columns:
            df[col] = None
    df["source_id"] = src.id
    df["source_title"] = df["source_title"].fillna(src.title)
    df["source_url"] = df["source_url"].fillna(src.url or src.page)
    df["quality"] = df["quality"].fillna(src.quality)
    bad = df["area_code"].notna() & (df["area_code"] != "") & ~df["area_code"].fillna("").str.match(_AREA_CODE.pattern)
    if bad.any():
        raise SourceError(path, f"bad area code {quote(df.loc[bad, 'area_code'].iloc[0])}")
    df["area_code"] = df["area_code"].replace("", None)
    for col in ("value", "lower", "upper", "count", "denominator"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in (
        "indicator_id",
        "indicator",
        "area_code",
        "area_name",
        "period",
        "unit",
        "source_title",
        "source_url",
        "quality",
        "note",
    ):
        df[col] = df[col].astype("string")
    return df[TIDY_COLUMNS]


def read_fingertips(src: Source, path: Path) -> pd.DataFrame:
    df = read_csv(path, ["area_code", "area_name", "period", "value", "indicator", "measure"])
    out = pd.DataFrame(
        {
            "indicator_id": df["indicator"].map(slug),
            "indicator": df["indicator"],
            "area_code": df["area_code"],
            "area_name": df["area_name"],
            "period": df["period"],
            "value": _numeric(df, "value", path),
            "unit": df["measure"],
            "note": ("Compared with England by the publisher: " + df["significance"]) if "significance" in df else None,
        }
    )
    return _finish(out, src, path)


def read_ons_wide_years(src: Source, path: Path) -> pd.DataFrame:
    df = read_csv(path, ["code", "name"])
    years = [c for c in df.columns if re.fullmatch(r"\d{4}", c)]
    if not years:
        raise SourceError(path, "wrong header: no year columns")
    long = df.melt(id_vars=["code", "name"], value_vars=years, var_name="period", value_name="raw")
    out = pd.DataFrame(
        {
            "indicator_id": slug(src.extra["indicator"]),
            "indicator": src.extra["indicator"],
            "area_code": long["code"],
            "area_name": long["name"].map(_tidy_name),
            "period": long["period"],
            "value": _numeric(long, "raw", path),
            "count": _numeric(long, "raw", path),
            "unit": src.extra["unit"],
        }
    )
    return _finish(out.dropna(subset=["value"]), src, path)


def read_ons_3yr_by_name(src: Source, path: Path, codes_by_name: dict[str, str]) -> pd.DataFrame:
    df = read_csv(path, ["year"])
    areas = [c for c in df.columns if c not in ("year", "") and not c.startswith("Unnamed")]
    unknown = [a for a in areas if a not in codes_by_name]
    if unknown:
        raise SourceError(path, f"unknown area name(s) {', '.join(unknown)}")
    long = df.melt(id_vars=["year"], value_vars=areas, var_name="area_name", value_name="raw")
    end = pd.to_numeric(long["year"], errors="coerce")
    if end.isna().any():
        raise SourceError(path, f"bad year {quote(long.loc[end.isna(), 'year'].iloc[0])}")
    end = end.astype(int)
    value = _numeric(long, "raw", path)
    out = pd.DataFrame(
        {
            "indicator_id": slug(src.extra["indicator"]),
            "indicator": src.extra["indicator"],
            "area_code": long["area_name"].map(codes_by_name),
            "area_name": long["area_name"],
            "period": (end - 2).astype(str) + "-" + end.astype(str),
            "value": value,
            "count": value,
            "unit": src.extra["unit"],
            "note": "Deaths registered in the three calendar years, pooled.",
        }
    )
    return _finish(out, src, path)


def read_transcribed(src: Source, path: Path) -> pd.DataFrame:
    cols = ["indicator", "area_code", "area_name", "period", "value", "unit", "source_title", "source_url"]
    df = read_csv(path, cols)
    out = df[cols].copy()
    out["value"] = _numeric(df, "value", path)
    out["indicator_id"] = df["indicator"].map(slug)
    out["quality"] = src.quality
    return _finish(out, src, path)


def _tidy_name(name: str) -> str:
    return name.title() if name.isupper() else name


def read(src: Source, path: Path, codes_by_name: dict[str, str]) -> pd.DataFrame:
    if src.format == "fingertips":
        return read_fingertips(src, path)
    if src.format == "ons_wide_years":
        return read_ons_wide_years(src, path)
    if src.format == "ons_3yr_by_name":
        return read_ons_3yr_by_name(src, path, codes_by_name)
    if src.format == "transcribed":
        return read_transcribed(src, path)
    raise SourceError(path, f"unknown indicator format {quote(src.format)} in data/sources.toml")
