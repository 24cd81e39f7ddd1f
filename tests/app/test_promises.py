"""The site's promises, checked on everything a page sends, for random views.

1. No count of 1 to 4 of a sensitive measure (violence and sexual offences, robbery) appears in any
   table, chart dataset, map layer, tooltip, CSV download, metric or sentence, at any area level
   or period; a withheld count never comes with a rate that would give it back.
2. Every police.uk rate is labelled with its unit, and a period that is not 12 months with data
   says on the figure that it is annualised.
The command line's export keeps promise 1 as well.
"""

from __future__ import annotations

from unittest import mock

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue
from sdp_dash.config.months import months_between, shift_month
from sdp_dash.domain import crime
from sdp_dash.domain.figure import is_suppressed
from sdp_dash.web import cache
from tests.app.conftest import assert_ok, open_page
from tests.support import scan

SENSITIVE = ("violence_and_sexual_offences", "robbery")
COUNTY_AREAS = """SELECT DISTINCT a.area_code FROM areas a JOIN area_lsoa m ON m.area_code = a.area_code
    JOIN area_lsoa c ON c.lsoa21_code = m.lsoa21_code AND c.area_code = 'E06000047'
    WHERE a.area_type = ? ORDER BY 1 LIMIT 4"""


@pytest.fixture(scope="module")
def places(warehouse) -> dict[str, list[str]]:
    """Areas of each level with small sensitive counts in some month, plus the months of the data."""
    con = wh.connect(warehouse)
    try:
        small = con.execute(
            """SELECT c.lsoa21_code FROM crime_counts c JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code
               AND m.area_code = 'E06000047' WHERE c.crime_type IN ('Robbery', 'Violence and sexual offences')
               GROUP BY 1 HAVING min(c.n) BETWEEN 1 AND 4 ORDER BY 1 LIMIT 12"""
        ).fetchall()
        others = {t: [r[0] for r in con.execute(COUNTY_AREAS, [t]).fetchall()] for t in ("msoa", "division_2025", "aap")}
        months = wh.present_months(con)
    finally:
        con.close()
    return {"lsoa": [r[0] for r in small], **others, "months": months}


class Recorder:
    """Wraps st.download_button so the test sees every file a page offers (public API only)."""

    def __init__(self):
        self.files: list[tuple[str, bytes]] = []
        self._real = st.download_button

    def __call__(self, label, data, file_name=None, *args, **kwargs):
        payload = data() if callable(data) else data
        self.files.append((str(file_name), payload if isinstance(payload, bytes) else str(payload).encode("utf-8")))
        return self._real(label, data, file_name, *args, **kwargs)


def run_and_scan(url_path: str, measure: str, **params) -> list[str]:
    rec = Recorder()
    with mock.patch.object(st, "download_button", rec):
        at = open_page(url_path, measure=measure, **params)
        assert_ok(at)
        if url_path == "explore":
            at.selectbox(key="sdp_level").set_value("lsoa").run()
            assert_ok(at)
    found = scan.violations(scan.collect(at, rec.files), measure in SENSITIVE)
    if url_path not in {p.url_path for p in catalogue.priorities()}:  # a priority page's are in its cards' closed Details
        assert rec.files, "every view offers its data as a download"
    return found


# --- The audit's examples, each once -------------------------------------------------------------


def test_explore_map_table_at_small_area_level_withholds_small_counts(places):
    assert run_and_scan("explore", "robbery", area=places["lsoa"][0]) == []


def test_overview_monthly_table_withholds_small_counts_for_a_small_area(places):
    assert run_and_scan("home", "robbery", area=places["lsoa"][0]) == []


def test_compare_neighbourhoods(places):
    assert run_and_scan("compare", "violence_and_sexual_offences", areas=",".join(places["msoa"][:3])) == []


def test_scanner_catches_a_leak():
    """The scanner itself: a frame with a small sensitive count, or a rate beside a withheld one, is caught."""
    import pandas as pd

    leak = pd.DataFrame({"Measure": ["Robbery", "Burglary"], "Count": ["3", "3"]})
    assert scan.frame_violations("t", leak, view_sensitive=False) == ["t: row 0 column 'Count' shows '3'"]
    back = pd.DataFrame({"area_name": ["A"], "count_shown": ["fewer than 5"], "rate": [1.9]})
    assert scan.frame_violations("t", back, view_sensitive=True)
    assert scan.text_violations("t", "Robbery was 50% lower (2) than in the same months a year earlier (4).")


