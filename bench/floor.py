"""The floor of a view: what Streamlit alone costs to send that view's elements, with no data work.

Record what one warm rerun of each view sends (``record``: every ForwardMsg, through a session that
asks for full messages, plus the bytes behind each download button), then serve bench/floor_app.py,
which replays each recording with the same ``st.*`` calls (``serve_floor``).  bench/compare.py times
the floor side by side with the real view; on its own this script records the views of a running
server, serves the floor and prints each view's element count against the floor's:

    .venv/bin/python bench/floor.py --port 8501 [--out /tmp/sdp-floor] [VIEW ...]

Bounded: loopback only, a time limit on every run, the floor server stopped (process group) when done.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floor_app import write_messages  # noqa: E402
from bench.wsclient import RunResult, Session  # noqa: E402

FLOOR_APP = ROOT / "bench" / "floor_app.py"
KEEP = {"delta", "navigation", "page_config_changed", "page_info_changed", "logo"}


class RecordingSession(Session):
    """A session that keeps every ForwardMsg of its last run, asking for full messages (no ref_hash)."""

    def __init__(self, port: int, **kw) -> None:
        super().__init__(port, use_cache=False, **kw)
        self.messages: list = []

    async def _run(self, path: str, timeout: float) -> RunResult:
        self.messages = []
        return await super()._run(path, timeout)

    def _take(self, msg, res: RunResult) -> bool:
        if msg.WhichOneof("type") in KEEP:
            self.messages.append(msg)
        return super()._take(msg, res)


@dataclass
class Shape:
    """What a run sent: deltas (elements + blocks), their kinds and the payload."""

    deltas: int = 0
    bytes: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, msgs: list, res: RunResult) -> Shape:
        kinds: collections.Counter[str] = collections.Counter()
        for m in msgs:
            if m.WhichOneof("type") != "delta":
                continue
            d = m.delta
            if d.WhichOneof("type") == "new_element":
                kinds[d.new_element.WhichOneof("type")] += 1
            elif d.WhichOneof("type") == "add_block":
                kinds[f"block:{d.add_block.WhichOneof('type')}"] += 1
            else:
                kinds[str(d.WhichOneof("type"))] += 1
        return cls(res.deltas, sum(m.ByteSize() for m in msgs if m.WhichOneof("type") == "delta"), dict(sorted(kinds.items())))


def _fetch_media(port: int, url: str, timeout: float = 30.0) -> tuple[bytes, str, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    with opener.open(f"http://127.0.0.1:{port}{url}", timeout=timeout) as r:
        body = r.read()
        mime = (r.headers.get_content_type() or "application/octet-stream").split(";")[0]
        name = r.headers.get_filename() or ("download" + Path(url).suffix)
    return body, name, mime


async def record_view(port: int, view: str, timeout: float) -> tuple[list, RunResult, dict[str, tuple[bytes, str, str]]]:
    """One session: the view's first run, then a warm rerun whose messages are kept (and its downloads' bytes)."""
    async with RecordingSession(port) as s:
        await s.run(view, timeout)
        res = await s.rerun(timeout)
        msgs = list(s.messages)
        media = {}
        for m in msgs:
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
                el = m.delta.new_element
                if el.WhichOneof("type") == "download_button" and el.download_button.url:
                    url = el.download_button.url
                    media[url] = await asyncio.to_thread(_fetch_media, port, url)
    return msgs, res, media


async def record(port: int, views: list[str], out: Path, timeout: float = 120.0) -> list[dict]:
    """Record every view of the server at ``port`` into ``out`` (index.json + one file per view)."""
    out.mkdir(parents=True, exist_ok=True)
    recordings = []
    for i, view in enumerate(views):
        msgs, res, media = await record_view(port, view, timeout)
        shape = Shape.of(msgs, res)
        files = {}
        for j, (url, (body, name, mime)) in enumerate(media.items()):
            fname = f"rec{i:02d}-media{j:02d}{Path(url).suffix}"
            (out / fname).write_bytes(body)
            files[url] = [fname, name, mime]
        write_messages(out / f"rec{i:02d}.bin", msgs)
        recordings.append(
            {
                "id": str(i),
                "view": view,
                "file": f"rec{i:02d}.bin",
                "ok": res.ok,
                "problem": res.problem(),
                "deltas": shape.deltas,
                "bytes": shape.bytes,
                "kinds": shape.kinds,
                "media": files,
            }
        )
    (out / "index.json").write_text(json.dumps({"recordings": recordings}, indent=1), encoding="utf-8")
    return recordings


def floor_path(view: str, rec_id: str) -> str:
    """The floor's address for a recording: the real view's page, with ``?rec=ID``."""
    return f"{view.partition('?')[0]}?rec={rec_id}"


async def check(port: int, recordings: list[dict], timeout: float = 120.0) -> list[dict]:
    """The floor's own shape for each recording (same element count and payload as the real view?)."""
    rows = []
    for rec in recordings:
        async with RecordingSession(port) as s:
            await s.run(floor_path(rec["view"], rec["id"]), timeout)
            res = await s.rerun(timeout)
            shape = Shape.of(s.messages, res)
        diff = {
            k: (rec["kinds"].get(k, 0), shape.kinds.get(k, 0))
            for k in sorted(set(rec["kinds"]) | set(shape.kinds))
            if rec["kinds"].get(k, 0) != shape.kinds.get(k, 0)
        }
        rows.append(
            {
                "view": rec["view"],
                "ok": res.ok,
                "problem": res.problem(),
                "deltas": shape.deltas,
                "bytes": shape.bytes,
                "kind_diff": diff,
            }
        )
    return rows


def start_floor(rec_dir: Path, port: int, cwd: Path, log: Path | None = None) -> subprocess.Popen:
    """``streamlit run bench/floor_app.py`` from ``cwd`` (whose .streamlit/config.toml applies), own process group."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(
        SDP_FLOOR_DIR=str(rec_dir),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
    )
    cmd = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        str(FLOOR_APP),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@contextmanager
def serve_floor(rec_dir: Path, cwd: Path, log: Path | None = None) -> Iterator[tuple[int, int]]:
    from tests.support.devserver import free_port, stop_server, wait_healthy

    port = free_port()
    proc = start_floor(rec_dir, port, cwd, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=120)
        yield port, proc.pid
    finally:
        stop_server(proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True, help="a running dashboard server on 127.0.0.1")
    ap.add_argument("--out", type=Path, default=Path("/tmp/sdp-floor"), help="folder for the recordings")
    ap.add_argument("--cwd", type=Path, default=ROOT, help="folder the floor server runs from (its .streamlit/config.toml)")
    ap.add_argument("views", nargs="*", help='view addresses (default: "" explore compare about)')
    args = ap.parse_args()
    views = args.views or ["", "explore", "compare", "about"]
    recordings = asyncio.run(record(args.port, views, args.out))
    with serve_floor(args.out, args.cwd, args.out / "floor-server.log") as (port, _):
        rows = asyncio.run(check(port, recordings))
    for rec, row in zip(recordings, rows, strict=True):
        print(
            f"/{rec['view']}: real {rec['deltas']} deltas {rec['bytes']:,} B; floor {row['deltas']} deltas {row['bytes']:,} B"
            f"{'' if row['ok'] else ' FLOOR ' + str(row['problem'])}{' differs: ' + str(row['kind_diff']) if row['kind_diff'] else ''}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
