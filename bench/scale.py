"""How cost grows with rows: build time, peak memory, warehouse size and the Overview's time, by load.

    SDP_MIRROR=../shared/open-data .venv/bin/python bench/scale.py [--rev HEAD] [--rounds 7] [--repeat 3]
        [--national-months 36] [--json FILE] [--report-from FILE] [--no-write]

``--rev`` measures a commit (exported with ``git archive`` into the work folder) rather than the working
tree as it is: other sessions edit the tree while the benchmark runs for several minutes.

A benchmark, not a test (never in ``make test``; ``make bench-scale`` runs it).  Every load is a temporary
source folder under ``--work`` (default /tmp/sdp-scale-<pid>, removed at the end) made of symlinks to the
mirror's geography, population, deprivation and indicator folders plus police.uk street files:

* **1 force**: Durham Constabulary's files only: what the County Durham warehouse reads (one warehouse per
  partnership); the force area holds 2 partnerships (County Durham, Darlington).
* **2 forces**: Durham and Cleveland: 6 partnerships.
* **3 forces**: Durham, Cleveland and Northumbria: all 12 partnerships of the mirror.
* **national (synthetic)**: 43 synthetic forces x 36 months (2023-01..2025-12), about 18 million rows, the
  size of England and Wales.  Made by replicating the mirror's real rows (DuckDB ``COPY ... TO`` gzipped
  CSV): force *k* takes the code of the *k*-th real police force area of England and Wales (so the build
  gives it home LSOAs) but is named "Synthetic force kk" (slug ``synthetic-kk``, in ``Falls within`` and
  ``Reported by``); each row's LSOA code is mapped onto a REAL LSOA 2021 of that force area (so rows are
  validated and counted, not set aside as unknown), its Crime ID is re-hashed (unique per force and month)
  and its LSOA name emptied.  Rows are copied from Northumbria (28 forces), Durham (8) and Cleveland (7),
  months cycling over the 16 real months.  The County Durham LSOAs belong to synthetic force 08 (Durham's
  code): that warehouse's County Durham figures are synthetic.  It lives under /tmp only and is deleted.
  The LSOA of each force area comes from a first "probe" build (one month per force, rows unmapped):
  ``lsoa_force`` as the build itself derives it.

Every load's manifest points the two sources that name the three real forces' areas (the ONS long view and the
published drug-death counts by force) at no file, as optional sources: a build without those forces would
refuse them, so every load leaves them out alike.

Per load: police.uk rows read, build wall time and peak RSS (each full build, ``force_full``, in a child
process: its own peak resident memory, VmHWM; the real loads ``--repeat`` times, interleaved, the median kept),
warehouse size, build µs per row and per row added from the previous load.  Pages: one ``streamlit run
app.py`` per warehouse, all at once; after one visit of the Overview each, ``--rounds`` interleaved rounds
(loads in a rotating order, so machine noise hits all alike) of (a) a warm rerun of the Overview (the
websocket client, bench/wsclient.py: server time) and (b) the Overview's default figures computed
uncached (``sdp_dash.web.warm``'s steps for the Overview, every app cache cleared first, the warehouse
connection open) in a child process per warehouse: the query cost a first visitor pays after a rebuild.

Writes the "Scale" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import command_line, loadavg, machine, now, write_section  # noqa: E402

TITLE = "Scale"
REAL_SLUGS = ("durham", "cleveland", "northumbria")
NATIONAL_FORCES = 43
# The real force whose rows a synthetic force copies: its own for the three real codes, else this cycle
# (27 Northumbria, 7 Durham, 6 Cleveland of the other 40: about 18 million rows over 36 months).
TEMPLATE_OF_PFA = {"E23000008": "durham", "E23000013": "cleveland", "E23000007": "northumbria"}
CYCLE = ("northumbria", "northumbria", "durham", "northumbria", "northumbria", "cleveland")
RUN_TIMEOUT_S = 300.0
TREE = ROOT  # the code under test (--rev): this working tree, or a commit exported to the work folder


def sources_toml() -> dict:
    """The tree's data/sources.toml as written (read here without the tree's manifest code, which may change)."""
    return tomllib.loads((TREE / "data" / "sources.toml").read_text(encoding="utf-8"))


def source_path(source_id: str) -> Path:
    """A source's file in the mirror, by its id in the tree's manifest."""
    return mirror() / next(s["path"] for s in sources_toml()["source"] if s["id"] == source_id)


def real_forces() -> list[dict]:
    return [{k: f[k] for k in ("slug", "folder", "name", "pfa_code")} for f in sources_toml()["police"]["force"]]


def child(*args: str) -> list[str]:
    """The command that runs this script's child mode ``args`` on the tree under test."""
    return [sys.executable, str(TREE / "bench" / "scale.py"), *args]


def left_out(source) -> bool:
    """Sources whose adapters need every real force named in the manifest (see the module docstring)."""
    return source.id == "ons_recorded_crime_pfa" or source.format == "ons_3yr_by_name"


@dataclass
class Load:
    name: str
    partnerships: str
    forces: list[dict]  # the manifest's forces: slug, folder, name, pfa_code
    root: Path
    warehouse: Path
    result: dict = field(default_factory=dict)
    rerun_s: list[float] = field(default_factory=list)
    figures_s: list[float] = field(default_factory=list)


