"""Before and after, side by side in one run: the last release against the current tree, and each view
of the current tree against its floor (bench/floor.py: the same elements replayed with no data work).

    .venv/bin/python bench/compare.py [--before b82f1a0] [--after HEAD|worktree|REV] [--reruns 10]
        [--first-loads 3] [--keep] [--no-write]

1. Each tree is exported (``git archive REV``; ``--after worktree``: the working tree's tracked and
   untracked, not ignored, files) into ``--workdir`` and its warehouse built from ``SDP_MIRROR`` by
   its own code (``python -m sdp_dash build --warehouse ...`` in that tree).
2. One ``streamlit run app.py`` per tree, from its own folder (its own code, config and warehouse),
   on 127.0.0.1; every view is shown once on each (warm-up, not counted).
3. The floor: one warm rerun of every view of the current tree is recorded and bench/floor_app.py,
   run from the current tree's folder (same .streamlit/config.toml), replays each recording.
4. Measured interleaved, so machine noise hits all three alike: for each round, for each view, one
   warm rerun on the old server, the new one and the floor (their order rotating from round to
   round), each in its own session kept open; then the warm first loads (a new session's first run,
   connect to ``script_finished``), interleaved the same way.
5. Cold after a refresh (``--cold-rounds``, default 1): for each view and tree, the warehouse file's
   modification time is moved on (to the server, a rebuilt warehouse: a new generation, every cache
   cold), then one new session opens the view; moved on again, then three new sessions open it at
   the same moment (visitors arriving after a data refresh).

Writes the "Pages: before and after", "Floor" and "Cold after a refresh" sections of bench/RESULTS.md (bench/common.py's
``write_section``).  Bounded: loopback only, a time limit on every run and an overall one
(``--max-minutes``), every server stopped (process group) when done, also on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import floor  # noqa: E402
from bench.common import command_line, freeze_server_code, loadavg, machine, now, percentile, write_section  # noqa: E402
from bench.wsclient import RunResult, Session, first_load  # noqa: E402
from tests.support.devserver import free_port, stop_server, wait_healthy  # noqa: E402

TITLE_PAGES = "Pages: before and after"
TITLE_FLOOR = "Floor"
TITLE_COLD = "Cold after a refresh"
COLD_TOGETHER = 3
BEFORE_REV = "b82f1a0"
PRIORITY = ["being-safe", "victims", "prevent", "reoffending", "alcohol-and-drugs", "cyber-crime"]
VIEWS = ["", "explore", "compare", "about", *PRIORITY]
TARGET_PRIORITY_S = 0.150
TARGET_FIRST_LOAD_S = 0.500
TARGET_FLOOR_RATIO = 1.5
RUN_TIMEOUT_S = 120.0
BUILD_TIMEOUT_S = 900
TARGETS = ("before", "after", "floor")


# --- Trees, warehouses and servers ---------------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True, timeout=120).stdout


def describe(rev: str) -> str:
    if rev == "worktree":
        return f"the working tree (on {git('rev-parse', '--short', 'HEAD').strip()}, with uncommitted changes)"
    return git("log", "-1", "--format=%h %cs: %s", rev).strip()[:140]


def export_tree(rev: str, dest: Path) -> None:
    """``rev``'s files (``git archive``), or the working tree's (``worktree``), into an empty ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if rev == "worktree":
        names = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
        for name in filter(None, names):
            src = ROOT / name
            if src.is_file():  # a tracked file deleted in the working tree is left out
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
        return
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True, timeout=300).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True, timeout=300)


def build_warehouse(tree: Path, warehouse: Path, mirror: str, log: Path) -> float:
    """The tree's own ``python -m sdp_dash build`` into ``warehouse`` (from scratch): seconds taken."""
    for p in warehouse.parent.glob(warehouse.name + "*"):
        p.unlink()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SDP_WAREHOUSE")}
    env["SDP_MIRROR"] = mirror
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        subprocess.run(
            [sys.executable, "-m", "sdp_dash", "build", "--warehouse", str(warehouse), "--quiet"],
            cwd=tree,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )
    return time.perf_counter() - t0


