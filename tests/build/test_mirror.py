"""Checks against the real open-data mirror (skipped when SDP_MIRROR is not set)."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config.settings import mirror
from sdp_dash.domain import crime as crime_figures

pytestmark = [pytest.mark.mirror, pytest.mark.skipif(mirror() is None, reason="SDP_MIRROR is not set")]


@pytest.fixture(scope="module")
def con(warehouse):
    with wh.connect(warehouse) as c:
        yield c


def county_lsoas() -> set[str]:
    doc = json.loads((mirror() / "geography/boundaries/county_durham_E06000047_lsoa2021.geojson").read_text())
    return {f["properties"]["LSOA21CD"] for f in doc["features"]}


def test_county_2025_counts_equal_the_raw_files(con):
    lsoas = county_lsoas()
    assert len(lsoas) == 330
    crime = asb = 0
    for path in sorted((mirror() / "police-uk").glob("2025-*/2025-*-durham-street.csv.gz")):
        for row in csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))):
            if row["LSOA code"] in lsoas:
                if row["Crime type"] == "Anti-social behaviour":
                    asb += 1
                else:
                    crime += 1
    got = crime_figures.export(con, area="E06000047", start="2025-01", end="2025-12").set_index("measure_id")
    assert got.loc["all_crime", "count"] == crime
    assert got.loc["anti_social_behaviour", "count"] == asb
    assert got.loc["all_crime", "residents"] == 522044
    assert got.loc["all_crime", "rate"] == pytest.approx(crime / 522044 * 1000, abs=0.005)
    assert got.loc["all_crime", "months_with_data"] == 12


def test_population_and_areas(con):
    counts = dict(con.execute("SELECT area_type, count(*) FROM areas GROUP BY 1").fetchall())
    assert counts["lsoa"] == 330 and counts["msoa"] == 65 and counts["division_2013"] == 63
    assert counts["division_2025"] == 51 and counts["aap"] == 14
    assert wh.area(con, "E06000047")["population"] == 522044
    for area_type in ("aap", "division_2013", "division_2025", "msoa", "lsoa"):
        total = con.execute("SELECT sum(population) FROM areas WHERE area_type = ?", [area_type]).fetchone()[0]
        assert total == 522044, area_type
    # Each county LSOA is in exactly one area of each type.
    dup = con.execute(
        """SELECT count(*) FROM (SELECT m.lsoa21_code, a.area_type FROM area_lsoa m JOIN areas a USING (area_code)
           WHERE a.area_type IN ('aap','division_2013','division_2025','msoa') GROUP BY ALL HAVING count(*) > 1)"""
    ).fetchone()[0]
    assert dup == 0


def test_divisions_by_centroid_agree_with_the_published_best_fit(con):
    with open(mirror() / "geography/aap/aap_lsoa2021_bestfit.csv", newline="") as f:
        expected = {r["lsoa21_code"]: r["division_2013_code"] for r in csv.DictReader(f)}
    got = dict(
        con.execute(
            """SELECT m.lsoa21_code, m.area_code FROM area_lsoa m JOIN areas a USING (area_code)
               WHERE a.area_type = 'division_2013'"""
        ).fetchall()
    )
    assert got == expected


def test_coverage_reports_the_2024_gap(con):
    summary = wh.coverage_summary(con).set_index("force")
    for force in ("durham", "cleveland", "northumbria"):
        assert summary.loc[force, "missing_months"] == "2024-05..2024-12"
        assert summary.loc[force, "months_present"] == 16


def test_force_comparators_use_census_population(con):
    durham = wh.area(con, "E23000008")
    assert durham["population"] == 522044 + 107803  # County Durham + Darlington LSOA sums
