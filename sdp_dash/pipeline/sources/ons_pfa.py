"""ONS / Home Office "Recorded crime data at Police Force Area level" (``rec-crime-pfa.csv``).

Police recorded crime, rolling 12-month totals by offence group, for every police force area of
England and Wales (plus national rows for British Transport Police, Action Fraud, CIFAS and UK
Finance): the year to March 2003 .. March 2007, then every quarter to December 2018.

Columns: ``12 months ending`` (DD-MM-YYYY), ``PFA``, ``Region``, ``Offence``, ``Rolling year total
number of offences``.  Checks (each failure is one line naming the file): the exact header; every
date a quarter end (a day of 28 or later in March, June, September or December: the published file
writes one quarter as 30-12-2017, read as 31 December); counts whole numbers (the published table has
a few small negative values, net of crimes cancelled or reclassified later: kept as published); one row
per period, force and offence; the named forces present.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sdp_dash.errors import SourceError, quote

from .common import duckdb_problem, read_text

HEADER = ["12 months ending", "PFA", "Region", "Offence", "Rolling year total number of offences"]
# Rows that are not a territorial police force area (not part of "England and Wales" as a sum of forces).
NATIONAL_BODIES = ("British Transport Police", "Action Fraud", "CIFAS", "UK Finance")

DDL = """CREATE OR REPLACE TABLE long_view_crime (
    period_end DATE NOT NULL,   -- last day of the 12 months
    pfa VARCHAR NOT NULL,       -- police force area as ONS names it (the force's name's first word)
    region VARCHAR,
    offence VARCHAR NOT NULL,   -- ONS offence group
    territorial BOOLEAN NOT NULL,
    count BIGINT NOT NULL)"""

_READ = """CREATE OR REPLACE TEMP TABLE pfa_stage AS
SELECT * FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
                       columns = {'period': 'VARCHAR', 'pfa': 'VARCHAR', 'region': 'VARCHAR', 'offence': 'VARCHAR',
                                  'count': 'VARCHAR'})"""

_CHECKS = """
WITH s AS (
    SELECT *, TRY_STRPTIME(period, '%d-%m-%Y')::DATE AS d, TRY_CAST(replace(count, ',', '') AS BIGINT) AS n FROM pfa_stage)
SELECT count(*),
       any_value(period) FILTER (WHERE d IS NULL OR month(d) NOT IN (3, 6, 9, 12) OR day(d) < 28),
       any_value(coalesce(count, '')) FILTER (WHERE n IS NULL),
       any_value(coalesce(pfa, '')) FILTER (WHERE coalesce(pfa, '') = '' OR coalesce(offence, '') = '')
FROM s
"""


def load(con: duckdb.DuckDBPyConnection, path: Path | None, rel: str, forces: tuple[str, ...]) -> int:
    """Read the table into ``long_view_crime`` (empty when the file is absent); returns rows read."""
    con.execute(DDL)
    if path is None:
        return 0
    n = _stage(con, path, rel)
    con.execute(
        """INSERT INTO long_view_crime
           SELECT last_day(TRY_STRPTIME(period, '%d-%m-%Y')::DATE), pfa, region, offence,
                  NOT list_contains(?, pfa) AND NOT starts_with(coalesce(region, ''), 'Fraud:'),
                  TRY_CAST(replace(count, ',', '') AS BIGINT)
           FROM pfa_stage""",
        [list(NATIONAL_BODIES)],
    )
    con.execute("DROP TABLE pfa_stage")
    dup = con.execute(
        """SELECT strftime(period_end, '%Y-%m'), pfa, offence FROM long_view_crime
           GROUP BY ALL HAVING count(*) > 1 LIMIT 1"""
    ).fetchone()
    if dup:
        raise SourceError(rel, f"duplicate rows: {quote(dup[2])} for {quote(dup[1])} in the 12 months to {dup[0]}")
    have = {r[0] for r in con.execute("SELECT DISTINCT pfa FROM long_view_crime").fetchall()}
    if missing := [f for f in forces if f not in have]:
        raise SourceError(rel, f"no rows for the police force area(s) {', '.join(map(quote, missing))}")
    return int(n)


def _stage(con: duckdb.DuckDBPyConnection, path: Path, rel: str) -> int:
    """The file (its header checked) read into the temporary table pfa_stage, its rows checked; returns rows."""
    try:
        text = read_text(path)
    except SourceError as exc:
        raise SourceError(rel, exc.problem) from None
    header = [h.strip().strip('"').lstrip("\ufeff") for h in text.split("\n", 1)[0].rstrip("\r").split(",")]
    if header != HEADER:
        missing = [h for h in HEADER if h not in header]
        raise SourceError(rel, f"wrong header: expected the ONS PFA table's columns ({', '.join(missing) or 'order differs'})")
    try:
        con.execute(_READ, [str(path)])
    except duckdb.Error as exc:
        raise SourceError(rel, duckdb_problem(exc)) from None
    n, bad_period, bad_count, bad_name = con.execute(_CHECKS).fetchone()
    if not n:
        raise SourceError(rel, "the file has a header but no data rows")
    if bad_period is not None:
        raise SourceError(rel, f"{quote(bad_period)} is not a quarter end like 31-03-2003")
    if bad_count is not None:
        raise SourceError(rel, f"count {quote(bad_count)} is not a whole number")
    if bad_name is not None:
        raise SourceError(rel, "a row has no force or no offence")
    return n