def prepare(rev: str, tree: Path, warehouse: Path, mirror: str, keep: bool) -> str:
    """Export and build unless ``keep`` and both are there for this revision: a note for the report."""
    stamp = tree / ".bench-rev"
    resolved = "worktree" if rev == "worktree" else git("rev-parse", rev).strip()
    if keep and rev != "worktree" and stamp.exists() and stamp.read_text() == resolved and warehouse.exists():
        return "reused (--keep)"
    export_tree(rev, tree)
    seconds = build_warehouse(tree, warehouse, mirror, tree.parent / f"{tree.name}-build.log")
    stamp.write_text(resolved)
    return f"built in {seconds:.1f} s"


@contextmanager
def serve_tree(tree: Path, warehouse: Path, log: Path) -> Iterator[int]:
    """``streamlit run app.py`` from ``tree`` with its own warehouse, in its own process group: yields the port."""
    freeze_server_code()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(SDP_WAREHOUSE=str(warehouse), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    cmd = [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=180)
        yield port
    finally:
        stop_server(proc)


def largest_division(warehouse: Path) -> str:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select area_code from areas where area_type = 'division_2025' order by population desc, area_code limit 1"
        ).fetchone()
    return row[0] if row else "E06000047"


# --- Measuring -----------------------------------------------------------------------------------


@dataclass
class Cell:
    """One view on one target (before, after or floor)."""

    rerun_s: list[float] = field(default_factory=list)
    first_s: list[float] = field(default_factory=list)
    cold_one_s: list[float] = field(default_factory=list)  # one visitor, first after a refresh
    cold_together_s: list[float] = field(default_factory=list)  # the slowest of COLD_TOGETHER visitors at once
    deltas: int = 0
    problems: list[str] = field(default_factory=list)

    def note(self, what: str, r: RunResult) -> None:
        if not r.ok:
            detail = "; ".join(r.exceptions + r.error_alerts) or r.failure or ""
            self.problems.append(f"{what}: {r.problem()} {detail[:120]}".strip())

    @property
    def p50(self) -> float:
        return statistics.median(self.rerun_s) if self.rerun_s else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.rerun_s, 95)

    @property
    def first(self) -> float:
        return statistics.median(self.first_s) if self.first_s else float("nan")


async def measure(
    ports: dict[str, int], paths: dict[str, list[str]], reruns: int, first_loads: int, deadline: float
) -> tuple[dict[tuple[str, int], Cell], dict]:
    """Interleaved warm reruns (one session per view and target, kept open), then interleaved first loads."""
    targets = [t for t in TARGETS if t in ports]
    n = len(paths[targets[0]])
    cells = {(t, i): Cell() for t in targets for i in range(n)}
    info = {"rounds": 0, "first_rounds": 0, "stopped_early": False}
    sessions: dict[tuple[str, int], Session] = {}
    try:
        for t in targets:  # warm-up: every view once per target (not counted), and a session for its reruns
            for i, path in enumerate(paths[t]):
                s = await Session(ports[t]).open()
                sessions[(t, i)] = s
                cells[(t, i)].note("first run", await s.run(path, RUN_TIMEOUT_S))
        for r in range(reruns):
            if time.monotonic() > deadline:
                info["stopped_early"] = True
                break
            order = targets[r % len(targets) :] + targets[: r % len(targets)]
            for i in range(n):
                for t in order:
                    res = await sessions[(t, i)].rerun(RUN_TIMEOUT_S)
                    cell = cells[(t, i)]
                    cell.rerun_s.append(res.seconds)
                    cell.deltas = res.deltas
                    cell.note("rerun", res)
            info["rounds"] = r + 1
    finally:
        for s in sessions.values():
            await s.close()
    real = [t for t in targets if t != "floor"]
    for k in range(first_loads):
        if time.monotonic() > deadline:
            info["stopped_early"] = True
            break
        order = real[k % len(real) :] + real[: k % len(real)]
        for i in range(n):
            for t in order:
                seconds, res = await first_load(ports[t], paths[t][i], RUN_TIMEOUT_S)
                cells[(t, i)].first_s.append(seconds)
                cells[(t, i)].note("first load", res)
        info["first_rounds"] = k + 1
    return cells, info


