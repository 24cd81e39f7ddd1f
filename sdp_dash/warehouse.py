"""Named, parameterised queries over the warehouse -> DataFrames.  No Streamlit here.

Every function takes the connection first (a test passes an in-memory or fixture warehouse;
the app passes a cursor of its cached read-only connection).  User input only ever reaches
SQL as a bound parameter.

The small lookups that computing figures asks for again and again (an area, its forces, the months
on file, the measures, an area's counts) are :func:`lookup` functions: on the app's cursor they are
answered once per warehouse generation (``con.lookups``, see ``sdp_dash.web.connection``) and shared
(read-only, as every cached value: ``sdp_dash.memo``); on any other connection they simply run.  A cold
priority page made about 1,000 such queries before.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pandas as pd
from cachetools.keys import hashkey

from sdp_dash.config.months import month_date, months_between
from sdp_dash.memo import Store

Con = duckdb.DuckDBPyConnection


def lookup(fn):
    """``fn(con, ...)`` answered from ``con.lookups`` (a :class:`sdp_dash.memo.Store`) when the
    connection has one, else simply run.  The answer is shared, as every cached value is
    (``sdp_dash.memo``: read-only; a caller that changes it makes its own copy)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    def key(_con, *args, **kwargs):
        return hashkey(name, *args, **kwargs)

    @functools.wraps(fn)
    def call(con, *args, **kwargs):
        store = getattr(con, "lookups", None)
        if store is None:
            return fn(con, *args, **kwargs)
        return store.memoized(fn, key=key)(con, *args, **kwargs)

    return call


class Remembering:
    """A connection whose lookups are answered once, as on the app's cursor: for the command line's
    repeated exports and for tests (the disclosure pattern of a period takes about a second)."""

    def __init__(self, con: Con, entries: int = 500):
        self._con = con
        self.lookups = Store("lookups (remembering connection)", entries)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def connect(path: str | Path) -> Con:
    path = Path(path)
    if not path.exists():
        raise LookupError(f"no warehouse at {path}: run `python -m sdp_dash build` first")
    return duckdb.connect(str(path), read_only=True)


# --- Areas ---------------------------------------------------------------------------------


@lookup
def area(con: Con, code: str) -> dict:
    """One area as a dict (code, name, type, parent, population, approximate), or LookupError."""
    df = con.execute(
        """SELECT a.*, t.label AS type_label, t.noun AS type_noun
           FROM areas a JOIN area_types t USING (area_type) WHERE a.area_code = ?""",
        [code],
    ).fetchdf()
    if df.empty:
        raise LookupError(f"unknown area code {code!r}")
    return df.iloc[0].to_dict()


@lookup
def areas(con: Con, area_type: str | None = None) -> pd.DataFrame:
    sql = """SELECT a.area_code, a.area_name, a.area_type, a.parent_code, a.population, a.approximate,
                    a.official_name, t.label AS type_label, t.sort_order
             FROM areas a JOIN area_types t USING (area_type)
             WHERE ? IS NULL OR a.area_type = ?
             ORDER BY t.sort_order, a.area_name"""
    return con.execute(sql, [area_type, area_type]).fetchdf()


@lookup
def area_forces(con: Con, code: str) -> list[str]:
    rows = con.execute(
        """SELECT DISTINCT f.force FROM area_lsoa m JOIN lsoa_force f USING (lsoa21_code)
           WHERE m.area_code = ? ORDER BY 1""",
        [code],
    ).fetchall()
    return [r[0] for r in rows]


# --- Coverage -------------------------------------------------------------------------------


def coverage(con: Con) -> pd.DataFrame:
    return con.execute(
        "SELECT force, strftime(month, '%Y-%m') AS month, status, rows, asb_rows, rows_in_force_area FROM coverage ORDER BY force, month"
    ).fetchdf()


def coverage_summary(con: Con) -> pd.DataFrame:
    from sdp_dash.config.manifest import load

    names = {f.slug: f.name for f in load().forces}
    cov = coverage(con)
    rows = []
    for force, grp in cov.groupby("force", sort=True):
        present = grp[grp["status"] == "present"]
        missing = grp[grp["status"] == "missing"]["month"].tolist()
        rows.append(
            {
                "force": force,
                "force_name": names.get(force, force),
                "months_present": len(present),
                "first_month": present["month"].min(),
                "last_month": present["month"].max(),
                "missing_months": _month_ranges(missing),
            }
        )
    return pd.DataFrame(rows)


