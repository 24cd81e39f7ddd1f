"""Postcodes: normalising what people type, and placing grid references in LSOA boundaries."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import box

from sdp_dash.domain.places import normalise_postcode, postcode_kind
from sdp_dash.pipeline.sources import postcodes
from sdp_dash.pipeline.sources.geography import Feature


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("dh1 1ab", "DH1 1AB"),
        ("DH11AB", "DH1 1AB"),
        ("  sr7   7aa ", "SR7 7AA"),
        ("NE391AA", "NE39 1AA"),
        ("DH1", None),
        ("hello", None),
    ],
)
def test_normalise_in_both_layers(typed, expected):
    assert postcodes.normalise(typed) == expected
    assert normalise_postcode(typed) == expected


def test_sector_and_district_are_recognised():
    assert postcode_kind("sr7 7") == ("sector", "SR7 7")
    assert postcode_kind("SR7") == ("district", "SR7")
    assert postcode_kind("dl14") == ("district", "DL14")
    assert postcode_kind("seaham") is None
    assert postcodes.parts("SR7 7AA") == ("SR7 7", "SR7")


def test_place_uses_the_grid_reference_then_the_nearest_boundary_and_keeps_terminated():
    from pyproj import Transformer

    to_osgb = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    feats = [
        Feature("E01000001", "A", box(-1.60, 54.70, -1.58, 54.72)),
        Feature("E01000002", "B", box(-1.58, 54.70, -1.56, 54.72)),
    ]
    pts = {"DH1 1AA": (-1.59, 54.71), "DH1 1AB": (-1.57, 54.71), "DH1 1AD": (-1.5599, 54.7101)}  # last: 7 m outside
    pts["DH1 1AD"] = (-1.5599 + 0.0002, 54.7101)
    rows = []
    for pc, (lon, lat) in pts.items():
        e, n = to_osgb.transform(lon, lat)
        rows.append({"postcode": pc, "easting": e, "northing": n, "quality": "10", "lad_code": "E06000047"})
    ons = pd.DataFrame([{"postcode": "DH1 9ZZ", "terminated": True, "lsoa11_code": "E01000001", "lad_code": "E06000047"}])
    lookup = pd.DataFrame({"lsoa11_code": ["E01000001"], "lsoa21_code": ["E01000001"]})
    table, counts = postcodes.place(pd.DataFrame(rows), ons, feats, lookup, lad_code="E06000047")
    got = table.set_index("postcode")
    assert got.loc["DH1 1AA", "lsoa21_code"] == "E01000001" and got.loc["DH1 1AA", "method"] == postcodes.METHOD_INSIDE
    assert got.loc["DH1 1AB", "lsoa21_code"] == "E01000002"
    assert got.loc["DH1 1AD", "method"] == postcodes.METHOD_NEAREST
    # A retired postcode keeps the small area the ONS lookup gives it (its LSOA 2011, carried to 2021).
    assert bool(got.loc["DH1 9ZZ", "terminated"]) and got.loc["DH1 9ZZ", "lsoa21_code"] == "E01000001"
    assert got.loc["DH1 9ZZ", "method"] == postcodes.METHOD_TERMINATED_ONS
    assert got.loc["DH1 1AB", "sector"] == "DH1 1" and got.loc["DH1 1AB", "district"] == "DH1"
    assert counts["terminated postcodes kept"] == 1
    assert counts["terminated postcodes placed by the ONS best fit"] == 1
