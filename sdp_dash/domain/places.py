"""The 'Find your area' index: area names plus the settlements named in the area-board evidence.

No Streamlit here.  A resident types a town, village or neighbourhood; each entry says what kind
of area it opens, so a code is never the only label.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config import catalogue, codes, partnership
from sdp_dash.config.codes import POSTCODE_OUTWARD, normalise_postcode
from sdp_dash.domain import home

# Clauses that name a place as *outside* or *uncertain* are not used for search.
_UNSURE = re.compile(
    r"possibly|listed for|may belong|unclear|not confirmed|asked to join|used Teesdale|not a 4 Together|Council area", re.I
)
_PLACE = re.compile(r"\b[A-Z][a-z]+(?:(?:-| )(?:le|in|on|the|upon|St|[A-Z][a-z]+))*(?:-[A-Z][a-z]+)?\b")


def search_words() -> dict:
    """The chosen partnership's own search words (its file's ``[search]`` table: names in its evidence that are
    not settlements, residents' variants of names, the search box's examples), else none."""
    return partnership.own_words("search") or {}


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
        not_places = set(search_words().get("not_places", ()))
        names = [n for n in names if n not in not_places and len(n) > 2 and "AAP" not in n]
        (board if i == 0 else division).extend(names)
    return board, division


# Area types in the order results are listed (a town first, a small area last).
_KIND_ORDER = {"place": 0, "division_2025": 1, "msoa": 2, "aap": 3, "settlement": 4, "division_2013": 5, "county": 6, "lsoa": 7}
INDEX_COLUMNS = ["label", "name", "area_code", "kind", "order", "population", "key"]


def search_index(
    areas: pd.DataFrame,
    evidence: pd.DataFrame,
    towns: pd.DataFrame | None = None,
    parents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every name a resident might type, one row each, with a full label that says what the result is
    and the larger area it is in (so identical names are told apart):

    - towns and villages (GeoNames) open their neighbourhood (MSOA);
    - area boards, electoral divisions (both sets), neighbourhoods (MSOA, House of Commons Library
      names) and small areas (LSOA) open themselves;
    - settlements named in the area-board evidence open their division or area board.
    """
    parents = (
        parents
        if parents is not None
        else pd.DataFrame(columns=["lsoa21_code", "msoa_code", "msoa_name", "division_name", "aap_name"])
    )
    by_lsoa = parents.set_index("lsoa21_code").to_dict("index")
    msoa_board = _majority(parents, "msoa_code", "aap_name")
    if "parent_code" in areas:
        names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
        areas = areas.assign(parent_name=areas["parent_code"].map(names))
    rows = []
    for r in areas.itertuples():
        within = _within(r, by_lsoa, msoa_board)
        kind = r.area_type
        label = f"{r.area_name} — {_type_words(r.area_type, r.type_label)}" + (f", in {within}" if within else "")
        rows.append((label, r.area_name, r.area_code, kind, _KIND_ORDER.get(kind, 9), 0, key(r.area_name)))
    for t in (towns if towns is not None else pd.DataFrame()).itertuples():
        home = by_lsoa.get(t.lsoa21_code)
        if not home or not home.get("msoa_code"):
            continue
        size = "town" if t.population >= 5000 else "village or small town"
        code, opens = _whole_town(t.name, home, parents, areas)
        rows.append((f"{t.name} — {size}: {opens}", t.name, code, "place", 0, int(t.population), key(t.name)))
    names = {key(str(n)) for n in areas["area_name"]} | {
        key(str(n)) for n in (towns if towns is not None else pd.DataFrame(columns=["name"]))["name"]
    }
    seen: set[str] = set()
    for r in evidence.itertuples():
        board, division = settlements(r.evidence)
        found = [(p, f"the electoral division {r.division_name} (2013-2025)", r.division_code) for p in division]
        found += [(p, f"the area board {r.aap_name} (approximate)", r.aap_code) for p in board]
        for place, within, code in found:
            k = key(place)
            if k in names or k in seen:
                continue
            seen.add(k)
            rows.append((f"{place} — settlement named by the council, in {within}", place, code, "settlement", 4, 0, k))
    df = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    return df.sort_values(["order", "population", "name"], ascending=[True, False, True], ignore_index=True)