def _month_ranges(months: list[str]) -> str:
    """['2024-05', ..., '2024-12'] -> '2024-05..2024-12' (consecutive runs joined)."""
    if not months:
        return ""
    runs, start, prev = [], months[0], months[0]
    for m in months[1:]:
        if months_between(prev, m)[1:] == [m]:
            prev = m
            continue
        runs.append(start if start == prev else f"{start}..{prev}")
        start = prev = m
    runs.append(start if start == prev else f"{start}..{prev}")
    return ", ".join(runs)


@lookup
def missing_months(con: Con, code: str, start: str, end: str) -> list[str]:
    """Months in [start, end] with no police.uk file for a force covering the area."""
    wanted = months_between(start, end)
    forces = area_forces(con, code)
    present = con.execute(
        """SELECT strftime(month, '%Y-%m'), count(DISTINCT force) FROM coverage
           WHERE status = 'present' AND list_contains(?, force) GROUP BY 1""",
        [forces],
    ).fetchall()
    full = {m for m, n in present if n == len(forces)}
    return [m for m in wanted if m not in full]


@lookup
def latest_month(con: Con) -> str:
    return con.execute("SELECT strftime(max(month), '%Y-%m') FROM coverage WHERE status = 'present'").fetchone()[0]


# --- Measures and counts -------------------------------------------------------------------------


@lookup
def measures(con: Con) -> pd.DataFrame:
    return con.execute(
        """SELECT measure_id, any_value(label) AS label, any_value(short_label) AS short_label,
                  any_value(definition) AS definition, bool_or(sensitive) AS sensitive, any_value(kind) AS kind,
                  list(crime_type ORDER BY crime_type) AS crime_types
           FROM measures GROUP BY measure_id ORDER BY any_value(kind), min(rowid)"""
    ).fetchdf()


@lookup
def _measure_types(con: Con, measure: str) -> list[str]:
    rows = con.execute("SELECT crime_type FROM measures WHERE measure_id = ?", [measure]).fetchall()
    if not rows:
        raise LookupError(f"unknown measure {measure!r}")
    return [r[0] for r in rows]


@lookup
def counts_by_measure(con: Con, code: str, start: str, end: str, kind: str = "key") -> pd.DataFrame:
    """Count per measure for an area and months (kind 'key': the key measures, 'type': the single
    categories, 'all': both)."""
    return con.execute(
        """WITH c AS (
                SELECT c.crime_type, sum(c.n) AS n FROM crime_counts c
                JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code AND m.area_code = ?
                WHERE c.month BETWEEN ?::DATE AND ?::DATE GROUP BY 1)
            SELECT ms.measure_id, any_value(ms.label) AS label, coalesce(sum(c.n), 0)::BIGINT AS count,
                   bool_or(ms.sensitive) AS sensitive
            FROM measures ms LEFT JOIN c ON c.crime_type = ms.crime_type
            WHERE ? = 'all' OR ms.kind = ?
            GROUP BY ms.measure_id ORDER BY min(ms.rowid)""",
        [code, month_date(start), month_date(end), kind, kind],
    ).fetchdf()


@lookup
def counts_by_type(con: Con, code: str, start: str, end: str) -> pd.DataFrame:
    """Count per police.uk category (all 14, zeros included)."""
    return con.execute(
        """WITH c AS (
                SELECT c.crime_type, sum(c.n) AS n FROM crime_counts c
                JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code AND m.area_code = ?
                WHERE c.month BETWEEN ?::DATE AND ?::DATE GROUP BY 1)
            SELECT t.crime_type, coalesce(c.n, 0)::BIGINT AS count, t.sensitive
            FROM (SELECT crime_type, bool_or(sensitive) AS sensitive FROM measures GROUP BY 1) t
            LEFT JOIN c USING (crime_type) ORDER BY count DESC, crime_type""",
        [code, month_date(start), month_date(end)],
    ).fetchdf()


@lookup
def monthly_counts(con: Con, code: str, measure: str, start: str, end: str) -> pd.DataFrame:
    """Count per month for one measure; months without a file are present with count NULL."""
    types = _measure_types(con, measure)
    missing = set(missing_months(con, code, start, end))
    df = con.execute(
        """SELECT strftime(c.month, '%Y-%m') AS month, sum(c.n)::BIGINT AS count FROM crime_counts c
            JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code AND m.area_code = ?
            WHERE c.month BETWEEN ?::DATE AND ?::DATE AND list_contains(?, c.crime_type) GROUP BY 1""",
        [code, month_date(start), month_date(end), types],
    ).fetchdf()
    got = dict(zip(df["month"], df["count"], strict=True))
    rows = [
        (m, None if m in missing else int(got.get(m, 0)), "missing" if m in missing else "present")
        for m in months_between(start, end)
    ]
    return pd.DataFrame(rows, columns=["month", "count", "status"]).astype({"count": "Int64"})


