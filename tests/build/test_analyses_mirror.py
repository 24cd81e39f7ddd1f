"""Issue 12's figures recounted from the raw mirror files with plain DuckDB (``read_csv`` over the
police.uk gz files, the ONS lookup, IMD 2019 files 2 and 6 and the Census 2021 CSV), not through
the project's queries, and compared with the domain's (= the page's and the CLI's) numbers for
County Durham, January to December 2025.  Skipped without ``SDP_MIRROR``.
"""

from __future__ import annotations

import math
import tomllib

import duckdb
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import settings
from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.domain import inequality, long_view, outcomes

pytestmark = pytest.mark.mirror
COUNTY = "E06000047"
LOOKUP = "geography/lookups/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Lookup_for_England_and_Wales.csv"


@pytest.fixture(scope="module")
def mirror():
    root = settings.mirror()
    if root is None:
        pytest.skip("SDP_MIRROR is not set")
    return root


@pytest.fixture(scope="module")
def con(warehouse, mirror):
    c = wh.connect(warehouse)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw(mirror):
    """An in-memory DuckDB with views over the raw files."""
    db = duckdb.connect()
    street = str(mirror / "police-uk" / "2025-*" / "2025-*-durham-street.csv.gz")
    db.execute(f"CREATE VIEW street AS SELECT * FROM read_csv('{street}', header = true, all_varchar = true)")
    db.execute(f"CREATE VIEW lookup AS SELECT * FROM read_csv('{mirror / LOOKUP}', header = true, all_varchar = true)")
    db.execute(f"CREATE VIEW county AS SELECT DISTINCT LSOA21CD AS lsoa FROM lookup WHERE LAD22CD = '{COUNTY}'")
    return db


def test_outcome_shares_equal_a_recount_from_the_raw_files(con, raw):
    groups = tomllib.loads((PROJECT_ROOT / "data" / "outcomes.toml").read_text())
    group_of = {c: g["id"] for g in groups["group"] for c in g["categories"]}
    rows = raw.execute(
        """SELECT "Last outcome category", count(*) FROM street
           WHERE "LSOA code" IN (SELECT lsoa FROM county) AND "Crime type" <> 'Anti-social behaviour'
           GROUP BY 1"""
    ).fetchall()
    counts: dict[str, int] = {}
    for category, n in rows:
        gid = group_of.get(category or "", groups["blank_group"])
        counts[gid] = counts.get(gid, 0) + n
    total = sum(counts.values())
    o = outcomes.outcomes(con, COUNTY, "all_crime", "2025-01", "2025-12")
    assert o.area.total == total
    for s in o.area.shares:
        assert s.count == counts.get(s.group_id, 0), s.group_id
        assert math.isclose(s.share, counts.get(s.group_id, 0) / total)
    # The figures the closing note quotes.
    print({s.group_id: f"{s.share:.4f}" for s in o.area.shares}, total)


def test_imd_decile_rates_equal_a_recount_from_the_raw_files(con, raw, mirror):
    dep = mirror / "deprivation"
    raw.execute(
        f"""CREATE OR REPLACE VIEW imd AS
            SELECT "LSOA code (2011)" AS lsoa11, CAST("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)" AS BIGINT) AS rank
            FROM read_csv('{dep / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"}', header = true, all_varchar = true)"""
    )
    raw.execute(
        f"""CREATE OR REPLACE VIEW pop15 AS
            SELECT "LSOA code (2011)" AS lsoa11, CAST(replace("Total population: mid 2015 (excluding prisoners)", ',', '') AS BIGINT) AS pop
            FROM read_csv('{dep / "File_6_-_IoD2019_Population_Denominators.csv.gz"}', header = true, all_varchar = true)"""
    )
    census = mirror / "population" / "census21_pop.csv.gz"
    got = raw.execute(
        f"""WITH parents AS (
                SELECT l.LSOA21CD AS lsoa, i.rank, p.pop FROM lookup l
                JOIN imd i ON i.lsoa11 = l.F_LSOA11CD JOIN pop15 p ON p.lsoa11 = l.F_LSOA11CD
                WHERE l.LSOA21CD IN (SELECT lsoa FROM county)),
            decile AS (  -- one parent: its rank; merged: the population-weighted mean rank
                SELECT lsoa, least(10, ceil(round(sum(rank * pop) / sum(pop)) * 10 / 32844))::INT AS decile
                FROM parents GROUP BY lsoa),
            residents AS (
                SELECT lsoa21_code AS lsoa, sum(CAST(usual_residents AS BIGINT)) AS pop
                FROM read_csv('{census}', header = true, quote = '"', all_varchar = true) GROUP BY 1),
            crimes AS (
                SELECT "LSOA code" AS lsoa, count(*) FILTER (WHERE "Crime type" <> 'Anti-social behaviour') AS crime,
                       count(*) FILTER (WHERE "Crime type" = 'Anti-social behaviour') AS asb
                FROM street GROUP BY 1)
            SELECT d.decile, sum(coalesce(c.crime, 0)) AS crime, sum(coalesce(c.asb, 0)) AS asb, sum(r.pop) AS pop
            FROM decile d JOIN residents r USING (lsoa) LEFT JOIN crimes c USING (lsoa)
            GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    assert len(got) == 10
    for measure, col in (("all_crime", 1), ("anti_social_behaviour", 2)):
        q = inequality.by_decile(con, COUNTY, measure, "2025-01", "2025-12")
        page = {d: f for d, _, f in q.deciles}
        for row in got:
            f = page[row[0]]
            assert f.count == row[col] and f.population == row[3], (measure, row)
            assert math.isclose(f.rate, row[col] / row[3] * 1000, rel_tol=1e-9)
        first, last = got[0], got[-1]
        ratio = (first[col] / first[3]) / (last[col] / last[3])
        assert math.isclose(q.ratio.ratio, ratio, rel_tol=1e-9)
        print(measure, {r[0]: round(r[col] / r[3] * 1000, 1) for r in got}, f"ratio {ratio:.2f}", q.ratio.text)


def test_the_long_view_shows_52_figures_for_each_force_area(con, mirror):
    raw = duckdb.connect()
    path = mirror / "indicators" / "crime_and_community_safety" / "ons_recorded_crime_pfa_2003_2018.csv"
    per = dict(
        raw.execute(
            f"""SELECT PFA, count(DISTINCT "12 months ending") FROM read_csv('{path}', header = true, all_varchar = true)
                WHERE PFA IN ('Durham', 'Cleveland', 'Northumbria') GROUP BY 1"""
        ).fetchall()
    )
    v = long_view.long_view(con, "all_crime")
    assert per == {"Durham": 52, "Cleveland": 52, "Northumbria": 52}
    assert v.periods == {"Durham": 52, "Cleveland": 52, "Northumbria": 52, long_view.NATIONAL: 52}
    durham = v.frame[v.frame["area"] == "Durham"].set_index("period_end")["count"]
    # PROVENANCE.md's spot checks of the Durham total (fraud was still counted by forces in 2003: 833 then).
    assert durham["2016-03-31"] == 36339 and durham["2018-03-31"] == 61150 and durham["2018-12-31"] == 62393
    assert durham["2003-03-31"] == 51177 - 833
