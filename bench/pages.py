"""Page timings against the real server, driven by the websocket client (bench/wsclient.py).

Called by bench/benchmark.py (``run()`` returns its RESULTS.md section) or on its own:

    .venv/bin/python bench/pages.py [--reruns 10] [--first-loads 3] [--no-cold] [--no-write]

For every view (each page, plus two shared links):

* **cold first load**: a freshly started ``streamlit run app.py`` (one server per view, so every
  cache is empty and every module still to import), one new session, websocket connect until
  ``script_finished``;
* **warm first load**: on one server that has shown every view once, a new session's first run
  (median of ``--first-loads`` sessions);
* **warm rerun**: that session running the same page again (median and p95 of ``--reruns``), which is
  the server time behind every click on a widget;
* **peak RSS**: VmRSS of the server process tree, sampled every 0.2 s (per cold server, and over the
  whole warm run).

Every number is server time seen over 127.0.0.1 - no browser draws anything.  Bounded: loopback
only, a time limit on every run, and each server is stopped (process group) when done.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    RssSampler,
    command_line,
    freeze_server_code,
    loadavg,
    machine,
    now,
    percentile,
    write_section,
)
from bench.wsclient import RunResult, Session, first_load  # noqa: E402
from tests.support.devserver import free_port, page_paths, start_server, stop_server, wait_healthy  # noqa: E402

TITLE = "Pages"
TARGET_RERUN_S = 0.300
RUN_TIMEOUT_S = 120.0
# Page addresses as a visitor opens them.  The Overview is the default page, so its address is "/"
# (""): Streamlit gives the default page the empty url path; "/overview" is a hidden alias since
# 1440dd6 (before it, "Page not found"), checked by ``address_check``.
PAGES = ["" if p == "overview" else p for p in page_paths()]


def warehouse_path() -> Path:
    return Path(os.environ.get("SDP_WAREHOUSE") or ROOT / "data" / "sdp.duckdb").resolve()


def views(warehouse: Path) -> list[str]:
    """The pages plus two shared links: an area board on Explore, a 2025 division on the Overview."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select area_code from areas where area_type = 'division_2025' order by population desc, area_code limit 1"
        ).fetchone()
    division = row[0] if row else "E06000047"
    return [*PAGES, "explore?area=AAP-durham-aap&to=2025-12", f"?area={division}&to=2025-12"]


@contextmanager
def serve(warehouse: Path, log: Path | None = None) -> Iterator[tuple[int, int]]:
    """A fresh ``streamlit run app.py`` on a free loopback port: yields (port, pid); always stopped."""
    freeze_server_code()
    port = free_port()
    proc = start_server(warehouse, port, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=120)
        yield port, proc.pid
    finally:
        stop_server(proc)


@dataclass
class ViewResult:
    view: str
    cold_s: float = float("nan")
    cold_peak_kib: int = 0
    cold_load: str = ""
    warm_first_s: list[float] = field(default_factory=list)
    rerun_s: list[float] = field(default_factory=list)
    deltas: int = 0
    warm_load: str = ""
    problems: list[str] = field(default_factory=list)

    def note(self, what: str, r: RunResult) -> None:
        if not r.ok:
            detail = r.failure or "; ".join(r.exceptions + r.error_alerts) or ("page not found" if r.page_not_found else "")
            self.problems.append(f"{what}: {r.problem()} ({detail[:160]})")


def measure_cold(warehouse: Path, view: str, res: ViewResult) -> None:
    res.cold_load = f"{os.getloadavg()[0]:.1f}"
    with serve(warehouse) as (port, pid), RssSampler(pid) as mem:
        seconds, r = asyncio.run(first_load(port, view, RUN_TIMEOUT_S))
    res.cold_s, res.cold_peak_kib = seconds, mem.peak
    res.note("cold first load", r)


async def address_check(port: int) -> str:
    """What a new session gets at /overview (the Overview's menu name as an address)."""
    _, r = await first_load(port, "overview", RUN_TIMEOUT_S)
    if r.page_not_found:
        return "`/overview` answers *Page not found* (the browser shows that dialog, then the Overview): use `/`."
    return "`/overview` opens the Overview." if r.ok else f"`/overview`: {r.problem()}."


async def measure_warm(port: int, results: list[ViewResult], first_loads: int, reruns: int, info: dict) -> None:
    for res in results:  # warm-up: every view once, so the server's caches hold them all
        _, r = await first_load(port, res.view, RUN_TIMEOUT_S)
        res.note("warm-up", r)
    for res in results:
        res.warm_load = f"{os.getloadavg()[0]:.1f}"
        for _ in range(first_loads):
            seconds, r = await first_load(port, res.view, RUN_TIMEOUT_S)
            res.warm_first_s.append(seconds)
            res.note("warm first load", r)
        async with Session(port) as s:
            r = await s.run(res.view, RUN_TIMEOUT_S)
            res.note("first run", r)
            for _ in range(reruns):
                r = await s.rerun(RUN_TIMEOUT_S)
                res.rerun_s.append(r.seconds)
                res.deltas = r.deltas
                res.note("rerun", r)
    info["address_check"] = await address_check(port)