def counts_by_lsoa(con: Con, code: str, measure: str, start: str, end: str) -> pd.DataFrame:
    types = _measure_types(con, measure)
    return con.execute(
        """SELECT m.lsoa21_code AS area_code, a.area_name, a.population,
                   coalesce(sum(c.n), 0)::BIGINT AS count
            FROM area_lsoa m JOIN areas a ON a.area_code = m.lsoa21_code
            LEFT JOIN crime_counts c ON c.lsoa21_code = m.lsoa21_code AND c.month BETWEEN ?::DATE AND ?::DATE AND list_contains(?, c.crime_type)
            WHERE m.area_code = ?
            GROUP BY ALL ORDER BY m.lsoa21_code""",
        [month_date(start), month_date(end), types, code],
    ).fetchdf()


# --- Disclosure control: the whole cube a period's views draw from ----------------------------------


def lsoa_type_month_counts(con: Con, start: str, end: str) -> pd.DataFrame:
    """Count per small area, police.uk category and month from ``start`` to ``end`` (non-zero rows only)."""
    return con.execute(
        """SELECT lsoa21_code, strftime(month, '%Y-%m') AS month, crime_type, sum(n)::BIGINT AS n
           FROM crime_counts WHERE month BETWEEN ?::DATE AND ?::DATE GROUP BY ALL""",
        [month_date(start), month_date(end)],
    ).fetchdf()


@lookup
def area_memberships(con: Con) -> pd.DataFrame:
    """Every area (its code and type) with each of its small areas and that small area's IMD 2019 decile."""
    return con.execute(
        """SELECT m.area_code, a.area_type, m.lsoa21_code, d.imd_decile
           FROM area_lsoa m JOIN areas a USING (area_code)
           LEFT JOIN deprivation d ON d.lsoa21_code = m.lsoa21_code
           ORDER BY m.area_code, m.lsoa21_code"""
    ).fetchdf()


# --- Dashboard: maps, profiles, search and the About page ------------------------------------------


def built_at(con: Con) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    return row[0] if row else ""


