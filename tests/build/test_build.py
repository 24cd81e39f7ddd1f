"""The warehouse built from the synthetic fixture tree: figures, areas, coverage, safety."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.cli import main
from sdp_dash.config import partnership
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.manifest import slug
from sdp_dash.errors import SourceError
from sdp_dash.pipeline import plan as plan_module
from sdp_dash.pipeline.build import build
from sdp_dash.pipeline.sources import geography
from sdp_dash.pipeline.sources.common import sha256
from tests.support import fixtures


@pytest.fixture
def tree(tmp_path) -> Path:
    return fixtures.write_source_tree(tmp_path / "src")


@pytest.fixture
def built(tree, tmp_path) -> Path:
    path = tmp_path / "sdp.duckdb"
    build(tree, path, progress=False)
    return path


def raw_rows(root: Path, force_folder: str):
    """Every data row of a force's street files, read independently with the csv module."""
    for path in sorted((root / force_folder).glob("*/*-street.csv*")):
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
        yield from csv.DictReader(io.StringIO(text))


def test_county_counts_equal_an_independent_count_of_the_raw_files(tree, built):
    county = {x.code for x in fixtures.LSOAS if x.lad == fixtures.COUNTY}
    rows = [r for r in raw_rows(tree, "police-uk") if r["LSOA code"] in county and r["Month"].startswith("2025")]
    expected_crime = sum(r["Crime type"] != "Anti-social behaviour" for r in rows)
    expected_asb = sum(r["Crime type"] == "Anti-social behaviour" for r in rows)
    assert expected_crime > 0 and expected_asb > 0
    with wh.connect(built) as con:
        got = wh.counts_by_measure(con, "E06000047", "2025-01", "2025-03").set_index("measure_id")["count"]
    assert got["all_crime"] == expected_crime
    assert got["anti_social_behaviour"] == expected_asb


def test_every_measure_adds_up_its_categories(built):
    with wh.connect(built) as con:
        by_type = wh.counts_by_type(con, "E06000047", "2024-01", "2025-03").set_index("crime_type")["count"]
        key = wh.counts_by_measure(con, "E06000047", "2024-01", "2025-03").set_index("measure_id")["count"]
        theft_types = wh.measures(con).set_index("measure_id").loc["theft", "crime_types"]
    assert key["all_crime"] == by_type.drop("Anti-social behaviour").sum()
    assert key["theft"] == by_type[list(theft_types)].sum()


def test_area_model(built):
    with wh.connect(built) as con:
        areas = wh.areas(con).set_index("area_code")
        assert areas.loc["E06000047", "population"] == sum(x.population for x in fixtures.LSOAS if x.lad == fixtures.COUNTY)
        # LSOA in grid column 2 lies in the 2013 division 'Alpha and Beta' but the 2025 division 'Beta, Gamma & Delta'.
        members = con.execute("SELECT area_code FROM area_lsoa WHERE lsoa21_code = 'E01090003' ORDER BY 1").fetchall()
        codes = {m[0] for m in members}
        assert {"E05090001", "E05190002", "E02009002", "AAP-alpha-aap", "E06000047", "E23000008"} <= codes
        assert areas.loc["AAP-alpha-aap", "approximate"]
        assert areas.loc["E01090003", "area_name"] == "Beta & Gamma Village (County Durham 002A)"
        # Darlington and the other forces are comparators, never inside the county.
        assert areas.loc["E06000005", "parent_code"] == "E23000008"
        county = {r[0] for r in con.execute("SELECT lsoa21_code FROM area_lsoa WHERE area_code = 'E06000047'").fetchall()}
        assert county == {x.code for x in fixtures.LSOAS if x.lad == fixtures.COUNTY}


def test_an_areas_figures_come_from_its_own_force(built):
    # Durham's fixture files hold one crime a month located in Gateshead (Northumbria's area).
    with wh.connect(built) as con:
        got = wh.counts_by_measure(con, "E08000037", "2025-01", "2025-03").set_index("measure_id")["count"]
    gates = next(x for x in fixtures.LSOAS if x.lad == "E08000037")
    expected = sum(
        fixtures.street_count(gates, t, m)
        for m in ("2025-01", "2025-02", "2025-03")
        for t in fixtures.CRIME_TYPES
        if t != "Anti-social behaviour"
    )
    assert got["all_crime"] == expected


def test_coverage_lists_the_gap(built):
    with wh.connect(built) as con:
        summary = wh.coverage_summary(con).set_index("force")
        assert summary.loc["durham", "missing_months"] == "2024-03..2024-12"
        assert summary.loc["durham", "months_present"] == 5
        assert wh.missing_months(con, "E06000047", "2024-01", "2024-04") == ["2024-03", "2024-04"]
        monthly = wh.monthly_counts(con, "E06000047", "all_crime", "2024-01", "2024-04")
        assert monthly["status"].tolist() == ["present", "present", "missing", "missing"]
        assert monthly["count"].isna().tolist() == [False, False, True, True]


