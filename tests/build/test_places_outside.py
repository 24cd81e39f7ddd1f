"""The places outside the county (GeoNames cities500, every UK row: geonames_cities500_gb.csv) in the
build, and the search on the mirror's warehouse: Darlington, Newcastle, the retired DH1 3HP, Seaham and
Teesdale (issue 18, part 6)."""

from __future__ import annotations

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config.settings import mirror
from sdp_dash.domain import places
from sdp_dash.pipeline.build import build
from tests.support import fixtures


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = fixtures.write_source_tree(tmp_path_factory.mktemp("places-tree"))
    path = tmp_path_factory.mktemp("places-wh") / "sdp.duckdb"
    build(root, path, progress=False)
    with wh.connect(path) as c:
        yield c


def test_places_outside_are_built_with_their_partnership(synthetic):
    far = wh.places_outside(synthetic).set_index("name")
    assert "Seaham" not in far.index  # inside the county: the county file's
    assert "Akrotiri" not in far.index  # GeoNames counts the base areas in Cyprus as GB: outside the UK's box
    assert far.loc["Darlington", "lad_code"] == "E06000005" and far.loc["Darlington", "csp_name"] == "Darlington"
    assert far.loc["Gateshead", "pfa_code"] == "E23000007"
    assert far.loc["Newcastle", "country"] == "Northern Ireland" and far.loc["Newcastle", "lad_code"] == ""
    assert "Gatesheed" in far.loc["Gateshead", "alternatenames"]
    report = synthetic.execute(
        "SELECT item, rows FROM build_report WHERE file = 'geography/places/geonames_cities500_gb.csv'"
    ).fetchall()
    assert ("places outside County Durham", len(far)) in report
    assert ("left out: outside the United Kingdom's box", 1) in report


def test_places_outside_answer_the_search_on_the_synthetic_warehouse(synthetic):
    idx = places.search_index(
        wh.find_areas(synthetic), wh.aap_evidence(synthetic), wh.places(synthetic), wh.lsoa_parents(synthetic)
    )
    found = places.find(synthetic, idx, "gatesheed")  # an alternate name
    assert found.kind == "outside" and found.message.startswith("Gateshead is outside County Durham")
    retired = places.find(synthetic, idx, fixtures.FAKE_TERMINATED[0][0])
    assert retired.open_code and "retired" in retired.message


@pytest.fixture(scope="module")
def real(request):
    if mirror() is None:
        pytest.skip("SDP_MIRROR is not set")
    with wh.connect(request.getfixturevalue("warehouse")) as c:
        idx = places.search_index(wh.find_areas(c), wh.aap_evidence(c), wh.places(c), wh.lsoa_parents(c))
        yield c, idx


@pytest.mark.mirror
def test_mirror_darlington_and_newcastle_places_are_outside(real):
    con, idx = real
    darlington = places.find(con, idx, "Darlington")
    assert darlington.message.startswith(
        "Darlington is outside County Durham: it is covered by Darlington's community safety partnership"
    )
    assert not [h for h in darlington.hits if "Lartington" in h.label] and darlington.links
    newcastle = places.find(con, idx, "Newcastle")
    assert newcastle.message.startswith("Newcastle upon Tyne is outside County Durham")
    assert "Northumbria" in newcastle.links[0][0]
    assert not [h for h in newcastle.hits if "Barnard Castle" in h.label]


@pytest.mark.mirror
def test_mirror_retired_postcode_dh1_3hp_opens_its_small_area(real):
    con, idx = real
    row = wh.postcode(con, "DH1 3HP")
    assert row["terminated"] and row["lsoa21_code"]
    found = places.find(con, idx, "dh1 3hp")
    assert found.open_code == row["lsoa21_code"] and "retired" in found.message


@pytest.mark.mirror
def test_mirror_seaham_place_opens_the_whole_town_and_teesdale_aap_comes_first(real):
    con, idx = real
    for typed in ("Seaham", "Seaham - town"):
        first = places.find(con, idx, typed).hits[0]
        assert first.label.startswith("Seaham — town: its 2 neighbourhoods"), first.label
        assert not first.area_code.startswith("E02")  # not one of its two neighbourhoods
    teesdale = places.find(con, idx, "Teesdale").hits
    assert teesdale[0].label.startswith("Teesdale AAP — area board (approximate)")
