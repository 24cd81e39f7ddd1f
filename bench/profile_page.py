"""Where a page's warm rerun spends its time: cProfile inside the real server's script thread.

    .venv/bin/python bench/profile_page.py VIEW [--reruns 5] [--top 25] [--callers REGEX]
    .venv/bin/python bench/profile_page.py VIEW --no-profile [--no-gc] [--cache-specs]   # what-if timings

Starts ``streamlit run app.py`` (loopback, its own process group, stopped at the end), loads VIEW
(e.g. ``explore?area=AAP-durham-aap&to=2025-12``; ``""`` is the default page) with the websocket
client (bench/wsclient.py), reruns it ``--reruns`` times and prints those reruns' times and the
profile of those reruns only (every script run is profiled in the thread that runs it): the
project's own functions by cumulative time, then everything by own time.

What-if switches, to size a fix without touching the app (they change the server process only):
``--no-gc`` starts the server with ``--runner.postScriptGC false``; ``--cache-specs`` memoizes the
chart builders of sdp_dash.charts by their arguments and Streamlit's Altair-to-Vega-Lite conversion
by chart object, as a cached Vega-Lite spec would; ``--cache-maps`` adds the same for the map (the
Deck built once, its JSON written once without pydeck's ``indent=2``).  Use ``--no-profile`` for clean timings.  Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cache_specs(maps: bool) -> None:
    """Server side of ``--cache-specs``: the same chart object for the same arguments, converted once."""
    import copy
    import functools
    import hashlib
    import json
    import pickle

    import pandas as pd
    from streamlit.elements import vega_charts

    from sdp_dash import charts

    def key_of(value):
        if isinstance(value, pd.DataFrame):
            return ("df", hashlib.sha1(pickle.dumps(value)).hexdigest())
        return repr(value)

    def memo(fn):
        built: dict = {}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            k = (tuple(key_of(a) for a in args), tuple(sorted((n, key_of(v)) for n, v in kwargs.items())))
            if k not in built:
                built[k] = fn(*args, **kwargs)
            return built[k]

        return wrapper

    for name in ("trend", "rates", "ranked_bars"):
        setattr(charts, name, memo(getattr(charts, name)))
    if maps:  # the same Deck for the same arguments, serialized once and without pydeck's indent=2
        import pydeck as pdk

        charts.choropleth = memo(charts.choropleth)
        to_json, texts = pdk.Deck.to_json, {}

        def cached_to_json(deck):
            if id(deck) not in texts:
                texts[id(deck)] = (deck, json.dumps(json.loads(to_json(deck)), separators=(",", ":")))
            return texts[id(deck)][1]

        pdk.Deck.to_json = cached_to_json
    convert = vega_charts._convert_altair_to_vega_lite_spec
    specs: dict[int, tuple] = {}

    def cached_convert(chart):
        if id(chart) not in specs:
            specs[id(chart)] = (chart, convert(chart))  # keeps the chart alive, so its id stays unique
        return copy.deepcopy(specs[id(chart)][1])

    vega_charts._convert_altair_to_vega_lite_spec = cached_convert


# Where a rerun's time goes, by the functions that start each part (cumulative time, summed).
BUCKETS = {
    "building Altair charts (sdp_dash.charts, pages/priority.py)": r"sdp_dash/charts\.py:(trend|rates|ranked_bars)$|priority\.py:_published_chart$",
    "Altair chart -> Vega-Lite spec (st.altair_chart: to_dict + schema validation)": r"vega_charts\.py:_convert_altair_to_vega_lite_spec$",
    "building the map (charts.choropleth)": r"sdp_dash/charts\.py:choropleth$",
    "map -> JSON (pydeck to_json, indent=2)": r"pydeck/bindings/json_tools\.py:serialize$",
    "gc.collect() after the run (runner.postScriptGC)": r"^~:<built-in method gc\.collect>$",
    "hashing every message (populate_hash_if_needed)": r"forward_msg_cache\.py:populate_hash_if_needed$",
    "cached queries (ui.q/ui.fig/priority._calc: key hashing + unpickling)": r"sdp_dash/ui\.py:(q|fig)$|priority\.py:_calc$",
}


def summary(stats: pstats.Stats, runs: int) -> list[str]:
    import re

    total = max(ct for (_, _, fn), (_, _, _, ct, _) in stats.stats.items() if fn == "_run_script") if stats.stats else 0.0
    lines = [f"{total / runs * 1000:7.0f} ms per rerun under cProfile, of which:"]
    for label, pattern in BUCKETS.items():
        rx = re.compile(pattern)
        ct = sum(v[3] for (f, _, fn), v in stats.stats.items() if rx.search(f"{f}:{fn}"))
        lines.append(f"{ct / runs * 1000:7.0f} ms  {ct / total * 100 if total else 0:3.0f}%  {label}")
    return lines


def serve(port: int, out_dir: str, opts: dict) -> None:
    """Runs in the server process: profile every ScriptRunner._run_script into ``out_dir``."""
    # Python put bench/ first on sys.path, where bench/pages.py would shadow the app's pages/ folder.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(ROOT))
    if opts.get("cache_specs"):
        _cache_specs(bool(opts.get("cache_maps")))
    if opts.get("profile"):
        from streamlit.runtime.scriptrunner import script_runner

        original = script_runner.ScriptRunner._run_script

        def profiled(self, rerun_data):
            prof = cProfile.Profile()
            try:
                prof.runcall(original, self, rerun_data)
            finally:
                if os.path.exists(out_dir):
                    prof.dump_stats(os.path.join(out_dir, f"run-{time.time_ns()}.prof"))

        script_runner.ScriptRunner._run_script = profiled
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)]
    sys.argv += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    if opts.get("no_gc"):
        sys.argv += ["--runner.postScriptGC", "false"]
    streamlit_main()


async def drive(port: int, view: str, reruns: int, out_dir: Path) -> list[float]:
    from bench.wsclient import Session

    async with Session(port) as s:
        first = await s.run(view, 120)
        await s.rerun(120)  # one more, so caches and the session are settled
        for f in out_dir.glob("*.prof"):
            f.unlink()
        times = []
        for _ in range(reruns):
            r = await s.rerun(120)
            times.append(r.seconds)
            if not r.ok:
                print(f"note: a rerun had a problem: {r.problem()} {r.exceptions + r.error_alerts}", file=sys.stderr)
        if not first.ok:
            print(
                f"note: the first load had a problem: {first.problem()} {first.exceptions + first.error_alerts}", file=sys.stderr
            )
    return times


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("view", help="a page address such as explore?area=AAP-durham-aap&to=2025-12 ('' = the default page)")
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--callers", default="", help="also print who calls the functions matching this regex (e.g. gc.collect)")
    ap.add_argument("--no-profile", action="store_true", help="time the reruns only (no cProfile overhead)")
    ap.add_argument("--summary", action="store_true", help="print only where the time goes, by part")
    ap.add_argument("--no-gc", action="store_true", help="what if: server started with --runner.postScriptGC false")
    ap.add_argument("--cache-specs", action="store_true", help="what if: charts built and converted to Vega-Lite once")
    ap.add_argument("--cache-maps", action="store_true", help="with --cache-specs: maps built and serialized (minified) once")
    args = ap.parse_args()
    if not 1 <= args.reruns <= 50:
        ap.error("--reruns must be 1..50")

    from tests.support.devserver import free_port, stop_server, wait_healthy

    opts = {"profile": not args.no_profile, "no_gc": args.no_gc, "cache_specs": args.cache_specs, "cache_maps": args.cache_maps}
    warehouse = Path(os.environ.get("SDP_WAREHOUSE") or ROOT / "data" / "sdp.duckdb").resolve()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            SDP_WAREHOUSE=str(warehouse),
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",  # others edit the tree meanwhile: no reloads
        )
        proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), tmp, json.dumps(opts)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=120)
            times = asyncio.run(drive(port, args.view, args.reruns, Path(tmp)))
            time.sleep(1.0)  # the last run's profile is written after script_finished is sent
        finally:
            stop_server(proc)
        what = ", ".join(k for k, v in opts.items() if v) or "as is"
        times_ms = sorted(t * 1000 for t in times)
        print(
            f"{args.view or '(default page)'} [{what}]: reruns {', '.join(f'{t * 1000:.0f}' for t in times)} ms "
            f"(median {times_ms[len(times_ms) // 2]:.0f} ms); load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        files = sorted(str(p) for p in Path(tmp).glob("*.prof"))
        if not opts["profile"]:
            return 0
        if not files:
            print("no profiles were written", file=sys.stderr)
            return 1
        stats = pstats.Stats(*files)
        print("\n".join(summary(stats, len(files))))
        if args.summary:
            return 0
        stats.sort_stats("cumulative")
        print("== the project's code, by cumulative time ==")
        stats.print_stats(str(ROOT).replace("\\", "/") + r"/(pages|sdp_dash|app\.py)", args.top)
        stats.sort_stats("tottime")
        print("== everything, by own time ==")
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