def _whole_town(name: str, home: dict, parents: pd.DataFrame, areas: pd.DataFrame) -> tuple[str, str]:
    """(the area a town opens, what it opens in words).  A town is the neighbourhood holding its centre and
    every neighbourhood named after it ("Seaham Central & South", "Seaham Northlea & Westlea"): one
    neighbourhood opens itself; several open the smallest area holding all their small areas (an electoral
    division, else the area board), and the label says so and names the neighbourhoods."""
    board = f", in the area board {home['aap_name']} (approximate)" if home.get("aap_name") else ""
    k = key(name)
    keys = {n: key(str(n)) for n in parents["msoa_name"].dropna().unique()}
    named = parents[parents["msoa_name"].map(lambda n: n in keys and (keys[n] == k or keys[n].startswith(k + " ")))]
    msoas = dict.fromkeys([home["msoa_code"], *named["msoa_code"]])
    if len(msoas) == 1:
        return home["msoa_code"], f"opens the neighbourhood {home['msoa_name']}{board}"
    lsoas = parents[parents["msoa_code"].isin(list(msoas))]
    msoa_names = list(dict.fromkeys(lsoas.set_index("msoa_code").loc[list(msoas), "msoa_name"]))
    parts = f"its {len(msoa_names)} neighbourhoods ({', '.join(msoa_names)})"
    known = set(areas["area_code"])
    for col, code_col, words_ in (
        ("division_name", "division_code", f"the {codes.WARD}"),
        ("aap_name", None, "the area board"),
    ):
        values = lsoas[col].dropna().unique()
        if len(values) != 1 or lsoas[col].isna().any():
            continue
        if code_col:
            code = str(lsoas[code_col].iloc[0])
        else:
            code = next((c for c, n in zip(areas["area_code"], areas["area_name"], strict=True) if n == values[0]), "")
        if code in known:
            approx = " (approximate)" if code_col is None else ""
            return code, (
                f"{parts} are not one area, so this opens {words_} {values[0]}{approx}, the smallest area holding them "
                "all (choose a neighbourhood below for one part)"
            )
    return home["msoa_code"], (
        f"{parts} are not one area: this opens the part holding the town centre, the neighbourhood "
        f"{home['msoa_name']}{board} (the others are listed below)"
    )


def _majority(parents: pd.DataFrame, by: str, value: str) -> dict[str, str]:
    if parents.empty:
        return {}
    counts = parents.dropna(subset=[by, value]).groupby([by, value]).size().reset_index(name="n")
    top = counts.sort_values("n", ascending=False).drop_duplicates(by)
    return dict(zip(top[by], top[value], strict=True))


def _within(r, by_lsoa: dict, msoa_board: dict) -> str:
    """The larger area an area sits in, in words."""
    if r.area_type == "lsoa":
        home = by_lsoa.get(r.area_code, {})
        return f"the neighbourhood {home['msoa_name']}" if home.get("msoa_name") else codes.COUNTY_NAME
    if r.area_type == "msoa":
        board = msoa_board.get(r.area_code)
        return f"the area board {board} (approximate)" if board else codes.COUNTY_NAME
    if r.area_type in ("aap", "division_2025"):
        return codes.COUNTY_NAME
    if r.area_type == "division_2013":
        parent = str(getattr(r, "parent_name", "") or "")
        return f"the area board {parent} (approximate)" if parent else codes.COUNTY_NAME
    return ""


# --- Matching what a resident types -----------------------------------------------------------------

_STOP = {"the", "of", "in", "and", "upon", "on", "le", "de"}


