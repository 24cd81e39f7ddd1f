"""How long each page takes to settle in a real browser, against About's, and how tall it is.

    .venv/bin/python bench/settle.py [--rounds 5] [--warehouse data/sdp.duckdb] [--no-write]

One ``streamlit run app.py`` (tests/support/devserver.py) on the warehouse, Debian's chromium through
Playwright at 1280 x 900.  Every page is opened once to warm the server's caches (not counted).  Then,
for each round, every page is opened in a fresh tab, the pages in a rotating order, About among them:
machine noise hits every page alike, and each page's time is reported as a ratio to About's in the same
round (the median of the rounds' ratios).

Settled: from the navigation's start to the last change of the page (a DOM mutation, watched by a
MutationObserver) before 600 ms without one, after the script run has finished and every chart and map
has drawn.  That is when a reader sees the final page: Streamlit's run, the browser's layout of its
elements, the charts' and maps' drawing.

Height: the page's height at 1280 px with every "Details" control closed (the issue's limit for a
priority page is 7,000 px).

Writes the "Browser settle" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import command_line, loadavg, machine, now, write_section  # noqa: E402
from tests.support.devserver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    page_paths,
    start_server,
    stop_server,
    wait_healthy,
)

TITLE = "Browser settle"
QUIET_MS = 600
LIMIT_RATIO = 1.3
LIMIT_HEIGHT = 7_000

_WATCH = """(() => {
  window.__lastChange = performance.now();
  new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""

_SETTLED = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const maps = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
  if (!charts.every(c => c.querySelector('canvas, svg')) || !maps.every(m => m.querySelector('canvas'))) return false;
  return performance.now() - window.__lastChange > quiet;
}"""

_HEIGHT = """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
  .map(e => e.scrollHeight))"""


def open_settled(context, url: str, width: int = 1280):
    """A new tab of ``context`` at ``width`` px, opened at ``url`` and waited on until it has settled."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(_WATCH)
    page.goto(url, wait_until="commit", timeout=90_000)
    page.wait_for_function(_SETTLED, arg=QUIET_MS, timeout=90_000, polling=50)
    return page


def settle(context, url: str) -> tuple[float, int]:
    """Seconds from navigation start to the page's last change, and its height in px."""
    page = open_settled(context, url)
    try:
        return page.evaluate("() => window.__lastChange") / 1000, int(page.evaluate(_HEIGHT))
    finally:
        page.close()


def measure(base: str, paths: list[str], rounds: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {p: [] for p in paths}
    ratios: dict[str, list[float]] = {p: [] for p in paths}
    heights: dict[str, int] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for path in paths:  # warm the server's caches and the browser's code cache
            settle(context, f"{base}/{path}")
        for r in range(rounds):
            order = paths[r % len(paths) :] + paths[: r % len(paths)]
            this_round = {}
            for path in order:
                seconds, heights[path] = settle(context, f"{base}/{path}")
                this_round[path] = seconds
                times[path].append(seconds)
            for path in paths:
                ratios[path].append(this_round[path] / this_round["about"])
            print(f"round {r + 1}: " + ", ".join(f"{p} {s:.2f}" for p, s in this_round.items()), flush=True)
        browser.close()
    return {
        p: {"median_s": statistics.median(times[p]), "ratio": statistics.median(ratios[p]), "height": heights[p]} for p in paths
    }


def section(results: dict[str, dict], rounds: int, priority: set[str]) -> str:
    lines = [
        f"## {TITLE}",
        "",
        f"Measured {now()} by `{command_line()}` on {machine()} (load {loadavg()}).",
        f"Debian chromium at 1280 x 900; {rounds} interleaved rounds after one warm-up visit of every page.",
        f"Settled: the page's last change before {QUIET_MS} ms without one, after the run finished and every",
        "chart and map drew. Ratio: the median over rounds of the page's time / About's time in the same round.",
        f"Limits (issue 18): each page within {LIMIT_RATIO} x About; a priority page at most {LIMIT_HEIGHT:,} px tall",
        "with details closed.",
        "",
        "| Page | Settled (median, s) | x About | Height at 1280 px | Within limits |",
        "|---|---:|---:|---:|---|",
    ]
    for path, r in results.items():
        ok = r["ratio"] <= LIMIT_RATIO and (path not in priority or r["height"] <= LIMIT_HEIGHT)
        lines.append(f"| /{path} | {r['median_s']:.2f} | {r['ratio']:.2f} | {r['height']:,} | {'yes' if ok else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "sdp.duckdb")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    from sdp_dash.config.catalogue import priorities

    paths = page_paths()
    port = free_port()
    proc = start_server(args.warehouse, port)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=120)
        started = time.monotonic()
        results = measure(f"http://127.0.0.1:{port}", paths, args.rounds)
        print(f"measured in {time.monotonic() - started:.0f} s")
    finally:
        stop_server(proc)
    text = section(results, args.rounds, {p.url_path for p in priorities()})
    print(text)
    if not args.no_write:
        write_section(TITLE, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