# --- Source folders ----------------------------------------------------------------------------------


def mirror() -> Path:
    path = Path(os.environ.get("SDP_MIRROR") or ROOT.parent / "shared" / "open-data")
    return (path if path.is_absolute() else ROOT / path).resolve()


def link_root(dest: Path, src: Path, police_folders: set[str], keep: set[str]) -> Path:
    """``dest`` holding a symlink to every entry of the mirror ``src`` but the police folders not in ``keep``."""
    dest.mkdir(parents=True)
    for entry in src.iterdir():
        if entry.name not in police_folders or entry.name in keep:
            (dest / entry.name).symlink_to(entry)
    return dest


def _own_copy(root: Path, rel: str) -> Path:
    """Make the folders on ``rel``'s path real folders of symlinks (not links to the mirror's), so the file at
    ``rel`` can be replaced in ``root`` alone; returns its path, the symlink removed."""
    here = root
    for part in Path(rel).parts:
        here = here / part
        if here.is_symlink():
            target = here.resolve()
            here.unlink()
            if not target.is_dir():
                break
            here.mkdir()
            for child in target.iterdir():
                (here / child.name).symlink_to(child)
    return here


# The build's areas step maps each authority of the force areas to its current code (la_all_codes), but the
# LSOA lookup is of 2022 authorities: Cumbria, North Yorkshire, South Yorkshire and Avon and Somerset, whose
# authorities changed code in 2023, would have no LSOAs and stop the build.  The national load's own copy of
# la_all_codes keeps an authority's 2022 code as its current code when only that one has LSOAs.
_LA_2022 = """CREATE OR REPLACE TABLE la_2022 AS
WITH lsoa_lads AS (SELECT DISTINCT LAD22CD AS lad FROM read_csv(?, all_varchar = true))
SELECT * REPLACE (CASE WHEN LADCD_ACTIVE NOT IN (SELECT lad FROM lsoa_lads) AND LADCD IN (SELECT lad FROM lsoa_lads)
                       THEN LADCD ELSE LADCD_ACTIVE END AS LADCD_ACTIVE)
FROM read_csv(?, all_varchar = true)"""


def patch_la_names(root: Path) -> int:
    """``root``'s la_all_codes with the 2022 codes kept (see _LA_2022); returns the authorities changed."""
    import duckdb

    names = source_path("la_names")
    target = _own_copy(root, str(names.relative_to(mirror())))
    with duckdb.connect() as con:
        con.execute(_LA_2022, [str(source_path("lsoa11_lsoa21_lookup")), str(names)])
        con.execute(f"COPY la_2022 TO '{target}' (FORMAT csv, HEADER)")
        before = con.execute("SELECT LADCD_ACTIVE FROM read_csv(?, all_varchar = true)", [str(names)]).fetchall()
        after = con.execute("SELECT LADCD_ACTIVE FROM read_csv(?, all_varchar = true)", [str(target)]).fetchall()
    return sum(a != b for a, b in zip(before, after, strict=True))


def real_loads(work: Path, src: Path) -> list[Load]:
    forces = {f["slug"]: f for f in real_forces()}
    folders = {f["folder"] for f in forces.values()}
    loads = []
    for n, partnerships in ((1, "2 (County Durham, Darlington)"), (2, "6"), (3, "12")):
        chosen = [forces[s] for s in REAL_SLUGS[:n]]
        root = link_root(work / f"src-{n}", src, folders, {f["folder"] for f in chosen})
        loads.append(Load(f"{n} force{'s' if n > 1 else ''}", partnerships, chosen, root, work / f"wh-{n}.duckdb"))
    return loads


def synthetic_forces() -> list[dict]:
    """43 forces named "Synthetic force kk", each with the code of a real police force area of England and Wales."""
    import duckdb

    lookup = source_path("lad_csp_pfa")
    with duckdb.connect() as con:
        codes = [r[0] for r in con.execute("SELECT DISTINCT PFA19CD FROM read_csv(?) ORDER BY 1", [str(lookup)]).fetchall()]
    out, others = [], 0
    for k, code in enumerate(codes[:NATIONAL_FORCES], start=1):
        template = TEMPLATE_OF_PFA.get(code)
        if template is None:
            template, others = CYCLE[others % len(CYCLE)], others + 1
        slug = f"synthetic-{k:02d}"
        out.append(
            {
                "slug": slug,
                "folder": f"police-uk-{slug}",
                "name": f"Synthetic force {k:02d}",
                "pfa_code": code,
                "template": template,
            }
        )
    return out


# --- Synthetic street files --------------------------------------------------------------------------

_TEMPLATES = """CREATE OR REPLACE TABLE real_rows AS
SELECT f.slug AS template, r.* FROM read_csv(?, header = true, all_varchar = true, filename = true) r
JOIN (SELECT unnest(?) AS slug, unnest(?) AS folder) f ON r.filename LIKE '%/' || f.folder || '/%'"""