def present_months(con: Con) -> list[str]:
    """Months with at least one police.uk file, oldest first."""
    rows = con.execute("SELECT DISTINCT strftime(month, '%Y-%m') FROM coverage WHERE status = 'present' ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def counts_by_area_type(con: Con, area_type: str, measure: str, start: str, end: str) -> pd.DataFrame:
    """Count and population for every area of one type (e.g. all LSOAs), for one measure and period."""
    types = _measure_types(con, measure)
    return con.execute(
        """WITH c AS (
                SELECT c.lsoa21_code, sum(c.n) AS n FROM crime_counts c
                WHERE c.month BETWEEN ?::DATE AND ?::DATE AND list_contains(?, c.crime_type) GROUP BY 1)
            SELECT a.area_code, a.area_name, a.population, a.approximate,
                   coalesce(sum(c.n), 0)::BIGINT AS count
            FROM areas a JOIN area_lsoa m ON m.area_code = a.area_code
            LEFT JOIN c ON c.lsoa21_code = m.lsoa21_code
            WHERE a.area_type = ?
            GROUP BY ALL ORDER BY a.area_name""",
        [month_date(start), month_date(end), types, area_type],
    ).fetchdf()


def geometry(con: Con, area_type: str) -> pd.DataFrame:
    """GeoJSON geometry (WGS84) and a label point for every area of one type."""
    return con.execute(
        """SELECT g.area_code, g.geojson, g.label_lon, g.label_lat FROM area_geometry g
           JOIN areas a USING (area_code) WHERE a.area_type = ? ORDER BY 1""",
        [area_type],
    ).fetchdf()


def area_geometry(con: Con, code: str) -> pd.DataFrame:
    return con.execute("SELECT area_code, geojson, label_lon, label_lat FROM area_geometry WHERE area_code = ?", [code]).fetchdf()


def deprivation_for_area(con: Con, code: str) -> pd.DataFrame:
    """IMD 2019 decile and Crime-domain decile (1 = most deprived 10% in England) of each LSOA in an area."""
    return con.execute(
        """SELECT a.area_code AS lsoa21_code, a.area_name, a.population, d.imd_decile, d.crime_decile, d.method
           FROM area_lsoa m JOIN areas a ON a.area_code = m.lsoa21_code
           LEFT JOIN deprivation d ON d.lsoa21_code = m.lsoa21_code
           WHERE m.area_code = ? ORDER BY d.imd_decile, a.area_name""",
        [code],
    ).fetchdf()


def incident_points(con: Con, code: str, measure: str, start: str, end: str, limit: int = 5000) -> pd.DataFrame:
    """Anonymised police.uk map points for an area, non-sensitive categories only, counted per point."""
    types = _measure_types(con, measure)
    return con.execute(
        """SELECT e.longitude, e.latitude, any_value(e.location) AS location, count(*)::BIGINT AS count,
                   string_agg(DISTINCT e.crime_type, ', ' ORDER BY e.crime_type) AS crime_types
            FROM crime_events e JOIN area_lsoa m ON m.lsoa21_code = e.lsoa21_code AND m.area_code = ?
            WHERE e.month BETWEEN ?::DATE AND ?::DATE AND list_contains(?, e.crime_type)
              AND e.crime_type NOT IN (SELECT crime_type FROM measures WHERE sensitive)
              AND e.longitude IS NOT NULL AND e.latitude IS NOT NULL
            GROUP BY 1, 2 ORDER BY count DESC LIMIT ?""",
        [code, month_date(start), month_date(end), types, limit],
    ).fetchdf()


def sources(con: Con) -> pd.DataFrame:
    return con.execute(
        "SELECT source_id, title, publisher, licence, attribution, url, page, kind, quality, loaded_at FROM sources ORDER BY kind DESC, source_id"
    ).fetchdf()


def source(con: Con, source_id: str) -> dict:
    df = con.execute("SELECT * FROM sources WHERE source_id = ?", [source_id]).fetchdf()
    if df.empty:
        raise LookupError(f"unknown source {source_id!r}")
    return df.iloc[0].to_dict()


def police_sources_by_force(con: Con) -> pd.DataFrame:
    """The monthly police.uk files grouped into one row per force, with the months loaded."""
    return con.execute(
        """SELECT regexp_extract(source_id, '^police_uk_(.+)_\\d{4}-\\d{2}$', 1) AS force,
                  any_value(publisher) AS publisher, any_value(licence) AS licence, any_value(attribution) AS attribution,
                  any_value(page) AS page, count(*) AS files,
                  list(regexp_extract(source_id, '(\\d{4}-\\d{2})$', 1) ORDER BY source_id) AS months,
                  max(loaded_at) AS loaded_at
           FROM sources WHERE kind = 'police' GROUP BY 1 ORDER BY 1"""
    ).fetchdf()


def aap_evidence(con: Con) -> pd.DataFrame:
    """How each 2013 division was assigned to an area board (empty where the partnership has no area boards)."""
    if not has_table(con, "aap_division_evidence"):
        return pd.DataFrame(columns=["aap_code", "aap_name", "division_code", "division_name", "confidence", "evidence"])
    return con.execute(
        "SELECT aap_code, aap_name, division_code, division_name, confidence, evidence FROM aap_division_evidence ORDER BY aap_name, division_name"
    ).fetchdf()


def aap_lsoas_outside_division(con: Con) -> int:
    """How many small areas sit in a different area board from the one their 2013 division is assigned to."""
    return con.execute(
        """SELECT count(*) FROM area_lsoa b JOIN areas ab ON ab.area_code = b.area_code AND ab.area_type = 'aap'
           JOIN area_lsoa d ON d.lsoa21_code = b.lsoa21_code
           JOIN areas ad ON ad.area_code = d.area_code AND ad.area_type = 'division_2013'
           WHERE ad.parent_code <> b.area_code"""
    ).fetchone()[0]


# --- Indicator catalogue: published tables ------------------------------------------------------------


def indicator_rows(con: Con, indicator_ids: list[str]) -> pd.DataFrame:
    """Rows of the published indicator tables for some indicator ids (every quality), with the publisher."""
    return con.execute(
        """SELECT v.indicator_id, v.indicator, v.area_code, v.area_name, v.period, v.value, v.lower, v.upper,
                  v.count, v.unit, v.source_id, v.source_title, v.source_url, s.publisher, v.quality, v.note
           FROM indicator_values v LEFT JOIN sources s USING (source_id)
           WHERE list_contains(?, v.indicator_id)
           ORDER BY v.indicator_id, v.area_code, v.period""",
        [list(indicator_ids)],
    ).fetchdf()


def statistical_neighbours(con: Con, code: str) -> pd.DataFrame:
    """ONS statistical ('global') neighbours of an authority: rank, area_code (nearest first)."""
    return con.execute(
        "SELECT rank, neighbour_code AS area_code FROM area_neighbours WHERE area_code = ? AND kind = 'global' ORDER BY rank",
        [code],
    ).fetchdf()


def source_ids(con: Con) -> set[str]:
    return {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}


@lookup
def measure_sensitivity(con: Con) -> dict[str, bool]:
    """Each measure id and whether it is sensitive (small counts withheld)."""
    return {r[0]: bool(r[1]) for r in con.execute("SELECT measure_id, bool_or(sensitive) FROM measures GROUP BY 1").fetchall()}


@lookup
def indicator_qualities(con: Con) -> dict[str, str]:
    """Each published indicator id and its rows' qualities ('official', 'press', 'secondary'), comma-joined."""
    return {
        r[0]: r[1]
        for r in con.execute("SELECT indicator_id, string_agg(DISTINCT quality, ',') FROM indicator_values GROUP BY 1").fetchall()
    }


# --- Find your area: postcodes and places ------------------------------------------------------------


@lookup
def has_table(con: Con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def postcode(con: Con, code: str) -> dict | None:
    """One normalised postcode ("DH1 1AB"): its LSOA 2021 and how it was placed, or None if not held."""
    df = con.execute(
        """SELECT p.postcode, p.lsoa21_code, p.method, p.terminated, a.area_name
           FROM postcodes p LEFT JOIN areas a ON a.area_code = p.lsoa21_code WHERE p.postcode = ?""",
        [code],
    ).fetchdf()
    return None if df.empty else df.iloc[0].to_dict()


def postcode_examples(con: Con) -> list[str]:
    """Two live postcodes of the partnership (a quarter and three quarters down its list), or none."""
    if not has_table(con, "postcodes"):
        return []
    rows = con.execute(
        """SELECT postcode FROM (SELECT postcode, row_number() OVER (ORDER BY postcode) AS k, count(*) OVER () AS n
           FROM postcodes WHERE NOT terminated) WHERE k IN (greatest(n // 4, 1), greatest(3 * n // 4, 1)) ORDER BY k"""
    ).fetchall()
    return [r[0] for r in rows]


def postcode_areas(con: Con, column: str, value: str, area_type: str) -> pd.DataFrame:
    """The areas of one type holding the live postcodes of a sector or district, most postcodes first."""
    if column not in ("sector", "district"):
        raise ValueError(column)
    return con.execute(
        """SELECT a.area_code, a.area_name, count(*) AS postcodes,
                  sum(count(*)) OVER () AS total
           FROM postcodes p JOIN area_lsoa m USING (lsoa21_code)
           JOIN areas a ON a.area_code = m.area_code AND a.area_type = ?
           WHERE NOT p.terminated AND ((? = 'sector' AND p.sector = ?) OR (? = 'district' AND p.district = ?))
           GROUP BY ALL ORDER BY postcodes DESC, a.area_name""",
        [area_type, column, value, column, value],
    ).fetchdf()


def postcode_prefix_counts(con: Con, column: str, value: str) -> tuple[int, int]:
    """(live, terminated) postcodes held for a sector or district."""
    if column not in ("sector", "district"):
        raise ValueError(column)
    row = con.execute(
        """SELECT count(*) FILTER (WHERE NOT terminated), count(*) FILTER (WHERE terminated) FROM postcodes
           WHERE (? = 'sector' AND sector = ?) OR (? = 'district' AND district = ?)""",
        [column, value, column, value],
    ).fetchone()
    return int(row[0]), int(row[1])


def lsoa_parents(con: Con) -> pd.DataFrame:
    """Each of the partnership's LSOAs with the code and name of its neighbourhood, divisions and area board."""
    return con.execute(
        """SELECT m.lsoa21_code,
                  any_value(a.area_code) FILTER (WHERE a.area_type = 'msoa') AS msoa_code,
                  any_value(a.area_name) FILTER (WHERE a.area_type = 'msoa') AS msoa_name,
                  any_value(a.area_name) FILTER (WHERE a.area_type = 'division_2025') AS division_name,
                  any_value(a.area_code) FILTER (WHERE a.area_type = 'division_2025') AS division_code,
                  any_value(a.area_name) FILTER (WHERE a.area_type = 'aap') AS aap_name
           FROM area_lsoa m JOIN areas a USING (area_code)
           WHERE a.area_type IN ('msoa', 'division_2025', 'aap')
           GROUP BY 1 ORDER BY 1"""
    ).fetchdf()


def places(con: Con) -> pd.DataFrame:
    """GeoNames towns and villages in the partnership's area (largest first), or an empty frame in an older warehouse."""
    if not has_table(con, "places"):
        return pd.DataFrame(columns=["geonameid", "name", "longitude", "latitude", "population", "lsoa21_code"])
    return con.execute(
        "SELECT geonameid, name, longitude, latitude, population, lsoa21_code FROM places ORDER BY population DESC, name"
    ).fetchdf()


@lookup
def places_outside(con: Con) -> pd.DataFrame:
    """GeoNames places outside the partnership's area with their alternate names, local authority, community safety
    partnership and police force area (largest first), or an empty frame in an older warehouse."""
    if not has_table(con, "places_outside"):
        return pd.DataFrame(columns=_OUTSIDE_COLUMNS)
    return con.execute(
        """SELECT geonameid, name, alternatenames, population, country, lad_code, lad_name, csp_name, pfa_code, pfa_name
           FROM places_outside ORDER BY population DESC, name"""
    ).fetchdf()


_OUTSIDE_COLUMNS = ["geonameid", "name", "alternatenames", "population", "country", "lad_code", "lad_name", "csp_name"]
_OUTSIDE_COLUMNS += ["pfa_code", "pfa_name"]


def find_areas(con: Con) -> pd.DataFrame:
    """Every county area a resident might look for, with its type label and parent (for the search)."""
    return con.execute(
        """SELECT a.area_code, a.area_name, a.area_type, a.parent_code, t.label AS type_label, t.sort_order
           FROM areas a JOIN area_types t USING (area_type)
           WHERE a.area_type IN ('county', 'aap', 'division_2025', 'division_2013', 'msoa', 'lsoa')
           ORDER BY t.sort_order, a.area_name"""
    ).fetchdf()


# --- What happened next, who is most affected, the long view (issue 12) ---------------------------------


def outcome_groups(con: Con) -> pd.DataFrame:
    """The outcome groups of data/outcomes.toml (id, label, description), in their order."""
    if not has_table(con, "outcome_groups"):
        return pd.DataFrame(columns=["group_id", "label", "description", "sort_order"])
    return con.execute("SELECT group_id, label, description, sort_order FROM outcome_groups ORDER BY sort_order").fetchdf()


def outcome_counts(con: Con, code: str, measure: str, start: str, end: str) -> pd.DataFrame:
    """Crimes of one measure in an area by month, outcome group and whether the case is still open
    (month 'YYYY-MM', group_id, still_open, count)."""
    types = _measure_types(con, measure)
    if not has_table(con, "outcome_counts"):
        return pd.DataFrame(columns=["month", "group_id", "still_open", "count"])
    return con.execute(
        """SELECT strftime(o.month, '%Y-%m') AS month, o.group_id, o.still_open, sum(o.n)::BIGINT AS count
           FROM outcome_counts o JOIN area_lsoa m ON m.lsoa21_code = o.lsoa21_code AND m.area_code = ?
           WHERE o.month BETWEEN ?::DATE AND ?::DATE AND list_contains(?, o.crime_type)
           GROUP BY ALL ORDER BY ALL""",
        [code, month_date(start), month_date(end), types],
    ).fetchdf()


def long_view_counts(con: Con, forces: list[str], national: str) -> pd.DataFrame:
    """ONS recorded crime by force area: (period_end, area, offence, count) for the named forces, and
    ``national`` (the sum of every territorial force: England and Wales)."""
    if not has_table(con, "long_view_crime"):
        return pd.DataFrame(columns=["period_end", "area", "offence", "count"])
    return con.execute(
        """SELECT period_end, pfa AS area, offence, sum(count)::BIGINT AS count FROM long_view_crime
           WHERE list_contains(?, pfa) GROUP BY ALL
           UNION ALL
           SELECT period_end, ? AS area, offence, sum(count)::BIGINT FROM long_view_crime
           WHERE territorial GROUP BY ALL
           ORDER BY ALL""",
        [list(forces), national],
    ).fetchdf()


def long_view_forces(con: Con) -> int:
    """How many territorial police force areas the long-view table sums to make England and Wales."""
    if not has_table(con, "long_view_crime"):
        return 0
    return int(con.execute("SELECT count(DISTINCT pfa) FROM long_view_crime WHERE territorial").fetchone()[0])
