"""The 'Find your area' index: area names plus the settlements named in the area-board evidence.

No Streamlit here.  A resident types a town, village or neighbourhood; each entry says what kind
of area it opens, so a code is never the only label.
"""

from __future__ import annotations

import re

import pandas as pd

from sdp_dash import warehouse

# Clauses that name a place as *outside* or *uncertain* are not used for search.
_UNSURE = re.compile(
    r"possibly|listed for|may belong|unclear|not confirmed|asked to join|used Teesdale|not a 4 Together|Council area", re.I
)
_PLACE = re.compile(r"\b[A-Z][a-z]+(?:(?:-| )(?:le|in|on|the|upon|St|[A-Z][a-z]+))*(?:-[A-Z][a-z]+)?\b")
_NOT_PLACES = {
    "Durham Insight",
    "Where",
    "Durham",
    "Town",
    "Town Council",
    "Cabinet",
    "Mar",
    "Partnership",
    "Action Partnership",
    "Towns",
    "Together",
    "Insight",
    "Weardale",
    "Teesdale",
    "Stanley",
    "Mid Durham",
    "East Durham",
    "Durham County",
    "Spennymoor Town Council",
    "District",
    "Rural",
    "Corridor",
    "Published",
    "Hamsterley",
    "Colliery",
    "Grange",
    "Village",
    "East Durham Rural Corridor",
}


def settlements(evidence: str) -> tuple[list[str], list[str]]:
    """Settlement names in one evidence text: (for the whole area board, for this division).

    The text's first clause is the area board's own list; later clauses (after ';') are about the
    division the row belongs to.
    """
    text = re.sub(r"\([^)]*\)", " ", evidence)  # drop URLs and asides
    clauses = [c.strip() for c in text.split(";")]
    board, division = [], []
    for i, clause in enumerate(clauses):
        if _UNSURE.search(clause):
            continue
        clause = clause.split(":", 1)[1] if ":" in clause else ("" if i == 0 else clause)
        clause = re.sub(r"\b(listed|split|parishes|former|whole|district|residents|part of)\b", ",", clause)
        names = [n.strip() for n in _PLACE.findall(clause.replace("/", ",").replace(" to ", ",").replace(" and ", ","))]
        names = [n for n in names if n not in _NOT_PLACES and len(n) > 2 and "AAP" not in n]
        (board if i == 0 else division).extend(names)
    return board, division


def search_index(areas: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Rows of (label, area_code, kind) for the 'Find your area' box, areas first then places."""
    rows = [
        {"label": f"{r.area_name} — {_type_words(r.area_type, r.type_label)}", "area_code": r.area_code, "kind": "area"}
        for r in areas.itertuples()
    ]
    names = {str(n).lower() for n in areas["area_name"]}
    seen: set[str] = set()
    places = []
    for r in evidence.itertuples():
        board, division = settlements(r.evidence)
        found = [(p, f"{r.division_name} (electoral division 2013-2025)", r.division_code) for p in division]
        found += [(p, f"{r.aap_name} (area board, approximate)", r.aap_code) for p in board]
        for place, within, code in found:
            key = place.lower()
            if key in names or key in seen:
                continue
            seen.add(key)
            places.append({"label": f"{place} — in {within}", "area_code": code, "kind": "place"})
    places.sort(key=lambda d: d["label"])
    return pd.DataFrame(rows + places, columns=["label", "area_code", "kind"])


def _type_words(area_type: str, label: str) -> str:
    return {
        "county": "the whole county",
        "aap": "area board (approximate)",
        "division_2025": "electoral division (from May 2025)",
        "division_2013": "electoral division (2013-2025)",
        "msoa": "neighbourhood",
        "lsoa": "small area",
    }.get(area_type, label)


def area_method(con, area_type: str) -> str:
    """How an area of this type is built, in words that match what the build does."""
    if area_type == "aap":
        moved = warehouse.aap_lsoas_outside_division(con)
        return (
            "Area boards (Area Action Partnerships) have no official boundary, so this area is approximate. Each small area "
            "(LSOA) is placed in the area board of the 2013 electoral division that holds its population-weighted centre"
            + (
                f", except {moved} small areas in divisions that are split between boards, which are placed in the board "
                "of the settlement they cover."
                if moved
                else "."
            )
        )
    if area_type in ("division_2013", "division_2025"):
        return (
            "Electoral divisions do not follow small-area boundaries, so this figure is approximate: each small area (LSOA) "
            "is counted in the division that holds its population-weighted centre."
        )
    return ""
