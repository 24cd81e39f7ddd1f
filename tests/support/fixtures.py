"""A tiny, synthetic source tree in the publishers' own formats, for tests and demos.

It mirrors the layout of the open-data mirror (``data/sources.toml`` paths) with a made-up
world: County Durham has 6 LSOAs in 3 MSOAs, 2 divisions of each set and 2 area boards;
Darlington has 2 LSOAs; Hartlepool (Cleveland) and Gateshead (Northumbria) one each; two other
partnerships, Middlesbrough (Cleveland) and Sunderland (Northumbria), have 4 LSOAs in 2 MSOAs and 2
wards each (``OTHER_PARTNERSHIPS``: tests/app/test_partnerships.py runs the app on them).  The
police.uk files cover 2024-01..2024-02 and 2025-01..2025-03 (so 2024-03..2024-12 is a gap), or
2025-01..2025-12 for the shared test warehouse (``SESSION_MONTHS``), mixing gzipped and plain files
and CRLF and LF line ends, like the real ones.  The published indicator tables hold rows for every
indicator of the catalogue (see "Published indicator tables" below).

Nothing here is copied from the real files: every value is generated.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from pyproj import Transformer

from sdp_dash.config import catalogue, partnership
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.manifest import slug as file_slug
from sdp_dash.pipeline.sources.indicators import slug
from sdp_dash.pipeline.sources.police_uk import CRIME_TYPES, HEADER
from sdp_dash.pipeline.sources.postcodes import CODEPOINT_COLUMNS
from tests.support import north_east

_TO_OSGB = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
SIZE = 0.02  # degrees: each LSOA is a small square


@dataclass(frozen=True)
class FakeLsoa:
    code: str
    name: str
    lad: str
    col: int  # grid position
    row: int
    population: int


COUNTY = "E06000047"
LSOAS = (
    FakeLsoa("E01090001", "County Durham 001A", COUNTY, 0, 0, 1500),
    FakeLsoa("E01090002", "County Durham 001B", COUNTY, 1, 0, 1200),
    FakeLsoa("E01090003", "County Durham 002A", COUNTY, 2, 0, 1800),
    FakeLsoa("E01090004", "County Durham 002B", COUNTY, 3, 0, 1000),
    FakeLsoa("E01090005", "County Durham 003A", COUNTY, 4, 0, 1600),
    FakeLsoa("E01090006", "County Durham 003B", COUNTY, 5, 0, 1400),
    FakeLsoa("E01091001", "Darlington 001A", "E06000005", 0, -2, 1300),
    FakeLsoa("E01091002", "Darlington 001B", "E06000005", 1, -2, 1100),
    FakeLsoa("E01092001", "Hartlepool 001A", "E06000001", 6, -2, 1700),
    FakeLsoa("E01093001", "Gateshead 001A", "E08000037", 0, 3, 1900),
    # Two other partnerships, one of each other force (appended: the LSOAs above keep their IMD ranks).
    FakeLsoa("E01094001", "Middlesbrough 001A", "E06000002", 6, -4, 1450),
    FakeLsoa("E01094002", "Middlesbrough 001B", "E06000002", 7, -4, 1250),
    FakeLsoa("E01094003", "Middlesbrough 002A", "E06000002", 8, -4, 1650),
    FakeLsoa("E01094004", "Middlesbrough 002B", "E06000002", 9, -4, 1350),
    FakeLsoa("E01095001", "Sunderland 001A", "E08000024", 3, 3, 1550),
    FakeLsoa("E01095002", "Sunderland 001B", "E08000024", 4, 3, 1150),
    FakeLsoa("E01095003", "Sunderland 002A", "E08000024", 5, 3, 1750),
    FakeLsoa("E01095004", "Sunderland 002B", "E08000024", 6, 3, 1050),
)
# 2021 LSOA E01090004 was made by merging two 2011 LSOAs (so IMD is a weighted mean).
MERGED_2011 = {"E01090004": ("E01080004", "E01080014")}
MSOAS = (
    ("E02009001", "County Durham 001", "Alpha Town"),
    ("E02009002", "County Durham 002", "Beta & Gamma Village"),
    ("E02009003", "County Durham 003", "Delta Moor"),
)
# Divisions by LSOA grid columns: 2013 set splits 0-2 | 3-5, 2025 set splits 0-1 | 2-5.
DIVISIONS_2013 = (("E05090001", "Alpha and Beta", (0, 3)), ("E05090002", "Delta", (3, 6)))
DIVISIONS_2025 = (("E05190001", "Alpha", (0, 2)), ("E05190002", "Beta, Gamma & Delta", (2, 6)))
# "Durham AAP" is also a real board's name, so links such as ?area=AAP-durham-aap work on both warehouses.
AAPS = {"E05090001": "Alpha AAP", "E05090002": "Durham AAP"}
LAS = {
    "E06000047": ("County Durham", "E22000365", "County Durham", "E23000008", "Durham"),
    "E06000005": ("Darlington", "E22000072", "Darlington", "E23000008", "Durham"),
    "E06000001": ("Hartlepool", "E22000027", "Hartlepool", "E23000013", "Cleveland"),
    "E08000037": ("Gateshead", "E22000244", "Gateshead", "E23000007", "Northumbria"),
    "E06000002": ("Middlesbrough", "E22000029", "Middlesbrough", "E23000013", "Cleveland"),
    "E08000024": ("Sunderland", "E22000248", "Sunderland", "E23000007", "Northumbria"),
}
# The file-name slug of each authority (the mirror's geography/boundaries/<slug>_<code>_*.geojson).
SLUGS = {code: file_slug(names[0]) for code, names in LAS.items()}
# The partnerships other than County Durham that the app and browser tests run (one of each other force).
OTHER_PARTNERSHIPS = {"E06000002": "Middlesbrough", "E08000024": "Sunderland"}
# MSOAs and 2025 wards of the other authorities (County Durham's are MSOAS and DIVISIONS_2025): (code, name,
# House of Commons Library name, authority); an MSOA holds the LSOAs named after it, a ward the LSOAs
# listed.  Darlington, Hartlepool and Gateshead get one of each, so every authority's boundary files exist.
OTHER_MSOAS = (
    ("E02009101", "Darlington 001", "Fixture Darlington Centre", "E06000005"),
    ("E02009201", "Hartlepool 001", "Fixture Headland", "E06000001"),
    ("E02009301", "Gateshead 001", "Fixture Felling", "E08000037"),
    ("E02009401", "Middlesbrough 001", "Acklam Green", "E06000002"),
    ("E02009402", "Middlesbrough 002", "Linthorpe & Ayresome", "E06000002"),
    ("E02009501", "Sunderland 001", "Fulwell Side", "E08000024"),
    ("E02009502", "Sunderland 002", "Hendon & Docks", "E08000024"),
)
OTHER_WARDS_2025 = (
    ("E05191001", "Darlington Fixture Ward", ("E01091001", "E01091002")),
    ("E05192001", "Hartlepool Fixture Ward", ("E01092001",)),
    ("E05193001", "Gateshead Fixture Ward", ("E01093001",)),
    ("E05194001", "Acklam Park", ("E01094001", "E01094002", "E01094003")),
    ("E05194002", "Linthorpe", ("E01094004",)),
    ("E05195001", "Fulwell", ("E01095001",)),
    ("E05195002", "Hendon & Millfield", ("E01095002", "E01095003", "E01095004")),
)
FORCE_NAMES = {"durham": "Durham Constabulary", "cleveland": "Cleveland Police", "northumbria": "Northumbria Police"}
FORCE_PFA = {"durham": "E23000008", "cleveland": "E23000013", "northumbria": "E23000007"}
FORCE_LSOAS = {force: [x for x in LSOAS if LAS[x.lad][3] == pfa] for force, pfa in FORCE_PFA.items()}
MONTHS = ("2024-01", "2024-02", "2025-01", "2025-02", "2025-03")
# The shared test warehouse (tests/conftest.py) has the mirror's shape instead: two 2024 months, a gap, then
# all of 2025, so the latest 12 months are complete and links ending 2025-12 open on both warehouses.
SESSION_MONTHS = ("2024-01", "2024-02", *(f"2025-{m:02d}" for m in range(1, 13)))
AGE_GROUPS = (
    "Aged 15 years and under",
    "Aged 16 to 24 years",
    "Aged 25 to 34 years",
    "Aged 35 to 49 years",
    "Aged 50 to 64 years",
    "Aged 65 years and over",
)
ORIGIN = (-1.70, 54.70)


def square(col: int, row: int, width: int = 1):
    x0, y0 = ORIGIN[0] + col * SIZE, ORIGIN[1] + row * SIZE
    x1, y1 = x0 + width * SIZE, y0 + SIZE
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def centre(lsoa: FakeLsoa) -> tuple[float, float]:
    return ORIGIN[0] + (lsoa.col + 0.5) * SIZE, ORIGIN[1] + (lsoa.row + 0.5) * SIZE


# One quiet LSOA where the sensitive crime types are rare (one every four months), so that a year
# there has 1 to 4 of them and the "fewer than 5" suppression has something to hide.
QUIET_LSOA = "E01090002"
RARE_TYPES = ("Robbery", "Violence and sexual offences")


def street_count(lsoa: FakeLsoa, crime_type: str, month: str) -> int:
    """How many rows of a type a fixture LSOA has in a month (deterministic)."""
    i = CRIME_TYPES.index(crime_type)
    if lsoa.code == QUIET_LSOA and crime_type in RARE_TYPES:
        return int(int(month[-2:]) % 4 == 1)
    return (int(lsoa.code[-2:]) + i + int(month[-2:]) + int(month[:4])) % 4


def street_rows(force: str, month: str) -> list[list[str]]:
    rows = []
    for lsoa in FORCE_LSOAS[force]:
        lon, lat = centre(lsoa)
        for t in CRIME_TYPES:
            for k in range(street_count(lsoa, t, month)):
                crime_id = "" if t == "Anti-social behaviour" else f"{abs(hash((force, month, lsoa.code, t, k))) % 16**16:016x}"
                outcome = "" if t == "Anti-social behaviour" else fixture_outcome(lsoa.code, t, month, k)
                rows.append(
                    [
                        crime_id,
                        month,
                        FORCE_NAMES[force],
                        FORCE_NAMES[force],
                        f"{lon:.6f}",
                        f"{lat:.6f}",
                        "On or near Test Street",
                        lsoa.code,
                        lsoa.name,
                        t,
                        outcome,
                        "",
                    ]
                )
    if force == "durham":
        # A crime Durham recorded in Gateshead (another force's area), and one with no location.
        gates = next(x for x in LSOAS if x.lad == "E08000037")
        rows.append(
            [
                "f" * 16,
                month,
                FORCE_NAMES[force],
                FORCE_NAMES[force],
                "-1.6",
                "54.77",
                "On or near A Road",
                gates.code,
                gates.name,
                "Other theft",
                "Under investigation",
                "",
            ]
        )
        rows.append(
            [
                "e" * 16,
                month,
                FORCE_NAMES[force],
                FORCE_NAMES[force],
                "",
                "",
                "No location",
                "",
                "",
                "Other crime",
                "Under investigation",
                "",
            ]
        )
    return rows


def csv_text(header: list[str], rows: list[list], line_end: str = "\n", bom: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + buf.getvalue()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def write_street_file(root: Path, force: str, month: str, *, gz: bool | None = None) -> Path:
    folder = {"durham": "police-uk", "cleveland": "police-uk-cleveland", "northumbria": "police-uk-northumbria"}[force]
    gz = month >= "2025-02" if gz is None else gz
    path = root / folder / month / f"{month}-{force}-street.csv{'.gz' if gz else ''}"
    write(path, csv_text(HEADER, street_rows(force, month), "\r\n" if month < "2025" else "\n"))
    return path


def _features(items: list[tuple[dict, dict]]) -> str:
    feats = [{"type": "Feature", "properties": p, "geometry": g} for p, g in items]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            "features": feats,
        }
    )


def _cover(lsoas: list[FakeLsoa]) -> dict:
    """The square strip over LSOAs that lie side by side in one grid row."""
    cols = sorted(x.col for x in lsoas)
    return square(cols[0], lsoas[0].row, cols[-1] - cols[0] + 1)


# Boundary files by the end of their name: the edition's code and name fields.
BOUNDARY_KINDS = {
    "lsoa2021": ("LSOA21CD", "LSOA21NM"),
    "msoa2021": ("MSOA21CD", "MSOA21NM"),
    "wards2025": ("WD25CD", "WD25NM"),
    "wards2022": ("WD22CD", "WD22NM"),  # County Durham's 63 divisions of 2013-2025 (the mirror's 2022 edition)
}


def boundary_areas(kind: str, lad: str) -> list[tuple[str, str, dict]]:
    """(code, name, geometry) of an authority's areas in one boundary file (empty: it has none of that kind)."""
    if kind == "lsoa2021":
        return [(x.code, x.name, square(x.col, x.row)) for x in LSOAS if x.lad == lad]
    if lad == COUNTY:  # County Durham's world, exactly as it always was
        sets = {
            "msoa2021": [(c, n, square(2 * i, 0, 2)) for i, (c, n, _) in enumerate(MSOAS)],
            "wards2022": [(c, n, square(a, 0, b - a)) for c, n, (a, b) in DIVISIONS_2013],
            "wards2025": [(c, n, square(a, 0, b - a)) for c, n, (a, b) in DIVISIONS_2025],
        }
        return sets[kind]
    by_code = {x.code: x for x in LSOAS}
    if kind == "msoa2021":
        return [(c, n, _cover([x for x in LSOAS if x.name[:-1] == n])) for c, n, _, la in OTHER_MSOAS if la == lad]
    if kind == "wards2025":
        return [(c, n, _cover([by_code[m] for m in ms])) for c, n, ms in OTHER_WARDS_2025 if by_code[ms[0]].lad == lad]
    return []


