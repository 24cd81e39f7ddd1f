"""Raw files -> one DuckDB warehouse, built safely.

- The warehouse is written to a temporary file beside the target and swapped in (``os.replace``)
  only when complete and checked, so a failure leaves the previous warehouse serving.
- Every input file's SHA-256 is recorded.  Re-running with unchanged inputs does nothing; when
  only police.uk months were added, changed or removed, only those files are read (the rest of
  the warehouse is copied); any other change rebuilds everything.
- One build at a time: a lock file (``.<warehouse>.lock``, ``flock``) beside the warehouse; a second
  build waits up to ``lock_wait`` seconds, then refuses with one line.  Temporary files left by a
  killed build (``.<warehouse>.building-<pid>`` and its ``.wal``) are removed by the next build.
- Every failure is a :class:`SourceError` (one line): bad input, a directory or special file where a
  file should be (refused before it is read), a full disk or a read-only target.
- A build report (rows read, counted, not counted and why, per file) is kept in the warehouse
  (``build_report``) and printed by ``python -m sdp_dash coverage``.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from sdp_dash.config import catalogue
from sdp_dash.config import measures as measures_config
from sdp_dash.config.manifest import MANIFEST_PATH, Manifest, Source
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.measures import MEASURES_PATH
from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.errors import SourceError
from sdp_dash.pipeline import areas as area_model
from sdp_dash.pipeline.sources import deprivation, geography, indicators, police_uk, population
from sdp_dash.pipeline.sources.common import check_regular, sha256

SCHEMA_VERSION = "2"  # 2: lsoa21_known, force_bbox and build_report tables
BOX_MARGIN = 0.1  # degrees around the population-weighted centroids of a force's LSOAs (report only)


@dataclass
class BuildReport:
    mode: str  # 'unchanged', 'incremental' or 'full'
    warehouse: Path
    files_read: int = 0
    police_rows: int = 0
    messages: list[str] = field(default_factory=list)
    rows: list[tuple[str, str, str, int]] = field(default_factory=list)  # (file, kind, item, rows) of reference files


# --- Inputs and their checksums ------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    rel: str
    path: Path
    kind: str  # 'police' or 'reference'
    source_id: str


def _inputs(root: Path, manifest: Manifest) -> tuple[list[InputFile], list[police_uk.StreetFile], list[str]]:
    files: list[InputFile] = []
    absent: list[str] = []
    if not root.is_dir():
        raise SourceError(root, "the source folder is missing or not a folder")
    for src in manifest.sources:
        found = src.locate(root)
        if found is None:
            if src.optional:
                absent.append(src.path)
                continue
            raise SourceError(root / src.path, "missing (run `python -m sdp_dash fetch`, or set SDP_MIRROR)")
        check_regular(found, found.relative_to(root).as_posix())  # a directory or pipe is an error, optional or not
        files.append(InputFile(found.relative_to(root).as_posix(), found, "reference", src.id))
    # The project's own data and build code shape the warehouse too: a change to them rebuilds it.
    package = Path(__file__).parent
    shaping = [MEASURES_PATH, MANIFEST_PATH, PROJECT_ROOT / "data" / "outcomes.toml", package / "build.py", package / "areas.py"]
    shaping += sorted((package / "sources").glob("*.py"))
    for extra in shaping:
        files.append(InputFile(f"project:{extra.relative_to(PROJECT_ROOT).as_posix()}", extra, "reference", "project"))
    street = police_uk.discover(root, manifest.forces)
    if not street:
        raise SourceError(root, "no police.uk street files found (expected e.g. police-uk/2025-01/2025-01-durham-street.csv.gz)")
    files += [InputFile(s.rel, s.path, "police", f"police_uk_{s.force.slug}_{s.month}") for s in street]
    return files, street, absent


def _previous_checksums(warehouse: Path) -> dict[str, tuple[str, str]] | None:
    """{rel: (sha256, kind)} from the current warehouse, or None if it can't be reused."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if not version or version[0] != SCHEMA_VERSION:
                return None
            return {r: (h, k) for r, h, k in con.execute("SELECT rel, sha256, kind FROM loaded_files").fetchall()}
    except duckdb.Error:
        return None


# --- The build -------------------------------------------------------------------------------


