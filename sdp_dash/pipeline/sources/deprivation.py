"""MHCLG English Indices of Deprivation 2019 (LSOA 2011), bridged to LSOA 2021.

IMD 2019 is published on 2011 LSOAs.  Through the ONS exact-fit lookup: an unchanged (U) or
split (S) 2021 LSOA takes its 2011 parent's rank; a merged (M) 2021 LSOA takes the
population-weighted mean of its parents' ranks (mid-2015 population from File 6), and its decile
is read from that rank.  The method is kept in a column so the app can say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .common import read_csv, to_int

LSOA11_COUNT_ENGLAND = 32844

_IMD_RANK = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
_IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
_CRIME_RANK = "Crime Rank (where 1 is most deprived)"
_CRIME_DECILE = "Crime Decile (where 1 is most deprived 10% of LSOAs)"
_POP = "Total population: mid 2015 (excluding prisoners)"


def read_domains(path: Path) -> pd.DataFrame:
    df = read_csv(path, ["LSOA code (2011)", _IMD_RANK, _IMD_DECILE, _CRIME_RANK, _CRIME_DECILE])
    out = pd.DataFrame({"lsoa11_code": df["LSOA code (2011)"]})
    for col, name in (
        (_IMD_RANK, "imd_rank"),
        (_IMD_DECILE, "imd_decile"),
        (_CRIME_RANK, "crime_rank"),
        (_CRIME_DECILE, "crime_decile"),
    ):
        out[name] = to_int(df[col], path, col)
    return out


def read_population(path: Path) -> pd.DataFrame:
    df = read_csv(path, ["LSOA code (2011)", _POP])
    return pd.DataFrame({"lsoa11_code": df["LSOA code (2011)"], "pop2015": to_int(df[_POP], path, _POP)})


def decile_from_rank(rank: pd.Series, n: int = LSOA11_COUNT_ENGLAND) -> pd.Series:
    """Decile 1 = the most deprived 10% of LSOAs in England."""
    return np.minimum(10, np.ceil(rank * 10 / n)).astype("int64")


def bridge_to_2021(domains: pd.DataFrame, pop: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """One row per 2021 LSOA in ``lookup`` that has IMD parents."""
    parents = lookup[["lsoa11_code", "lsoa21_code", "change"]].merge(domains, on="lsoa11_code").merge(pop, on="lsoa11_code")
    parents["n_parents"] = parents.groupby("lsoa21_code")["lsoa11_code"].transform("size")

    single = parents[parents["n_parents"] == 1].copy()
    single["lsoa11_codes"] = single["lsoa11_code"]
    single["method"] = np.where(single["change"] == "U", "unchanged since 2011", "from the 2011 LSOA it was split from")

    multi = parents[parents["n_parents"] > 1].copy()
    for col in ("imd_rank", "crime_rank"):
        multi[col + "_w"] = multi[col] * multi["pop2015"]
    agg = (
        multi.groupby("lsoa21_code")
        .agg(
            imd_w=("imd_rank_w", "sum"),
            crime_w=("crime_rank_w", "sum"),
            pop=("pop2015", "sum"),
            lsoa11_codes=("lsoa11_code", lambda s: " + ".join(sorted(s))),
        )
        .reset_index()
    )
    agg["imd_rank"] = (agg["imd_w"] / agg["pop"]).round().astype("int64")
    agg["crime_rank"] = (agg["crime_w"] / agg["pop"]).round().astype("int64")
    agg["imd_decile"] = decile_from_rank(agg["imd_rank"])
    agg["crime_decile"] = decile_from_rank(agg["crime_rank"])
    agg["method"] = "population-weighted mean of the ranks of the merged 2011 LSOAs"

    cols = ["lsoa21_code", "imd_rank", "imd_decile", "crime_rank", "crime_decile", "lsoa11_codes", "method"]
    return pd.concat([single[cols], agg[cols]], ignore_index=True).sort_values("lsoa21_code", ignore_index=True)
