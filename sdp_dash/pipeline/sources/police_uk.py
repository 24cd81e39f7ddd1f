"""police.uk monthly street files: ``YYYY-MM/YYYY-MM-<force>-street.csv`` (plain or gzipped).

One row per crime or anti-social behaviour incident, with a snapped ("on or near") location and
the LSOA 2021 it falls in.  Checks (each failure is one line naming the file): a regular file with a
lower-case name in its month folder, one file per force and month, a month from 2010 up to the
build date; UTF-8, a readable gzip, the exact published header; every row's month equals the file's
month, every row's force is the file's force, LSOA codes are well formed and (but for at most 1% of
the rows, which are reported) in the ONS LSOA 2021 set, crime types are the 14 police.uk
categories, longitude/latitude both empty or both finite numbers inside England and Wales; no row
repeated exactly (same Crime ID and details), and not every row present an even number of times
(a file joined to itself).  Rows sharing a Crime ID with *different* details are kept as published
(police.uk has a few) and counted in the build report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sdp_dash.config.codes import CRIME_TYPES
from sdp_dash.config.manifest import Force
from sdp_dash.errors import SourceError, quote

from .common import check_regular, duckdb_problem, read_text

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]


FILE_NAME = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))-([a-z0-9-]+)-street\.csv(\.gz)?$")
STREET = re.compile(r"-street\.csv", re.IGNORECASE)  # anything that looks like a street file is checked, never ignored
FIRST_MONTH = "2010-01"  # police.uk street files start in December 2010
# Anonymised points of any force lie in England and Wales (a force records some crimes far from home).
LON_RANGE = (-6.5, 1.8)
LAT_RANGE = (49.8, 56.0)
UNKNOWN_LSOA_LIMIT = 0.01  # a file with more rows than this in no known LSOA 2021 is refused


EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS crime_events (
    force VARCHAR NOT NULL,          -- force slug, as data/sources.toml names it
    month DATE NOT NULL,             -- first day of the month
    crime_id VARCHAR,                -- NULL for anti-social behaviour
    crime_type VARCHAR NOT NULL,
    lsoa21_code VARCHAR,             -- NULL when police.uk gives no LSOA
    longitude DOUBLE,                -- anonymised (snapped) point
    latitude DOUBLE,
    location VARCHAR,
    outcome VARCHAR,
    source_file VARCHAR NOT NULL     -- path relative to the source folder
)
"""


@dataclass(frozen=True)
class StreetFile:
    path: Path
    rel: str
    force: Force
    month: str  # YYYY-MM


def this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def discover(root: Path, forces: tuple[Force, ...], *, latest: str | None = None) -> list[StreetFile]:
    """Every street file under each force's folder, checked for naming, month and duplicates."""
    latest = latest or this_month()
    found: dict[tuple[str, str], StreetFile] = {}
    for force in forces:
        for path in _street_paths(root, force):
            sf = _street_file(root, force, path, latest)
            key = (force.slug, sf.month)
            if key in found:
                raise SourceError(sf.rel, f"duplicate month: {sf.month} for {force.name} also comes from {found[key].rel}")
            found[key] = sf
    return sorted(found.values(), key=lambda s: (s.force.slug, s.month))


def _street_paths(root: Path, force: Force) -> list[Path]:
    """The street files in the month folders of a force's folder (none if it has no folder)."""
    folder = root / force.folder
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise SourceError(force.folder, "is not a folder")
    paths = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            paths += [p for p in sorted(entry.iterdir()) if STREET.search(p.name)]
        elif STREET.search(entry.name):
            raise SourceError(entry.relative_to(root).as_posix(), "a street file outside a month folder (YYYY-MM/)")
    return paths


def _street_file(root: Path, force: Force, path: Path, latest: str) -> StreetFile:
    """One street file, its name, folder and month checked, and refused unless a regular file."""
    rel = path.relative_to(root).as_posix()
    if path.name != path.name.lower():
        raise SourceError(rel, f"file name is not lower case (rename it {path.name.lower()})")
    m = FILE_NAME.match(path.name)
    if not m:
        raise SourceError(rel, "file name is not YYYY-MM-<force>-street.csv[.gz]")
    month, slug = m.group(1), m.group(2)
    if slug != force.slug:
        raise SourceError(rel, f"a '{slug}' file in the folder of {force.name} ({force.folder}/)")
    if path.parent.name != month:
        raise SourceError(rel, f"file for {month} is in folder {quote(path.parent.name)}")
    if not FIRST_MONTH <= month <= latest:
        raise SourceError(rel, f"month {month} is outside {FIRST_MONTH}..{latest} (police.uk months up to the build date)")
    check_regular(path, rel)
    return StreetFile(path, rel, force, month)