def key(text: str) -> str:
    """A name reduced for matching: lower case, no accents or punctuation, '&' as 'and'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9&]+", " ", text.lower().replace("'", ""))
    return " ".join("saint" if w == "st" else w for w in text.replace("&", " and ").split())


def _query_tokens(query: str) -> list[str]:
    words, variants = [], search_words().get("variants", {})
    for w in key(query).split():
        words += variants.get(w, w).split()
    return [w for w in words if w not in _STOP] or [w for w in key(query).split() if w]


def _token_score(q: str, name_tokens: list[str]) -> int:
    best = 0
    for t in name_tokens:
        if t == q:
            return 3
        if t.startswith(q) and len(q) >= 2:
            best = max(best, 2)
        elif len(q) >= 4 and difflib.SequenceMatcher(None, q, t[: len(q) + 1]).ratio() >= 0.8:
            best = max(best, 1)
    return best


_KIND_WORDS = re.compile(r"\s*[:,(].*$|\s+[-—–]\s.*$")  # "Seaham — town: opens ..." (a label typed or pasted back)


def _name_part(query: str) -> str:
    """What a resident typed, without a kind after a dash, colon or bracket ("Seaham - town" -> "Seaham")."""
    cut = _KIND_WORDS.sub("", str(query or "").strip())
    return cut if key(cut) else str(query or "")


def _exact_key(name_key: str) -> str:
    """A name's key for exact matching: "Teesdale AAP" is exactly "Teesdale"."""
    return name_key[: -len(" aap")] if name_key.endswith(" aap") else name_key


def search(index: pd.DataFrame, query: str, limit: int = 10, *, strong: bool = False) -> pd.DataFrame:
    """The best matches for a typed name: the exact name first (Teesdale AAP before the divisions named
    Teesdale ...), then every word matched (whole words or their starts, or a close spelling) before only
    some; towns before areas; then the larger place first.  ``strong``: no close spellings (a place
    outside the county was recognised, so a look-alike inside it is not offered)."""
    query = _name_part(query)
    tokens = _query_tokens(query)
    if not tokens or len("".join(tokens)) < 2:
        return index.iloc[0:0]
    phrase = " ".join(tokens)
    exact = {key(query), phrase}
    scored = []
    for i, name_key in enumerate(index["key"]):
        name_tokens = [t for t in name_key.split() if t not in _STOP] or name_key.split()
        scores = [_token_score(q, name_tokens) for q in tokens]
        if strong and any(0 < s < 2 for s in scores):
            continue
        matched = sum(s > 0 for s in scores)
        if not matched:
            continue
        starts = name_key.startswith(phrase) or name_key.replace(" ", "").startswith(phrase.replace(" ", ""))
        is_exact = _exact_key(name_key) in exact or " ".join(t for t in name_key.split() if t not in _STOP) in exact
        scored.append((matched == len(tokens), matched, is_exact, starts, sum(scores), i))
    if not scored:
        return index.iloc[0:0]
    best_full = any(s[0] for s in scored)
    keep = [s for s in scored if s[0]] if best_full else [s for s in scored if s[1] == max(x[1] for x in scored)]
    if strong and not best_full:
        return index.iloc[0:0]
    out = index.iloc[[s[5] for s in keep]].assign(
        _exact=[s[2] for s in keep], _starts=[s[3] for s in keep], _score=[s[4] for s in keep]
    )
    out = out.sort_values(
        ["_exact", "_starts", "_score", "order", "population", "name"],
        ascending=[False, False, False, True, False, True],
        kind="stable",
    )
    return out.drop(columns=["_exact", "_starts", "_score"]).head(limit).reset_index(drop=True)


# --- Places outside the county ----------------------------------------------------------------------


@warehouse.lookup
def outside_index(con) -> pd.DataFrame:
    """The GeoNames places outside the partnership's area, each with the keys of its name and alternate names
    (built once per warehouse on the app's connection)."""
    return outside_index_from(warehouse.places_outside(con))


