"""The warehouse built from the synthetic fixture tree: figures, areas, coverage, safety."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.cli import main
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.pipeline.build import build
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
    assert len(rows) == len(load_manifest().sources) + 3 * len(fixtures.MONTHS)
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