def check_config(manifest: Manifest) -> measures_config.Measures:
    """The project's own configuration, checked before any data is read (each mistake is one line)."""
    measures = measures_config.load()
    from sdp_dash.pipeline.sources import outcomes

    outcomes.load()  # data/outcomes.toml: police.uk outcome categories -> groups
    try:
        cat = catalogue.load()
    except catalogue.CatalogueError as exc:
        raise SourceError("data/indicators.toml", str(exc)) from None
    known = measures.ids()
    for ind in cat.indicators:
        if ind.measure and ind.measure not in known:
            raise SourceError(
                "data/indicators.toml", f"indicator {ind.id}: unknown measure {ind.measure!r} (see data/measures.toml)"
            )
    return measures


def build(
    root: Path,
    warehouse: Path,
    *,
    force_full: bool = False,
    progress: bool = True,
    manifest: Manifest | None = None,
    fail_after: Callable[[str], None] | None = None,
    lock_wait: float = 0.0,
) -> BuildReport:
    """Build (or bring up to date) the warehouse at ``warehouse`` from the source folder ``root``.

    ``fail_after`` is a test hook called after each step with the step's name.  ``lock_wait`` is how
    long to wait for another build of the same warehouse to finish before refusing.
    """
    warehouse = Path(warehouse)
    _reserve_refusal(warehouse)
    try:
        report = _locked_build(root, warehouse, force_full, progress, manifest, fail_after, lock_wait)
    except SourceError as exc:
        _note_refusal(warehouse, str(exc))
        raise
    _note_refusal(warehouse, None)
    return report


REFUSAL_RESERVE = 4096  # bytes kept for the refusal's line before the build starts (see _reserve_refusal)