def outside_index_from(df: pd.DataFrame) -> pd.DataFrame:
    """``outside_index`` of a frame of places (the warehouse's ``places_outside`` columns)."""
    keys = [
        tuple(dict.fromkeys(k for k in (key(n) for n in [name, *str(alts).split("|")]) if k))
        for name, alts in zip(df["name"], df["alternatenames"], strict=True)
    ]
    return df.drop(columns=["alternatenames"]).assign(keys=keys)


def search_outside(outside: pd.DataFrame, query: str, limit: int = 3) -> pd.DataFrame:
    """Places outside the county whose name or an alternate name is exactly what was typed (any case,
    accents or punctuation), largest first; when none is, those whose name starts with it as whole words
    ("Newcastle" -> "Newcastle upon Tyne")."""
    k = key(_name_part(query))
    if len(k) < 3 or outside.empty:
        return outside.iloc[0:0]
    exact = outside[[k in ks for ks in outside["keys"]]]
    if exact.empty and len(k) >= 4:
        exact = outside[[any(x.startswith(k + " ") for x in ks) for ks in outside["keys"]]]
    return exact.sort_values(["population", "name"], ascending=[False, True], kind="stable").head(limit)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def outside_sentence(place: dict) -> str:
    """ "<place> is outside <the area>: it is covered by <place>'s community safety partnership." """
    name, here = place["name"], codes.COUNTY_NAME
    if place.get("csp_name"):
        where = f" (in {place['lad_name']})" if place.get("lad_name") and place["lad_name"] not in name else ""
        return (
            f"{name}{where} is outside {here}: it is covered by {_possessive(place['csp_name'])} community "
            f"safety partnership, not {_the(codes.PARTNERSHIP)}."
        )
    if place.get("lad_name"):
        return f"{name} is outside {here}, in {place['lad_name']}: this site covers {here}."
    country = f", in {place['country']}" if place.get("country") else ""
    return f"{name} is outside {here}{country}: this site covers {here}."


def _the(title: str) -> str:
    """A partnership's title in running text: 'Middlesbrough community safety partnership' -> 'the Middlesbrough ...'."""
    return title if title.lower().startswith("the ") else f"the {title}"


def comparator_links(place: dict) -> tuple[tuple[str, str], ...]:
    """Where the site has figures for the place's area (the other authorities of the partnership's police
    force, and the other police force areas held as comparators): (link text, relative address)."""
    h = home.current()
    glance = f"{catalogue.priorities()[0].url_path}?area={h.code}#at-a-glance"
    if place.get("lad_code") in h.neighbour_codes:
        name = dict(h.neighbours)[place["lad_code"]]
        return ((f"{_possessive(name)} police.uk figures beside {_possessive(h.name)} (at a glance)", glance),)
    if place.get("pfa_code") in h.other_forces:
        return ((f"The {place['pfa_name']} police force area's figures beside {_possessive(h.name)} (at a glance)", glance),)
    return ()


# --- Examples for the search box ---------------------------------------------------------------------


@dataclass(frozen=True)
class Examples:
    """What the search box offers as examples: its placeholder, a postcode district and sector for its help,
    and the start of a place's name for "try part of the name"."""

    placeholder: str
    district: str
    sector: str
    partial: str


def search_examples(con) -> Examples:
    """The partnership's own examples: written in its file (data/partnerships/CODE.toml) when it has one,
    else taken from the warehouse (a live postcode near the middle of its list, its two largest places)."""
    own = search_words()
    if own.get("placeholder"):
        return Examples(own["placeholder"], own["district"], own["sector"], own["partial"])
    pcs = warehouse.postcode_examples(con)
    towns = [str(n) for n in warehouse.places(con)["name"].head(2)]
    partial = towns[-1].lower()[: max(4, len(towns[-1]) - 3)] if towns else ""
    if not pcs:
        return Examples("For example " + " or ".join([*towns[:1], partial][: len(towns)]), "", "", partial)
    outward, inward = pcs[0].split()
    sector = f"{outward} {inward[0]}"
    bits = [f"{pcs[-1].split()[0]} {pcs[-1].split()[1][0]}", pcs[0], *towns[:1]]
    text = ", ".join(bits) + (f" or {partial}" if partial else "")
    return Examples(f"For example {text}", outward, sector, partial)


