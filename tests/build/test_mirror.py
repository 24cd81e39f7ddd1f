"""Checks against the real open-data mirror (skipped when SDP_MIRROR is not set).

The recount (``recount``) reads the raw police.uk street files of a partnership's force and counts the
rows whose LSOA is one of the partnership's (its LSOA boundary file), crimes and anti-social behaviour
apart; the build's figures (``export crime``) must equal it.  Tests run it for County Durham, Middlesbrough
and Sunderland, each from its own warehouse; by hand, for any partnership with a warehouse built:
``SDP_MIRROR=../shared/open-data python -m tests.build.test_mirror E06000001=/tmp/h.duckdb ...``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from shapely.ops import unary_union

from sdp_dash import warehouse as wh
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.settings import mirror
from sdp_dash.domain import crime as crime_figures
from sdp_dash.pipeline import plan as plan_module
from sdp_dash.pipeline.sources import geography

pytestmark = [pytest.mark.mirror, pytest.mark.skipif(mirror() is None, reason="SDP_MIRROR is not set")]

RECOUNTED = {"E06000047": 522044, "E06000002": None, "E08000024": None}  # Census 2021 residents where pinned


@pytest.fixture(scope="module")
def con(warehouse):
    with wh.connect(warehouse) as c:
        yield c


def partnership_lsoas(root: Path, lad_code: str) -> set[str]:
    """The partnership's LSOAs 2021, from its boundary file as the manifest names it."""
    plan = plan_module.make(root, load_manifest(), lad_code)
    want = next(w for w in plan.wanted if w.source.id == "lsoa21" and w.area == lad_code)
    doc = json.loads((root / want.source.path).read_text())
    return {f["properties"]["LSOA21CD"] for f in doc["features"]}


def recount(root: Path, lad_code: str, year: str = "2025") -> dict[str, int]:
    """Crimes and anti-social behaviour in the partnership's LSOAs in a year, from its force's raw street
    files; and the Census 2021 residents of those LSOAs (from the raw Census file)."""
    plan = plan_module.make(root, load_manifest(), lad_code)
    force = next(f for f in plan.forces if f.pfa_code == plan.partnership.force_code)
    lsoas = partnership_lsoas(root, lad_code)
    out = {"all_crime": 0, "anti_social_behaviour": 0, "months": 0, "lsoas": len(lsoas)}
    for path in sorted((root / force.folder).glob(f"{year}-*/{year}-*-{force.slug}-street.csv*")):
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8-sig")
        out["months"] += 1
        for row in csv.DictReader(io.StringIO(text)):
            if row["LSOA code"] in lsoas:
                out["anti_social_behaviour" if row["Crime type"] == "Anti-social behaviour" else "all_crime"] += 1
    census = pd.read_csv(root / "population/census21_pop.csv.gz", dtype={"lsoa21_code": str})
    out["residents"] = int(census.loc[census["lsoa21_code"].isin(lsoas), "usual_residents"].sum())
    return out


def exported(warehouse: Path, lad_code: str, year: str = "2025") -> pd.DataFrame:
    with wh.connect(warehouse) as c:
        return crime_figures.export(c, area=lad_code, start=f"{year}-01", end=f"{year}-12").set_index("measure_id")


@pytest.mark.parametrize("lad_code", list(RECOUNTED))
def test_counts_equal_a_recount_of_the_raw_files(lad_code, warehouse, partnership_warehouse):
    built = warehouse if lad_code == "E06000047" else partnership_warehouse(lad_code)
    raw = recount(mirror(), lad_code)
    got = exported(built, lad_code)
    assert raw["all_crime"] > 1000 and raw["months"] == 12
    assert got.loc["all_crime", "count"] == raw["all_crime"]
    assert got.loc["anti_social_behaviour", "count"] == raw["anti_social_behaviour"]
    assert got.loc["all_crime", "residents"] == raw["residents"] == (RECOUNTED[lad_code] or raw["residents"])
    assert got.loc["all_crime", "rate"] == pytest.approx(raw["all_crime"] / raw["residents"] * 1000, abs=0.005)
    assert got.loc["all_crime", "months_with_data"] == 12
    with wh.connect(built) as c:
        lsoas = c.execute("SELECT count(*) FROM areas WHERE area_type = 'lsoa'").fetchone()[0]
        assert lsoas == raw["lsoas"]


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


def test_gatesheads_invalid_msoa_is_repaired_to_the_union_of_its_lsoas():
    """MSOA E02001686 "Gateshead 005" is published with nested shells: the inner shell is a hole. Made
    valid (make_valid), it covers exactly its five LSOAs (buffer(0) would fill the hole)."""
    folder = mirror() / "geography/boundaries"
    msoa = {f.code: f for f in geography.read_boundaries(folder / "gateshead_E08000037_msoa2021.geojson", "MSOA21CD", "MSOA21NM")}
    repaired = msoa["E02001686"]
    assert "make_valid" in repaired.repair and repaired.geometry.is_valid
    assert [code for code, f in msoa.items() if f.repair] == ["E02001686"]
    lsoas = geography.read_boundaries(folder / "gateshead_E08000037_lsoa2021.geojson", "LSOA21CD", "LSOA21NM")
    union = unary_union([f.geometry for f in lsoas if f.name.startswith("Gateshead 005")])
    assert repaired.geometry.symmetric_difference(union).area < 1e-9


def _by_hand(args: list[str]) -> int:
    """``CODE=WAREHOUSE ...``: print the recount and the warehouse's export side by side; 1 if any differs."""
    differs = 0
    for arg in args:
        code, path = arg.split("=", 1)
        raw, got = recount(mirror(), code), exported(Path(path), code)
        pairs = [(m, raw[m], int(got.loc[m, "count"])) for m in ("all_crime", "anti_social_behaviour")]
        pairs.append(("residents", raw["residents"], int(got.loc["all_crime", "residents"])))
        differs += any(a != b for _, a, b in pairs)
        print(code, "; ".join(f"{m}: recount {a:,}, export {b:,}" for m, a, b in pairs))
    return int(bool(differs))


if __name__ == "__main__":
    sys.exit(_by_hand(sys.argv[1:]))