def write_boundaries(root: Path) -> list[Path]:
    """Every boundary file the manifest names, for each authority with LSOAs here: a fixed path
    (``county_durham_E06000047_lsoa2021.geojson``) is its own authority's file, a pattern
    (``{slug}_{code}_lsoa2021.geojson``, ``Source.path_for``) is written for every authority."""
    written = []
    for src in load_manifest().sources:
        kind = next((k for k in BOUNDARY_KINDS if src.path.endswith(f"_{k}.geojson")), None)
        if kind is None:
            continue
        lads = list(SLUGS) if src.pattern else [re.search(r"[EW]0\d{7}", src.path).group(0)]
        for lad in lads:
            areas = boundary_areas(kind, lad)
            if not areas:
                continue
            code_field, name_field = BOUNDARY_KINDS[kind]
            path = Path(root) / src.path_for(lad, SLUGS[lad])
            write(path, _features([({code_field: c, name_field: n}, g) for c, n, g in areas]))
            written.append(path)
    return written


def write_source_tree(root: Path, months: tuple[str, ...] = MONTHS) -> Path:
    """Write every file data/sources.toml names (plus police.uk months) under ``root``."""
    root = Path(root)
    paths = {s.id: root / s.path for s in load_manifest().sources}
    county = [x for x in LSOAS if x.lad == COUNTY]
    write_boundaries(root)

    lookup_rows = []
    for x in LSOAS:
        parents = MERGED_2011.get(x.code, (x.code,))
        for p in parents:
            lookup_rows.append(
                [p, x.name, x.code, x.name, "M" if len(parents) > 1 else "U", x.lad, LAS[x.lad][0], "", len(lookup_rows) + 1]
            )
    write(
        paths["lsoa11_lsoa21_lookup"],
        csv_text(
            ["F_LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND", "LAD22CD", "LAD22NM", "LAD22NMW", "ObjectId"],
            lookup_rows,
            bom=True,
        ),
    )
    pwc = []
    for i, x in enumerate(LSOAS):
        e, n = _TO_OSGB.transform(*centre(x))
        pwc.append([i + 1, x.code, f"guid-{i}", f"{e:.4f}", f"{n:.4f}"])
    write(paths["lsoa21_centroids"], csv_text(["FID", "LSOA21CD", "GlobalID", "x", "y"], pwc, bom=True))
    write(
        paths["lad_csp_pfa"],
        csv_text(
            ["FID", "LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"],
            [[i + 1, code, *vals] for i, (code, vals) in enumerate(LAS.items())],
        ),
    )
    write(
        paths["msoa_names"],
        csv_text(
            ["MSOACD", "MSOANM", "MSOAHCLNM", "LADCD_ACTIVE", "MSOA21CD"],
            [[c, n, h, COUNTY, c] for c, n, h in MSOAS] + [[c, n, h, la, c] for c, n, h, la in OTHER_MSOAS],
        ),
    )
    write(
        paths["la_names"],
        csv_text(
            ["LADCD", "LADNM", "LADCD_ACTIVE", "RGNCD", "RGNNM"],
            # Every North East authority (the published tables name them all), not only those with LSOAs here.
            [[c, n, c, *NORTH_EAST] for c, n in {**{c: v[0] for c, v in LAS.items()}, **NORTH_EAST_NAMES}.items()],
        ),
    )
    write(
        paths["ons_neighbours_global"],
        csv_text(
            ["AREACD", "1", "2"],
            [
                ["E06000047", "E06000001", "E08000037"],
                ["E06000005", "E06000001", ""],
                ["E06000002", "E08000024", "E06000001"],
                ["E08000024", "E06000002", "E06000047"],
            ],
            bom=True,
        ),
    )
    write(
        paths["aap_divisions"],
        csv_text(
            ["division_code", "division_name", "aap_name", "confidence", "evidence"],
            [[c, n, AAPS[c], "high", f"Settlements of {n} listed for {AAPS[c]}"] for c, n, _ in DIVISIONS_2013],
        ),
    )
    aap_rows = []
    for x in county:
        div = next((c, n) for c, n, (a, b) in DIVISIONS_2013 if a <= x.col < b)
        aap_rows.append([x.code, x.name, div[0], div[1], AAPS[div[0]], "division majority"])
    write(
        paths["aap_lsoa"],
        csv_text(["lsoa21_code", "lsoa21_name", "division_2013_code", "division_2013_name", "aap_name", "basis"], aap_rows),
    )

    census = []
    for x in LSOAS:
        share = [0.17, 0.11, 0.12, 0.17, 0.21]
        parts = [int(x.population * s) for s in share]
        parts.append(x.population - sum(parts))
        census += [[x.code, x.name, g, n] for g, n in zip(AGE_GROUPS, parts, strict=True)]
    write(paths["census21_lsoa"], csv_text(["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"], census))
    la_pop = {c: sum(x.population for x in LSOAS if x.lad == c) for c in LAS}
    write(
        paths["census21_la"],
        csv_text(["ltla21_name", "ltla21_code", "population"], [[LAS[c][0], c, round(p, -2)] for c, p in la_pop.items()]),
    )
    write(
        paths["census21_country"], csv_text(["country_name", "country_code", "population"], [["England", "E92000001", 56489800]])
    )

    imd_rows, pop_rows = [], []
    for i, x in enumerate(LSOAS):
        for j, p in enumerate(MERGED_2011.get(x.code, (x.code,))):
            rank = (1000 + 3000 * i + 500 * j) % 32_000  # within England's 32,844 (the first ten LSOAs: < 32,000)
            crime = rank + 7  # Crime domain: the fifth of the seven domains
            imd_rows.append(
                [p, x.name, x.lad, LAS[x.lad][0], rank, _decile(rank)] + [rank, 5] * 4 + [crime, _decile(crime)] + [rank, 5] * 2
            )
            pop_rows.append([p, x.name, x.lad, LAS[x.lad][0], f"{x.population:,}", 1, 1, 1, 1])
    domains = [
        "Income",
        "Employment",
        "Education, Skills and Training",
        "Health Deprivation and Disability",
        "Crime",
        "Barriers to Housing and Services",
        "Living Environment",
    ]
    header = [
        "LSOA code (2011)",
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    for d in domains:
        header += [f"{d} Rank (where 1 is most deprived)", f"{d} Decile (where 1 is most deprived 10% of LSOAs)"]
    write(paths["imd2019_domains"], csv_text(header, imd_rows, bom=True))
    write(
        paths["imd2019_population"],
        csv_text(
            [
                "LSOA code (2011)",
                "LSOA name (2011)",
                "Local Authority District code (2019)",
                "Local Authority District name (2019)",
                "Total population: mid 2015 (excluding prisoners)",
                "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
                "Population aged 16-59: mid 2015 (excluding prisoners)",
                "Older population aged 60 and over: mid 2015 (excluding prisoners)",
                "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)",
            ],
            pop_rows,
            bom=True,
        ),
    )

    series = _catalogue_series()
    for src in load_manifest().sources:
        if src.format:
            write(paths[src.id], _indicator_text(src, series[src.id]))

    write_postcodes_and_places(root)
    write_long_view(root)
    for force in FORCE_NAMES:
        for month in months:
            write_street_file(root, force, month)
    return root


def _decile(rank: int) -> int:
    return min(10, rank * 10 // 32844 + 1)


# --- Published indicator tables -------------------------------------------------------------------
#
# Every indicator table is written from the catalogue (data/indicators.toml) and the manifest
# (data/sources.toml): for each published indicator, rows for each of its ``indicator_ids`` (in an
# official source it lists) and ``pointer_ids`` (in a press or secondary source it lists), for the
# geographies it names, over a few periods of its period type, in the unit style of the real tables.
# The ONS tables whose indicator name is fixed by the manifest get their own shape.  Values are made up.

# The North East authorities (ONS names), for the tables that set County Durham beside them.
NORTH_EAST_NAMES = {
    "E06000001": "Hartlepool",
    "E06000002": "Middlesbrough",
    "E06000003": "Redcar and Cleveland",
    "E06000004": "Stockton-on-Tees",
    "E06000005": "Darlington",
    "E06000047": "County Durham",
    "E06000057": "Northumberland",
    "E08000021": "Newcastle upon Tyne",
    "E08000022": "North Tyneside",
    "E08000023": "South Tyneside",
    "E08000024": "Sunderland",
    "E08000037": "Gateshead",
}
NORTH_EAST = ("E12000001", "North East")
NATIONAL = {"E92000001": "England", "K04000001": "England and Wales", "K03000001": "Great Britain"}
FIRE_SERVICE_AREA = "County Durham and Darlington Fire and Rescue Service area"
ALL_FORCES = "All forces (England and Wales)"
NATIONAL_AVERAGE = "_national_average"  # a series id ending so is the national row of the series before it
PERIODS_PER_SERIES = 3
FIRST_YEAR = 2016


def _unslug(series_id: str) -> str:
    """Text whose slug is ``series_id`` (the adapters make the indicator id by slugging the name)."""
    text = series_id.replace("_", " ")
    return text[0].upper() + text[1:]


def _number(*key, lo: float, hi: float, digits: int = 0) -> float:
    """A made-up value in [lo, hi], the same for the same key on every run."""
    frac = zlib.crc32("|".join(map(str, key)).encode()) / 0xFFFFFFFF
    value = round(lo + (hi - lo) * frac, digits)
    return int(value) if digits == 0 else value


def _national(ind) -> tuple[str, str]:
    """The country an indicator's national rows are for, as its catalogue text names it."""
    text = " ".join([ind.title, ind.definition, *ind.method_notes])
    for code in ("K03000001", "K04000001"):
        if NATIONAL[code] in text:
            return code, NATIONAL[code]
    return "E92000001", "England"


def _force_names() -> dict[str, str]:
    """Police force area codes and the names the ONS tables use for them ('Durham', 'Cleveland', ...)."""
    return {f.pfa_code: f.name.split()[0] for f in load_manifest().forces}


def _areas(ind, geographies) -> list[tuple[str, str]]:
    """(code, name) of every area of the given geographies, County Durham first."""
    out = []
    for geo in geographies:
        if geo == "county":
            out.append((COUNTY, NORTH_EAST_NAMES[COUNTY]))
        elif geo == "la":
            out += [(c, n) for c, n in NORTH_EAST_NAMES.items() if c != COUNTY]
        elif geo == "region":
            out.append(NORTH_EAST)
        elif geo == "country":
            out.append(_national(ind))
        elif geo == "force":
            out += [(c, f"{n} (police force area)") for c, n in _force_names().items()]
        elif geo == "all_forces":
            out.append(("", ALL_FORCES))
        elif geo == "fire_service_area":
            out.append(("", FIRE_SERVICE_AREA))
    return out


def _period(period_type: str, year: int) -> str:
    """A period label in the style the publishers use for the type."""
    if period_type == "financial_year":
        return f"{year}/{(year + 1) % 100:02d}"
    if period_type == "3_year_pooled":
        return f"{year - 2}-{year}"
    if period_type == "as_published":
        return f"year ending Mar {year}"
    return str(year)


def _table_unit(ind) -> str:
    """The unit as the published tables write it: '%', '% change', 'count of crimes', or the rate."""
    unit = ind.unit
    if unit.startswith("%"):
        return "% change" if "change" in unit else "%"
    if "per " in unit or unit.startswith("million"):
        return unit
    return f"count of {unit}"


def _value(series_id: str, unit: str, code: str, period: str) -> float:
    level = "national" if code in NATIONAL or code == "" else ("region" if code == NORTH_EAST[0] else "local")
    key = (series_id, code, period)
    if unit == "% change":
        return _number(*key, lo=-60, hi=-5)
    if unit.startswith("%"):
        return _number(*key, lo=10, hi=70, digits=1)
    if unit.startswith("million"):
        return _number(*key, lo=1, hi=5, digits=1)
    if "per 100,000" in unit:
        return _number(*key, lo=20, hi=700, digits=1)
    if "per " in unit:
        return _number(*key, lo=1, hi=9, digits=2)
    return {"national": _number(*key, lo=200, hi=9000), "region": _number(*key, lo=150, hi=900)}.get(
        level, _number(*key, lo=10, hi=900)
    )


@dataclass(frozen=True)
class _Series:
    """One published series (an indicator_id or pointer_id of the catalogue) and where it goes."""

    series_id: str
    ind: catalogue.Indicator
    slot: int  # successive series of one indicator cover successive periods
    geographies: tuple[str, ...]


def _catalogues() -> list[tuple[catalogue.Indicator, ...]]:
    """The indicators of each catalogue the fixture world's partnerships use (County Durham's first, then
    the default one Middlesbrough and Sunderland get): one source tree serves them all."""
    profiles = [partnership.profile(code) for code in (COUNTY, *OTHER_PARTNERSHIPS)]
    files = dict.fromkeys((partnership.catalogue_path(q), partnership.baselines_path(q)) for q in profiles)
    return [catalogue.load(path, baselines).indicators for path, baselines in files]


def _catalogue_series() -> dict[str, list[_Series]]:
    """The series each indicator table must hold, by source id, from the catalogues and the manifest."""
    if set(NORTH_EAST_NAMES) != set(north_east.NORTH_EAST_LAS):
        raise ValueError("fixtures.NORTH_EAST_NAMES and tests/support/north_east.py disagree")
    sources = {s.id: s for s in load_manifest().sources if s.format}
    named = {slug(s.extra["indicator"]) for s in sources.values() if "indicator" in s.extra}  # fixed by the manifest
    out: dict[str, list[_Series]] = {s: [] for s in sources}
    done: set[str] = set()  # series an earlier catalogue's indicators wrote
    for inds in _catalogues():
        for source_id, series in _series_of(inds, sources, named, done):
            out[source_id].append(series)
        done |= {x.series_id for table in out.values() for x in table}
    return out


def _series_of(inds, sources: dict, named: set[str], done: set[str]):
    """(source id, series) of one catalogue's published indicators, leaving out the series in ``done``."""
    for ind in inds:
        for ids, official in ((ind.indicator_ids, True), (ind.pointer_ids, False)):
            ids = [i for i in ids if i not in named and i not in done]
            if not ids:
                continue
            home = [
                s
                for s in ind.sources
                if s in sources
                and sources[s].format in ("fingertips", "transcribed")
                and (sources[s].quality == "official") == official
            ]
            if not home:
                raise ValueError(f"{ind.id}: no {'official' if official else 'press or secondary'} table among its sources")
            primary = [i for i in ids if not i.endswith(NATIONAL_AVERAGE)]
            for series_id in ids:
                if slug(_unslug(series_id)) != series_id:
                    raise ValueError(f"{ind.id}: {series_id!r} is not an indicator id the adapters can make")
                if series_id.endswith(NATIONAL_AVERAGE):
                    partner = series_id.removesuffix(NATIONAL_AVERAGE)
                    slot, geos = (primary.index(partner) if partner in primary else 0), ("country",)
                elif series_id + NATIONAL_AVERAGE in ids:
                    slot, geos = primary.index(series_id), tuple(g for g in ind.geographies if g != "country")
                else:
                    slot, geos = primary.index(series_id), ind.geographies
                yield home[0], _Series(series_id, ind, slot, geos)


def _series_rows(series: _Series) -> list[tuple[str, str, str, float, str]]:
    """(area_code, area_name, period, value, unit) rows of one series."""
    ind, unit = series.ind, _table_unit(series.ind)
    rows = []
    for k in range(PERIODS_PER_SERIES):
        period = _period(ind.period_type, FIRST_YEAR + PERIODS_PER_SERIES * series.slot + k)
        for code, name in _areas(ind, series.geographies):
            rows.append((code, name, period, _value(series.series_id, unit, code, period), unit))
    return rows


def _indicator_text(src, series: list[_Series] | None = None) -> str:
    if series is None:
        series = _catalogue_series()[src.id]
    if src.format == "fingertips":
        header = ["area_code", "area_name", "period", "value", "indicator", "measure", "unit", "significance"]
        rows = []
        for s in series:
            measure = f"Age standardised rate per {s.ind.per or 100000:,}"
            for code, name, period, value, _unit in _series_rows(s):
                significance = "Not compared" if code in NATIONAL else ("Similar", "Worse", "Better")[int(value) % 3]
                rows.append([code, name, period, value, _unslug(s.series_id), measure, "Persons", significance])
        return csv_text(header, rows)
    if src.format in ("ons_wide_years", "ons_3yr_by_name"):
        return _ons_text(src)
    if src.format == "transcribed":
        header = ["indicator", "area_code", "area_name", "period", "value", "unit", "source_title", "source_url"]
        rows = [
            [
                _unslug(s.series_id),
                code,
                name,
                period,
                value,
                unit,
                f"Fixture page: {s.ind.title}",
                f"https://example.org/fixtures/{src.id}",
            ]
            for s in series
            for code, name, period, value, unit in _series_rows(s)
        ]
        if not rows:  # a table no indicator uses: one row, so the file is still read
            rows = [
                [
                    f"Fixture figure from {src.id}",
                    COUNTY,
                    "County Durham",
                    "2020/21",
                    12.5,
                    "%",
                    "Fixture page",
                    "https://example.org/fixture",
                ]
            ]
        return csv_text(header, rows)
    raise ValueError(src.format)


def _ons_indicator(src):
    """The catalogue indicator that shows an ONS table (its series id is fixed by the manifest)."""
    series_id = slug(src.extra["indicator"])
    for ind in (i for inds in _catalogues() for i in inds):
        if series_id in ind.indicator_ids:
            return ind
    raise ValueError(f"{src.id}: no catalogue indicator shows {series_id!r}")


def _ons_text(src) -> str:
    ind, series_id = _ons_indicator(src), slug(src.extra["indicator"])
    years = [FIRST_YEAR + k for k in range(PERIODS_PER_SERIES)]
    if src.format == "ons_wide_years":
        # One row per area, one column per registration year (latest first), national and regional names in capitals.
        rows = []
        for code, name in _areas(ind, ind.geographies):
            shown = name.upper() if code in NATIONAL or code == NORTH_EAST[0] else name
            rows.append([code, shown] + [_value(series_id, "count", code, str(y)) for y in reversed(years)])
        return csv_text(["code", "name"] + [str(y) for y in reversed(years)], rows)
    # ons_3yr_by_name: one column per area name, one row per end year; police force areas by short name,
    # with the unnamed index column the force table has.
    if "police force" in src.extra["indicator"].lower():
        names = _force_names()
        header, index = ["", "year", *names.values()], True
    else:
        names = dict(_areas(ind, [g for g in ind.geographies if g in ("county", "la")]))
        header, index = ["year", *names.values()], False
    rows = []
    for i, y in enumerate(years):
        values = [_number(src.id, code, y, lo=5, hi=120) for code in names]
        rows.append(([i] if index else []) + [y, *values])
    return csv_text(header, rows)


# --- Postcodes and places ("Find your area", map labels) ---------------------------------------------
# Made-up postcodes from each of the county's postcode areas, at points inside the fixture LSOAs
# (offsets in LSOA squares from the south-west corner).  "SR7 7" spans two LSOAs (most in E01090003);
# one postcode is terminated; one Darlington postcode is outside County Durham.  Middlesbrough's (TS1, TS5)
# and Sunderland's (SR1, SR2) are for those partnerships' searches, each with a terminated one too.
FAKE_POSTCODES = (
    ("DH1 1AA", "E01090001", (0.3, 0.3)),
    ("DH1 1AB", "E01090001", (0.7, 0.6)),
    ("DH1 1BA", "E01090002", (0.4, 0.5)),
    ("DH1 2AA", "E01090002", (0.6, 0.2)),
    ("SR7 7AA", "E01090003", (0.2, 0.4)),
    ("SR7 7AB", "E01090003", (0.8, 0.8)),
    ("SR7 7BA", "E01090004", (0.5, 0.5)),
    ("DL14 6AA", "E01090004", (0.3, 0.7)),
    ("TS27 4AA", "E01090005", (0.5, 0.5)),
    ("NE39 1AA", "E01090006", (0.5, 0.5)),
    ("DL1 1AA", "E01091001", (0.5, 0.5)),
    # Middlesbrough and Sunderland (the other partnerships' postcode searches).
    ("TS1 1AA", "E01094001", (0.5, 0.5)),
    ("TS1 1AB", "E01094002", (0.4, 0.6)),
    ("TS5 6AA", "E01094003", (0.5, 0.5)),
    ("TS5 6AB", "E01094004", (0.3, 0.3)),
    ("SR1 1AA", "E01095001", (0.5, 0.5)),
    ("SR1 1AB", "E01095002", (0.6, 0.4)),
    ("SR2 7AA", "E01095003", (0.5, 0.5)),
    ("SR2 7AB", "E01095004", (0.7, 0.7)),
)
# One terminated postcode in each partnership with postcodes here (its ONS best-fit LSOA still places it).
FAKE_TERMINATED = (("DH1 9ZZ", "E01090001"), ("TS1 9ZZ", "E01094002"), ("SR1 9ZZ", "E01095003"))
# Made-up towns (names chosen so that searches read like the real ones), inside fixture LSOAs.
FAKE_PLACES = (
    ("9000001", "Seaham", "E01090003", 22000),
    ("9000002", "Barnard Castle", "E01090005", 7000),
    ("9000003", "Bishop Auckland", "E01090001", 26000),
    ("9000004", "Alpha Town", "E01090002", 3000),
    ("9000005", "Delta Moor", "E01090006", 0),
)

# Made-up rows of the UK file (geonames_cities500_gb.csv): places outside the county, by fixture LSOA (None:
# a point far away), with GeoNames' country code and alternate names.  Seaham is inside (left out of the
# outside table); the Cyprus row is outside the UK's box (GeoNames counts the base areas as GB).
FAKE_UK_PLACES = (
    ("9100001", "Darlington", "E01091001", (54.52, -1.55), 92363, "ENG", "Darlingtonas|XVG"),
    ("9100002", "Hartlepool", "E01092001", (54.69, -1.21), 88855, "ENG", "Hartlepulas"),
    ("9100003", "Gateshead", "E01093001", (54.96, -1.60), 120046, "ENG", "Gatesheed|Gatshead"),
    ("9100004", "Seaham", "E01090003", (54.84, -1.35), 22373, "ENG", "Seaham Harbour"),
    ("9100005", "Newcastle", None, (54.21804, -5.88979), 7444, "NIR", "An Caislean Nua"),
    ("9100006", "Akrotiri", None, (34.60088, 32.95536), 684, "", "Akrotiri Village"),
    # Inside the other partnerships: their own places (and, for County Durham, places outside it).
    ("9100007", "Middlesbrough", "E01094001", (54.57, -1.23), 148215, "ENG", "Middlesbro|Boro"),
    ("9100008", "Acklam", "E01094003", (54.55, -1.25), 9000, "ENG", ""),
    ("9100009", "Sunderland", "E01095001", (54.90, -1.38), 170000, "ENG", "Sunnerland"),
    ("9100010", "Fulwell", "E01095002", (54.92, -1.39), 6000, "ENG", ""),
)


def write_postcodes_and_places(root: Path) -> None:
    """The postcode (Code-Point Open, ONS lookup) and GeoNames places files, in the mirror's layout."""
    paths = {s.id: Path(root) / s.path for s in load_manifest().sources}
    by_code = {x.code: x for x in LSOAS}

    def point(code: str, dx: float, dy: float) -> tuple[float, float]:
        x = by_code[code]
        return ORIGIN[0] + (x.col + dx) * SIZE, ORIGIN[1] + (x.row + dy) * SIZE

    rows = []
    for pc, code, (dx, dy) in FAKE_POSTCODES:
        e, n = _TO_OSGB.transform(*point(code, dx, dy))
        lad = by_code[code].lad
        rows.append([pc, 10, round(e), round(n), "E92000001", "E19000001", "E18000001", "", lad, "E05000000"])
    header = CODEPOINT_COLUMNS
    # The mirror's County Durham extracts hold its rows only; the North East extracts every authority's.
    mine = lambda source_id, lad: lad == COUNTY or "county_durham" not in paths[source_id].name  # noqa: E731
    write(paths["postcodes_codepoint"], csv_text(header, [r for r in rows if mine("postcodes_codepoint", r[8])]))
    ons = []
    for pc, code, _ in FAKE_POSTCODES:
        lad = by_code[code].lad
        ons.append([pc.replace(" ", ""), pc, pc, "199001", "", "0", "E00000001", code, "E02000001", lad, "", "", LAS[lad][0], ""])
    for pc, code in FAKE_TERMINATED:
        lad = by_code[code].lad
        ons.append([pc.replace(" ", ""), pc, pc, "199001", "201512", "0", "E00000001", code, "E02000001", lad, "", "", "", ""])
    ons_header = ["pcd7", "pcd8", "pcds", "dointr", "doterm", "usertype", "oa11cd", "lsoa11cd", "msoa11cd", "ladcd"]
    ons_header += ["lsoa11nm", "msoa11nm", "ladnm", "ladnmw"]
    write(paths["postcodes_ons_lookup"], csv_text(ons_header, [r for r in ons if mine("postcodes_ons_lookup", r[9])]))
    places = []
    for gid, name, code, pop in FAKE_PLACES:
        lon, lat = point(code, 0.5, 0.5)
        places.append([gid, name, f"{lat:.5f}", f"{lon:.5f}", pop])
    if "places_geonames" in paths:  # County Durham's own extract (the UK file below holds every place)
        write(paths["places_geonames"], csv_text(["geonameid", "name", "latitude", "longitude", "population"], places))
    uk = []
    for gid, name, code, (lat, lon), pop, country, alternates in FAKE_UK_PLACES:
        if code:
            lon, lat = point(code, 0.5, 0.5)
        uk.append([gid, name, f"{lat:.5f}", f"{lon:.5f}", pop, country, alternates])
    if "places_geonames" not in paths:  # no County Durham extract: its towns are in the UK file, as in GeoNames
        in_uk = {row[1] for row in uk}
        uk += [[gid, name, lat, lon, pop, "ENG", ""] for gid, name, lat, lon, pop in places if name not in in_uk]
    header = ["geonameid", "name", "latitude", "longitude", "population", "admin1code", "alternatenames"]
    write(paths["places_geonames_uk"], csv_text(header, uk))


# --- Outcomes and the long view (issue 12) -----------------------------------------------------------
# Street rows carry a spread of police.uk "Last outcome category" values (deterministic), so that every
# outcome group of data/outcomes.toml has crimes; the most recent fixture month has more still open.
FIXTURE_OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Investigation complete; no suspect identified",
    "Court result unavailable",
    "Offender given a caution",
    "Local resolution",
    "Further action is not in the public interest",
    "Action to be taken by another organisation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Unable to prosecute suspect",
)


def fixture_outcome(lsoa_code: str, crime_type: str, month: str, k: int) -> str:
    """The outcome category of the k-th fixture crime of a type in an LSOA and month."""
    i = int(lsoa_code[-2:]) + 3 * CRIME_TYPES.index(crime_type) + 5 * k + int(month[-2:])
    if month.endswith("-12") and i % 3 == 0:
        return "Under investigation"
    return FIXTURE_OUTCOMES[i % len(FIXTURE_OUTCOMES)]


LONG_VIEW_PATH = "indicators/crime_and_community_safety/ons_recorded_crime_pfa_2003_2018.csv"
LONG_VIEW_FORCES = {  # ONS PFA name -> (region, size factor)
    "Durham": ("North East", 1.0),
    "Cleveland": ("North East", 1.1),
    "Northumbria": ("North East", 2.2),
    "Avon and Somerset": ("South West", 2.8),
    "British Transport Police": ("British Transport Police", 0.9),
}
LONG_VIEW_OFFENCES = (
    "All other theft offences",
    "Bicycle theft",
    "Criminal damage and arson",
    "Death or serious injury caused by illegal driving",
    "Domestic burglary",
    "Drug offences",
    "Fraud offences",
    "Homicide",
    "Miscellaneous crimes against society",
    "Non-domestic burglary",
    "Non-residential burglary",
    "Possession of weapons offences",
    "Public order offences",
    "Residential burglary",
    "Robbery",
    "Sexual offences",
    "Shoplifting",
    "Stalking and harassment",
    "Theft from the person",
    "Vehicle offences",
    "Violence with injury",
    "Violence without injury",
)


def long_view_periods() -> list[str]:
    """The 52 period ends as the ONS table writes them: yearly to March 2007, then quarterly to December
    2018, with the published file's one odd date (30-12-2017)."""
    out = [f"31-03-{y}" for y in range(2003, 2007)]
    for y in range(2007, 2019):
        out += [f"31-03-{y}", f"30-06-{y}", f"30-09-{y}", "30-12-2017" if y == 2017 else f"31-12-{y}"]
    return out


def long_view_rows() -> list[list]:
    rows = []
    for period in long_view_periods():
        year = int(period[-4:])
        for pfa, (region, size) in LONG_VIEW_FORCES.items():
            for j, offence in enumerate(LONG_VIEW_OFFENCES):
                if offence in ("Residential burglary", "Non-residential burglary") and (year, period[3:5]) < (2017, "06"):
                    continue  # the burglary split starts in 2017, as in the published table
                base = _number("long", pfa, offence, lo=10, hi=3000)
                value = int(base * size * (1 + 0.02 * (year - 2003)) + j)
                rows.append([period, pfa, region, offence, value])
        if period.startswith("31-03") and year >= 2012:
            rows.append([period, "Action Fraud", "Fraud: Action Fraud", "Action Fraud", _number("af", period, lo=1000, hi=9000)])
    return rows


def write_long_view(root: Path) -> Path:
    """The ONS recorded crime by police force area table (made-up values, the published layout)."""
    path = Path(root) / next((s.path for s in load_manifest().sources if s.id == "ons_recorded_crime_pfa"), LONG_VIEW_PATH)
    header = ["12 months ending", "PFA", "Region", "Offence", "Rolling year total number of offences"]
    write(path, csv_text(header, long_view_rows()))
    return path