# --- Postcodes ---------------------------------------------------------------------------------------

_SECTOR = re.compile(rf"^({POSTCODE_OUTWARD}) ?([0-9])$")
_DISTRICT = re.compile(rf"^{POSTCODE_OUTWARD}$")


def not_found() -> str:
    """Why a postcode was not found: outside the area (naming three neighbours: its own examples, else the first
    three authorities it is compared with), or too new."""
    p = partnership.active()
    names = dict(home.current().las)
    own = search_words()
    others = own.get("outside") or [names.get(c, c) for c in p.comparators[:3]]
    example = f" (for example in {home.joined(others, 'or')}, which have their own community safety partnerships)"
    example = example if others else ""
    return (
        f"We couldn't find that postcode in {p.name}. It may be outside {p.the_area}{example}, or newer than April 2025. "
        "Try the name of your town or village."
    )


TERMINATED = (
    "That postcode is no longer in use (Royal Mail has retired it). Try a neighbour's postcode, or the name of your "
    "town or village."
)


@dataclass(frozen=True)
class Hit:
    label: str
    area_code: str


@dataclass(frozen=True)
class Finding:
    """What a search found: an area to open at once, choices to list, and a sentence saying which;
    ``links``: (text, relative address) of pages with figures for a place outside the county."""

    message: str = ""
    open_code: str | None = None
    hits: tuple[Hit, ...] = ()
    kind: str = "text"  # 'postcode', 'sector', 'district', 'text' or 'outside'
    links: tuple[tuple[str, str], ...] = ()


def postcode_kind(query: str) -> tuple[str, str] | None:
    """('postcode' | 'sector' | 'district', normalised) when the text looks like one, else None."""
    full = normalise_postcode(query)
    if full:
        return "postcode", full
    spaced = re.sub(r"\s+", " ", str(query or "").strip().upper())
    m = re.match(rf"^({POSTCODE_OUTWARD}) ([0-9])$", spaced)
    if m:
        return "sector", f"{m.group(1)} {m.group(2)}"
    compact = spaced.replace(" ", "")
    if _DISTRICT.match(compact):
        return "district", compact  # "SR77" is read as a district; find_postcode tries it as a sector too
    m = _SECTOR.match(compact)
    if m:
        return "sector", f"{m.group(1)} {m.group(2)}"
    return None


def _prefix_level(kind: str) -> tuple[str, str, str]:
    """(area type, one, many) a postcode sector or district is listed by."""
    if kind == "sector":
        return "msoa", "neighbourhood", "neighbourhoods"
    return "division_2025", f"{codes.WARD} (from May 2025)", f"{codes.WARD}s (from May 2025)"


def _full_postcode(con, value: str) -> Finding:
    """A full postcode: its small area (also a retired one the ONS lookup still places), else why not."""
    row = warehouse.postcode(con, value)
    if row is None:
        return Finding(not_found(), kind="postcode")
    if not row["lsoa21_code"]:
        return Finding(TERMINATED, kind="postcode")
    if row["terminated"]:
        return Finding(
            "That postcode is retired (Royal Mail no longer uses it), but the ONS postcode lookup still places it: "
            f"showing its small area, {row['area_name']}.",
            row["lsoa21_code"],
            kind="postcode",
        )
    note = "" if row["method"].startswith("grid reference inside") else " (it is on the edge of the area: check the map)"
    return Finding(
        f"Showing the small area that holds your postcode: {row['area_name']}{note}.", row["lsoa21_code"], kind="postcode"
    )


