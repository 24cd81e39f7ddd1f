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
- A build report (rows read, counted, not counted and why, per file; a publisher's invalid polygon and
  how it was repaired) is kept in the warehouse (``build_report``) and printed by ``python -m sdp_dash
  coverage``; the repair is also printed by the build.
- One partnership per warehouse (``SDP_PARTNERSHIP``): which files are read is the plan's
  (sdp_dash/pipeline/plan.py): the chosen partnership's own files, its force's other authorities' LSOA
  outlines, the shared lookups, and the police.uk files of its force and its comparators'.
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

from sdp_dash.config import catalogue, partnership
from sdp_dash.config import measures as measures_config
from sdp_dash.config.manifest import MANIFEST_PATH, Manifest, Source
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.measures import MEASURES_PATH
from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.errors import SourceError
from sdp_dash.pipeline import areas as area_model
from sdp_dash.pipeline import plan as plan_module
from sdp_dash.pipeline.sources import deprivation, geography, indicators, ons_pfa, places, police_uk, population, postcodes
from sdp_dash.pipeline.sources.common import check_regular, create_from, read_csv, sha256

# DuckDB keeps written data cached up to 80% of RAM by default: at a national load (17.9 M rows, bench/scale.py)
# the build then peaked at 3.4 GiB; with 1 GB it peaked at 1.3 GiB for the same CPU time.
BUILD_MEMORY_LIMIT = "1GB"
SCHEMA_VERSION = "3"  # 2: lsoa21_known, force_bbox and build_report tables; 3: partnership
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
    area: str = ""  # the local authority of a per-authority source ("" for a shared file)
    source: Source | None = None  # the manifest's entry resolved for that authority (reference files)


def _inputs(root: Path, plan: plan_module.Plan) -> tuple[list[InputFile], list[police_uk.StreetFile], list[str]]:
    """The files the plan names (a required one missing stops the build), the project's own files that
    shape the warehouse, and the police.uk street files of the plan's forces; with the optional files absent."""
    files: list[InputFile] = []
    absent: list[str] = []
    if not root.is_dir():
        raise SourceError(root, "the source folder is missing or not a folder")
    for want in plan.wanted:
        src = want.source
        found = src.locate(root)
        if found is None:
            if not want.required:
                other = want.area and want.area != plan.partnership.code
                absent.append(f"{src.path} (another authority's outline: left off the maps)" if other else src.path)
                continue
            raise SourceError(root / src.path, "missing (run `python -m sdp_dash fetch`, or set SDP_MIRROR)")
        check_regular(found, found.relative_to(root).as_posix())  # a directory or pipe is an error, optional or not
        files.append(InputFile(found.relative_to(root).as_posix(), found, "reference", src.id, want.area, src))
    # The project's own data and build code shape the warehouse too: a change to them rebuilds it.
    package = Path(__file__).parent
    shaping = [MEASURES_PATH, MANIFEST_PATH, PROJECT_ROOT / "data" / "outcomes.toml", package / "build.py", package / "areas.py"]
    shaping += [package / "plan.py", partnership.file_for(plan.partnership.code)]
    shaping += sorted((package / "sources").glob("*.py"))
    for extra in shaping:
        files.append(InputFile(f"project:{extra.relative_to(PROJECT_ROOT).as_posix()}", extra, "reference", "project"))
    street = police_uk.discover(root, plan.forces)
    if not street:
        own = next(f for f in plan.forces if f.pfa_code == plan.partnership.force_code)
        example = f"{own.folder}/2025-01/2025-01-{own.slug}-street.csv.gz"
        raise SourceError(root, f"no police.uk street files found (expected e.g. {example})")
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
    where = "data/" + partnership.profile(partnership.code()).catalogue  # the chosen partnership's catalogue
    try:
        cat = catalogue.load()
    except catalogue.CatalogueError as exc:
        raise SourceError(where, str(exc)) from None
    known = measures.ids()
    for ind in cat.indicators:
        if ind.measure and ind.measure not in known:
            raise SourceError(where, f"indicator {ind.id}: unknown measure {ind.measure!r} (see data/measures.toml)")
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
            if not root.is_dir():
                raise SourceError(root, "the source folder is missing or not a folder")
            plan = plan_module.make(root, manifest)
            report = _build(root, warehouse, force_full, progress, plan, manifest, measures, fail_after)
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