def check_text(sf: StreetFile) -> None:
    """Encoding, gzip integrity and the exact header (cheap, before DuckDB reads the rows).

    A wrong header is described by the published column names it lacks, never by quoting the file.
    """
    try:
        text = read_text(sf.path)
    except SourceError as exc:
        raise SourceError(sf.rel, exc.problem) from None
    first_line = text.split("\n", 1)[0].rstrip("\r")
    header = [h.strip('"') for h in first_line.split(",")]
    if header != HEADER:
        missing = [h for h in HEADER if h not in header]
        extra = len([h for h in header if h not in HEADER])
        if missing:
            what = f"missing column(s) {', '.join(missing)}"
        elif extra:
            what = f"{extra} column(s) that are not police.uk's"
        else:
            what = "the columns are not in the published order"
        raise SourceError(sf.rel, f"wrong header: expected the police.uk street header ({what})")
    if len(text.strip().splitlines()) < 2:
        raise SourceError(sf.rel, "the file has a header but no data rows")


_CHECKS = """
WITH s AS (
    SELECT "Month", "Falls within", "LSOA code", "Crime type", "Longitude", "Latitude", "Crime ID",
           TRY_CAST("Longitude" AS DOUBLE) AS lon, TRY_CAST("Latitude" AS DOUBLE) AS lat,
           coalesce("Longitude", '') <> '' AS has_lon, coalesce("Latitude", '') <> '' AS has_lat
    FROM street_stage)
SELECT count(*),
       any_value("Month") FILTER (WHERE "Month" IS DISTINCT FROM $month),
       any_value("Falls within") FILTER (WHERE "Falls within" IS DISTINCT FROM $force),
       any_value("LSOA code") FILTER (WHERE coalesce("LSOA code", '') <> ''
                                      AND NOT regexp_full_match("LSOA code", '[EW]01[0-9]{6}')),
       any_value(coalesce("Crime type", '')) FILTER (WHERE NOT list_contains($types, coalesce("Crime type", ''))),
       any_value(coalesce("Longitude", '') || ',' || coalesce("Latitude", ''))
           FILTER (WHERE (has_lon AND lon IS NULL) OR (has_lat AND lat IS NULL) OR has_lon <> has_lat),
       any_value(coalesce("Longitude", '') || ',' || coalesce("Latitude", ''))
           FILTER (WHERE has_lon AND has_lat AND NOT (isfinite(lon) AND isfinite(lat))),
       any_value(coalesce("Longitude", '') || ',' || coalesce("Latitude", ''))
           FILTER (WHERE isfinite(lon) AND isfinite(lat)
                   AND NOT (lon BETWEEN $lon_lo AND $lon_hi AND lat BETWEEN $lat_lo AND $lat_hi)),
       bool_or(isfinite(lon) AND isfinite(lat) AND lat BETWEEN $lon_lo AND $lon_hi AND lon BETWEEN $lat_lo AND $lat_hi),
       list(DISTINCT "LSOA code") FILTER (WHERE coalesce("LSOA code", '') <> ''),
       count("Crime ID") FILTER (WHERE "Crime ID" <> '') = count(DISTINCT "Crime ID") FILTER (WHERE "Crime ID" <> '')
           AND count("Crime ID") FILTER (WHERE "Crime ID" <> '') > 0
FROM s
"""

_REPEATS = """
WITH g AS (  -- rows identical in every column (by a hash of the whole row)
    SELECT crime_id, count(*) AS n
    FROM (SELECT "Crime ID" AS crime_id, hash(*COLUMNS(*)) AS h FROM street_stage) GROUP BY h, crime_id)
SELECT count(*) FILTER (WHERE coalesce(crime_id, '') <> '' AND n > 1),
       any_value(n) FILTER (WHERE coalesce(crime_id, '') <> '' AND n > 1),
       bool_and(n % 2 = 0)
FROM g
"""


def load(con: duckdb.DuckDBPyConnection, sf: StreetFile, known_lsoas: set[str] | frozenset[str]) -> int:
    """Validate one file and append its rows to crime_events; returns the number of rows.

    ``known_lsoas``: the ONS LSOA 2021 codes (England and Wales).
    """
    check_text(sf)
    _stage(con, sf)
    n, codes, ids_unique = _check_rows(con, sf)
    _check_lsoas(con, sf, n, codes, known_lsoas)
    _check_repeats(con, sf, ids_unique)
    con.execute(
        """INSERT INTO crime_events
           SELECT ?, strptime("Month", '%Y-%m')::DATE, NULLIF("Crime ID", ''), "Crime type",
                  NULLIF("LSOA code", ''), TRY_CAST("Longitude" AS DOUBLE), TRY_CAST("Latitude" AS DOUBLE),
                  "Location", NULLIF("Last outcome category", ''), ?
           FROM street_stage""",
        [sf.force.slug, sf.rel],
    )
    con.execute("DROP TABLE street_stage")
    return n


