"""ONS Census 2021 usual residents: by LSOA 2021 and age group; LA and country totals.

The mirror holds each table as the original ``.rda`` and a ``.csv.gz`` conversion; either works
(the ``.rda`` needs the optional ``rdata`` package).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from sdp_dash.errors import SourceError

from .common import LSOA_CODE, read_csv, to_int


def _frame(path: Path, required: list[str]) -> pd.DataFrame:
    if path.suffix == ".rda":
        try:
            import rdata
        except ImportError:  # pragma: no cover - depends on the machine
            raise SourceError(path, "reading .rda needs the 'rdata' package (pip install rdata)") from None
        try:
            with warnings.catch_warnings():  # tibble classes read as data frames, which is what we want
                warnings.simplefilter("ignore")
                parsed = rdata.read_rda(str(path))
        except Exception as exc:  # noqa: BLE001 - rdata raises many kinds
            raise SourceError(path, f"not a readable R data file ({exc})") from None
        df = next(iter(parsed.values())).astype(str)
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise SourceError(path, f"wrong columns: missing {', '.join(missing)}")
        for c in df.columns:
            df[c] = df[c].str.replace(r"\.0$", "", regex=True)
        return df
    return read_csv(path, required)


def read_census_lsoa(path: Path) -> pd.DataFrame:
    df = _frame(path, ["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"])
    bad = ~df["lsoa21_code"].str.match(LSOA_CODE.pattern)
    if bad.any():
        raise SourceError(path, f"bad LSOA code {df.loc[bad, 'lsoa21_code'].iloc[0]!r}")
    df["usual_residents"] = to_int(df["usual_residents"], path, "usual_residents")
    if (df["usual_residents"] < 0).any():
        raise SourceError(path, "a negative population count")
    if df.duplicated(["lsoa21_code", "age_group"]).any():
        dup = df[df.duplicated(["lsoa21_code", "age_group"])].iloc[0]
        raise SourceError(path, f"duplicate row for {dup['lsoa21_code']} {dup['age_group']}")
    return df[["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"]]


def read_census_la(path: Path) -> pd.DataFrame:
    df = _frame(path, ["ltla21_name", "ltla21_code", "population"])
    df["population"] = to_int(df["population"], path, "population")
    return df.rename(columns={"ltla21_code": "area_code", "ltla21_name": "area_name"})[["area_code", "area_name", "population"]]


def read_census_country(path: Path) -> pd.DataFrame:
    df = _frame(path, ["country_name", "country_code", "population"])
    df["population"] = to_int(df["population"], path, "population")
    return df.rename(columns={"country_code": "area_code", "country_name": "area_name"})[["area_code", "area_name", "population"]]