# Each template LSOA -> the same LSOA when it is one of the target force's, else the target's LSOA of the
# same rank (modulo the number of target LSOAs).  Without targets (the probe): every LSOA kept.
_LSOA_MAP = """CREATE OR REPLACE TABLE lsoa_map AS
WITH t AS (SELECT template, lsoa, row_number() OVER (PARTITION BY template ORDER BY lsoa) - 1 AS i
           FROM (SELECT DISTINCT template, "LSOA code" AS lsoa FROM real_rows WHERE coalesce("LSOA code", '') <> '')),
g AS (SELECT force AS slug, lsoa21_code AS lsoa, row_number() OVER (PARTITION BY force ORDER BY lsoa21_code) - 1 AS j,
             count(*) OVER (PARTITION BY force) AS n FROM targets)
SELECT f.slug, t.lsoa AS from_lsoa, CASE WHEN same.lsoa IS NOT NULL THEN t.lsoa ELSE coalesce(g.lsoa, t.lsoa) END AS to_lsoa
FROM synthetic f JOIN t ON t.template = f.template
LEFT JOIN g ON g.slug = f.slug AND g.j = t.i % g.n
LEFT JOIN g AS same ON same.slug = f.slug AND same.lsoa = t.lsoa"""

_ONE_FORCE = """CREATE OR REPLACE VIEW one_force AS
SELECT CASE WHEN coalesce(r."Crime ID", '') = '' THEN r."Crime ID"
            ELSE sha256(r."Crime ID" || '|' || f.slug || '|' || m.month) END AS "Crime ID",
       m.month AS "Month", f.name AS "Reported by", f.name AS "Falls within", r."Longitude", r."Latitude", r."Location",
       coalesce(l.to_lsoa, r."LSOA code") AS "LSOA code", NULL AS "LSOA name", r."Crime type",
       r."Last outcome category", r."Context", m.month AS part
FROM current_force c JOIN synthetic f ON f.slug = c.slug
JOIN months m ON true
JOIN real_rows r ON r.template = f.template AND r."Month" = m.src_month
LEFT JOIN lsoa_map l ON l.slug = f.slug AND l.from_lsoa = r."LSOA code\""""


def write_synthetic(root: Path, forces: list[dict], months: list[str], targets: list[tuple[str, str]]) -> int:
    """The street files of ``forces`` for ``months`` under ``root`` (police.uk's layout); returns rows written."""
    import duckdb
    import pandas as pd

    real = {f["slug"]: f["folder"] for f in real_forces()}
    with duckdb.connect() as con:
        con.execute(_TEMPLATES, [str(mirror() / "police-uk*" / "*" / "*-street.csv*"), list(real), list(real.values())])
        src_months = [r[0] for r in con.execute('SELECT DISTINCT "Month" FROM real_rows ORDER BY 1').fetchall()]
        con.register("synthetic", pd.DataFrame(forces))
        con.register(
            "months", pd.DataFrame({"month": months, "src_month": [src_months[i % len(src_months)] for i in range(len(months))]})
        )
        con.register("targets", pd.DataFrame(targets, columns=["force", "lsoa21_code"], dtype="string"))
        con.execute(_LSOA_MAP)
        con.execute("CREATE TABLE current_force (slug VARCHAR)")
        con.execute(_ONE_FORCE)
        rows = 0
        for f in forces:
            con.execute("DELETE FROM current_force")
            con.execute("INSERT INTO current_force VALUES (?)", [f["slug"]])
            rows += con.execute("SELECT count(*) FROM one_force").fetchone()[0]
            staged = root / f"{f['folder']}.staging"
            con.execute(f"COPY one_force TO '{staged}' (FORMAT csv, HEADER, COMPRESSION gzip, PARTITION_BY (part))")
            _place(staged, root / f["folder"], f["slug"])
    return rows


def _place(staged: Path, folder: Path, slug: str) -> None:
    """``part=YYYY-MM/data_0.csv.gz`` -> ``YYYY-MM/YYYY-MM-<slug>-street.csv.gz``: one file per month."""
    for part in sorted(staged.iterdir()):
        month = part.name.removeprefix("part=")
        files = list(part.iterdir())
        if len(files) != 1:
            raise RuntimeError(f"{part}: expected one file, found {len(files)}")
        (folder / month).mkdir(parents=True)
        files[0].rename(folder / month / f"{month}-{slug}-street.csv.gz")
    shutil.rmtree(staged)


def national_load(work: Path, src: Path, n_months: int) -> tuple[Load, dict]:
    """The synthetic national source folder; the probe build gives each force's home LSOAs."""
    forces = synthetic_forces()
    manifest_forces = [{k: f[k] for k in ("slug", "folder", "name", "pfa_code")} for f in forces]
    folders = {f["folder"] for f in real_forces()}
    first = 2025 * 12 + 12 - n_months  # the months up to 2025-12
    months = [f"{(first + i) // 12}-{(first + i) % 12 + 1:02d}" for i in range(n_months)]
    t0 = time.perf_counter()
    probe = Load("probe", "", manifest_forces, link_root(work / "src-probe", src, folders, set()), work / "wh-probe.duckdb")
    patched = patch_la_names(probe.root)
    write_synthetic(probe.root, forces, months[:1], [])
    run_build(probe, work)
    import duckdb

    with duckdb.connect(str(probe.warehouse), read_only=True) as con:
        targets = con.execute("SELECT force, lsoa21_code FROM lsoa_force").fetchall()
    probe.warehouse.unlink()
    shutil.rmtree(probe.root)
    root = link_root(work / "src-national", src, folders, set())
    patch_la_names(root)
    rows = write_synthetic(root, forces, months, targets)
    gen = {"probe_build_s": probe.result["wall_s"], "generate_s": time.perf_counter() - t0, "rows_written": rows}
    gen["months"] = f"{months[0]}..{months[-1]}"
    gen["bytes"] = sum(p.stat().st_size for p in root.glob("police-uk-synthetic-*/*/*.gz"))
    gen["home_lsoas"], gen["la_patched"] = len(targets), patched
    name = "national (synthetic)" if n_months == 36 else f"national (synthetic, {n_months} month{'s' if n_months > 1 else ''})"
    return Load(name, f"{NATIONAL_FORCES} synthetic forces", manifest_forces, root, work / "wh-national.duckdb"), gen