def _build(root, warehouse, force_full, progress, plan, manifest, measures, fail_after) -> BuildReport:
    inputs, street, absent = _inputs(root, plan)
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
        report.messages.append(f"Left out (optional, not in the source folder): {', '.join(absent)}")
    try:
        if mode == "incremental":
            shutil.copyfile(warehouse, tmp)
        with duckdb.connect(str(tmp), config={"memory_limit": BUILD_MEMORY_LIMIT}) as con:
            if mode == "full":
                steps = _full_steps(_Context(con, manifest, plan, measures, inputs, street, checksums, report))
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


# --- A full build in named steps: each reads the files it names and hands the next steps what they need ---


@dataclass
class _Context:
    """What every step of a full build shares: the new warehouse, the configuration and the inputs."""

    con: duckdb.DuckDBPyConnection
    manifest: Manifest
    plan: plan_module.Plan
    measures: measures_config.Measures
    inputs: list[InputFile]
    street: list[police_uk.StreetFile]
    checksums: dict[str, str]
    report: BuildReport

    def __post_init__(self) -> None:
        self.by_id = {(f.source_id, f.area): f for f in self.inputs if f.kind == "reference"}

    def _key(self, source_id: str, area: str | None) -> tuple[str, str]:
        """A per-authority source is the partnership's own file unless another authority is named."""
        if area is None:
            area = self.plan.partnership.code if self.manifest.source(source_id).pattern else ""
        return source_id, area

    def path_of(self, source_id: str, area: str | None = None) -> Path | None:
        f = self.by_id.get(self._key(source_id, area))
        return f.path if f else None

    def rel_of(self, source_id: str, area: str | None = None) -> str:
        return self.by_id[self._key(source_id, area)].rel

    def read(self, source_id: str, n: int, item: str = "read", area: str | None = None) -> None:
        self.report.rows.append((self.rel_of(source_id, area), "reference", item, int(n)))


@dataclass(frozen=True)
class _Geography:
    lookup: pd.DataFrame  # LSOA 2011 -> 2021 -> local authority
    centroids: pd.DataFrame
    lad_pfa: pd.DataFrame
    msoa_names: pd.DataFrame
    la_names: pd.DataFrame


@dataclass(frozen=True)
class _Boundaries:
    lsoa: list  # the partnership's LSOAs
    outlines: dict  # the LSOAs of each other authority of its force with a boundary file: {code: [Feature]}
    msoa: list
    div13: list  # empty unless the partnership's file lists the 2013-2025 divisions
    div25: list


def _geography_step(ctx: _Context) -> _Geography:
    """Lookups, centroids and names; tables area_neighbours, lsoa21_known, la_names, partnership."""
    src_ids = ("lsoa11_lsoa21_lookup", "lsoa21_centroids", "msoa_names")
    lookup = geography.read_lsoa_lookup(ctx.path_of("lsoa11_lsoa21_lookup"))
    centroids = geography.read_centroids(ctx.path_of("lsoa21_centroids"))
    msoa_names = geography.read_msoa_names(ctx.path_of("msoa_names"))
    plan = ctx.plan  # the partnership, its force and comparators, from the lookups the plan read
    geo = _Geography(lookup, centroids, plan.lad_pfa, msoa_names, plan.la_names)
    neighbours = plan.statistical_neighbours
    create_from(ctx.con, "CREATE TABLE area_neighbours AS SELECT * FROM neighbours", neighbours=neighbours)
    # The ONS LSOA 2021 codes (England and Wales): a police.uk row's LSOA must be one of them.
    known = geo.lookup[["lsoa21_code"]]
    create_from(ctx.con, "CREATE TABLE lsoa21_known AS SELECT DISTINCT lsoa21_code FROM known ORDER BY 1", known=known)
    tables = (lookup, centroids, msoa_names, plan.lad_pfa, plan.la_names, neighbours)
    for sid, df in zip((*src_ids, *plan_module.LOOKUP_IDS), tables, strict=True):
        ctx.read(sid, len(df))
    names = geo.la_names[["lad_code", "lad_name", "region_code", "region_name"]]
    create_from(ctx.con, "CREATE TABLE la_names AS SELECT DISTINCT * FROM names", names=names)
    ctx.report.files_read += len(tables)
    # Table partnership: one row, the facts the pages read (sdp_dash/config/partnership.py).
    facts = pd.DataFrame([plan.partnership.to_row()])
    create_from(ctx.con, "CREATE TABLE partnership AS SELECT * FROM facts", facts=facts)
    return geo


