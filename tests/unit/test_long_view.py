"""The long view: the ONS PFA adapter (pipeline/sources/ons_pfa.py) and domain/long_view.py."""

from __future__ import annotations

import duckdb
import pytest

from sdp_dash.domain import long_view
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.sources import ons_pfa
from tests.support import fixtures

HEADER = "12 months ending,PFA,Region,Offence,Rolling year total number of offences\n"


def _load(tmp_path, text: str | None = None):
    path = fixtures.write_long_view(tmp_path) if text is None else tmp_path / "pfa.csv"
    if text is not None:
        path.write_text(text)
    con = duckdb.connect()
    n = ons_pfa.load(con, path, "pfa.csv", ("Durham", "Cleveland", "Northumbria"))
    return con, n


def test_the_table_loads_with_52_periods_per_force_and_the_odd_date_read(tmp_path):
    con, n = _load(tmp_path)
    assert n == len(fixtures.long_view_rows())
    per = dict(con.execute("SELECT pfa, count(DISTINCT period_end) FROM long_view_crime GROUP BY 1").fetchall())
    assert per["Durham"] == per["Cleveland"] == per["Northumbria"] == 52
    ends = {r[0].isoformat() for r in con.execute("SELECT DISTINCT period_end FROM long_view_crime").fetchall()}
    assert "2017-12-31" in ends and "2017-12-30" not in ends
    national = {r[0] for r in con.execute("SELECT DISTINCT pfa FROM long_view_crime WHERE NOT territorial").fetchall()}
    assert national == {"British Transport Police", "Action Fraud"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a,b\n1,2\n", "wrong header"),
        (HEADER + "15-02-2003,Durham,North East,Robbery,5\n", "not a quarter end"),
        (HEADER + "31-03-2003,Durham,North East,Robbery,five\n", "not a whole number"),
        (HEADER + "31-03-2003,Durham,North East,Robbery,5\n31-03-2003,Durham,North East,Robbery,6\n", "duplicate"),
        (HEADER + "31-03-2003,Durham,North East,Robbery,5\n", "no rows for the police force area"),
    ],
)
def test_a_bad_table_is_one_line(tmp_path, text, problem):
    with pytest.raises(SourceError, match=problem) as err:
        _load(tmp_path, text)
    assert str(err.value).startswith("pfa.csv: ") and "\n" not in str(err.value)


def test_negative_published_values_are_kept(tmp_path):
    text = HEADER + "".join(f"31-03-2003,{f},North East,Robbery,-1\n" for f in ("Durham", "Cleveland", "Northumbria"))
    con, _ = _load(tmp_path, text)
    assert con.execute("SELECT min(count) FROM long_view_crime").fetchone()[0] == -1


def test_series_cover_every_offence_but_fraud_once():
    total = long_view.SERIES[long_view.TOTAL]
    assert len(total) == len(set(total))
    assert "Fraud offences" not in total
    assert set(total) == set(fixtures.LONG_VIEW_OFFENCES) - {"Fraud offences"}
    assert long_view.series_for("violence_and_sexual_offences")[0] == "Violence and sexual offences"
    assert long_view.series_for("anti_social_behaviour")[1]


def test_the_long_view_has_52_figures_per_area_and_england_and_wales_is_the_sum_of_forces(con):
    v = long_view.long_view(con, "all_crime")
    assert v.loaded and set(v.periods.values()) == {52}
    assert list(v.periods) == ["Durham", "Cleveland", "Northumbria", long_view.NATIONAL]
    raw = con.execute(
        """SELECT sum(count) FROM long_view_crime WHERE territorial AND period_end = DATE '2018-12-31'
           AND offence <> 'Fraud offences' AND offence NOT IN ('Action Fraud', 'CIFAS', 'UK Finance')"""
    ).fetchone()[0]
    ew = v.frame[(v.frame["area"] == long_view.NATIONAL) & (v.frame["period_end"] == "2018-12-31")]["count"].iloc[0]
    assert ew == raw
    table = long_view.table(v)
    assert (table.iloc[:, -1] == "yes").sum() == 4 * 3  # June, September and December 2018 for each area
    assert "Durham force area (County Durham and Darlington)" in set(table["Area"])


def test_the_new_chart_builders_make_valid_vega_lite_specs():
    import pandas as pd

    from sdp_dash import charts

    shares = pd.DataFrame(
        {
            "outcome": ["A", "A", "B", "B"],
            "area_name": ["X", "Y"] * 2,
            "share": [0.1, 0.2, None, 0.5],
            "lower": [0.05, 0.1, None, 0.4],
            "upper": [0.2, 0.3, None, 0.6],
        }
    )
    months = pd.DataFrame(
        {"month": ["2025-01", "2025-02"], "still_open_share": [0.1, None], "lower": [0.05, None], "upper": [0.2, None]}
    )
    deciles = pd.DataFrame(
        {"imd_decile": [1, 10], "area_name": ["X", "X"], "rate": [10.0, 2.0], "lower": [8.0, 1.0], "upper": [12.0, 3.0]}
    )
    lines = pd.DataFrame(
        {
            "period_end": ["2003-03-31", "2018-12-31"],
            "area_label": ["Durham force area"] * 2,
            "count": [100, 120],
            "period": ["a", "b"],
        }
    )
    built = [
        charts.outcome_shares(shares, title="Share", description="d"),
        charts.still_open_by_month(months, title="Share", description="d"),
        charts.decile_rates(deciles, title="Rate", description="d"),
        charts.long_view_lines(lines, title="Crimes", description="d", baseline=long_view.BASELINE, baseline_label="b"),
    ]
    for chart in built:
        chart.to_dict(validate=True)
        assert charts.vega_lite(chart)["datasets"]