# --- Builds, each in a child process ---------------------------------------------------------------


def child_build(spec_file: str) -> int:
    """In the child: one full build of the spec's source folder with its forces; writes the result JSON."""
    from sdp_dash.config.manifest import Force
    from sdp_dash.config.manifest import load as load_manifest
    from sdp_dash.pipeline.build import build

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    if spec.get("memory_limit"):
        _limit_duckdb(spec["memory_limit"])
    base = load_manifest()
    manifest = dataclasses.replace(
        base,
        forces=tuple(Force(**f) for f in spec["forces"]),
        # left out by pointing them at no file (optional): the build then treats them as absent
        sources=tuple(
            dataclasses.replace(s, path=f"left-out-by-bench/{s.id}", alt_path="", optional=True) if left_out(s) else s
            for s in base.sources
        ),
    )
    marks = [("start", time.perf_counter())]
    report = build(
        Path(spec["root"]),
        Path(spec["warehouse"]),
        force_full=True,
        progress=False,
        manifest=manifest,
        fail_after=lambda step: marks.append((step, time.perf_counter())),  # the build's hook after each step: timed
    )
    result = {"rows": report.police_rows, "files": report.files_read, "mode": report.mode}
    result["build_s"] = time.perf_counter() - marks[0][1]
    result["steps"] = {name: t - marks[i][1] for i, (name, t) in enumerate(marks[1:])}
    # This process's own peak (VmHWM: since its exec).  ``ru_maxrss`` from wait4 would also count the parent's
    # resident memory at the fork, and the parent holds the synthetic rows it generated.
    status = Path("/proc/self/status").read_text().splitlines()
    usage = resource.getrusage(resource.RUSAGE_SELF)  # CPU of every thread (DuckDB's too): less moved by others' load
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["peak_kib"] = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    result["counted"] = counted_rows(Path(spec["warehouse"]))
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


def counted_rows(warehouse: Path) -> int | None:
    """police.uk rows the build counted in an area (its build report), or None if the report is not there."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(
                "SELECT sum(rows) FROM build_report WHERE kind = 'police' AND starts_with(item, 'counted')"
            ).fetchone()[0]
    except duckdb.Error:
        return None


def _limit_duckdb(limit: str) -> None:
    """An experiment (--memory-limit): every DuckDB connection the build opens gets this memory_limit."""
    import re

    import duckdb

    if not re.fullmatch(r"\d+(MB|GB)", limit):
        raise SystemExit(f"--memory-limit {limit!r}: a size like 1GB or 512MB")
    connect = duckdb.connect

    def limited(*args, **kwargs):
        con = connect(*args, **kwargs)
        con.execute(f"SET memory_limit = '{limit}'")
        return con

    duckdb.connect = limited


MEMORY_LIMIT = ""  # --memory-limit: passed to every build


def run_build(load: Load, work: Path) -> None:
    """Build ``load`` in a child process; its wall time, peak RSS (KiB), rows and the warehouse's size."""
    spec = work / f"{load.warehouse.stem}.json"
    result = work / f"{load.warehouse.stem}.result.json"
    spec.write_text(
        json.dumps(
            {
                "root": str(load.root),
                "warehouse": str(load.warehouse),
                "forces": load.forces,
                "result": str(result),
                "memory_limit": MEMORY_LIMIT,
            }
        )
    )
    t0 = time.perf_counter()
    proc = subprocess.run(child("--child-build", str(spec)), cwd=TREE, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"the build of {load.name} failed (exit {proc.returncode})")
    got = json.loads(result.read_text(encoding="utf-8"))
    walls = [*load.result.get("walls_s", []), wall]
    cpus = [*load.result.get("cpus_s", []), got["cpu_s"]]
    peak = max(got["peak_kib"], load.result.get("peak_kib", 0))
    load.result = {**got, "walls_s": walls, "wall_s": statistics.median(walls), "peak_kib": peak}
    load.result.update(cpus_s=cpus, cpu_s=statistics.median(cpus))
    load.result.update(size=load.warehouse.stat().st_size, us_per_row=load.result["wall_s"] / max(got["rows"], 1) * 1e6)
    print(f"{load.name}: {got['rows']:,} rows in {wall:.1f} s, peak {got['peak_kib'] / 1024:.0f} MiB", flush=True)


# --- Pages ---------------------------------------------------------------------------------------------