def _boundaries_step(ctx: _Context, geo: _Geography) -> _Boundaries:
    """The LSOA boundaries (checked against the lookup) of the partnership and the other authorities of its
    force, its MSOAs and electoral areas (and the 2013-2025 divisions where its file lists them)."""
    lookup = geo.lookup.drop_duplicates("lsoa21_code")
    own = ctx.plan.partnership.code
    lsoa: dict[str, list] = {}
    for lad in (own, *ctx.plan.neighbours):
        if ctx.path_of("lsoa21", lad):
            lsoa[lad] = _read_boundaries(ctx, "lsoa21", "LSOA21CD", "LSOA21NM", lad)
            _check_lsoa_boundaries(
                ctx.rel_of("lsoa21", lad), lsoa[lad], set(lookup.loc[lookup["lad_code"] == lad, "lsoa21_code"])
            )
    msoa = _read_boundaries(ctx, "msoa21", "MSOA21CD", "MSOA21NM")
    div13 = _read_boundaries(ctx, "divisions2013", "WD22CD", "WD22NM") if ctx.path_of("divisions2013") else []
    div25 = _read_boundaries(ctx, "wards2025", "WD25CD", "WD25NM")
    return _Boundaries(lsoa.pop(own), lsoa, msoa, div13, div25)


def _read_boundaries(ctx: _Context, source_id: str, code_field: str, name_field: str, area: str | None = None) -> list:
    """One boundary file's features; a publisher's invalid polygon that was repaired is reported (never silent)."""
    features = geography.read_boundaries(ctx.path_of(source_id, area), code_field, name_field)
    rel = ctx.rel_of(source_id, area)
    ctx.read(source_id, len(features), "features read", area)
    for f in features:
        if f.repair:
            ctx.read(source_id, 1, f"repaired: feature {f.code}: {f.repair}", area)
            ctx.report.messages.append(f"{rel}: feature {f.code}: {f.repair}.")
    ctx.report.files_read += 1
    return features


def _population_step(ctx: _Context, geo: _Geography) -> pd.DataFrame:
    """Census 2021 usual residents by LSOA (checked against each authority's total); table population_published."""
    census = population.read_census_lsoa(ctx.path_of("census21_lsoa"))
    la = population.read_census_la(ctx.path_of("census21_la"))
    lsoa_lad = geo.lookup.drop_duplicates("lsoa21_code")[["lsoa21_code", "lad_code"]]
    population.check_totals(census, lsoa_lad, la, ctx.rel_of("census21_lsoa"))
    country = population.read_census_country(ctx.path_of("census21_country"))
    for sid, df in (("census21_lsoa", census), ("census21_la", la), ("census21_country", country)):
        ctx.read(sid, len(df))
    published = pd.concat(
        [la.assign(source_id="census21_la"), country.assign(source_id="census21_country")],
        ignore_index=True,
    )
    create_from(ctx.con, "CREATE TABLE population_published AS SELECT * FROM published", published=published)
    ctx.report.files_read += 3
    return census


