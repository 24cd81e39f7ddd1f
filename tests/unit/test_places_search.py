"""The forgiving name search: any case, partial words, common variants, identical names told apart."""

from __future__ import annotations

import pandas as pd

from sdp_dash.domain import places

AREAS = pd.DataFrame(
    [
        ("E05000001", "Seaham", "division_2025", "E06000047", "Electoral division"),
        ("E02000001", "Seaham Central & South", "msoa", "E06000047", "MSOA"),
        ("E05000002", "Bishop Auckland Town", "division_2013", "AAP-x", "Division"),
        ("AAP-x", "Bishop Auckland and Shildon AAP", "aap", "E06000047", "AAP"),
    ],
    columns=["area_code", "area_name", "area_type", "parent_code", "type_label"],
)
TOWNS = pd.DataFrame(
    [("1", "Seaham", -1.34, 54.84, 22373, "E01000001"), ("2", "Bishop Auckland", -1.67, 54.65, 26050, "E01000002")],
    columns=["geonameid", "name", "longitude", "latitude", "population", "lsoa21_code"],
)
PARENTS = pd.DataFrame(
    [("E01000001", "E02000001", "Seaham Central & South", "Seaham", "E05000001", "East Durham AAP"),
     ("E01000002", "E02000002", "Bishop Auckland Central", "Bishop Auckland", "E05000003", "Bishop Auckland and Shildon AAP")],
    columns=["lsoa21_code", "msoa_code", "msoa_name", "division_name", "division_code", "aap_name"],
)  # fmt: skip
EVIDENCE = pd.DataFrame(columns=["aap_code", "aap_name", "division_code", "division_name", "confidence", "evidence"])


def _index():
    return places.search_index(AREAS, EVIDENCE, TOWNS, PARENTS)


def test_variants_partial_words_and_case():
    idx = _index()
    for typed, first in (
        ("seaham harbour", "Seaham — town"),
        ("SEAHAM", "Seaham — town"),
        ("bishop auck", "Bishop Auckland — town"),
    ):
        found = places.search(idx, typed)
        assert found.iloc[0]["label"].startswith(first), (typed, list(found["label"]))


def test_identical_names_are_told_apart_by_type_and_larger_area():
    labels = list(places.search(_index(), "seaham")["label"])
    assert len(labels) == len(set(labels))
    assert any("electoral division (from May 2025)" in lab for lab in labels)
    assert any("opens the neighbourhood Seaham Central & South" in lab for lab in labels)
    assert all(" — " in lab for lab in labels)


def test_nothing_for_nonsense():
    assert places.search(_index(), "zzqx").empty
