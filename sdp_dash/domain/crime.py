"""The figures the pages show, built from ``queries`` and ``stats`` only.  No Streamlit here.

Headline counts and rates come from ``warehouse.export_crime`` itself, so the dashboard and the
command line's CSV always agree.
"""

from __future__ import annotations

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.domain import stats, words
from sdp_dash.warehouse import Con


def key_indicators(con: Con, code: str, start: str, end: str) -> pd.DataFrame:
    """The key measures for an area and period, with the change against the same months a year earlier.

    Columns: measure_id, measure, count, population, rate_per_1000, lower_95, upper_95, sensitive,
    compared_now, compared_before, p_value, sentence; plus the note on which months are compared.
    """
    ex = warehouse.export_crime(con, area=code, start=start, end=end)
    comp = comparison_months(con, code, start, end)
    sens = warehouse.measures(con).set_index("measure_id")["sensitive"]
    rows = []
    for r in ex.itertuples():
        sensitive = bool(sens.get(r.measure_id, False))
        now = _sum_months(con, code, r.measure_id, comp.current)
        before = _sum_months(con, code, r.measure_id, comp.previous)
        p = stats.change_p_value(now, before) if comp.current else float("nan")
        if not comp.current:
            sentence = f"{r.measure}: there is no data for the same months a year earlier, so no change is shown."
        elif sensitive and (0 < now < stats.SUPPRESS_BELOW or 0 < before < stats.SUPPRESS_BELOW):
            sentence = (
                f"{r.measure}: the numbers are too small to compare with a year earlier without risking identifying people."
            )
        else:
            sentence = words.change_sentence(r.measure, now, before, comp)
        rows.append(
            {
                "measure_id": r.measure_id,
                "measure": r.measure,
                "count": int(r.count),
                "population": int(r.population),
                "rate_per_1000": r.rate_per_1000,
                "lower_95": r.lower_95,
                "upper_95": r.upper_95,
                "sensitive": sensitive,
                "compared_now": now if comp.current else None,
                "compared_before": before if comp.current else None,
                "p_value": p,
                "sentence": sentence,
            }
        )
    df = pd.DataFrame(rows)
    df.attrs["comparison_note"] = comp.note()
    return df


def comparison_months(con: Con, code: str, start: str, end: str) -> words.Comparable:
    missing_now = warehouse.missing_months(con, code, start, end)
    missing_before = warehouse.missing_months(con, code, words.shift_month(start, -12), words.shift_month(end, -12))
    return words.comparable(start, end, missing_now, missing_before)


def _sum_months(con: Con, code: str, measure: str, months: tuple[str, ...]) -> int:
    if not months:
        return 0
    df = warehouse.monthly_counts(con, code, measure, months[0], months[-1])
    df = df[df["month"].isin(months)]
    return int(df["count"].fillna(0).sum())


def measure_rate(con: Con, code: str, measure: str, start: str, end: str) -> dict:
    """Count, rate per 1,000 and 95% interval of any measure (key or single category) for an area."""
    info = warehouse.area(con, code)
    monthly = warehouse.monthly_counts(con, code, measure, start, end)
    count = int(monthly["count"].fillna(0).sum())
    rate, lo, hi = stats.rate_interval(count, info["population"])
    return {
        "area_code": code,
        "area_name": info["area_name"],
        "count": count,
        "population": int(info["population"]),
        "rate": float(rate),
        "lower": float(lo),
        "upper": float(hi),
        "months_missing": int((monthly["status"] == "missing").sum()),
    }


def monthly_rates(con: Con, code: str, measure: str, start: str, end: str) -> pd.DataFrame:
    """Monthly count and rate per 1,000 residents (NaN for months with no data)."""
    info = warehouse.area(con, code)
    df = warehouse.monthly_counts(con, code, measure, start, end)
    df = df.assign(area_name=info["area_name"], population=int(info["population"]))
    df["rate_per_1000"] = df["count"].astype("Float64") / df["population"] * 1000
    df["rate_per_1000"] = df["rate_per_1000"].astype(float)
    return df