def find_postcode(con, kind: str, value: str) -> Finding:
    """A full postcode opens its small area; a sector or district lists the areas holding its postcodes."""
    if not warehouse.has_table(con, "postcodes"):
        return Finding(
            "Postcode search is not available in this build of the data. Try the name of your town or village.", kind=kind
        )
    if kind == "postcode":
        return _full_postcode(con, value)
    area_type, words_, many = _prefix_level(kind)
    found = warehouse.postcode_areas(con, kind, value, area_type)
    if found.empty and kind == "district" and len(value) >= 4 and value[-1].isdigit():
        sector = f"{value[:-1]} {value[-1]}"  # "SR77" typed without its space: the sector SR7 7
        if warehouse.postcode_prefix_counts(con, "sector", sector)[0]:
            return find_postcode(con, "sector", sector)
    what = "postcode sector" if kind == "sector" else "postcode district"
    if found.empty:
        live, ended = warehouse.postcode_prefix_counts(con, kind, value)
        if ended and not live:
            return Finding(f"Every postcode of the {what} {value} is retired. " + TERMINATED.split(". ", 1)[1], kind=kind)
        return Finding(not_found().replace("that postcode", f"the {what} {value}"), kind=kind)
    total = int(found["total"].iloc[0])
    hits = tuple(
        Hit(
            f"{r.area_name} — {words_}: {int(r.postcodes):,} of the {total:,} postcodes in {value} "
            f"({100 * r.postcodes / total:.0f}%)",
            r.area_code,
        )
        for r in found.itertuples()
    )
    top = found.iloc[0]
    if len(found) == 1:
        msg = f"The {what} {value} is all in the {words_} {top['area_name']}."
    else:
        msg = (
            f"The {what} {value} covers parts of {len(found)} {many}. Most of its postcodes "
            f"({100 * top['postcodes'] / total:.0f}%) are in {top['area_name']}. Choose one:"
        )
    return Finding(msg, hits=hits, kind=kind)


def find(con, index: pd.DataFrame, query: str) -> Finding:
    """Everything the search box does: postcodes first, then names."""
    query = str(query or "").strip()[:80]
    if not query:
        return Finding()
    pc = postcode_kind(query)
    if pc:
        return find_postcode(con, *pc)
    found = search(index, query)
    exact_inside = not found.empty and _exact_key(found.iloc[0]["key"]) in {
        key(_name_part(query)),
        " ".join(_query_tokens(query)),
    }
    far = search_outside(outside_index(con), query) if not exact_inside else pd.DataFrame()
    if not far.empty:
        top = far.iloc[0].to_dict()
        others = [f"{r.name} ({r.lad_name or r.country})" for r in far.iloc[1:].itertuples()]
        message = outside_sentence(top)
        if others:
            message += f" Other places of that name outside {codes.THE_AREA}: {', '.join(others)}."
        found = search(index, query, strong=True)
        hits = tuple(Hit(r.label, r.area_code) for r in found.itertuples())
        message += f" In {codes.COUNTY_NAME}, similar names:" if hits else ""
        return Finding(message, hits=hits, kind="outside", links=comparator_links(top))
    if found.empty:
        return Finding(
            f"Nothing in {codes.COUNTY_NAME} matches that name. Try part of the name (for example “{search_examples(con).partial}”), "
            "or a postcode."
        )
    hits = tuple(Hit(r.label, r.area_code) for r in found.itertuples())
    return Finding(f"{len(hits)} place{'s' if len(hits) > 1 else ''} found{' (best first)' if len(hits) > 1 else ''}:", hits=hits)


def _type_words(area_type: str, label: str) -> str:
    return {
        "county": f"the whole {codes.AREA_WORD}",
        "aap": "area board (approximate)",
        "division_2025": f"{codes.WARD} (from May 2025)",
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
        ward = codes.WARD
        return (
            f"{ward[:1].upper()}{ward[1:]}s do not follow small-area boundaries, so this figure is approximate: each small "
            f"area (LSOA) is counted in the {ward.split()[-1]} that holds its population-weighted centre."
        )
    return ""
