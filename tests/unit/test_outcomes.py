"""What happened next (domain/outcomes.py and pipeline/sources/outcomes.py) on tiny inputs and the test warehouse."""

from __future__ import annotations

import duckdb
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import codes
from sdp_dash.domain import outcomes
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.sources import outcomes as outcome_groups
from tests.support import north_east as ne


@pytest.mark.parametrize(
    ("counts", "sensitive", "hidden"),
    [
        ([3, 10, 20], False, [False, False, False]),  # not sensitive: nothing withheld
        ([0, 10, 20], True, [False, False, False]),  # a true zero is shown
        ([3, 10, 20], True, [True, True, False]),  # one small count: the next smallest goes with it
        ([1, 1, 20, 30], True, [True, True, True, False]),  # two 1s (sum 2 = 2 cells) would be known: a third goes
        ([2, 3, 40], True, [True, True, False]),  # 2 + 3 = 5: each could be 1..4
        ([4, 0, 0], True, [True, False, False]),  # nothing else to hide behind (the total is withheld then)
    ],
)
def test_withheld_cells_can_never_be_worked_out(counts, sensitive, hidden):
    assert outcomes.withheld(counts, sensitive) == hidden


def test_the_outcome_table_loads_and_every_category_is_in_one_group():
    g = outcome_groups.load()
    cats = [c for c, _, _ in g.category_rows()]
    assert len(cats) == len(set(cats))
    assert {"Awaiting court outcome", "Status update unavailable", "Under investigation"} <= set(g.still_open)
    assert g.blank_group in {x.id for x in g.groups}
    assert g.no_outcome_types == ("Anti-social behaviour",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'blank_group = "a"\nextra = 1\n[[group]]\nid = "a"\nlabel = "A"\ndescription = "d"\ncategories = ["X"]\n',
            "unknown top-level",
        ),
        (
            'blank_group = "a"\n[[group]]\nid = "a"\nlabel = "A"\ndescription = "d"\ncategories = ["X"]\n'
            '[[group]]\nid = "b"\nlabel = "B"\ndescription = "d"\ncategories = ["X"]\n',
            "also in",
        ),
        ('blank_group = "z"\n[[group]]\nid = "a"\nlabel = "A"\ndescription = "d"\ncategories = ["X"]\n', "blank_group"),
        ('blank_group = "a"\n[[group]]\nid = "a"\nlabel = ""\ndescription = "d"\ncategories = ["X"]\n', "label"),
        (
            'blank_group = "a"\nstill_open = ["Y"]\n[[group]]\nid = "a"\nlabel = "A"\ndescription = "d"\ncategories = ["X"]\n',
            "still_open",
        ),
    ],
)
def test_a_mistake_in_the_outcome_table_is_one_line(tmp_path, text, problem):
    path = tmp_path / "outcomes.toml"
    path.write_text(text)
    with pytest.raises(SourceError, match=problem) as err:
        outcome_groups.load(path)
    assert "\n" not in str(err.value)


def test_an_unknown_outcome_category_stops_the_build_naming_the_file():
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE crime_events AS SELECT * FROM (VALUES
           ('durham', DATE '2025-01-01', 'Burglary', 'E01000001', 'Investigation complete; no suspect identified', 'a.csv'),
           ('durham', DATE '2025-01-01', 'Burglary', 'E01000001', 'Sent to the moon', 'b.csv'))
           t(force, month, crime_type, lsoa21_code, outcome, source_file)"""
    )
    con.execute("CREATE TABLE lsoa_force AS SELECT 'E01000001' AS lsoa21_code, 'durham' AS force")
    with pytest.raises(SourceError, match="b.csv: 1 crime.*'Sent to the moon'"):
        outcome_groups.derive(con)


def test_a_blank_outcome_counts_as_no_update_and_still_open():
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE crime_events AS SELECT * FROM (VALUES
           ('durham', DATE '2025-01-01', 'Burglary', 'E01000001', NULL, 'a.csv'),
           ('durham', DATE '2025-01-01', 'Anti-social behaviour', 'E01000001', NULL, 'a.csv'),
           ('durham', DATE '2025-01-01', 'Burglary', 'E01000001', 'Awaiting court outcome', 'a.csv'))
           t(force, month, crime_type, lsoa21_code, outcome, source_file)"""
    )
    con.execute("CREATE TABLE lsoa_force AS SELECT 'E01000001' AS lsoa21_code, 'durham' AS force")
    outcome_groups.derive(con)
    rows = con.execute("SELECT outcome, group_id, still_open, n FROM outcome_counts ORDER BY outcome").fetchall()
    assert rows == [("", "no_update", True, 1), ("Awaiting court outcome", "charged", True, 1)]


def test_county_shares_add_up_and_carry_wilson_intervals(con):
    o = outcomes.outcomes(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    county = o.area
    assert [p.area_code for p in o.profiles] == [codes.COUNTY, ne.DURHAM_FORCE]
    assert sum(s.count for s in county.shares) == county.total > 0
    assert abs(sum(s.share for s in county.shares) - 1) < 1e-9
    for s in county.shares:
        lo, hi = s.interval
        assert lo <= s.share <= hi
    # The same crimes as the police.uk figure for the measure.
    counts = wh.counts_by_measure(con, codes.COUNTY, "2025-01", "2025-12", kind="all").set_index("measure_id")["count"]
    assert county.total == counts["all_crime"]
    assert "Recent months are incomplete" in o.completeness
    assert o.comparisons[(codes.COUNTY, "charged")]["force"] in ("higher", "similar", "lower")


def test_an_area_is_compared_with_the_county_and_the_force(con):
    aap = con.execute("SELECT area_code FROM areas WHERE area_type = 'aap' ORDER BY 1 LIMIT 1").fetchone()[0]
    o = outcomes.outcomes(con, aap, "all_crime", "2025-01", "2025-12")
    assert [p.area_code for p in o.profiles] == [aap, codes.COUNTY, ne.DURHAM_FORCE]
    table = outcomes.table(o)
    assert set(table["Compared with the rest of the county"]) - {""} <= {"higher", "similar", "lower", "not compared"}
    assert len(table) == 3 * len(o.groups)


def test_sensitive_small_counts_are_never_shown_anywhere(con):
    lsoas = [r[0] for r in con.execute("SELECT lsoa21_code FROM area_lsoa WHERE area_code = ?", [codes.COUNTY]).fetchall()]
    for code in lsoas[:6]:
        o = outcomes.outcomes(con, code, "violence_and_sexual_offences", "2025-01", "2025-12")
        for p in o.profiles:
            for s in p.shares:
                if 0 < s.count < 5:
                    assert s.hidden and s.share is None and s.count_text == "fewer than 5"
            visible = [s.count for s in p.shares if not s.hidden]
            hidden = [s.count for s in p.shares if s.hidden]
            assert len(hidden) != 1, "a single withheld cell could be worked out from the total"
            assert p.total_hidden or sum(visible) + sum(hidden) == p.total
        df = outcomes.frame(o)
        assert not ((df["count"].notna()) & (df["count"] < 5) & (df["count"] > 0)).any()
        for m in o.months:
            if m.shown:
                assert not (0 < m.still_open < 5 or 0 < m.total - m.still_open < 5)


def test_anti_social_behaviour_has_no_outcomes(con):
    o = outcomes.outcomes(con, codes.COUNTY, "anti_social_behaviour", "2025-01", "2025-12")
    assert o.no_outcomes and "no outcome" in o.sentence