def _aap_files(ctx: _Context) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The Area Action Partnership files (small areas and divisions), or (None, None) when absent (said when
    the partnership's file lists them) or not the partnership's."""
    if "aap" not in ctx.plan.partnership.area_sets:
        return None, None
    if not (ctx.path_of("aap_lsoa") and ctx.path_of("aap_divisions")):
        ctx.report.messages.append("Area Action Partnership files not found: area boards are left out.")
        return None, None
    aap_lsoa = read_csv(ctx.path_of("aap_lsoa"), ["lsoa21_code", "aap_name"])
    aap_div = read_csv(ctx.path_of("aap_divisions"), ["division_code", "division_name", "aap_name", "confidence", "evidence"])
    ctx.read("aap_lsoa", len(aap_lsoa))
    ctx.read("aap_divisions", len(aap_div))
    ctx.report.files_read += 2
    return aap_lsoa, aap_div


def _areas_step(ctx: _Context, geo: _Geography, bounds: _Boundaries, census: pd.DataFrame) -> set[str]:
    """The area model (sdp_dash/pipeline/areas.py); returns the LSOAs that belong to some area."""
    aap_lsoa, aap_div = _aap_files(ctx)
    inp = area_model.AreaInputs(
        partnership=ctx.plan.partnership,
        lookup=geo.lookup,
        centroids=geo.centroids,
        population=census.groupby("lsoa21_code", as_index=False)["usual_residents"].sum(),
        lsoa_features=bounds.lsoa,
        outlines=bounds.outlines,
        msoa_features=bounds.msoa,
        divisions_2013=bounds.div13,
        divisions_2025=bounds.div25,
        msoa_names=geo.msoa_names,
        lad_pfa=geo.lad_pfa,
        la_names=geo.la_names,
        forces=ctx.plan.forces,
        aap_lsoa=aap_lsoa,
        aap_divisions=aap_div,
    )
    areas, area_lsoa, geometry = area_model.build(inp)
    con = ctx.con
    create_from(con, "CREATE TABLE areas AS SELECT * FROM new_areas ORDER BY area_type, area_name", new_areas=areas)
    create_from(con, "CREATE TABLE area_lsoa AS SELECT * FROM members ORDER BY area_code, lsoa21_code", members=area_lsoa)
    create_from(con, "CREATE TABLE area_geometry AS SELECT * FROM geometry", geometry=geometry)
    create_from(con, "CREATE TABLE area_types AS SELECT * FROM types", types=area_model.area_types(ctx.plan.partnership))
    if aap_div is not None:
        evidence = aap_div.assign(aap_code=aap_div["aap_name"].map(area_model.aap_code))
        create_from(con, "CREATE TABLE aap_division_evidence AS SELECT * FROM evidence", evidence=evidence)
    members = set(area_lsoa["lsoa21_code"])
    _force_tables(ctx, geo)
    in_areas = census[census["lsoa21_code"].isin(members)]
    create_from(
        con, "CREATE TABLE population_lsoa AS SELECT lsoa21_code, age_group, usual_residents FROM census", census=in_areas
    )
    lookup = geo.lookup[geo.lookup["lsoa21_code"].isin(members)]
    create_from(con, "CREATE TABLE lsoa_lookup AS SELECT * FROM lookup", lookup=lookup)
    return members


def _force_tables(ctx: _Context, geo: _Geography) -> None:
    """Each LSOA's home force (its figures come from that force's files only) and each force's box
    (its LSOAs' centroids and a margin: points outside it are reported, not refused)."""
    forces = pd.DataFrame([(f.pfa_code, f.slug) for f in ctx.plan.forces], columns=["pfa", "force"])
    create_from(
        ctx.con,
        """CREATE TABLE lsoa_force AS
           SELECT m.lsoa21_code, f.force FROM area_lsoa m JOIN forces f ON m.area_code = f.pfa""",
        forces=forces,
    )
    create_from(
        ctx.con,
        """CREATE TABLE force_bbox AS
           SELECT f.force, min(c.longitude) - ? AS min_lon, max(c.longitude) + ? AS max_lon,
                  min(c.latitude) - ? AS min_lat, max(c.latitude) + ? AS max_lat
           FROM lsoa_force f JOIN centroids c USING (lsoa21_code) GROUP BY ALL ORDER BY ALL""",
        [BOX_MARGIN] * 4,
        centroids=geo.centroids[["lsoa21_code", "longitude", "latitude"]],
    )


def _deprivation_step(ctx: _Context, geo: _Geography, members: set[str]) -> None:
    """IMD 2019 bridged to the 2021 LSOAs of the areas; table deprivation."""
    domains = deprivation.read_domains(ctx.path_of("imd2019_domains"))
    pop2015 = deprivation.read_population(ctx.path_of("imd2019_population"))
    ctx.read("imd2019_domains", len(domains))
    ctx.read("imd2019_population", len(pop2015))
    lookup = geo.lookup[geo.lookup["lsoa21_code"].isin(members)]
    bridged = deprivation.bridge_to_2021(domains, pop2015, lookup)
    create_from(ctx.con, "CREATE TABLE deprivation AS SELECT * FROM bridged", bridged=bridged)
    ctx.report.files_read += 2


def _indicators_step(ctx: _Context, geo: _Geography) -> None:
    """The published indicator tables in one tidy shape; table indicator_values."""
    codes_by_name = dict(zip(geo.la_names["lad_name"], geo.la_names["lad_code_active"], strict=True))
    codes_by_name.update({f.name.split()[0]: f.pfa_code for f in ctx.manifest.forces})
    frames = []
    for src in ctx.manifest.sources:
        if src.format and ctx.path_of(src.id):
            frames.append(indicators.read(src, ctx.path_of(src.id), codes_by_name))
            ctx.read(src.id, len(frames[-1]), "values read")
            ctx.report.files_read += 1
    tidy = pd.concat(frames, ignore_index=True)
    create_from(ctx.con, "CREATE TABLE indicator_values AS SELECT * FROM tidy", tidy=tidy)


def _find_step(ctx: _Context, geo: _Geography, bounds: _Boundaries) -> None:
    """Postcodes and places: "Find your area" and the map labels (sources/postcodes.py, places.py): the
    partnership's postcodes, the places inside its outline, and the places outside it."""
    own, lookup = ctx.plan.partnership, geo.lookup
    ids = {"codepoint": "postcodes_codepoint", "ons": "postcodes_ons_lookup"}
    lines = postcodes.load(
        ctx.con, ctx.path_of(ids["codepoint"]), ctx.path_of(ids["ons"]), bounds.lsoa, lookup, lad_code=own.code
    )
    for key, item, n in lines:
        ctx.read(ids[key], n, item)
    uk = ctx.path_of("places_geonames_uk")
    for item, n in places.load(ctx.con, uk, bounds.lsoa, own.name):
        if item != "read":  # the file's rows are counted once, below
            ctx.read("places_geonames_uk", n, item)
    for item, n in places.load_outside(
        ctx.con, uk, bounds.lsoa, geo.centroids, lookup, geo.lad_pfa, geo.la_names, county_code=own.code, name=own.name
    ):
        ctx.read("places_geonames_uk", n, item)
    ctx.report.files_read += 2 + bool(ctx.path_of(ids["ons"]))


def _police_step(ctx: _Context) -> None:
    """Every police.uk street file; table crime_events."""
    ctx.con.execute(police_uk.EVENTS_DDL)
    known = _known_lsoas(ctx.con)
    for sf in ctx.street:
        ctx.report.police_rows += police_uk.load(ctx.con, sf, known)
        ctx.report.files_read += 1


def _long_view_step(ctx: _Context) -> None:
    """ONS recorded crime by police force area, 2003-2018 (sources/ons_pfa.py)."""
    sid, forces = "ons_recorded_crime_pfa", tuple(f.name.split()[0] for f in ctx.manifest.forces)
    n = ons_pfa.load(ctx.con, ctx.path_of(sid), ctx.rel_of(sid) if ctx.path_of(sid) else "", forces)
    if ctx.path_of(sid):
        ctx.read(sid, n)
        ctx.report.files_read += 1


def _full_steps(ctx: _Context) -> list[tuple[str, Callable[[], None]]]:
    """The steps of a full build in order, each with the outputs of earlier steps it needs."""
    out: dict[str, object] = {}

    def step(fn: Callable, keep: str | None = None, *needs: str) -> Callable[[], None]:
        def run() -> None:
            value = fn(ctx, *(out[n] for n in needs))
            if keep:
                out[keep] = value

        return run

    return [
        ("geography", step(_geography_step, "geo")),
        ("boundaries", step(_boundaries_step, "bounds", "geo")),
        ("population", step(_population_step, "census", "geo")),
        ("areas", step(_areas_step, "members", "geo", "bounds", "census")),
        ("deprivation", step(_deprivation_step, None, "geo", "members")),
        ("indicators", step(_indicators_step, None, "geo")),
        ("measures", lambda: _create_measures(ctx.con, ctx.measures)),
        ("postcodes and places", step(_find_step, None, "geo", "bounds")),
        ("police.uk", step(_police_step)),
        ("long view", step(_long_view_step)),
        ("crime tables", lambda: (_derive_crime_tables(ctx.con), _write_build_report(ctx.con, ctx.report.rows))),
        ("sources", lambda: _write_sources(ctx.con, ctx.manifest, ctx.inputs, ctx.checksums)),
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
    df = pd.DataFrame(rows, columns=["measure_id", "label", "short_label", "definition", "sensitive", "kind", "crime_type"])
    create_from(con, "CREATE OR REPLACE TABLE measures AS SELECT * FROM df", df=df)


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


def _report_part(item: str, n: int) -> str:
    if item.startswith("repaired"):  # one feature, the repair said in full
        return item
    return f"{n:,} {item}" if item.startswith(("read", "counted", "features", "values")) else f"{item} {n:,}"


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
        parts = [_report_part(item, n) for item, n in zip(items, counts, strict=True)]
        out.append(f"{file} ({kind}): {'; '.join(parts)}")
    return out


SOURCE_COLUMNS = ["source_id", "title", "publisher", "licence", "attribution", "url", "page", "file", "sha256", "bytes"]
SOURCE_COLUMNS += ["quality", "kind", "loaded_at"]


def _source_of(manifest: Manifest, f: InputFile) -> Source:
    """The manifest's entry for a reference file; for a police.uk file, one made from the force and month."""
    if f.kind != "police":
        return f.source or manifest.source(f.source_id)
    force_slug, month = f.source_id.removeprefix("police_uk_").rsplit("_", 1)
    police = manifest.police
    return Source(
        id=f.source_id,
        path=f.rel,
        title=f"{police['title']}: {manifest.force(force_slug).name}, {month}",
        publisher=police["publisher"],
        licence=police["licence"],
        attribution=police["attribution"],
        page=police["page"],
        url=police["archive_url"].format(month=month),
    )


def _write_sources(con, manifest: Manifest, inputs: list[InputFile], checksums: dict[str, str]) -> None:
    """Tables sources (every file read, with its publisher, licence and when it was first loaded) and loaded_files."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    previous = {}
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sources'").fetchall()[0][0]:
        previous = {(r[0], r[1]): r[2] for r in con.execute("SELECT file, sha256, loaded_at FROM sources").fetchall()}
    rows = []
    for f in inputs:
        if f.source_id == "project":
            continue
        src, sha = _source_of(manifest, f), checksums[f.rel]
        rows.append(
            (src.id, src.title, src.publisher, src.licence, src.attribution, src.url, src.page, f.rel, sha)
            + (f.path.stat().st_size, src.quality, f.kind, previous.get((f.rel, sha), now))
        )
    df = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    create_from(con, "CREATE OR REPLACE TABLE sources AS SELECT * FROM df ORDER BY kind DESC, source_id", df=df)
    files = pd.DataFrame([(f.rel, checksums[f.rel], f.kind) for f in inputs], columns=["rel", "sha256", "kind"])
    create_from(con, "CREATE OR REPLACE TABLE loaded_files AS SELECT * FROM files", files=files)


def _check(con) -> None:
    """Sanity checks on the finished warehouse; a failure aborts the swap."""
    checks = {
        "the partnership has its LSOAs": "SELECT count(*) > 0 FROM area_lsoa WHERE area_code = (SELECT code FROM partnership)",
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
