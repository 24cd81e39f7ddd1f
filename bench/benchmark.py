"""Benchmark: build time from the mirror, no-change rebuild, warehouse size, page timings
(bench/pages.py: first load, warm rerun and memory of every page, through the real server) and the
side-by-side run (bench/compare.py: the last release against this tree, and each view against its
floor).  Not a test: run `make bench` and commit bench/RESULTS.md.

    SDP_MIRROR=../shared/open-data .venv/bin/python bench/benchmark.py [--repeat 3] [--no-compare] [--before REV]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdp_dash.config import settings  # noqa: E402
from sdp_dash.pipeline.build import build  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {cpus} cores{mem}, Python {platform.python_version()}, {platform.system()}; "
        f"load average {load} (1 / 5 / 15 min) at start"
    )


def bench_build(root: Path, repeat: int) -> list[tuple[str, str, str]]:
    full, rebuild, sizes = [], [], []
    load = f"{os.getloadavg()[0]:.1f}"
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "sdp.duckdb"
            t0 = time.perf_counter()
            build(root, target, progress=False)
            full.append(time.perf_counter() - t0)
            sizes.append(target.stat().st_size)
            t0 = time.perf_counter()
            report = build(root, target, progress=False)
            rebuild.append(time.perf_counter() - t0)
            assert report.mode == "unchanged"
    cmd = f"SDP_MIRROR={os.environ.get('SDP_MIRROR', '')} .venv/bin/python bench/benchmark.py --repeat {repeat}"
    return [
        (
            "Full build from the mirror",
            f"{statistics.median(full):.2f} s (median of {repeat}; min {min(full):.2f}, max {max(full):.2f}; "
            f"load average {load} before, {os.getloadavg()[0]:.1f} after)",
            cmd,
        ),
        ("Rebuild with no change", f"{statistics.median(rebuild) * 1000:.0f} ms (median of {repeat})", cmd),
        ("Warehouse size", f"{statistics.median(sizes) / 1024 / 1024:.1f} MiB", cmd),
    ]


def write_results(sections: dict[str, list[tuple[str, str, str]] | str], where: str, when: datetime) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Run {when:%Y-%m-%d %H:%M} UTC on: {where}.",
        "Produced by `make bench` (bench/benchmark.py) and `make load` (bench/load_test.py); not run in CI.",
        "Targets: full build under 10 s, no-change rebuild under 1 s, warm page rerun under 300 ms server time,",
        "25 concurrent sessions with p95 page-ready under 3 s and no errors; no page slower than the last release",
        "(issue 9); every view's warm rerun at most 1.5 times its floor, priority pages under 150 ms and a fresh",
        "session's first load on a warm server under 500 ms (issue 11).",
        "",
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else ""
    for title, rows in sections.items():
        if isinstance(rows, str):  # a section written in full by its script (bench/pages.py)
            lines += [f"## {title}", "", rows.strip(), ""]
            continue
        lines += [f"## {title}", "", "| measure | result | command |", "|---|---|---|"]
        lines += [f"| {m} | {r} | `{c}` |" for m, r, c in rows]
        lines.append("")
    # Keep sections written by other scripts (e.g. the load test) that this run did not redo.
    for block in existing.split("\n## ")[1:]:
        title = block.splitlines()[0].strip()
        if title not in sections:
            lines += [f"## {block.strip()}", ""]
    RESULTS.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-compare", action="store_true", help="skip bench/compare.py (before/after and floor)")
    parser.add_argument("--before", default=None, help="the old release for bench/compare.py (default: its own)")
    args = parser.parse_args()
    if not settings.get("SDP_MIRROR"):
        print("Set SDP_MIRROR to the open-data mirror (e.g. ../shared/open-data).", file=sys.stderr)
        return 2
    root = settings.source_root()
    when, where = datetime.now(UTC), machine()
    sections = {"Warehouse build": bench_build(root, args.repeat)}
    try:
        from bench import pages as page_bench  # added with the dashboard
    except ImportError:
        page_bench = None
    if page_bench is not None:
        sections.update(page_bench.run())
    if not args.no_compare:
        from bench import compare

        sections.update(compare.run(mirror=str(Path(root).resolve()), **({"before": args.before} if args.before else {})))
    write_results(sections, where, when)
    print(RESULTS.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
