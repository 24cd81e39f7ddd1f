"""Load test: N concurrent real browser sessions against a local `streamlit run app.py`.

Not a test and not run in CI: run `make load` (or the command below) and commit bench/RESULTS.md.

    .venv/bin/python bench/load_test.py --sessions 25 --seconds 60

Starts the dashboard on a free port on 127.0.0.1 (against SDP_WAREHOUSE, else data/sdp.duckdb), warms
each page once, then drives N Playwright browser contexts in one Debian chromium (async API).  Each
session loads a page, waits until Streamlit's script run has finished and its charts are placed
(`data-test-script-state="notRunning"`, no loading skeletons), records that page-ready time, and goes
on to the next page, until the time is up.  Reports page-ready p50/p95, errors (exception elements,
error messages, timeouts) and the server's peak resident memory (VmRSS of streamlit and its children,
sampled every 0.5 s), prints a summary and replaces the "## Load test" section of bench/RESULTS.md.

Bounded: traffic goes to 127.0.0.1 only, every loop is bounded by time and by count, and the server
is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT))

from sdp_dash.devserver import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server, wait_healthy  # noqa: E402

# The pages a visitor goes through, with the shared-link parameters some of them carry.
ROUTE = [
    "overview",
    "explore",
    "explore?area=AAP-durham-aap&to=2025-12",
    "compare",
    "being-safe",
    "victims",
    "overview?area=AAP-durham-aap&to=2025-12",
    "prevent",
    "reoffending",
    "alcohol-and-drugs",
    "cyber-crime",
    "explore?area=AAP-durham-aap&to=2025-12&measure=burglary",
    "about",
]
MAX_LOADS_PER_SESSION = 500
READY_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""
ERROR_JS = """() => document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]').length"""


# --- The server and its memory -------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc/<pid>/task/<tid>/children."""
    out, todo = [], [pid]
    while todo and len(out) < 1000:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return out


def rss_kib(pid: int) -> int:
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by ``pids`` (from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def note_cpu(server_pid: int, seen: dict[int, tuple[str, float]]) -> None:
    """Record the CPU seconds of the server's and the browser's processes (so exited ones still count)."""
    server = set(process_tree(server_pid))
    for p in process_tree(os.getpid()):
        if p != os.getpid():
            seen[p] = ("server" if p in server else "browser", cpu_seconds([p]))


def cpu_by_role(seen: dict[int, tuple[str, float]], before: dict[int, tuple[str, float]]) -> dict[str, float]:
    out = {"server": 0.0, "browser": 0.0}
    for p, (role, secs) in seen.items():
        out[role] += secs - before.get(p, (role, 0.0))[1]
    return out


async def sample_memory(pid: int, stop: asyncio.Event, samples: list[int], cpu_seen: dict) -> None:
    while not stop.is_set():
        samples.append(rss_kib(pid))
        note_cpu(pid, cpu_seen)
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except TimeoutError:
            pass


# --- Sessions ------------------------------------------------------------------------------------


@dataclass
class Tally:
    ready_s: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def load_once(page, url: str, timeout_ms: int) -> tuple[float, str | None]:
    """Navigate and wait until the page is ready; returns (seconds, error kind or None)."""
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_function(READY_JS, timeout=timeout_ms, polling=100)
    except Exception as exc:  # noqa: BLE001 - any failure to become ready counts as an error
        return time.perf_counter() - t0, "timeout" if "Timeout" in type(exc).__name__ else f"navigation: {type(exc).__name__}"
    elapsed = time.perf_counter() - t0
    if await page.evaluate(ERROR_JS):
        return elapsed, "exception on page"
    return elapsed, None


async def session(browser, base: str, n: int, deadline: float, tally: Tally, timeout_ms: int) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    try:
        for i in range(MAX_LOADS_PER_SESSION):
            if time.monotonic() >= deadline:
                break
            path = ROUTE[(n + i) % len(ROUTE)]
            seconds, err = await load_once(page, f"{base}/{path}", timeout_ms)
            if err:
                tally.error(err)
            else:
                tally.ready_s.append(seconds)
                tally.by_page.setdefault(path.split("?")[0], []).append(seconds)
    finally:
        await ctx.close()


async def drive(base: str, server_pid: int, sessions: int, seconds: float, timeout_ms: int) -> dict:
    from playwright.async_api import async_playwright

    samples: list[int] = []
    cpu_seen: dict[int, tuple[str, float]] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(server_pid, stop, samples, cpu_seen))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            # Warm-up (not counted): each page once, so the run measures warm caches.
            warm = Tally()
            warm_start = time.monotonic()
            ctx = await browser.new_context()
            page = await ctx.new_page()
            for path in ROUTE:
                _, err = await load_once(page, f"{base}/{path}", timeout_ms)
                if err:
                    warm.error(err)
            await ctx.close()
            warm_seconds = time.monotonic() - warm_start
            rss_before = rss_kib(server_pid)

            tally = Tally()
            note_cpu(server_pid, cpu_seen)
            cpu_before = dict(cpu_seen)
            start = time.monotonic()
            deadline = start + seconds
            await asyncio.gather(*(session(browser, base, n, deadline, tally, timeout_ms) for n in range(sessions)))
            wall = time.monotonic() - start
            note_cpu(server_pid, cpu_seen)
            cpu = cpu_by_role(cpu_seen, cpu_before)
        finally:
            await browser.close()
            stop.set()
            await sampler
    return {
        "tally": tally,
        "warm": warm,
        "warm_seconds": warm_seconds,
        "wall": wall,
        "cpu_server": cpu["server"],
        "cpu_browser": cpu["browser"],
        "rss_before_kib": rss_before,
        "rss_peak_kib": max(samples) if samples else 0,
    }