def test_merged_lsoa_takes_the_population_weighted_imd_rank(built):
    with wh.connect(built) as con:
        rank, method = con.execute("SELECT imd_rank, method FROM deprivation WHERE lsoa21_code = 'E01090004'").fetchone()
    assert rank == 10250  # parents ranked 10000 and 10500 with equal populations
    assert "weighted" in method


def test_sources_table_has_a_checksum_and_licence_for_every_file(tree, built):
    with wh.connect(built) as con:
        rows = con.execute("SELECT file, sha256, licence, url, publisher FROM sources").fetchall()
    assert len(rows) == len(plan_module.make(tree, load_manifest(), "E06000047").wanted) + 3 * len(fixtures.MONTHS)
    for file, digest, licence, _url, publisher in rows:
        assert digest == sha256(tree / file)
        assert licence and publisher


def test_unchanged_inputs_skip_the_build(tree, built):
    before = sha256(built)
    report = build(tree, built, progress=False)
    assert report.mode == "unchanged" and report.files_read == 0
    assert sha256(built) == before


def test_adding_a_month_reads_only_that_month(tree, built):
    fixtures.write_street_file(tree, "durham", "2025-04")
    report = build(tree, built, progress=False)
    assert report.mode == "incremental" and report.files_read == 1
    with wh.connect(built) as con:
        assert wh.missing_months(con, "E06000047", "2025-01", "2025-04") == []
        assert wh.latest_month(con) == "2025-04"
    # Removing it again takes its rows out.
    shutil.rmtree(tree / "police-uk" / "2025-04")
    report = build(tree, built, progress=False)
    assert report.mode == "incremental" and report.files_read == 0
    with wh.connect(built) as con:
        assert con.execute("SELECT count(*) FROM crime_events WHERE month = '2025-04-01'").fetchone()[0] == 0


def test_a_failure_mid_build_leaves_the_previous_warehouse_serving(tree, built):
    before = sha256(built)
    fixtures.write_street_file(tree, "durham", "2025-04")

    def boom(step: str) -> None:
        if step == "crime tables":
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        build(tree, built, progress=False, fail_after=boom)
    assert sha256(built) == before
    assert [p.name for p in built.parent.iterdir() if "building" in p.name] == []
    with wh.connect(built) as con:
        assert wh.latest_month(con) == "2025-03"


