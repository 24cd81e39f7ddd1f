"""Helpers shared by the page benchmark and the load test: the server's memory and CPU from /proc,
percentiles, the machine line, the command line and RESULTS.md sections.  Not a test."""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


# --- The server process tree ---------------------------------------------------------------------


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
    """Resident memory (VmRSS) of ``pid`` and its descendants, in KiB."""
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


class RssSampler:
    """Samples the server tree's VmRSS every ``interval`` seconds in a thread; ``peak`` in KiB."""

    def __init__(self, pid: int, interval: float = 0.2, on_sample: Callable[[], None] | None = None) -> None:
        self.pid, self.interval, self.on_sample = pid, interval, on_sample
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> int:
        now = rss_kib(self.pid)
        self.peak = max(self.peak, now)
        self.samples += 1
        if self.on_sample is not None:
            self.on_sample()
        return now

    def reset_peak(self) -> None:
        self.peak = 0

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()


def freeze_server_code() -> None:
    """Servers started after this do not reload modules when files change (server.fileWatcherType none).

    Others edit this working tree while the benchmarks run; with the default watcher a half-saved file
    is re-imported into a running server and counted as the page's error.  The watcher costs a warm
    rerun nothing measurable (it rescans sys.modules only when that changed), so timings are unaffected.
    """
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"


# --- Numbers and words ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def machine() -> str:
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem_kib / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()}; load average {loadavg()} (1 / 5 / 15 min) at start"
    )


def now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def command_line() -> str:
    """The command that is running, as typed from the project folder."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_s = str(script.relative_to(ROOT))
    except ValueError:
        script_s = sys.argv[0]
    prefix = ""
    if script.name == "benchmark.py" and os.environ.get("SDP_MIRROR"):
        prefix = f"SDP_MIRROR={os.environ['SDP_MIRROR']} "
    return f"{prefix}.venv/bin/python {shlex.join([script_s, *sys.argv[1:]])}"


def write_section(title: str, text: str) -> None:
    """Replace (or add) the ``## title`` section of bench/RESULTS.md, keeping the others in place."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    head, *blocks = existing.split("\n## ")
    parts, replaced = [head.rstrip("\n")], False
    for b in blocks:
        if b.splitlines()[0].strip() == title:
            parts.append(text.strip())
            replaced = True
        else:
            parts.append(f"## {b.strip()}")
    if not replaced:
        parts.append(text.strip())
    RESULTS.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
