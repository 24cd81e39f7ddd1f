"""Memory under many distinct views: does the server stay under its ceiling whatever visitors ask for?

    .venv/bin/python bench/memory.py [--views 1000] [--sessions 4] [--ceiling-mib 600] [--no-write]

One ``streamlit run app.py`` (warmed with a visit to "/"), then ``--views`` distinct views (page x
area x measure x period, in a fixed pseudo-random order so every run asks the same) spread over
``--sessions`` concurrent websocket sessions (bench/wsclient.py).  Every view is new, so each one
misses the caches and adds entries: the worst case for memory.  The server tree's RSS is sampled
every 0.5 s; the section reports the peak, the RSS after each tenth of the views (so growth that
levels off shows as levelling off) and the failed views.

Bounded: loopback only, a time limit per view, the server stopped when done.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import RssSampler, command_line, loadavg, machine, now, rss_kib, write_section  # noqa: E402
from bench.wsclient import Session  # noqa: E402
from tests.support.devserver import free_port, start_server, stop_server, wait_healthy  # noqa: E402

TITLE = "Memory over many distinct views"
VIEW_TIMEOUT_S = 120.0
PAGES = ["", "explore", "compare", "being-safe", "victims", "reoffending"]
MEASURES = ["all_crime", "burglary", "violence_and_sexual_offences", "anti_social_behaviour", "shoplifting", "robbery"]


def distinct_views(warehouse: Path, n: int, seed: int = 20261130) -> list[str]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        areas = [
            r[0]
            for r in con.execute(
                """SELECT DISTINCT a.area_code FROM areas a JOIN area_lsoa m ON m.area_code = a.area_code
                   JOIN area_lsoa c ON c.lsoa21_code = m.lsoa21_code AND c.area_code = 'E06000047'
                   WHERE a.area_type IN ('aap', 'division_2025', 'division_2013', 'msoa', 'lsoa') ORDER BY 1"""
            ).fetchall()
        ]
        months = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT strftime(month, '%Y-%m') FROM coverage WHERE status = 'present' ORDER BY 1"
            ).fetchall()
        ]
    ends = [m for m in months if m >= "2025-01"]
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        page, area, measure, end = rng.choice(PAGES), rng.choice(areas), rng.choice(MEASURES), rng.choice(ends)
        view = f"{page}?area={area}&to={end}&measure={measure}"
        if view not in seen:
            seen.add(view)
            out.append(view)
    return out


async def drive(port: int, views: list[str], sessions: int, pid: int, marks: list[tuple[int, int]]) -> list[str]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for v in views:
        queue.put_nowait(v)
    failures: list[str] = []
    done = 0
    step = max(1, len(views) // 10)

    async def worker() -> None:
        nonlocal done
        async with Session(port) as s:
            while True:
                try:
                    view = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                r = await s.run(view, VIEW_TIMEOUT_S)
                if not r.ok:
                    failures.append(f"{view}: {r.problem()}")
                done += 1
                if done % step == 0:
                    marks.append((done, rss_kib(pid)))
                    print(
                        f"{done:,} views: RSS {marks[-1][1] / 1024:.0f} MiB, {len(failures)} failed", file=sys.stderr, flush=True
                    )

    await asyncio.gather(*(worker() for _ in range(sessions)))
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--views", type=int, default=1000)
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--ceiling-mib", type=int, default=600)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not 10 <= args.views <= 5000 or not 1 <= args.sessions <= 16:
        ap.error("--views 10..5000, --sessions 1..16")
    warehouse = Path(os.environ.get("SDP_WAREHOUSE") or ROOT / "data" / "sdp.duckdb").resolve()
    views = distinct_views(warehouse, args.views)
    port = free_port()
    proc = start_server(warehouse, port, ROOT / "bench" / ".memory-server.log")
    marks: list[tuple[int, int]] = []
    t0 = time.monotonic()
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=180)
        start_kib = rss_kib(proc.pid)
        with RssSampler(proc.pid, interval=0.5) as mem:
            failures = asyncio.run(drive(port, views, args.sessions, proc.pid, marks))
        end_kib = rss_kib(proc.pid)
    finally:
        stop_server(proc)
    seconds = time.monotonic() - t0
    peak = mem.peak / 1024
    verdict = "held" if peak <= args.ceiling_mib else "NOT held"
    lines = [
        f"## {TITLE}",
        "",
        f"Run {now()} on: {machine()}; load average {loadavg()} at the end.",
        f"Command: `{command_line()}`.",
        f"{len(views):,} distinct views (pages {', '.join('/' + p for p in PAGES)} x County Durham areas of every level x "
        f"{len(MEASURES)} measures x end months of 2025), {args.sessions} concurrent sessions, {seconds:.0f} s in all.",
        f"Server RSS: {start_kib / 1024:.0f} MiB after warm-up, **peak {peak:.0f} MiB**, {end_kib / 1024:.0f} MiB at the end; "
        f"ceiling {args.ceiling_mib} MiB: **{verdict}**. Failed views: {len(failures)}.",
        "",
        "| views done | RSS |",
        "|---|---|",
        *(f"| {n:,} | {kib / 1024:.0f} MiB |" for n, kib in marks),
    ]
    if failures:
        lines += ["", "Failures (first 10):", *(f"- `{f[:200]}`" for f in failures[:10])]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(TITLE, text)
    return 0 if peak <= args.ceiling_mib and not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