def test_export_command_prints_csv(built, capsys):
    assert (
        main(["export", "crime", "--area", "E06000047", "--from", "2025-01", "--to", "2025-03", "--warehouse", str(built)]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "area_code,area_name,measure_id,measure,period_from,period_to,months_with_data,"
        "count,residents,rate,lower,upper,unit,status,note"
    )
    assert "per 1,000 residents a year" in out[1] and "annualised from 3 months" in out[1]
    assert len(out) == 1 + 5
    for by, rows in (("type", 14), ("month", 3), ("lsoa", 6)):
        assert (
            main(
                [
                    "export",
                    "crime",
                    "--area",
                    "E06000047",
                    "--from",
                    "2025-01",
                    "--to",
                    "2025-03",
                    "--by",
                    by,
                    "--warehouse",
                    str(built),
                ]
            )
            == 0
        )
        assert len(capsys.readouterr().out.splitlines()) == 1 + rows


@pytest.mark.parametrize(
    "args",
    [
        ["export", "crime", "--area", "NOPE", "--from", "2025-01", "--to", "2025-03"],
        ["export", "crime", "--area", "E06000047", "--from", "2025-03", "--to", "2025-01"],
        ["export", "crime", "--area", "E06000047", "--from", "2025-01", "--to", "2025-03", "--by", "month", "--measure", "x"],
    ],
)
def test_export_bad_arguments_give_one_line(built, capsys, args):
    assert main([*args, "--warehouse", str(built)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_coverage_command(built, capsys):
    assert main(["coverage", "--warehouse", str(built)]) == 0
    out = capsys.readouterr().out
    assert "Durham Constabulary: 5 months present, 2024-01..2025-03; missing: 2024-03..2024-12" in out


# --- Sources by partnership (issue 20) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("County Durham", "county_durham"),
        ("Stockton-on-Tees", "stockton_on_tees"),
        ("Newcastle upon Tyne", "newcastle_upon_tyne"),
    ],
)
def test_an_authoritys_file_name(name, expected):
    assert slug(name) == expected
    lsoa = load_manifest().source("lsoa21")
    assert lsoa.path_for("E06000004", expected) == f"geography/boundaries/{expected}_E06000004_lsoa2021.geojson"
    assert load_manifest().source("la_names").path_for("E06000004", expected) == load_manifest().source("la_names").path


def _files(tree: Path, code: str) -> set[str]:
    return {w.source.path.rsplit("/", 1)[-1] for w in plan_module.make(tree, load_manifest(), code).wanted}


def test_each_partnership_reads_its_own_files_and_its_forces_outlines(tree):
    durham, boro = _files(tree, "E06000047"), _files(tree, "E06000002")
    assert {"county_durham_E06000047_lsoa2021.geojson", "darlington_E06000005_lsoa2021.geojson"} <= durham
    assert {"county_durham_E06000047_wards2022.geojson", "aap_lsoa2021_bestfit.csv"} <= durham  # listed in its file
    assert {"middlesbrough_E06000002_msoa2021.geojson", "middlesbrough_E06000002_wards2025.geojson"} <= boro
    assert "hartlepool_E06000001_lsoa2021.geojson" in boro  # Cleveland's other authorities: outlines only
    assert not [f for f in boro if "county_durham" in f or "darlington" in f or "wards2022" in f or "aap" in f]


def test_another_partnership_is_built_from_its_own_files(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("SDP_PARTNERSHIP", "E06000002")
    path = tmp_path / "boro.duckdb"
    build(tree, path, progress=False)
    with wh.connect(path) as con:
        types = dict(con.execute("SELECT area_type, label FROM area_types").fetchall())
        assert "aap" not in types and "division_2013" not in types
        assert types["division_2025"] == "Ward (2025)" and types["county"] == "Whole area"
        whole = con.execute("SELECT area_code, area_name FROM areas WHERE area_type = 'county'").fetchall()
        assert whole == [("E06000002", "Middlesbrough")]
        outlines = {r[0] for r in con.execute("SELECT area_code FROM area_geometry WHERE area_code LIKE 'E06%'").fetchall()}
        assert outlines == {"E06000002", "E06000001"}  # its own and Cleveland's other authority with a file here
        files = {r[0] for r in con.execute("SELECT file FROM sources WHERE kind = 'reference'").fetchall()}
        assert not [f for f in files if "county_durham" in f or "aap" in f]
        mine = {x.code for x in fixtures.LSOAS if x.lad == "E06000002"}
        assert {r[0] for r in con.execute("SELECT lsoa21_code FROM area_lsoa WHERE area_code = 'E06000002'").fetchall()} == mine


# --- A publisher's invalid polygon is repaired and reported; unusable geometry is refused -----------------

MALFORMED = Path(__file__).parent / "malformed"


def test_an_invalid_polygon_is_repaired_and_reported(tree, tmp_path, capsys):
    target = tree / "geography/boundaries/county_durham_E06000047_lsoa2021.geojson"
    shutil.copyfile(MALFORMED / "lsoa_boundary_bowtie.geojson", target)  # E01090001 drawn as a bow-tie
    path = tmp_path / "repaired.duckdb"
    assert main(["build", "--source", str(tree), "--warehouse", str(path), "--quiet"]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if "E01090001" in line]
    assert len(said) == 1 and "county_durham_E06000047_lsoa2021.geojson" in said[0]
    assert "invalid polygon as published" in said[0] and "make_valid" in said[0]
    with wh.connect(path) as con:
        (item,) = con.execute("SELECT item FROM build_report WHERE item LIKE 'repaired%'").fetchone()
        shape = con.execute("SELECT geojson FROM area_geometry WHERE area_code = 'E01090001'").fetchone()[0]
    assert item.startswith("repaired: feature E01090001: invalid polygon as published") and "make_valid" in item
    assert '"MultiPolygon"' in shape  # the bow-tie's two triangles
    assert main(["coverage", "--warehouse", str(path)]) == 0
    assert "repaired: feature E01090001" in capsys.readouterr().out


def _one_feature(tmp_path: Path, geometry: dict) -> Path:
    path = tmp_path / "one.geojson"
    feature = {"type": "Feature", "properties": {"C": "E01000001", "N": "One"}, "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.mark.parametrize(
    ("geometry", "expect"),
    [
        ({"type": "Point", "coordinates": [-1.6, 54.7]}, "is not a polygon"),
        ({"type": "Polygon", "coordinates": []}, "is not a polygon"),
        (
            {"type": "Polygon", "coordinates": [[[400000, 500000], [400100, 500000], [400100, 500100], [400000, 500000]]]},
            "not in WGS84",
        ),
        (
            {"type": "Polygon", "coordinates": [[[-1.7, 54.7], [-1.69, 54.71], [-1.68, 54.72], [-1.69, 54.71], [-1.7, 54.7]]]},
            "no polygonal part",
        ),
        ({"type": "Polygon", "coordinates": "nonsense"}, "no usable geometry"),
    ],
    ids=["point", "empty", "off-the-earth", "flat", "nonsense"],
)
def test_unusable_geometry_is_refused_with_one_line(tmp_path, geometry, expect):
    with pytest.raises(SourceError) as info:
        geography.read_boundaries(_one_feature(tmp_path, geometry), "C", "N")
    assert expect in str(info.value) and "\n" not in str(info.value)


def test_a_valid_polygon_is_kept_as_published(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[-1.7, 54.7], [-1.6, 54.7], [-1.6, 54.8], [-1.7, 54.7]]]}
    (feature,) = geography.read_boundaries(_one_feature(tmp_path, square), "C", "N")
    assert feature.repair == "" and feature.geometry.is_valid


def test_a_partnership_file_naming_an_unknown_source_is_one_line(tree):
    own = replace(partnership.profile("E06000047"), sources=("divisions2013", "aap_boundaries"))
    with pytest.raises(SourceError, match="lists unknown source id 'aap_boundaries'"):
        plan_module._wanted(load_manifest(), own, {}, ())