def _stage(con: duckdb.DuckDBPyConnection, sf: StreetFile) -> None:
    """The file read as text into the temporary table street_stage (its columns as published)."""
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE street_stage AS
               SELECT * FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                                      strict_mode = true, columns = {
                   'Crime ID': 'VARCHAR', 'Month': 'VARCHAR', 'Reported by': 'VARCHAR', 'Falls within': 'VARCHAR',
                   'Longitude': 'VARCHAR', 'Latitude': 'VARCHAR', 'Location': 'VARCHAR', 'LSOA code': 'VARCHAR',
                   'LSOA name': 'VARCHAR', 'Crime type': 'VARCHAR', 'Last outcome category': 'VARCHAR', 'Context': 'VARCHAR'})""",
            [str(sf.path)],
        )
    except duckdb.Error as exc:
        raise SourceError(sf.rel, duckdb_problem(exc)) from None


def _check_rows(con: duckdb.DuckDBPyConnection, sf: StreetFile) -> tuple[int, list | None, bool]:
    """Every row's month, force, LSOA code, crime type and location; returns (rows, the LSOA codes
    seen, whether every Crime ID is there once)."""
    params = {
        "month": sf.month,
        "force": sf.force.name,
        "types": list(CRIME_TYPES),
        "lon_lo": LON_RANGE[0],
        "lon_hi": LON_RANGE[1],
        "lat_lo": LAT_RANGE[0],
        "lat_hi": LAT_RANGE[1],
    }
    (n, bad_month, bad_force, bad_lsoa, bad_type, bad_coord, not_finite, outside, swapped, codes, ids_unique) = con.execute(
        _CHECKS, params
    ).fetchone()
    if n == 0:
        raise SourceError(sf.rel, "the file has a header but no data rows")
    if bad_month is not None:
        raise SourceError(sf.rel, f"wrong month inside the file: a row says {quote(bad_month)}, the file is for {sf.month}")
    if bad_force is not None:
        raise SourceError(sf.rel, f"a row is for {quote(bad_force)}, the file is for {sf.force.name}")
    if bad_lsoa is not None:
        raise SourceError(sf.rel, f"bad LSOA code {quote(bad_lsoa)}")
    if bad_type is not None:
        raise SourceError(sf.rel, f"unknown crime type {quote(bad_type)}")
    if bad_coord is not None:
        raise SourceError(sf.rel, f"bad longitude/latitude {quote(bad_coord)}")
    if not_finite is not None:
        raise SourceError(sf.rel, f"bad longitude/latitude {quote(not_finite)}: not a finite number")
    if outside is not None:
        hint = " (longitude and latitude swapped?)" if swapped else ""
        raise SourceError(sf.rel, f"longitude/latitude {quote(outside)} is outside England and Wales{hint}")
    return n, codes, ids_unique


def _check_lsoas(con, sf: StreetFile, n: int, codes: list | None, known_lsoas: set[str] | frozenset[str]) -> None:
    """At most UNKNOWN_LSOA_LIMIT of a file's rows may have an LSOA code outside the ONS 2021 set."""
    unknown = sorted(set(codes or ()) - known_lsoas)
    n_unknown = 0
    if unknown:
        n_unknown = con.execute('SELECT count(*) FROM street_stage WHERE list_contains(?, "LSOA code")', [unknown]).fetchone()[0]
    if n_unknown > UNKNOWN_LSOA_LIMIT * n:
        raise SourceError(
            sf.rel,
            f"{n_unknown:,} of {n:,} rows have an LSOA code that is not an ONS LSOA 2021 code (e.g. {quote(unknown[0])})",
        )


def _check_repeats(con, sf: StreetFile, ids_unique: bool) -> None:
    """No row repeated exactly, no file joined to itself (with every Crime ID once, the usual case,
    neither can happen)."""
    exact, times, all_even = (0, None, False) if ids_unique else con.execute(_REPEATS).fetchone()
    if all_even:
        raise SourceError(sf.rel, "duplicate rows: every row is present an even number of times (the file repeats itself)")
    if exact:
        raise SourceError(
            sf.rel, f"duplicate rows: {exact:,} crime(s) appear {times} or more times with the same Crime ID and details"
        )