# --- Report --------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]


def machine() -> str:
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    load1, load5, _ = os.getloadavg()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem_kib / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()}; load average {load1:.1f} (1 min) / {load5:.1f} (5 min) at start"
    )


def write_section(text: str) -> None:
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    head, *blocks = existing.split("\n## ")
    kept = [b for b in blocks if b.splitlines()[0].strip() != "Load test"]
    parts = [head.rstrip("\n"), *(f"## {b.strip()}" for b in kept), text.strip()]
    RESULTS.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=25, help="concurrent browser sessions (default 25)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to keep loading pages (default 60)")
    ap.add_argument("--page-timeout", type=float, default=30.0, help="seconds before a page load counts as an error")
    ap.add_argument("--warehouse", type=Path, default=None, help="DuckDB file (default: SDP_WAREHOUSE or data/sdp.duckdb)")
    ap.add_argument("--note", default="", help="a remark to record with the results (e.g. machine busy)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = ap.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.seconds <= 3600:
        ap.error("--sessions must be 1..200 and --seconds 1..3600")
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh", file=sys.stderr)
        return 2
    warehouse = (args.warehouse or Path(os.environ.get("SDP_WAREHOUSE") or ROOT / "data" / "sdp.duckdb")).resolve()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make data` first", file=sys.stderr)
        return 2

    where = machine()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(warehouse, port)
    try:
        wait_healthy(proc, base)
        out = asyncio.run(drive(base, proc.pid, args.sessions, args.seconds, int(args.page_timeout * 1000)))
    finally:
        stop_server(proc)

    t: Tally = out["tally"]
    loads = len(t.ready_s) + sum(t.errors.values())
    errors = sum(t.errors.values())
    p50, p95 = percentile(t.ready_s, 50), percentile(t.ready_s, 95)
    error_words = ", ".join(f"{k}: {v}" for k, v in sorted(t.errors.items())) or "none"
    shown = [f"--sessions {args.sessions}", f"--seconds {args.seconds:g}"]
    if args.page_timeout != 30.0:
        shown.append(f"--page-timeout {args.page_timeout:g}")
    if args.warehouse:
        shown.append(f"--warehouse {shlex.quote(str(args.warehouse))}")
    command = ".venv/bin/python bench/load_test.py " + " ".join(shown)

    def secs(x: float) -> str:
        return "n/a" if x != x else f"{x:.2f} s"

    rows = [
        ("Concurrent sessions", f"{args.sessions} browser contexts in one chromium"),
        ("Duration", f"{args.seconds:.0f} s of page loads (wall {out['wall']:.1f} s incl. in-flight loads)"),
        ("Page loads completed", f"{len(t.ready_s)} of {loads} ({len(t.ready_s) / max(out['wall'], 1e-9):.2f} pages/s)"),
        ("Page-ready p50", secs(p50)),
        ("Page-ready p95", secs(p95)),
        ("Page-ready max", f"{max(t.ready_s):.2f} s" if t.ready_s else "n/a"),
        ("Errors", f"{errors} ({error_words})"),
        (
            "CPU time during the run",
            f"server {out['cpu_server']:.0f} s, chromium {out['cpu_browser']:.0f} s (of {out['wall'] * (os.cpu_count() or 1):.0f} core-seconds)",
        ),
        ("Server RSS after warm-up", f"{out['rss_before_kib'] / 1024:.0f} MiB"),
        ("Server peak RSS (streamlit + children)", f"{out['rss_peak_kib'] / 1024:.0f} MiB"),
        ("Warm-up (each page once, not counted)", f"{out['warm_seconds']:.1f} s, errors: {sum(out['warm'].errors.values())}"),
    ]
    per_page = [
        (page, len(v), percentile(v, 50), percentile(v, 95)) for page, v in sorted(t.by_page.items(), key=lambda kv: kv[0])
    ]
    verdict = "meets" if errors == 0 and p95 < 3.0 else "misses"
    lines = [
        "## Load test",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on: {where}.",
        f"Command: `{command}` (bench/load_test.py; page-ready = navigation start until the script run has",
        "finished and no loading skeleton is left).  The browser runs on the same machine as the server.",
        f"Result {verdict} the target (25 sessions, p95 page-ready under 3 s, no errors).",
        *([f"Note: {args.note}"] if args.note else []),
        "",
        "| measure | result |",
        "|---|---|",
        *(f"| {m} | {r} |" for m, r in rows),
        "",
        "| page | loads | p50 | p95 |",
        "|---|---|---|---|",
        *(f"| {p} | {n} | {a:.2f} s | {b:.2f} s |" for p, n, a, b in per_page),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"\nwrote the 'Load test' section of {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