def _refusal_file(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.refused")


def _reserve_refusal(warehouse: Path) -> None:
    """Before anything that can fill the disk: make sure ``.<warehouse>.refused`` holds REFUSAL_RESERVE
    bytes, padding with spaces (a file of spaces reads as "no refusal"; a previous refusal's line is
    kept).  A refusal is then written over those bytes, which needs no new space on a full disk.
    Best effort: if even this fails, the refusal goes to stderr (_note_refusal)."""
    path = _refusal_file(warehouse)
    if not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size < REFUSAL_RESERVE:
                os.write(fd, b" " * (REFUSAL_RESERVE - size))
        finally:
            os.close(fd)
    except OSError:
        _drop_if_empty(path)


def _drop_if_empty(path: Path) -> None:
    """An empty refusal file says nothing: never leave one behind."""
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def _note_refusal(warehouse: Path, message: str | None) -> None:
    """Keep the last refused build's one line beside the warehouse (``coverage`` prints it); a build
    that succeeds removes it.  The line is written over the bytes reserved at the start (no truncation
    first, so a full disk cannot leave the file empty); if it cannot be written at all, it is printed
    on stderr instead, so the reason is never lost.  A warehouse folder that does not exist keeps nothing
    (the CLI has printed the reason)."""
    path = _refusal_file(warehouse)
    if message is None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        return
    if not path.parent.is_dir():
        return
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    line = f"{stamp}: {message}\n".encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            written = os.pwrite(fd, line, 0)
            os.ftruncate(fd, written)  # shrinking needs no space
            if written < len(line):
                raise OSError(errno.ENOSPC, "the line was cut short")
        finally:
            os.close(fd)
    except OSError as exc:
        _drop_if_empty(path)
        print(f"warning: {path}: could not record this refusal ({exc.strerror or exc}): {message}", file=sys.stderr)


def last_refusal(warehouse: Path) -> str | None:
    """'<time>: <error>' of the last build that was refused since the last one that succeeded, else None."""
    try:
        text = _refusal_file(Path(warehouse)).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def _locked_build(root, warehouse: Path, force_full, progress, manifest, fail_after, lock_wait) -> BuildReport:
    manifest = manifest or load_manifest()
    measures = check_config(manifest)
    root = Path(root)
    try:
        if warehouse.exists() and not warehouse.is_file():
            raise SourceError(warehouse, "the warehouse path is not a regular file")
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with lock(warehouse, lock_wait):
            removed = _remove_stale(warehouse)
            report = _build(root, warehouse, force_full, progress, manifest, measures, fail_after)
            if removed:
                report.messages.insert(0, f"Removed {removed} temporary file(s) left by an interrupted build.")
            return report
    except OSError as exc:
        raise SourceError(exc.filename or warehouse, _os_problem(exc)) from None
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SourceError(warehouse, f"the build failed in DuckDB ({first[:120]}); the previous warehouse is unchanged") from None


def _os_problem(exc: OSError) -> str:
    what = {
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the target is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EISDIR: "is a directory, not a file",
        errno.ENOTDIR: "a folder on the path is a file",
    }.get(exc.errno, exc.strerror or type(exc).__name__)
    return f"{what}; the previous warehouse is unchanged"


_HELD: set[Path] = set()  # warehouses whose lock this process holds (the lock is re-entrant: refresh -> build)


@contextmanager
def lock(warehouse: Path, wait: float = 0.0) -> Iterator[None]:
    """One build (or refresh) of a warehouse at a time: ``flock`` on ``.<warehouse>.lock``, released by
    the kernel even if the process is killed.  Another process waits up to ``wait`` seconds, then is
    refused with one line; the process that holds it may take it again (``refresh`` builds under it)."""
    warehouse = Path(warehouse)
    path = warehouse.with_name(f".{warehouse.name}.lock").resolve()
    if path in _HELD:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    who = f" (pid {holder})" if holder.isdigit() else ""
                    raise SourceError(
                        warehouse, f"another build of this warehouse is running{who}; try again when it has finished"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(path)
        try:
            yield
        finally:
            _HELD.discard(path)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _remove_stale(warehouse: Path) -> int:
    """Temporary files of builds that were killed, and a write-ahead log beside the warehouse (only
    called while holding the lock).  The app opens the warehouse read-only and the build writes a
    new file, so a ``<warehouse>.wal`` is left by some other writer that was stopped: DuckDB would
    replay it into the next file at this path."""
    stale = list(warehouse.parent.glob(f".{warehouse.name}.building-*"))
    stale += [p for p in [warehouse.with_name(warehouse.name + ".wal")] if p.exists()]
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


def _build(root, warehouse, force_full, progress, manifest, measures, fail_after) -> BuildReport:
    inputs, street, absent = _inputs(root, manifest)
    checksums = {f.rel: sha256(f.path) for f in inputs}
    previous = None if force_full else _previous_checksums(warehouse)

    current = {f.rel: (checksums[f.rel], f.kind) for f in inputs}
    if previous == current:
        return BuildReport("unchanged", warehouse, messages=["Inputs unchanged: the warehouse is up to date."])

    reference_same = previous is not None and {r: v for r, v in previous.items() if v[1] == "reference"} == {
        r: v for r, v in current.items() if v[1] == "reference"
    }
    mode = "incremental" if reference_same else "full"

    tmp = warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}")
    _remove(tmp)
    report = BuildReport(mode, warehouse)
    if absent:
        report.messages.append(f"Left out (not in the source folder; only available from a mirror): {', '.join(absent)}")
    try:
        if mode == "incremental":
            shutil.copyfile(warehouse, tmp)
        with duckdb.connect(str(tmp)) as con:
            if mode == "full":
                steps = _full_steps(con, root, manifest, measures, inputs, street, checksums, report)
            else:
                steps = _incremental_steps(con, manifest, previous, inputs, street, checksums, report)
            bar = tqdm(steps, desc=f"build ({mode})", unit="step", disable=not progress, leave=False)
            for name, step in bar:
                bar.set_postfix_str(name)
                step()
                if fail_after:
                    fail_after(name)
            _check(con)
            report.messages += _report_messages(con)
            _write_meta(con, root, mode)
            con.execute("CHECKPOINT")
        os.replace(tmp, warehouse)
    except BaseException:
        _remove(tmp)
        raise
    return report


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


def _full_steps(con, root, manifest, measures, inputs, street, checksums, report):
    by_id = {f.source_id: f for f in inputs if f.kind == "reference"}
    state: dict = {}

    def path_of(source_id: str) -> Path | None:
        f = by_id.get(source_id)
        return f.path if f else None

    def rel_of(source_id: str) -> str:
        return by_id[source_id].rel

    def read(source_id: str, n: int, item: str = "read") -> None:
        report.rows.append((rel_of(source_id), "reference", item, int(n)))

    def geography_step():
        src_ids = ("lsoa11_lsoa21_lookup", "lsoa21_centroids", "lad_csp_pfa", "msoa_names", "la_names")
        state["lookup"] = geography.read_lsoa_lookup(path_of(src_ids[0]))
        state["centroids"] = geography.read_centroids(path_of(src_ids[1]))
        state["lad_pfa"] = geography.read_lad_pfa(path_of(src_ids[2]))
        state["msoa_names"] = geography.read_msoa_names(path_of(src_ids[3]))
        state["la_names"] = geography.read_la_names(path_of(src_ids[4]))
        neighbours = geography.read_neighbours(path_of("ons_neighbours_global"), "global")  # noqa: F841 - read by DuckDB
        con.execute("CREATE TABLE area_neighbours AS SELECT * FROM neighbours")
        # The ONS LSOA 2021 codes (England and Wales): a police.uk row's LSOA must be one of them.
        known = state["lookup"][["lsoa21_code"]]  # noqa: F841 - read by DuckDB
        con.execute("CREATE TABLE lsoa21_known AS SELECT DISTINCT lsoa21_code FROM known ORDER BY 1")
        for sid, key in zip(src_ids, ("lookup", "centroids", "lad_pfa", "msoa_names", "la_names"), strict=True):
            read(sid, len(state[key]))
        read("ons_neighbours_global", len(neighbours))
        la_names = state["la_names"][["lad_code", "lad_name", "region_code", "region_name"]]  # noqa: F841
        con.execute("CREATE TABLE la_names AS SELECT DISTINCT * FROM la_names")
        report.files_read += len(src_ids) + 1

    def boundaries_step():
        bounds = geography.read_boundaries
        lookup = state["lookup"].drop_duplicates("lsoa21_code")
        state["lsoa"] = []
        for sid, lad in (("lsoa21_county_durham", area_model.COUNTY_CODE), ("lsoa21_darlington", area_model.DARLINGTON_CODE)):
            features = bounds(path_of(sid), "LSOA21CD", "LSOA21NM")
            _check_lsoa_boundaries(rel_of(sid), features, set(lookup.loc[lookup["lad_code"] == lad, "lsoa21_code"]))
            state["lsoa"] += features
            read(sid, len(features), "features read")
        for key, sid, code, name in (
            ("msoa", "msoa21_county_durham", "MSOA21CD", "MSOA21NM"),
            ("div13", "divisions2013_county_durham", "WD22CD", "WD22NM"),
            ("div25", "divisions2025_county_durham", "WD25CD", "WD25NM"),
        ):
            state[key] = bounds(path_of(sid), code, name)
            read(sid, len(state[key]), "features read")
        report.files_read += 5

    def population_step():
        state["census"] = population.read_census_lsoa(path_of("census21_lsoa"))
        la = population.read_census_la(path_of("census21_la"))
        lsoa_lad = state["lookup"].drop_duplicates("lsoa21_code")[["lsoa21_code", "lad_code"]]
        population.check_totals(state["census"], lsoa_lad, la, rel_of("census21_lsoa"))
        country = population.read_census_country(path_of("census21_country"))
        for sid, df in (("census21_lsoa", state["census"]), ("census21_la", la), ("census21_country", country)):
            read(sid, len(df))
        published = pd.concat(  # noqa: F841 - read by DuckDB by name
            [la.assign(source_id="census21_la"), country.assign(source_id="census21_country")],
            ignore_index=True,
        )
        con.execute("CREATE TABLE population_published AS SELECT * FROM published")
        report.files_read += 3

    def areas_step():
        aap_lsoa = aap_div = None
        if path_of("aap_lsoa") and path_of("aap_divisions"):
            from sdp_dash.pipeline.sources.common import read_csv

            aap_lsoa = read_csv(path_of("aap_lsoa"), ["lsoa21_code", "aap_name"])
            aap_div = read_csv(path_of("aap_divisions"), ["division_code", "division_name", "aap_name", "confidence", "evidence"])
            read("aap_lsoa", len(aap_lsoa))
            read("aap_divisions", len(aap_div))
            report.files_read += 2
        else:
            report.messages.append("Area Action Partnership files not found: area boards are left out.")
        totals = state["census"].groupby("lsoa21_code", as_index=False)["usual_residents"].sum()
        inp = area_model.AreaInputs(
            lookup=state["lookup"],
            centroids=state["centroids"],
            population=totals,
            lsoa_features=state["lsoa"],
            msoa_features=state["msoa"],
            divisions_2013=state["div13"],
            divisions_2025=state["div25"],
            msoa_names=state["msoa_names"],
            lad_pfa=state["lad_pfa"],
            la_names=state["la_names"],
            forces=manifest.forces,
            aap_lsoa=aap_lsoa,
            aap_divisions=aap_div,
        )
        areas, area_lsoa, geometry = area_model.build(inp)
        area_types = area_model.AREA_TYPES  # noqa: F841 - read by DuckDB by name
        con.execute("CREATE TABLE areas AS SELECT * FROM areas ORDER BY area_type, area_name")
        con.execute("CREATE TABLE area_lsoa AS SELECT * FROM area_lsoa ORDER BY area_code, lsoa21_code")
        con.execute("CREATE TABLE area_geometry AS SELECT * FROM geometry")
        con.execute("CREATE TABLE area_types AS SELECT * FROM area_types")
        if aap_div is not None:
            div_evidence = aap_div.assign(aap_code=aap_div["aap_name"].map(area_model.aap_code))  # noqa: F841
            con.execute("CREATE TABLE aap_division_evidence AS SELECT * FROM div_evidence")
        # Each LSOA's home force: its figures come from that force's files only.
        forces = pd.DataFrame([(f.pfa_code, f.slug) for f in manifest.forces], columns=["pfa", "force"])  # noqa: F841
        con.execute(
            """CREATE TABLE lsoa_force AS
               SELECT m.lsoa21_code, f.force FROM area_lsoa m JOIN forces f ON m.area_code = f.pfa"""
        )
        # Each force's box (its LSOAs' centroids and a margin): points outside it are reported, not refused.
        centroids = state["centroids"][["lsoa21_code", "longitude", "latitude"]]  # noqa: F841
        con.execute(
            """CREATE TABLE force_bbox AS
               SELECT f.force, min(c.longitude) - ? AS min_lon, max(c.longitude) + ? AS max_lon,
                      min(c.latitude) - ? AS min_lat, max(c.latitude) + ? AS max_lat
               FROM lsoa_force f JOIN centroids c USING (lsoa21_code) GROUP BY ALL ORDER BY ALL""",
            [BOX_MARGIN] * 4,
        )
        members = set(area_lsoa["lsoa21_code"])
        census = state["census"][state["census"]["lsoa21_code"].isin(members)]  # noqa: F841
        con.execute("CREATE TABLE population_lsoa AS SELECT lsoa21_code, age_group, usual_residents FROM census")
        lookup = state["lookup"][state["lookup"]["lsoa21_code"].isin(members)]  # noqa: F841
        con.execute("CREATE TABLE lsoa_lookup AS SELECT * FROM lookup")
        state["members"] = members

    def deprivation_step():
        domains = deprivation.read_domains(path_of("imd2019_domains"))
        pop2015 = deprivation.read_population(path_of("imd2019_population"))
        read("imd2019_domains", len(domains))
        read("imd2019_population", len(pop2015))
        lookup = state["lookup"][state["lookup"]["lsoa21_code"].isin(state["members"])]
        bridged = deprivation.bridge_to_2021(domains, pop2015, lookup)  # noqa: F841
        con.execute("CREATE TABLE deprivation AS SELECT * FROM bridged")
        report.files_read += 2

    def indicators_step():
        names = state["la_names"]
        codes_by_name = dict(zip(names["lad_name"], names["lad_code_active"], strict=True))
        codes_by_name.update({f.name.split()[0]: f.pfa_code for f in manifest.forces})
        frames = []
        for src in manifest.sources:
            if src.format and path_of(src.id):
                frames.append(indicators.read(src, path_of(src.id), codes_by_name))
                read(src.id, len(frames[-1]), "values read")
                report.files_read += 1
        tidy = pd.concat(frames, ignore_index=True)  # noqa: F841
        con.execute("CREATE TABLE indicator_values AS SELECT * FROM tidy")

    def find_step():  # postcodes and places: "Find your area" and the map labels (sources/postcodes.py, places.py)
        from sdp_dash.pipeline.sources import places, postcodes

        lookup = state["lookup"]
        county_codes = set(lookup.loc[lookup["lad_code"] == area_model.COUNTY_CODE, "lsoa21_code"])
        county = [f for f in state["lsoa"] if f.code in county_codes]
        ids = {"codepoint": "postcodes_codepoint", "ons": "postcodes_ons_lookup"}
        lines = postcodes.load(
            con, path_of(ids["codepoint"]), path_of(ids["ons"]), county, lookup, lad_code=area_model.COUNTY_CODE
        )
        for key, item, n in lines:
            read(ids[key], n, item)
        for item, n in places.load(con, path_of("places_geonames"), county):
            read("places_geonames", n, item)
        if path_of("places_geonames_uk"):  # places outside the county: "Darlington is outside County Durham"
            for item, n in places.load_outside(
                con, path_of("places_geonames_uk"), county, state["centroids"], lookup, state["lad_pfa"],
                state["la_names"], county_code=area_model.COUNTY_CODE,
            ):  # fmt: skip
                read("places_geonames_uk", n, item)
        report.files_read += 2 + bool(path_of(ids["ons"])) + bool(path_of("places_geonames_uk"))

    def measures_step():
        _create_measures(con, measures)

    def police_step():
        con.execute(police_uk.EVENTS_DDL)
        known = _known_lsoas(con)
        for sf in tqdm(street, desc="police.uk files", unit="file", disable=True):
            report.police_rows += police_uk.load(con, sf, known)
            report.files_read += 1

    def long_view_step():  # ONS recorded crime by police force area, 2003-2018 (sources/ons_pfa.py)
        from sdp_dash.pipeline.sources import ons_pfa

        sid, forces = "ons_recorded_crime_pfa", tuple(f.name.split()[0] for f in manifest.forces)
        n = ons_pfa.load(con, path_of(sid), rel_of(sid) if path_of(sid) else "", forces)
        if path_of(sid):
            read(sid, n)
            report.files_read += 1

    def derive_step():
        _derive_crime_tables(con)
        _write_build_report(con, report.rows)

    def sources_step():
        _write_sources(con, manifest, inputs, checksums)

    return [
        ("geography", geography_step),
        ("boundaries", boundaries_step),
        ("population", population_step),
        ("areas", areas_step),
        ("deprivation", deprivation_step),
        ("indicators", indicators_step),
        ("measures", measures_step),
        ("postcodes and places", find_step),
        ("police.uk", police_step),
        ("long view", long_view_step),
        ("crime tables", derive_step),
        ("sources", sources_step),
    ]


def _incremental_steps(con, manifest, previous, inputs, street, checksums, report):
    new_police = {f.rel for f in inputs if f.kind == "police"}
    stale = [
        rel for rel, (h, kind) in previous.items() if kind == "police" and (rel not in new_police or checksums.get(rel) != h)
    ]
    to_load = [s for s in street if previous.get(s.rel, (None,))[0] != checksums[s.rel]]

    def police_step():
        if stale:
            con.execute("DELETE FROM crime_events WHERE list_contains(?, source_file)", [stale])
        known = _known_lsoas(con)
        for sf in to_load:
            report.police_rows += police_uk.load(con, sf, known)
            report.files_read += 1
        removed = [rel for rel in stale if rel not in new_police]
        report.messages.append(f"Read {len(to_load)} new or changed police.uk file(s); removed {len(removed)}.")

    return [
        ("police.uk", police_step),
        ("crime tables", lambda: (_derive_crime_tables(con), _write_build_report(con, None))),
        ("sources", lambda: _write_sources(con, manifest, inputs, checksums)),
    ]


def _known_lsoas(con) -> frozenset[str]:
    return frozenset(r[0] for r in con.execute("SELECT lsoa21_code FROM lsoa21_known").fetchall())


def _check_lsoa_boundaries(rel: str, features: list, expected: set[str]) -> None:
    """Every LSOA 2021 of the local authority (ONS lookup) has a boundary, and only those."""
    got = {f.code for f in features}
    if missing := sorted(expected - got):
        raise SourceError(
            rel, f"{len(missing)} LSOA boundar{'y is' if len(missing) == 1 else 'ies are'} missing (e.g. {missing[0]})"
        )
    if extra := sorted(got - expected):
        raise SourceError(rel, f"{len(extra)} feature(s) are not LSOAs 2021 of this area in the ONS lookup (e.g. {extra[0]})")


def _create_measures(con, measures: measures_config.Measures) -> None:
    rows = measures.rows()
    df = pd.DataFrame(rows, columns=["measure_id", "label", "short_label", "definition", "sensitive", "kind", "crime_type"])  # noqa: F841
    con.execute("CREATE OR REPLACE TABLE measures AS SELECT * FROM df")


def _derive_crime_tables(con) -> None:
    """Counts by force x month x LSOA x type (home-force rows only) and coverage by force x month."""
    con.execute(
        """CREATE OR REPLACE TABLE crime_counts AS
           SELECT e.force, e.month, e.lsoa21_code, e.crime_type, count(*)::INTEGER AS n
           FROM crime_events e JOIN lsoa_force f ON e.lsoa21_code = f.lsoa21_code AND e.force = f.force
           GROUP BY ALL ORDER BY ALL"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE coverage AS
           WITH bounds AS (SELECT min(month) AS lo, max(month) AS hi FROM crime_events),
           months AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH))::DATE AS month FROM bounds),
           forces AS (SELECT DISTINCT force FROM lsoa_force),
           got AS (
               SELECT e.force, e.month, count(*) AS rows,
                      count(*) FILTER (WHERE e.crime_type = 'Anti-social behaviour') AS asb_rows,
                      count(f.lsoa21_code) AS rows_in_force_area
               FROM crime_events e
               LEFT JOIN lsoa_force f ON e.lsoa21_code = f.lsoa21_code AND e.force = f.force
               GROUP BY ALL)
           SELECT forces.force, months.month,
                  CASE WHEN got.rows IS NULL THEN 'missing' ELSE 'present' END AS status,
                  coalesce(got.rows, 0) AS rows, coalesce(got.asb_rows, 0) AS asb_rows,
                  coalesce(got.rows_in_force_area, 0) AS rows_in_force_area
           FROM forces CROSS JOIN months
           LEFT JOIN got ON got.force = forces.force AND got.month = months.month
           ORDER BY ALL"""
    )
    from sdp_dash.pipeline.sources import outcomes

    outcomes.derive(con)  # outcome_counts: what happened next, by outcome group


POLICE_REPORT = """
INSERT INTO build_report
SELECT * FROM (
WITH e AS (
    SELECT e.source_file, e.crime_id, e.lsoa21_code, e.longitude,
           k.lsoa21_code IS NOT NULL AS known, f.lsoa21_code IS NOT NULL AS home,
           coalesce(e.longitude BETWEEN b.min_lon AND b.max_lon AND e.latitude BETWEEN b.min_lat AND b.max_lat, false) AS in_box
    FROM crime_events e
    LEFT JOIN lsoa21_known k ON e.lsoa21_code = k.lsoa21_code
    LEFT JOIN lsoa_force f ON e.lsoa21_code = f.lsoa21_code AND e.force = f.force
    LEFT JOIN force_bbox b ON e.force = b.force),
shared AS (SELECT crime_id FROM crime_events WHERE crime_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1),
per AS (
    SELECT source_file,
           count(*) AS "read",
           count(*) FILTER (WHERE home) AS "counted in the force's areas",
           count(*) FILTER (WHERE lsoa21_code IS NULL) AS "not counted: no LSOA",
           count(*) FILTER (WHERE lsoa21_code IS NOT NULL AND NOT known) AS "not counted: LSOA code not in the ONS LSOA 2021 set",
           count(*) FILTER (WHERE known AND NOT home) AS "not counted: LSOA outside the force's areas",
           count(*) FILTER (WHERE longitude IS NULL) AS "kept: no location",
           count(*) FILTER (WHERE longitude IS NOT NULL AND NOT in_box) AS "kept: point outside the box of the force's areas",
           count(*) FILTER (WHERE crime_id IN (SELECT crime_id FROM shared)) AS "kept: Crime ID shared with another row, as published"
    FROM e GROUP BY 1)
SELECT source_file AS file, 'police' AS kind, item, rows
FROM (UNPIVOT per ON COLUMNS(* EXCLUDE (source_file)) INTO NAME item VALUE rows)
WHERE rows > 0 OR item = 'read'
ORDER BY file, item <> 'read', item)
"""


def _write_build_report(con, reference_rows: list[tuple[str, str, str, int]] | None) -> None:
    """Rows read, counted and not counted (and why) per file.  Reference rows are written by a full
    build and kept by an incremental one; the police.uk rows are recounted from crime_events."""
    if reference_rows is not None:
        con.execute("CREATE OR REPLACE TABLE build_report (file VARCHAR, kind VARCHAR, item VARCHAR, rows BIGINT)")
        con.executemany("INSERT INTO build_report VALUES (?, ?, ?, ?)", [list(r) for r in reference_rows])
    con.execute("DELETE FROM build_report WHERE kind = 'police'")
    con.execute(POLICE_REPORT)


def _report_messages(con) -> list[str]:
    """Lines worth printing after a build: rows that count nowhere because their LSOA is unknown."""
    rows = con.execute(
        """SELECT file, rows FROM build_report
           WHERE item = 'not counted: LSOA code not in the ONS LSOA 2021 set' ORDER BY file"""
    ).fetchall()
    return [
        f"{file}: {n:,} row(s) with an LSOA code not in the ONS LSOA 2021 set are not counted in any area." for file, n in rows
    ]


def report_lines(con) -> list[str]:
    """The build report as text, one line per file (for ``python -m sdp_dash coverage``)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'build_report'").fetchone()[0]
    if not exists:
        return ["No build report in this warehouse (built before reports were kept): rebuild with --full."]
    out = []
    for file, kind, items, counts in con.execute(
        """SELECT file, any_value(kind), list(item ORDER BY rowid), list(rows ORDER BY rowid)
           FROM build_report GROUP BY file ORDER BY any_value(kind) DESC, file"""
    ).fetchall():
        parts = [
            f"{n:,} {item}" if item.startswith(("read", "counted", "features", "values")) else f"{item} {n:,}"
            for item, n in zip(items, counts, strict=True)
        ]
        out.append(f"{file} ({kind}): {'; '.join(parts)}")
    return out


def _write_sources(con, manifest: Manifest, inputs: list[InputFile], checksums: dict[str, str]) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    previous = {}
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sources'").fetchone()[0]:
        previous = {(r[0], r[1]): r[2] for r in con.execute("SELECT file, sha256, loaded_at FROM sources").fetchall()}
    police = manifest.police
    rows = []
    for f in inputs:
        if f.kind == "police":
            slug_month = f.source_id.removeprefix("police_uk_")
            force_slug, month = slug_month.rsplit("_", 1)
            force = manifest.force(force_slug)
            src = Source(
                id=f.source_id,
                path=f.rel,
                title=f"{police['title']}: {force.name}, {month}",
                publisher=police["publisher"],
                licence=police["licence"],
                attribution=police["attribution"],
                page=police["page"],
                url=police["archive_url"].format(month=month),
            )
        elif f.source_id == "project":
            continue
        else:
            src = manifest.source(f.source_id)
        loaded = previous.get((f.rel, checksums[f.rel]), now)
        rows.append(
            (
                src.id,
                src.title,
                src.publisher,
                src.licence,
                src.attribution,
                src.url,
                src.page,
                f.rel,
                checksums[f.rel],
                f.path.stat().st_size,
                src.quality,
                f.kind,
                loaded,
            )
        )
    df = pd.DataFrame(  # noqa: F841
        rows,
        columns=[
            "source_id",
            "title",
            "publisher",
            "licence",
            "attribution",
            "url",
            "page",
            "file",
            "sha256",
            "bytes",
            "quality",
            "kind",
            "loaded_at",
        ],
    )
    con.execute("CREATE OR REPLACE TABLE sources AS SELECT * FROM df ORDER BY kind DESC, source_id")
    files = pd.DataFrame([(f.rel, checksums[f.rel], f.kind) for f in inputs], columns=["rel", "sha256", "kind"])  # noqa: F841
    con.execute("CREATE OR REPLACE TABLE loaded_files AS SELECT * FROM files")


def _check(con) -> None:
    """Sanity checks on the finished warehouse; a failure aborts the swap."""
    checks = {
        "County Durham has its LSOAs": "SELECT count(*) > 0 FROM area_lsoa WHERE area_code = 'E06000047'",
        "every area has a population": "SELECT count(*) = 0 FROM areas WHERE population <= 0",
        "crime counts are present": "SELECT count(*) > 0 FROM crime_counts",
        "every LSOA has one home force": "SELECT count(*) = count(DISTINCT lsoa21_code) FROM lsoa_force",
    }
    for name, sql in checks.items():
        if not con.execute(sql).fetchone()[0]:
            raise SourceError("warehouse", f"check failed: {name}")


def _write_meta(con, root: Path, mode: str) -> None:
    con.execute("CREATE OR REPLACE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    built = datetime.now(UTC).replace(microsecond=0).isoformat()
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [["schema_version", SCHEMA_VERSION], ["built_at", built], ["build_mode", mode], ["source_root", str(root)]],
    )