def child_figures() -> int:
    """In the child (SDP_WAREHOUSE set): for each line on stdin, the Overview's default figures computed with
    every app cache empty (the connection and its lookups kept); prints the seconds taken."""
    from sdp_dash.config import codes
    from sdp_dash.config.months import default_start
    from sdp_dash.web import cache, connection, data, warm

    for _ in sys.stdin:
        cache.clear()
        t0 = time.perf_counter()
        try:
            with connection.pinned():
                end = data.present_months()[-1]
                for page, call in warm._steps(codes.COUNTY, default_start(end), end, codes.DEFAULT_MEASURE):
                    if page == "":  # the Overview's steps (the warm-up's own list of what each page asks for)
                        call()
        except Exception as exc:  # noqa: BLE001 - reported as the load's problem, the others still measured
            print(f"error: {type(exc).__name__}: {str(exc)[:120]}", flush=True)
            continue
        print(f"{time.perf_counter() - t0:.6f}", flush=True)
    return 0


def figures_worker(warehouse: Path) -> subprocess.Popen:
    env = dict(os.environ, SDP_WAREHOUSE=str(warehouse))
    return subprocess.Popen(child("--child-figures"), cwd=TREE, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def uncached_figures(worker: subprocess.Popen) -> float:
    worker.stdin.write("go\n")
    worker.stdin.flush()
    line = worker.stdout.readline()
    if not line or line.startswith("error"):
        raise RuntimeError(line.strip() or "the figures worker stopped")
    return float(line)


async def interleaved(loads: list[Load], ports: list[int], workers: list[subprocess.Popen], rounds: int) -> None:
    """One session per server; every round, each load's warm Overview rerun and uncached figures, in a
    rotating order."""
    from bench.wsclient import Session

    sessions = [await Session(port).open() for port in ports]
    try:
        for load, s in zip(loads, sessions, strict=True):
            t0 = time.perf_counter()
            r = await s.run("", RUN_TIMEOUT_S)
            load.result.update(first_view_s=time.perf_counter() - t0, problem=r.problem() if not r.ok else "")
        for i in range(rounds):
            order = list(range(len(loads)))
            order = order[i % len(order) :] + order[: i % len(order)]
            for k in order:
                loads[k].rerun_s.append((await sessions[k].rerun(RUN_TIMEOUT_S)).seconds)
                loads[k].figures_s.append(uncached_figures(workers[k]))
            print(
                f"round {i + 1}: "
                + ", ".join(f"{ld.name} {ld.rerun_s[-1] * 1000:.0f}/{ld.figures_s[-1] * 1000:.0f} ms" for ld in loads),
                flush=True,
            )
    finally:
        for s in sessions:
            await s.close()


def measure_pages(loads: list[Load], rounds: int) -> None:
    """A server and a figures worker per warehouse, all at once; then the interleaved rounds."""
    from bench.compare import serve_tree

    with ExitStack() as stack:
        served, ports, workers = [], [], []
        for load in loads:
            t0 = time.perf_counter()
            try:
                worker = figures_worker(load.warehouse)
                stack.callback(_stop_worker, worker)
                uncached_figures(worker)  # its imports and first connection, not counted (a first check: says why)
                t0 = time.perf_counter()
                port = stack.enter_context(serve_tree(TREE, load.warehouse, load.warehouse.with_suffix(".server.log")))
            except RuntimeError as exc:
                load.result["page_problem"] = str(exc)[:200]
                print(f"{load.name}: no page times: {exc}", flush=True)
                continue
            load.result["server_ready_s"] = time.perf_counter() - t0
            served.append(load)
            ports.append(port)
            workers.append(worker)
        asyncio.run(interleaved(served, ports, workers, rounds))


def _stop_worker(worker: subprocess.Popen) -> None:
    worker.stdin.close()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


# --- Report --------------------------------------------------------------------------------------------


def _page_base(loads: list[Load]) -> Load | None:
    """The smallest load whose pages were measured: the pages' ratios are to it."""
    return next((ld for ld in loads if ld.rerun_s), None)


def _ratio(load: Load, base: Load | None, attr: str) -> float:
    """This load's median time / the base load's (nan if not measured).  Not the median of per-round ratios: a
    run that comes first in its round is the slower one (an order effect), and the rotating order evens that out
    over the rounds, not within one."""
    if base is None or not getattr(load, attr):
        return float("nan")
    return statistics.median(getattr(load, attr)) / statistics.median(getattr(base, attr))


def _num(x: float, digits: int = 1) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def _share(part: int | None, whole: int) -> str:
    return f"{part / whole:.1%}" if part is not None and whole else "n/a"


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms" if values else "n/a"


def marginal(loads: list[Load], i: int, key: str = "wall_s") -> float:
    """µs per row added from the previous load to load ``i``: the build's cost of a row, its fixed part left out."""
    if i == 0 or key not in loads[i].result:
        return float("nan")
    a, b = loads[i - 1].result, loads[i].result
    return (b[key] - a[key]) / max(b["rows"] - a["rows"], 1) * 1e6


def table(loads: list[Load]) -> list[str]:
    base = _page_base(loads)
    x = f"x {base.name}" if base else "ratio"
    lines = [
        "| load | partnerships | police.uk rows | counted | files | build (wall) | build (CPU) | µs / row | µs / added row "
        "| CPU µs / added row | peak RSS | warehouse "
        f"| server ready | Overview warm rerun (median) | {x} | Overview figures uncached (median) | {x} |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, ld in enumerate(loads):
        r = ld.result
        ready = f"{r['server_ready_s']:.1f} s" if "server_ready_s" in r else "n/a"
        lines.append(
            f"| {ld.name} | {ld.partnerships} | {r['rows']:,} | {_share(r.get('counted'), r['rows'])} | {r['files']:,} | {r['wall_s']:.1f} s | {r.get('cpu_s', float('nan')):.1f} s "
            f"| {r['us_per_row']:.1f} | {_num(marginal(loads, i))} | {_num(marginal(loads, i, 'cpu_s'))} "
            f"| {r['peak_kib'] / 1024:,.0f} MiB | {r['size'] / 2**20:,.0f} MiB | {ready} "
            f"| {_ms(ld.rerun_s)} | {_num(_ratio(ld, base, 'rerun_s'), 2)} | {_ms(ld.figures_s)} "
            f"| {_num(_ratio(ld, base, 'figures_s'), 2)} |"
        )
    problems = [f"- {ld.name}: no page times: {ld.result['page_problem']}" for ld in loads if "page_problem" in ld.result]
    return lines + (["", *problems] if problems else [])


def _bar(value: float, top: float) -> str:
    return "#" * max(1, round(30 * value / top)) if value == value else "n/a"


def curve(loads: list[Load]) -> list[str]:
    """A text curve: bars of µs/row and of the uncached figures' time, by load."""
    top_us = max(ld.result["us_per_row"] for ld in loads)
    figs = [statistics.median(ld.figures_s) if ld.figures_s else float("nan") for ld in loads]
    top_fig = max((f for f in figs if f == f), default=1.0)
    lines = ["```", f"{'load':<31} {'rows':>11}  {'build µs / row':<35} Overview figures uncached"]
    for ld, fig in zip(loads, figs, strict=True):
        us = ld.result["us_per_row"]
        fig_s = f"{fig * 1000:>5.0f} ms" if fig == fig else ""
        lines.append(f"{ld.name:<31} {ld.result['rows']:>11,}  {_bar(us, top_us):<30}{us:>5.1f} {_bar(fig, top_fig):<30}{fig_s}")
    return [*lines, "```"]


def verdict(loads: list[Load]) -> list[str]:
    """What the figures say, from the figures: the largest load against the smallest (pages: the smallest measured)."""
    first, big, base = loads[0], loads[-1], _page_base(loads)
    us = [ld.result["us_per_row"] for ld in loads]
    added = [f"{marginal(loads, i):.1f}" for i in range(1, len(loads))]
    cpu = [f"{marginal(loads, i, 'cpu_s'):.1f}" for i in range(1, len(loads))]
    lines = [
        f"- Build cost per added row (load to load): {' / '.join(added)} µs of wall time, {' / '.join(cpu)} µs of CPU; a fixed part (geography, areas, indicators) "
        f"of about {first.result['wall_s'] - first.result['rows'] * float(added[0]) / 1e6:.0f} s is paid by every build.",
        f"- Build cost per row: {' / '.join(f'{u:.1f}' for u in us)} µs ({', '.join(ld.name for ld in loads)}). "
        f"{big.name} has {big.result['rows'] / first.result['rows']:,.0f} x the rows of {first.name}; its cost per row "
        f"is {us[-1] / us[0]:.2f} x ({us[-1] / us[-2]:.2f} x that of {loads[-2].name}).",
        f"- Build peak memory: {big.result['peak_kib'] / first.result['peak_kib']:.1f} x; warehouse size "
        f"{big.result['size'] / first.result['size']:.1f} x ({big.result['size'] / big.result['rows']:.0f} bytes per row "
        f"against {first.result['size'] / first.result['rows']:.0f}).",
    ]
    if base is not None and base is not big:
        lines += [
            f"- Overview, warm rerun (what nearly every visit costs: the figures come from the app's cache): "
            f"{_ratio(big, base, 'rerun_s'):.2f} x {base.name}'s time at {big.name}.",
            f"- Overview figures computed uncached (a first visit after a rebuild, or the worker's warm-up): "
            f"{_ratio(big, base, 'figures_s'):.2f} x.",
        ]
    return lines


def steps_table(loads: list[Load]) -> list[str]:
    """Seconds per build step (the last build of each load), from the build's after-step hook."""
    names = list(dict.fromkeys(n for ld in loads for n in ld.result.get("steps", {})))
    if not names:
        return []
    lines = [f"| build step (s) | {' | '.join(ld.name for ld in loads)} |", "|---|" + "---:|" * len(loads)]
    for name in [*names, "checks, checkpoint and swap"]:
        cells = []
        for ld in loads:
            steps = ld.result.get("steps", {})
            value = steps.get(name, ld.result["build_s"] - sum(steps.values()) if name.startswith("checks") else 0.0)
            cells.append(f"{value:.1f}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return ["", *lines]


def section(loads: list[Load], gen: dict, rounds: int, notes: str) -> str:
    lines = [
        f"## {TITLE}",
        "",
        f"Measured {gen.get('when', now())} by `{gen.get('command', command_line())}` on {gen.get('machine', machine())};",
        f"load average {gen.get('load_end', loadavg())} at the end.",
        f"Code measured: {gen.get('code', 'the working tree')}."
        + (f"  Experiment: DuckDB `memory_limit = {gen['memory_limit']}` in every build." if gen.get("memory_limit") else ""),
        "bench/scale.py's docstring defines the loads.  Build: a full build (`force_full`) of the load's temporary source",
        f"folder in a child process (wall time: median of {len(loads[0].result.get('walls_s', [0]))} builds of each real load,",
        "interleaved, and one of the national load; peak RSS = the build process's VmHWM, the largest of its builds);",
        "µs / row = build wall time / police.uk rows read (the whole build, geography included); µs / added row = the",
        "difference in wall time from the previous load / the rows added.  Every load leaves out the ONS long view and the",
        "drug-death counts by force (their adapters need the three real forces named).  Pages: a `streamlit run app.py` per warehouse; server ready",
        "= start to healthy (it copies and checks the warehouse, sdp_dash/web/connection.py); then, after one Overview visit",
        f"each, {rounds} interleaved rounds of a warm Overview rerun (websocket client: server time) and the Overview's default",
        "figures computed with every app cache cleared (sdp_dash.web.warm's Overview steps, in a child process on the",
        "warehouse).  Ratios: the load's median / the median of the smallest load measured.",
    ]
    if "rows_written" in gen:
        lines += [
            "",
            f"National load: {gen['rows_written']:,} synthetic rows ({gen['months']}, {gen['bytes'] / 2**20:,.0f} MiB gzipped CSV)"
            f" written in {gen['generate_s']:.0f} s, probe build included ({gen['probe_build_s']:.0f} s; {gen['home_lsoas']:,} home",
            f"LSOAs across the 43 force areas; the load's copy of la_all_codes keeps the 2022 code of {gen['la_patched']} authorities,",
            "see `_LA_2022`).  **Synthetic data**: never shown as real; the warehouse was in /tmp and is deleted.",
        ]
    lines += ["", *table(loads), *steps_table(loads), "", *curve(loads), "", "What the figures say:", "", *verdict(loads)]
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines)


# What the figures of the run in bench/RESULTS.md say, beyond verdict(): kept with the script, written under the table.
NOTES = """\
Reading the figures of the run of 2026-12-02 20:52 UTC at cadb6c2 (notes kept in bench/scale.py, NOTES: rewrite
them after a new run).  The machine was shared with other sessions (load average 3-8 on 2 cores): wall times are
noisy, CPU time is the steadier measure.  Three earlier runs the same day at 2c7e483 (before the partnership
build) gave the same picture.

- **Build cost per row stays flat.**  CPU per added row is 6-9.5 µs from 0.1 M to 17.9 M rows (9.3 / 6.2 / 8.1
  here; 7.7 / 5.7 / 8.3, 9.5 / 5.7 / 8.1 and 6.2 / 5.9 / 8.5 µs in the earlier runs).  Per step: police.uk (each
  file's checks, staging and insert) costs 8-9 µs per row of wall time at every size, the crime tables 1-3 µs;
  nothing grows with the size of the tables.  The national step's CPU per row is about 1.3 x that of the
  2 -> 3 forces step, not the 40 x that a cost growing with the table would show.  The 1-force build is mostly its
  fixed part (about 3 s of geography, areas and places), hence its high µs / row.  At national size a build takes
  3-6 minutes on 2 cores (184 s here), 85% of it in the police.uk step, which reads the 1,548 street files one
  after another.  Faster would be: one `read_csv` over a force's month files (one staging and one set of check
  queries per force, not per file), and no Python decode of each whole file in `police_uk.check_text` (16% of the
  step's CPU, measured on the mirror's 48 files: it splits the whole file to check the header and one data row).
- **Peak memory does not stay flat.**  402-436 MiB for the real loads, 3,391 MiB at 17.9 M rows (3,037-3,271 MiB in
  the earlier runs).  Sampled every 5 s, the build's RSS grows steadily through the police.uk step (about 65 bytes
  per row: DuckDB keeps the blocks it has written in its buffer pool, whose default `memory_limit` is 80% of RAM)
  and peaks in the crime tables step.  It is cache, not need: at 2c7e483 the same national build with
  `--memory-limit 1GB` (every connection of the build given `SET memory_limit = '1GB'`) peaked at 1,320 MiB for the
  same CPU (154.6 s, against 146.8-151.3 s without).  The fix: the build's connection sets a `memory_limit` (e.g.
  1 GB) in sdp_dash/pipeline/build.py.
- **Pages do not slow down.**  The Overview's warm rerun and its figures computed with every app cache empty take
  the same time on the 17.9 M-row warehouse as on the 0.1 M-row one (0.99 x and 1.10 x: 29 against 30 ms, 16
  against 15 ms).  Its queries are for one area (County Durham's LSOAs and months), whose rows are the same in
  every load.
- **What does grow with the warehouse: a worker's start.**  Server ready goes from 3 s to 13 s here (5 s to 33-36 s
  under heavier load earlier): each worker copies the warehouse to a private temporary file and reads every column
  to check it before serving (sdp_dash/web/connection.py), and each keeps its own copy (808 MiB at national size,
  per worker).  With one warehouse per partnership (the decision of issue 20) a warehouse holds its own force's
  rows (14-29 MiB here) and this stays small; a national warehouse would want one checked copy shared by workers.
- **The earlier runs at 2c7e483 could not time the 1- and 2-force pages**: the Overview looked up the Cleveland and
  Northumbria force areas by code, and a warehouse without them failed with `LookupError`.  At cadb6c2 they render.
- **The build cannot take every force area as published**: `la_all_codes` gives 19 authorities of Cumbria, North
  Yorkshire, South Yorkshire and Avon and Somerset current codes that the LSOA lookup (2022 authorities) does not
  have, and the build stops ("area E06000063 (Copeland) has no LSOAs", run at 2c7e483; areas.py maps the same way
  at cadb6c2).  The national load works round it in its own copy (`_LA_2022`); a partnership in those forces needs
  the build to match the two lookups' vintages.
"""


def check_room(work: Path, national: bool) -> None:
    """Enough free disk beside ``work`` and memory for the loads (the national one needs a few GB)."""
    free_gib = shutil.disk_usage(work.parent).free / 2**30
    avail_gib = (
        int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemAvailable:")))
        / 2**20
    )
    need_disk, need_mem = (12, 6) if national else (1, 2)
    print(f"free disk {free_gib:.0f} GiB, available memory {avail_gib:.0f} GiB", flush=True)
    if free_gib < need_disk or avail_gib < need_mem:
        raise SystemExit(f"need {need_disk} GiB free disk and {need_mem} GiB memory: use --national-months 0 or free some")


def use_tree(rev: str, work: Path) -> None:
    """Measure ``rev``: the working tree as it is ("worktree"), or a commit exported to ``work``/tree with this
    script beside its code (others edit the working tree meanwhile: a commit is a consistent state)."""
    global TREE
    if rev == "worktree":
        return
    from bench.compare import export_tree

    TREE = work / "tree"
    export_tree(rev, TREE)
    shutil.copy2(Path(__file__), TREE / "bench" / "scale.py")


def measure(args: argparse.Namespace, work: Path) -> tuple[list[Load], dict | None]:
    src = mirror()
    check_room(work, args.national_months > 0)
    work.mkdir(parents=True)
    use_tree(args.rev, work)
    loads = real_loads(work, src)
    gen, national = None, None
    if args.national_months:
        national, gen = national_load(work, src, args.national_months)
        loads.append(national)
    for i in range(args.repeat):  # interleaved: noise hits every load alike; the national load is built once
        for load in loads if i == 0 else [ld for ld in loads if ld is not national]:
            run_build(load, work)
    if gen:
        shutil.rmtree(loads[-1].root)  # the synthetic files (GBs): the warehouse is all the pages need
    if args.rounds:
        measure_pages(loads, args.rounds)
    return loads, gen


def save(path: Path, loads: list[Load], gen: dict | None, rounds: int) -> None:
    raw = [{k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(ld).items()} for ld in loads]
    path.write_text(json.dumps({"loads": raw, "gen": gen, "rounds": rounds}, indent=1), encoding="utf-8")


def restore(path: Path) -> tuple[list[Load], dict | None, int]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    loads = [Load(**{**d, "root": Path(d["root"]), "warehouse": Path(d["warehouse"])}) for d in raw["loads"]]
    return loads, raw["gen"], raw["rounds"]


def _describe(rev: str) -> str:
    from bench.compare import describe

    return describe(rev)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved page rounds (default 7; 0: no pages)")
    ap.add_argument("--repeat", type=int, default=3, help="builds of each real load (median wall time; default 3)")
    ap.add_argument("--national-months", type=int, default=36, help="months of the synthetic national load (0: none)")
    ap.add_argument("--memory-limit", default="", help="an experiment: DuckDB's memory_limit for every build (e.g. 1GB)")
    ap.add_argument("--rev", default="worktree", help="the code to measure: a git revision, or worktree (default)")
    ap.add_argument("--work", type=Path, default=Path(f"/tmp/sdp-scale-{os.getpid()}"), help="temporary folder (removed)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json", type=Path, help="also save the figures here (re-render with --report-from)")
    ap.add_argument("--report-from", type=Path, help="write the section from saved figures, measuring nothing")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    ap.add_argument("--child-build", help=argparse.SUPPRESS)
    ap.add_argument("--child-figures", action="store_true", help=argparse.SUPPRESS)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.child_build:
        return child_build(args.child_build)
    if args.child_figures:
        return child_figures()
    if args.report_from:
        loads, gen, rounds = restore(args.report_from)
    else:
        global MEMORY_LIMIT
        MEMORY_LIMIT = args.memory_limit
        if not 0 <= args.rounds <= 50 or not 0 <= args.national_months <= 120:
            raise SystemExit("--rounds must be 0..50 and --national-months 0..120")
        if args.work.exists():
            raise SystemExit(f"{args.work} exists: choose another --work")
        try:
            started = {"machine": machine(), "command": command_line(), "code": _describe(args.rev)}
            loads, gen = measure(args, args.work)
            gen = {**(gen or {}), **started, "when": now(), "load_end": loadavg(), "memory_limit": MEMORY_LIMIT}
        finally:
            if not args.keep:
                shutil.rmtree(args.work, ignore_errors=True)
        rounds = args.rounds
        if args.json:
            save(args.json, loads, gen, rounds)
    text = section(loads, gen, rounds, NOTES)
    if not args.no_write:
        write_section(TITLE, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