def measure(reruns: int = 10, first_loads: int = 3, cold: bool = True) -> tuple[list[ViewResult], dict]:
    warehouse = warehouse_path()
    results = [ViewResult(v) for v in views(warehouse)]
    info = {"machine": machine(), "when": now()}
    if cold:
        for res in results:
            measure_cold(warehouse, res.view, res)
    with serve(warehouse) as (port, pid), RssSampler(pid) as mem:
        asyncio.run(measure_warm(port, results, first_loads, reruns, info))
    info["warm_peak_kib"] = mem.peak
    info["load_end"] = loadavg()
    return results, info


def report(results: list[ViewResult], info: dict, command: str, reruns: int, first_loads: int) -> str:
    def ms(x: float) -> str:
        return "n/a" if x != x else f"{x * 1000:,.0f} ms"

    rows = []
    for r in results:
        p50, p95 = statistics.median(r.rerun_s) if r.rerun_s else float("nan"), percentile(r.rerun_s, 95)
        mark = "" if p50 < TARGET_RERUN_S else " ✗"
        rows.append(
            f"| `/{r.view}`{' (overview)' if not r.view.split('?')[0] else ''} | {ms(r.cold_s)} | {ms(statistics.median(r.warm_first_s) if r.warm_first_s else float('nan'))} "
            f"| {ms(p50)}{mark} | {ms(p95)} | {r.deltas} | "
            + (f"{r.cold_peak_kib / 1024:.0f} MiB" if r.cold_peak_kib else "n/a")
            + f" | {r.cold_load or '-'} / {r.warm_load} | {len(r.problems)} |"
        )
    missed = [f"/{r.view}" for r in results if not r.rerun_s or statistics.median(r.rerun_s) >= TARGET_RERUN_S]
    problems = [f"- `/{r.view}` {p}" for r in results for p in r.problems]
    lines = [
        f"## {TITLE}",
        "",
        f"Run {info['when']} on: {info['machine']}; load average {info['load_end']} at the end.",
        f"Command: `{command}`.",
        "Method: bench/pages.py drives the real server with the websocket session client bench/wsclient.py (no browser), so",
        "every time is server time: `rerun_script` sent until `script_finished` received over 127.0.0.1 (a first load also",
        "includes the websocket handshake).  Cold = the first session on a freshly started server (one server per view, so",
        f"nothing imported or cached yet); warm first load = median of {first_loads} new sessions on a server that has shown",
        f"every view once; rerun = the same session running the same page again, {reruns} times (the server time behind",
        "every widget change).  Peak RSS = VmRSS of the cold server's process tree, sampled every 0.2 s; the warm server",
        f"(all views, {first_loads + reruns + 2} runs each) peaked at {info['warm_peak_kib'] / 1024:.0f} MiB.  Servers run with",
        "`server.fileWatcherType none`, so others' edits to the tree during a run are not reloaded into them.",
        f"Warm rerun target (median under {TARGET_RERUN_S * 1000:.0f} ms): "
        + ("met by every view." if not missed else f"missed (✗) by {', '.join(f'`{v}`' for v in missed)}."),
        f"Address check: {info.get('address_check', 'not run')}",
        "",
        "| view | cold first load | warm first load | rerun p50 | rerun p95 | deltas | peak RSS (cold) | load avg 1 min (cold / warm) | errors |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    if problems:
        lines += ["", "Errors:", *problems]
    return "\n".join(lines)


def run(reruns: int = 10, first_loads: int = 3, cold: bool = True) -> dict[str, str]:
    """The hook bench/benchmark.py calls: {section title: section text}."""
    results, info = measure(reruns, first_loads, cold)
    text = report(results, info, command_line(), reruns, first_loads)
    # Drop the "## title" line: benchmark.py writes the headings.
    return {TITLE: text.split("\n", 2)[2]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reruns", type=int, default=10, help="warm reruns per view (default 10)")
    ap.add_argument("--first-loads", type=int, default=3, help="warm first loads per view (default 3)")
    ap.add_argument("--no-cold", action="store_true", help="skip the fresh-server first loads")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = ap.parse_args()
    if not 1 <= args.reruns <= 200 or not 1 <= args.first_loads <= 20:
        ap.error("--reruns must be 1..200 and --first-loads 1..20")
    if not warehouse_path().exists():
        print(f"no warehouse at {warehouse_path()}: run `make data` first", file=sys.stderr)
        return 2
    results, info = measure(args.reruns, args.first_loads, not args.no_cold)
    text = report(results, info, command_line(), args.reruns, args.first_loads)
    print(text)
    if not args.no_write:
        write_section(TITLE, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