def refresh(warehouse: Path) -> None:
    """What a rebuild looks like to a running server: the file's identity (its modification time) changes."""
    st = warehouse.stat()
    os.utime(warehouse, ns=(st.st_atime_ns, max(time.time_ns(), st.st_mtime_ns + 1_000_000)))


async def measure_cold(
    ports: dict[str, int], paths: dict[str, list[str]], warehouses: dict[str, Path], cells: dict, rounds: int, deadline: float
) -> int:
    """For each view and tree: refresh, one visitor; refresh, COLD_TOGETHER visitors at once.  Rounds done."""
    real = [t for t in ("before", "after") if t in ports]
    done = 0
    for k in range(rounds):
        for i in range(len(paths[real[0]])):
            if time.monotonic() > deadline:
                return done
            for t in real[k % 2 :] + real[: k % 2]:
                cell = cells[(t, i)]
                refresh(warehouses[t])
                seconds, res = await first_load(ports[t], paths[t][i], RUN_TIMEOUT_S)
                cell.cold_one_s.append(seconds)
                cell.note("cold first load", res)
                refresh(warehouses[t])
                together = await asyncio.gather(*(first_load(ports[t], paths[t][i], RUN_TIMEOUT_S) for _ in range(COLD_TOGETHER)))
                cell.cold_together_s.append(max(sec for sec, _ in together))
                for _, res in together:
                    cell.note("cold first load, together", res)
        done = k + 1
    return done


def run_compare(args: argparse.Namespace) -> tuple[list[str], dict[tuple[str, int], Cell], dict]:
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    info: dict = {"machine": machine(), "when": now(), "before": describe(args.before), "after": describe(args.after)}
    deadline = time.monotonic() + args.max_minutes * 60
    trees = {
        "before": (args.before, work / "before", work / "before.duckdb"),
        "after": (args.after, work / "after", work / "after.duckdb"),
    }
    for name, (rev, tree, wh) in trees.items():
        print(f"{name}: {info[name]}: exporting and building ...", file=sys.stderr, flush=True)
        info[f"{name}_build"] = prepare(rev, tree, wh, str(Path(args.mirror).resolve()), args.keep)
    division = largest_division(trees["after"][2])
    views = [*VIEWS, "explore?area=AAP-durham-aap&to=2025-12", f"?area={division}&to=2025-12"]
    info["division"] = division
    with ExitStack() as stack:
        ports = {}
        for name, (_, tree, wh) in trees.items():
            print(f"{name}: starting its server ...", file=sys.stderr, flush=True)
            ports[name] = stack.enter_context(serve_tree(tree, wh, work / f"{name}-server.log"))
        paths = {"before": views, "after": views}
        if not args.no_floor:
            rec_dir = work / "floor-recordings"
            shutil.rmtree(rec_dir, ignore_errors=True)
            print("floor: recording every view of the current tree ...", file=sys.stderr, flush=True)
            recordings = asyncio.run(floor.record(ports["after"], views, rec_dir, RUN_TIMEOUT_S))
            ports["floor"] = stack.enter_context(floor.serve_floor(rec_dir, trees["after"][1], work / "floor-server.log"))[0]
            paths["floor"] = [floor.floor_path(r["view"], r["id"]) for r in recordings]
            info["recordings"] = recordings
            info["floor_check"] = asyncio.run(floor.check(ports["floor"], recordings, RUN_TIMEOUT_S))
        print(f"measuring {len(views)} views x {len(ports)} servers ...", file=sys.stderr, flush=True)
        cells, run_info = asyncio.run(measure(ports, paths, args.reruns, args.first_loads, deadline))
        info.update(run_info)
        if args.cold_rounds:
            print(f"cold after a refresh: {len(views)} views x 2 servers ...", file=sys.stderr, flush=True)
            warehouses = {name: wh for name, (_, _, wh) in trees.items()}
            info["cold_rounds"] = asyncio.run(measure_cold(ports, paths, warehouses, cells, args.cold_rounds, deadline))
    info["load_end"] = loadavg()
    return views, cells, info


# --- Report --------------------------------------------------------------------------------------