def force_comparison(con: Con, start: str, end: str, measure: str = "all_crime") -> pd.DataFrame:
    """Rate per 1,000 for the three police force areas (Durham, Cleveland, Northumbria)."""
    rows = [measure_rate(con, code, measure, start, end) for code in ("E23000008", "E23000013", "E23000007")]
    return pd.DataFrame(rows)


def types_ranked(con: Con, code: str, start: str, end: str) -> pd.DataFrame:
    """Every police.uk category for an area, highest rate first, small sensitive counts suppressed."""
    info = warehouse.area(con, code)
    df = warehouse.counts_by_type(con, code, start, end).assign(population=int(info["population"]))
    df = stats.add_rates(df)
    suppressed = df["sensitive"] & (df["count"] > 0) & (df["count"] < stats.SUPPRESS_BELOW)
    df["shown"] = [stats.suppress(int(c), bool(s)) for c, s in zip(df["count"], df["sensitive"], strict=True)]
    df.loc[suppressed, ["rate", "lower", "upper"]] = float("nan")
    return df.sort_values(["rate", "crime_type"], ascending=[False, True]).reset_index(drop=True)


def against_county(con: Con, code: str, start: str, end: str, county: str = "E06000047") -> pd.DataFrame:
    """Key measures for an area beside the county's, with higher / similar / lower from 95% intervals."""
    a = warehouse.export_crime(con, area=code, start=start, end=end)
    c = warehouse.export_crime(con, area=county, start=start, end=end).set_index("measure_id")
    sens = warehouse.measures(con).set_index("measure_id")["sensitive"]
    rows = []
    for r in a.itertuples():
        ref = c.loc[r.measure_id]
        sensitive = bool(sens.get(r.measure_id, False))
        hidden = sensitive and 0 < r.count < stats.SUPPRESS_BELOW
        result = "not compared" if hidden else stats.compare(r.lower_95, r.upper_95, ref["lower_95"], ref["upper_95"])
        rows.append(
            {
                "measure_id": r.measure_id,
                "measure": r.measure,
                "count": stats.suppress(int(r.count), sensitive),
                "rate": float("nan") if hidden else r.rate_per_1000,
                "lower": float("nan") if hidden else r.lower_95,
                "upper": float("nan") if hidden else r.upper_95,
                "county_rate": ref["rate_per_1000"],
                "county_lower": ref["lower_95"],
                "county_upper": ref["upper_95"],
                "compared": result,
            }
        )
    return pd.DataFrame(rows)


def deprivation_summary(con: Con, code: str) -> dict:
    """Population-weighted average IMD 2019 decile and Crime-domain decile of an area's LSOAs."""
    df = warehouse.deprivation_for_area(con, code)
    have = df.dropna(subset=["imd_decile"])
    out = {"lsoas": len(df), "lsoas_with_data": len(have), "imd_decile": None, "crime_decile": None, "most_deprived_20": 0}
    if len(have):
        w = have["population"].astype(float)
        out["imd_decile"] = float((have["imd_decile"] * w).sum() / w.sum())
        out["crime_decile"] = float((have["crime_decile"] * w).sum() / w.sum())
        out["most_deprived_20"] = int((have["imd_decile"] <= 2).sum())
    return out


def rate_table(df: pd.DataFrame, name: str = "Area", *, count: str = "count", decimals: int = 1) -> pd.DataFrame:
    """The accessible table under a rates chart: name, count, residents, rate and its 95% interval.

    ``df`` has area_name, population, rate, lower, upper and the ``count`` column (a number, or text
    such as "fewer than 5" where small counts are suppressed).
    """
    counts = df[count].map(lambda c: f"{c:,}" if isinstance(c, int | float) and not pd.isna(c) else str(c))
    return pd.DataFrame(
        {
            name: df["area_name"],
            "Count": counts,
            "Residents": df["population"].map("{:,}".format),
            "Rate per 1,000": df["rate"].round(decimals),
            "95% interval from": df["lower"].round(decimals),
            "95% interval to": df["upper"].round(decimals),
        }
    )
