"""police.uk monthly street files: ``YYYY-MM/YYYY-MM-<force>-street.csv`` (plain or gzipped).

One row per crime or anti-social behaviour incident, with a snapped ("on or near") location and
the LSOA 2021 it falls in.  Checks: the exact published header, UTF-8, a readable gzip, every
row's month equals the file's month, every row's force is the file's force, LSOA codes are
well formed, crime types are the 14 police.uk categories, one file per force and month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sdp_dash.config.manifest import Force
from sdp_dash.errors import SourceError

from .common import duckdb_problem, read_text

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

CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

FILE_NAME = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))-([a-z0-9-]+)-street\.csv(\.gz)?$")


EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS crime_events (
    force VARCHAR NOT NULL,          -- force slug, e.g. 'durham'
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


def discover(root: Path, forces: tuple[Force, ...]) -> list[StreetFile]:
    """Every street file under each force's folder, checked for naming and duplicates."""
    found: dict[tuple[str, str], StreetFile] = {}
    for force in forces:
        folder = root / force.folder
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*/*-street.csv*")):
            rel = path.relative_to(root).as_posix()
            m = FILE_NAME.match(path.name)
            if not m:
                raise SourceError(rel, "file name is not YYYY-MM-<force>-street.csv[.gz]")
            month, slug = m.group(1), m.group(2)
            if slug != force.slug:
                raise SourceError(rel, f"a '{slug}' file in the folder of {force.name} ({force.folder}/)")
            if path.parent.name != month:
                raise SourceError(rel, f"file for {month} is in folder {path.parent.name}/")
            key = (force.slug, month)
            if key in found:
                raise SourceError(rel, f"duplicate month: {month} for {force.name} also comes from {found[key].rel}")
            found[key] = StreetFile(path, rel, force, month)
    return sorted(found.values(), key=lambda s: (s.force.slug, s.month))


def check_text(sf: StreetFile) -> None:
    """Encoding, gzip integrity and the exact header (cheap, before DuckDB reads the rows)."""
    try:
        text = read_text(sf.path)
    except SourceError as exc:
        raise SourceError(sf.rel, exc.problem) from None
    first_line = text.split("\n", 1)[0].rstrip("\r")
    header = [h.strip('"') for h in first_line.split(",")]
    if header != HEADER:
        raise SourceError(sf.rel, f"wrong header: expected the police.uk street header, got {first_line[:120]!r}")
    if len(text.strip().splitlines()) < 2:
        raise SourceError(sf.rel, "the file has a header but no data rows")


def load(con: duckdb.DuckDBPyConnection, sf: StreetFile) -> int:
    """Validate one file and append its rows to crime_events; returns the number of rows."""
    check_text(sf)
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

    types = list(CRIME_TYPES)
    n, bad_month, bad_force, bad_lsoa, bad_type, bad_coord = con.execute(
        """SELECT count(*),
                  any_value("Month") FILTER (WHERE "Month" IS DISTINCT FROM ?),
                  any_value("Falls within") FILTER (WHERE "Falls within" IS DISTINCT FROM ?),
                  any_value("LSOA code") FILTER (WHERE coalesce("LSOA code", '') <> ''
                                                 AND NOT regexp_full_match("LSOA code", '[EW]01[0-9]{6}')),
                  any_value(coalesce("Crime type", '')) FILTER (WHERE NOT list_contains(?, coalesce("Crime type", ''))),
                  any_value(coalesce("Longitude", '') || ',' || coalesce("Latitude", ''))
                      FILTER (WHERE (coalesce("Longitude", '') <> '' AND TRY_CAST("Longitude" AS DOUBLE) IS NULL)
                                 OR (coalesce("Latitude", '') <> '' AND TRY_CAST("Latitude" AS DOUBLE) IS NULL))
           FROM street_stage""",
        [sf.month, sf.force.name, types],
    ).fetchone()
    if n == 0:
        raise SourceError(sf.rel, "the file has a header but no data rows")
    if bad_month is not None:
        raise SourceError(sf.rel, f"wrong month inside the file: a row says {bad_month!r}, the file is for {sf.month}")
    if bad_force is not None:
        raise SourceError(sf.rel, f"a row is for {bad_force!r}, the file is for {sf.force.name}")
    if bad_lsoa is not None:
        raise SourceError(sf.rel, f"bad LSOA code {bad_lsoa!r}")
    if bad_type is not None:
        raise SourceError(sf.rel, f"unknown crime type {bad_type!r}")
    if bad_coord is not None:
        raise SourceError(sf.rel, f"bad longitude/latitude {bad_coord!r}")

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
