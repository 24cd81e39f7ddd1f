"""ONS Census 2021 usual residents: by LSOA 2021 and age group; LA and country totals.

The mirror holds each table as the original ``.rda`` and a ``.csv.gz`` conversion; either works
(the ``.rda`` needs the optional ``rdata`` package).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from sdp_dash.errors import SourceError, quote

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
            raise SourceError(path, f"not a readable R data file ({type(exc).__name__})") from None
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
        raise SourceError(path, f"bad LSOA code {quote(df.loc[bad, 'lsoa21_code'].iloc[0])}")
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


def check_totals(census: pd.DataFrame, lsoa_lad: pd.DataFrame, published: pd.DataFrame, path: Path | str) -> None:
    """Each local authority's LSOA counts add up to its published (rounded, perturbed) total.

    Census 2021 custom-dataset cells are statistically perturbed and the published totals rounded to
    100, so a sum may differ by a little: at most 100 people or 1% (the mirror's largest gap is 308
    people, 0.24%, in Halton; the Isles of Scilly's 46 is 2.2%).  One LSOA multiplied by 1,000 is not.
    """
    sums = census.groupby("lsoa21_code", as_index=False)["usual_residents"].sum().merge(lsoa_lad, on="lsoa21_code")
    by_la = sums.groupby("lad_code")["usual_residents"].sum()
    pub = published.drop_duplicates("area_code").set_index("area_code")["population"]
    both = pd.DataFrame({"sum": by_la, "published": pub}).dropna()
    gap = (both["sum"] - both["published"]).abs()
    bad = both[gap > (both["published"] * 0.01).clip(lower=100)]
    if not bad.empty:
        code = bad.index[0]
        raise SourceError(
            path,
            f"the LSOA populations of {code} add up to {int(bad.at[code, 'sum']):,}, "
            f"its published Census 2021 total is {int(bad.at[code, 'published']):,}",
        )