# --- Random views ----------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=hs.data())
def test_no_small_sensitive_count_on_any_page(places, data):
    page = data.draw(
        hs.sampled_from(["home", "explore", "compare", "being-safe", "victims", "outcomes", "deprivation"]), label="page"
    )
    level = data.draw(hs.sampled_from(["lsoa", "lsoa", "msoa", "division_2025", "aap"]), label="level")
    area = data.draw(hs.sampled_from(places[level]), label="area")
    measure = data.draw(hs.sampled_from([*SENSITIVE, "all_crime"]), label="measure")
    end = data.draw(hs.sampled_from(places["months"]), label="to")
    span = data.draw(hs.sampled_from([12, 12, 1, 3, 24]), label="months")
    params = {"area": area, "to": end}
    if span != 12:
        params["from"] = shift_month(end, -(span - 1))
    if page == "compare":
        params["areas"] = ",".join(dict.fromkeys([*([] if level == "lsoa" else [area]), *places["msoa"][:2]]))
    cache.clear()
    assert run_and_scan(page, measure, **params) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hs.data())
def test_export_never_shows_a_small_sensitive_count(con, places, data):
    area = data.draw(hs.sampled_from(places["lsoa"] + places["msoa"]))
    by = data.draw(hs.sampled_from(crime.EXPORT_BY))
    measure = data.draw(hs.sampled_from(SENSITIVE))
    end = data.draw(hs.sampled_from(places["months"]))
    start = shift_month(end, -data.draw(hs.integers(0, 23)))
    df = crime.export(con, area=area, start=start, end=end, by=by, measure_id=measure)
    rows = df[df["measure_id"].isin(SENSITIVE)]
    assert not rows["count"].dropna().astype(int).isin([1, 2, 3, 4]).any()
    withheld = rows[rows["status"] != "shown"]
    assert withheld["count"].isna().all()
    assert withheld[["rate", "lower", "upper"]].isna().all().all()


def test_export_cli_prints_the_same_withheld_counts(warehouse, places, capsys):
    from sdp_dash.cli import main

    con = wh.connect(warehouse)
    try:  # a small area with a month of 1 to 4 robberies in 2025
        (area,) = con.execute(
            """SELECT c.lsoa21_code FROM crime_counts c JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code
               AND m.area_code = 'E06000047' WHERE c.crime_type = 'Robbery' AND c.month >= DATE '2025-01-01'
               AND c.n BETWEEN 1 AND 4 ORDER BY 1 LIMIT 1"""
        ).fetchone()
    finally:
        con.close()
    assert (
        main(
            [
                "export",
                "crime",
                "--area",
                area,
                "--from",
                "2025-01",
                "--to",
                "2025-12",
                "--by",
                "month",
                "--measure",
                "robbery",
                "--warehouse",
                str(warehouse),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    con = wh.connect(warehouse)
    try:
        monthly = crime.monthly_figures(con, area, "robbery", "2025-01", "2025-12")
    finally:
        con.close()
    assert any(f.suppressed for f in monthly), "the chosen small area has a withheld month"
    assert "fewer than 5" in out
    for f in monthly:
        assert f.suppressed == (f.shown_count is None and f.count is not None)
        if is_suppressed(f.count, True):
            assert f.suppressed, "a small count is always withheld"


# --- Every rate labelled with its unit and period coverage ---------------------------------------


@pytest.mark.parametrize("span", [4, 12, 24])
def test_partial_and_long_periods_are_annualised_and_say_so(places, span):
    end = places["months"][-1]
    start = shift_month(end, -(span - 1))
    at = open_page("home", to=end, **({"from": start} if span != 12 else {}))
    assert_ok(at)
    text = "\n".join(c.value for c in at.caption) + "\n".join(i.value for i in at.info)
    months = months_between(start, end)
    missing = [m for m in months if m not in places["months"]]
    if span != 12 or missing:
        assert "annualised from" in text, "the figure says it is annualised"
    assert "Rate per 1,000 residents a year" in at.table[0].value.columns