def ms(x: float) -> str:
    return "n/a" if x != x else f"{x * 1000:,.0f} ms"


def label(view: str) -> str:
    return f"`/{view}`" + (" (overview)" if not view.split("?")[0] else "")


def mark(ok: bool) -> str:
    return "met ✓" if ok else "missed ✗"


def report_pages(views: list[str], cells: dict, info: dict, command: str, args: argparse.Namespace) -> str:
    rows, slower, errors = [], [], []
    for i, v in enumerate(views):
        b, a = cells[("before", i)], cells[("after", i)]
        ratio = a.p50 / b.p50 if b.p50 == b.p50 and b.p50 > 0 else float("nan")
        if ratio > 1:
            slower.append(label(v))
        first_ok = a.first < TARGET_FIRST_LOAD_S
        prio = v in PRIORITY
        rows.append(
            f"| {label(v)} | {ms(b.p50)} | {ms(a.p50)}{(' ' + ('✓' if a.p50 < TARGET_PRIORITY_S else '✗')) if prio else ''} "
            f"| {ratio:.2f}{' ▲' if ratio > 1 else ''} | {ms(b.p95)} / {ms(a.p95)} | {ms(b.first)} | {ms(a.first)} {'✓' if first_ok else '✗'} "
            f"| {b.deltas} / {a.deltas} | {len(b.problems)} / {len(a.problems)} |"
        )
        errors += [f"- before {label(v)}: {p}" for p in b.problems] + [f"- after {label(v)}: {p}" for p in a.problems]
    prio_missed = [label(v) for i, v in enumerate(views) if v in PRIORITY and not cells[("after", i)].p50 < TARGET_PRIORITY_S]
    first_missed = [label(v) for i, v in enumerate(views) if not cells[("after", i)].first < TARGET_FIRST_LOAD_S]
    lines = [
        f"## {TITLE_PAGES}",
        "",
        f"Run {info['when']} on: {info['machine']}; load average {info['load_end']} at the end.",
        f"Command: `{command}`.",
        f"Before: {info['before']} (warehouse {info['before_build']} by its own code).  "
        f"After: {info['after']} (warehouse {info['after_build']}).",
        "Method: bench/compare.py runs one `streamlit run app.py` per tree, each from its own folder with its own warehouse"
        + " (PYTHONPATH cleared, so `sdp_dash` and `pages` are the tree's own)"
        + ", and drives both with the websocket session client bench/wsclient.py (server time over 127.0.0.1, no browser).",
        f"Every view was shown once on each server first (not counted); then {info['rounds']} rounds, each one warm rerun of every",
        "view on the old server, the new one and the floor (order rotating by round; one session per view and server, kept",
        f"open), so machine noise hits all alike; then {info['first_rounds']} rounds of warm first loads (a new session's first run,",
        "websocket connect to `script_finished`), interleaved the same way.  Servers run with `server.fileWatcherType none`."
        + ("  **Stopped early at the time limit.**" if info.get("stopped_early") else ""),
        "Rerun p50 after: ✓/✗ = under 150 ms (issue 11, priority pages).  after / before: ▲ = slower than the last release",
        "(issue 9: no page slower).  First load after: ✓/✗ = under 500 ms.  Elements = deltas per rerun (elements and blocks).",
        "",
        "Issue 9, no page slower: " + ("met by every view." if not slower else f"missed (▲) by {', '.join(slower)}."),
        "Issue 11, priority pages under 150 ms: "
        + (mark(not prio_missed) + ("" if not prio_missed else f" by {', '.join(prio_missed)}") + "."),
        "Issue 11, warm first load under 500 ms: "
        + (mark(not first_missed) + ("" if not first_missed else f" by {', '.join(first_missed)}") + "."),
        "",
        "| view | rerun p50 before | rerun p50 after | after / before | rerun p95 before / after | warm first load before | warm first load after | elements before / after | errors before / after |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    if errors:
        lines += ["", "Errors:", *errors[:40]]
    return "\n".join(lines)


def report_floor(views: list[str], cells: dict, info: dict, command: str) -> str:
    if "recordings" not in info:
        return f"## {TITLE_FLOOR}\n\nNot measured (`--no-floor`)."
    rows, missed, notes = [], [], []
    for i, (v, rec, chk) in enumerate(zip(views, info["recordings"], info["floor_check"], strict=True)):
        a, f = cells[("after", i)], cells[("floor", i)]
        ratio = a.p50 / f.p50 if f.p50 == f.p50 and f.p50 > 0 else float("nan")
        ok = ratio <= TARGET_FLOOR_RATIO
        if not ok:
            missed.append(label(v))
        prio = ("✓" if a.p50 < TARGET_PRIORITY_S else "✗") if v in PRIORITY else "-"
        rows.append(
            f"| {label(v)} | {rec['deltas']} / {chk['deltas']} | {rec['bytes'] / 1024:,.0f} / {chk['bytes'] / 1024:,.0f} KiB "
            f"| {ms(a.p50)} | {ms(f.p50)} | {ratio:.2f} {'✓' if ok else '✗'} | {prio} | {'✓' if a.first < TARGET_FIRST_LOAD_S else '✗'} | {len(f.problems)} |"
        )
        if chk["kind_diff"] or not chk["ok"]:
            notes.append(f"- {label(v)}: floor differs from the real view: {chk['kind_diff'] or chk['problem']}")
        notes += [f"- floor {label(v)}: {p}" for p in f.problems[:3]]
    kinds: dict[str, int] = {}
    for rec in info["recordings"]:
        for k, c in rec["kinds"].items():
            kinds[k] = kinds.get(k, 0) + c
    lines = [
        f"## {TITLE_FLOOR}",
        "",
        f'Same run as "{TITLE_PAGES}" ({info["when"]}; {info["machine"]}; load average {info["load_end"]} at the end).',
        f"Command: `{command}`.",
        "The floor of a view is what Streamlit alone costs to send that view's elements.  bench/floor.py records every ForwardMsg",
        "of one warm rerun of each view of the current tree (full messages, plus the bytes behind each download button);",
        "bench/floor_app.py, served from the current tree's folder (same .streamlit/config.toml), replays a recording with the",
        "same `st.*` calls: `set_page_config`, `st.navigation` with the same pages and sections, then per delta the same",
        "element or block at the same place (markdown/caption, title/header/subheader, code, alerts, metric, `vega_lite_chart`",
        "with the recorded spec and its datasets as the same Arrow bytes, `table` and `dataframe` from a DataFrame, `download_button` with the",
        "same bytes, `pydeck_chart` with a Deck whose JSON is the recorded text, selectbox, multiselect, checkbox/toggle,",
        'text_input, button, form and its submit button, page_link, expanders (keyed ones with `on_change="rerun"`),',
        "containers, columns).  Arguments are prepared once per server (`st.cache_resource`), so a floor rerun does no data",
        "work.  Approximated: widgets get their recorded value as default (`index=`/`value=`) instead of through",
        "`st.session_state`; Streamlit makes its own element ids; a lazy download (callable) replays as a callable.  The",
        "recorded kinds (all views): " + ", ".join(f"{k} {c}" for k, c in kinds.items()) + ".",
        "Floor time = warm rerun median of the floor, measured interleaved with the real view in the same rounds.",
        "Elements and payload (deltas, uncompressed protobuf bytes) are the real view's and the floor's; the few bytes apart",
        "are element ids and the share link's port.",
        "",
        f"Issue 11, warm rerun at most {TARGET_FLOOR_RATIO} times the floor: "
        + (mark(not missed) + ("" if not missed else f" by {', '.join(missed)}") + "."),
        "",
        "| view | elements real / floor | payload real / floor | real rerun p50 | floor rerun p50 | real / floor (≤ 1.5) | priority page < 150 ms | warm first load < 500 ms | floor errors |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def report_cold(views: list[str], cells: dict, info: dict, command: str) -> str:
    if not info.get("cold_rounds"):
        return f"## {TITLE_COLD}\n\nNot measured (`--cold-rounds 0`, or the time limit came first)."
    rows = []
    for i, v in enumerate(views):
        b, a = cells[("before", i)], cells[("after", i)]
        one_b, one_a = statistics.median(b.cold_one_s), statistics.median(a.cold_one_s)
        tog_b, tog_a = statistics.median(b.cold_together_s), statistics.median(a.cold_together_s)
        rows.append(
            f"| {label(v)} | {ms(one_b)} | {ms(one_a)} | {one_a / one_b:.2f} | {ms(tog_b)} | {ms(tog_a)} | {tog_a / tog_b:.2f} |"
        )
    lines = [
        f"## {TITLE_COLD}",
        "",
        f'Same run as "{TITLE_PAGES}" ({info["when"]}; {info["machine"]}; load average {info["load_end"]} at the end).',
        f"Command: `{command}`.",
        "What the first visitors pay after a data refresh (a rebuilt warehouse is a new generation: every cache is cold).",
        "For each view and tree the warehouse file's modification time is moved on, which each server takes for a rebuilt",
        f"file, then one new session opens the view (connect to `script_finished`); moved on again, then {COLD_TOGETHER} new sessions",
        f"open it at the same moment (the slowest of the {COLD_TOGETHER} is shown).  Other views' values are cold too, so a view's",
        f"time includes everything it asks for.  {info['cold_rounds']} round(s), the trees' order alternating; median shown.",
        "",
        f"| view | one visitor before | one visitor after | after / before | {COLD_TOGETHER} at once before (slowest) | {COLD_TOGETHER} at once after | after / before |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    return "\n".join(lines)


def run(**overrides) -> dict[str, str]:
    """The hook bench/benchmark.py calls: {section title: section text without its heading}."""
    args = parser().parse_args([])
    for k, v in overrides.items():
        setattr(args, k, v)
    views, cells, info = run_compare(args)
    command = command_line()
    out = {}
    for title, text in (
        (TITLE_PAGES, report_pages(views, cells, info, command, args)),
        (TITLE_FLOOR, report_floor(views, cells, info, command)),
        (TITLE_COLD, report_cold(views, cells, info, command)),
    ):
        out[title] = text.split("\n", 2)[2]
    return out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=BEFORE_REV, help=f"the old release (default {BEFORE_REV})")
    ap.add_argument("--after", default="HEAD", help="HEAD (default), another revision, or 'worktree' (the working tree's files)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sdp-bench-compare"), help="trees, warehouses, logs, recordings")
    ap.add_argument("--mirror", default=os.environ.get("SDP_MIRROR") or "/work/shared/open-data", help="the open-data mirror")
    ap.add_argument("--reruns", type=int, default=10, help="interleaved rounds of warm reruns (default 10)")
    ap.add_argument("--first-loads", type=int, default=3, help="interleaved rounds of warm first loads (default 3)")
    ap.add_argument("--max-minutes", type=float, default=45, help="stop measuring after this long (default 45)")
    ap.add_argument("--cold-rounds", type=int, default=1, help="rounds of cold first loads after a refresh (default 1; 0: none)")
    ap.add_argument("--keep", action="store_true", help="reuse the exported trees and warehouses of an earlier run")
    ap.add_argument("--no-floor", action="store_true", help="before and after only")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return ap


def _stop_on_sigterm() -> None:
    def handler(signum, frame):  # noqa: ARG001 - signal API
        raise SystemExit(128 + signum)  # unwinds the context managers: every server is stopped

    signal.signal(signal.SIGTERM, handler)


def main() -> int:
    ap = parser()
    args = ap.parse_args()
    if not 1 <= args.reruns <= 200 or not 1 <= args.first_loads <= 20:
        ap.error("--reruns must be 1..200 and --first-loads 1..20")
    if not Path(args.mirror).is_dir():
        ap.error(f"no open-data mirror at {args.mirror}: set SDP_MIRROR or --mirror")
    _stop_on_sigterm()
    views, cells, info = run_compare(args)
    command = command_line()
    pages_text = report_pages(views, cells, info, command, args)
    floor_text = report_floor(views, cells, info, command)
    cold_text = report_cold(views, cells, info, command)
    print(pages_text + "\n\n" + floor_text + "\n\n" + cold_text)
    if not args.no_write:
        write_section(TITLE_PAGES, pages_text)
        write_section(TITLE_FLOOR, floor_text)
        write_section(TITLE_COLD, cold_text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
