"""Issue 18, part 6: a search that knows where places are.  Places outside the county are recognised
(exact and alternate names outrank close spellings inside), a retired postcode still opens its small
area, a town opens the whole town, and results are in plain words with exact names first.

Synthetic frames and an in-memory warehouse; tests/build/test_places_outside.py repeats the cases on the
open-data mirror."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sdp_dash.domain import places

COUNTY = "E06000047"
AREAS = pd.DataFrame(
    [
        (COUNTY, "County Durham", "county", None, "County"),
        ("AAP-teesdale-aap", "Teesdale AAP", "aap", COUNTY, "AAP"),
        ("AAP-east-durham-aap", "East Durham AAP", "aap", COUNTY, "AAP"),
        ("E05000010", "Upper Teesdale", "division_2025", COUNTY, "Electoral division"),
        ("E05000011", "Lower Teesdale", "division_2025", COUNTY, "Electoral division"),
        ("E05000012", "Seaham", "division_2025", COUNTY, "Electoral division"),
        ("E05000013", "Murton", "division_2025", COUNTY, "Electoral division"),
        ("E02000001", "Barnard Castle & Upper Teesdale", "msoa", COUNTY, "MSOA"),
        ("E02000002", "Seaham Central & South", "msoa", COUNTY, "MSOA"),
        ("E02000003", "Seaham Northlea & Westlea", "msoa", COUNTY, "MSOA"),
        ("E01000001", "Barnard Castle & Upper Teesdale (County Durham 067A)", "lsoa", COUNTY, "LSOA"),
        ("E01000002", "Seaham Central & South (County Durham 017A)", "lsoa", COUNTY, "LSOA"),
        ("E01000003", "Seaham Northlea & Westlea (County Durham 016A)", "lsoa", COUNTY, "LSOA"),
    ],
    columns=["area_code", "area_name", "area_type", "parent_code", "type_label"],
)
PARENTS = pd.DataFrame(
    [("E01000001", "E02000001", "Barnard Castle & Upper Teesdale", "Upper Teesdale", "E05000010", "Teesdale AAP"),
     ("E01000002", "E02000002", "Seaham Central & South", "Seaham", "E05000012", "East Durham AAP"),
     ("E01000003", "E02000003", "Seaham Northlea & Westlea", "Murton", "E05000013", "East Durham AAP")],
    columns=["lsoa21_code", "msoa_code", "msoa_name", "division_name", "division_code", "aap_name"],
)  # fmt: skip
TOWNS = pd.DataFrame(
    [("1", "Seaham", -1.34, 54.84, 22373, "E01000002"), ("2", "Barnard Castle", -1.92, 54.54, 7040, "E01000001"),
     ("3", "Lartington", -1.97, 54.55, 0, "E01000001")],
    columns=["geonameid", "name", "longitude", "latitude", "population", "lsoa21_code"],
)  # fmt: skip
EVIDENCE = pd.DataFrame(columns=["aap_code", "aap_name", "division_code", "division_name", "confidence", "evidence"])
OUTSIDE = pd.DataFrame(
    [("2651513", "Darlington", "Darlingtonas|XVG", 92363, "England", "E06000005", "Darlington", "Darlington",
      "E23000008", "Durham"),
     ("2641673", "Newcastle upon Tyne", "NCL|Newcastle|Newcastle-on-Tyne", 300125, "England", "E08000021",
      "Newcastle upon Tyne", "Newcastle upon Tyne", "E23000007", "Northumbria"),
     ("6695976", "Newcastle", "An Caislean Nua", 7444, "Northern Ireland", "", "", "", "", ""),
     ("2641674", "Newcastle under Lyme", "Newcastle-under-Lyme", 127727, "England", "E07000195",
      "Newcastle-under-Lyme", "Newcastle-under-Lyme", "E23000015", "Staffordshire"),
     ("2650225", "Edinburgh", "Dun Eideann", 514990, "Scotland", "", "", "", "", "")],
    columns=["geonameid", "name", "alternatenames", "population", "country", "lad_code", "lad_name", "csp_name",
             "pfa_code", "pfa_name"],
)  # fmt: skip


@pytest.fixture
def index():
    return places.search_index(AREAS, EVIDENCE, TOWNS, PARENTS)


@pytest.fixture
def con():
    """An in-memory warehouse holding only what the search reads."""
    c = duckdb.connect()
    c.register("outside_df", OUTSIDE)
    c.execute("CREATE TABLE places_outside AS SELECT * FROM outside_df")
    areas = AREAS[["area_code", "area_name"]]  # noqa: F841 - read by DuckDB
    c.execute("CREATE TABLE areas AS SELECT * FROM areas")
    c.execute(
        """CREATE TABLE postcodes AS SELECT * FROM (VALUES
             ('DH1 3HP', 'DH1 3', 'DH1', 'E01000002', 'terminated (ONS postcode lookup): ...', true),
             ('DH1 9ZZ', 'DH1 9', 'DH1', NULL, 'terminated (ONS postcode lookup); no longer in use', true),
             ('SR7 7AA', 'SR7 7', 'SR7', 'E01000003', 'grid reference inside the LSOA 2021 boundary', false))
           AS t(postcode, sector, district, lsoa21_code, method, terminated)"""
    )
    yield c
    c.close()


def test_darlington_is_outside_the_county_not_lartington(con, index):
    before = places.search(index, "Darlington")
    assert list(before["name"]) == ["Lartington"]  # the look-alike the old search offered
    found = places.find(con, index, "darlington")
    assert found.kind == "outside" and found.open_code is None
    assert found.message.startswith(
        "Darlington is outside County Durham: it is covered by Darlington's community safety partnership"
    )
    assert not found.hits, [h.label for h in found.hits]
    assert found.links and found.links[0][1].endswith("?area=E06000047#at-a-glance")
    assert "Darlington" in found.links[0][0]


def test_newcastle_names_newcastle_upon_tyne_first_and_not_barnard_castle(con, index):
    found = places.find(con, index, "Newcastle")
    assert found.kind == "outside"
    assert found.message.startswith("Newcastle upon Tyne is outside County Durham")  # an alternate name, largest first
    assert "Newcastle (Northern Ireland)" in found.message
    assert "Newcastle under Lyme" not in found.message  # a longer name is not the same place
    assert not [h for h in found.hits if "Barnard Castle" in h.label]
    assert "Northumbria" in found.links[0][0]


def test_outside_places_in_words():
    assert places.outside_sentence(OUTSIDE.iloc[4].to_dict()) == (
        "Edinburgh is outside County Durham, in Scotland: this site covers County Durham."
    )
    assert places.comparator_links(OUTSIDE.iloc[4].to_dict()) == ()
    assert places.comparator_links(OUTSIDE.iloc[3].to_dict()) == ()  # Staffordshire: no figures here
    found = places.search_outside(places.outside_index_from(OUTSIDE), "newcastle-on-tyne")
    assert list(found["name"]) == ["Newcastle upon Tyne"]


def test_a_place_inside_is_never_sent_outside(con, index):
    found = places.find(con, index, "Seaham")
    assert found.kind == "text" and found.hits[0].label.startswith("Seaham — town")


def test_a_retired_postcode_opens_the_small_area_the_ons_lookup_gives_it(con, index):
    found = places.find(con, index, "dh13hp")
    assert found.open_code == "E01000002"
    assert "retired" in found.message and "Seaham Central & South (County Durham 017A)" in found.message
    assert "DH1" not in found.message  # the postcode is not repeated back
    no_area = places.find(con, index, "DH1 9ZZ")
    assert no_area.open_code is None and "no longer in use" in no_area.message


def test_a_town_in_two_neighbourhoods_opens_the_smallest_area_holding_both_and_says_so(index):
    seaham = places.search(index, "Seaham").iloc[0]
    assert seaham["area_code"] == "AAP-east-durham-aap"  # the divisions split it: the area board holds both
    assert "2 neighbourhoods (Seaham Central & South, Seaham Northlea & Westlea)" in seaham["label"]
    assert "area board East Durham AAP (approximate)" in seaham["label"]
    # "Seaham - town" (a result's own words typed back) is the town, not one of its neighbourhoods.
    assert places.search(index, "Seaham - town").iloc[0]["label"] == seaham["label"]
    # A town in one neighbourhood opens it.
    barney = places.search(index, "Barnard Castle").iloc[0]
    assert barney["area_code"] == "E02000001" and "opens the neighbourhood Barnard Castle & Upper Teesdale" in barney["label"]


def test_a_town_whose_neighbourhoods_share_a_division_opens_the_division():
    parents = PARENTS.assign(division_name="Seaham", division_code="E05000012")
    label = places.search(places.search_index(AREAS, EVIDENCE, TOWNS, parents), "Seaham").iloc[0]
    assert label["area_code"] == "E05000012" and "opens the electoral division Seaham" in label["label"]


def test_results_in_plain_words_exact_names_first(index):
    found = places.search(index, "Teesdale")
    assert found.iloc[0]["label"].startswith("Teesdale AAP — area board (approximate)")
    labels = " ".join(places.search_index(AREAS, EVIDENCE, TOWNS, PARENTS)["label"])
    for jargon in ("MSOA", "LSOA", "Area Action Partnership"):
        assert jargon not in labels
    for words in ("— neighbourhood,", "— small area,", "— area board (approximate)", "— electoral division"):
        assert words in labels
