"""`make serve`: nginx in front of two Streamlit workers, loaded through the proxy while the warehouse
is rebuilt (issue 13).  Marker ``serve``; about a minute.  Needs Debian nginx (`make serve` installs it).

The server reads the session warehouse (SDP_WAREHOUSE, from tests/conftest.py), never data/sdp.duckdb,
and its run folder (pid files, logs) is in the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from base64 import b64encode
from pathlib import Path

import pytest

from tests.support.devserver import free_port

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "sdp.conf.template"
pytestmark = pytest.mark.serve
HAVE_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


def _in_thread(coro):
    """Run a coroutine to its end in a thread of its own (Playwright's sync API may already run a loop here)."""
    import threading

    out = []
    t = threading.Thread(target=lambda: out.append(asyncio.run(coro)))
    t.start()
    t.join()
    return out[0] if out else None


def test_csp_allows_exactly_streamlits_inline_script():
    """The policy's script hashes are those of the inline scripts of the installed Streamlit's index.html."""
    import streamlit

    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    wanted = {f"'sha256-{b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    policy = re.search(r'Content-Security-Policy "([^"]+)"', TEMPLATE.read_text()).group(1)
    assert set(re.findall(r"'sha256-[^']+'", policy)) == wanted
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors" in policy


@pytest.mark.skipif(not HAVE_NGINX, reason="nginx is not installed (scripts/install-system-deps.sh nginx)")
def test_nginx_accepts_the_configuration():
    r = subprocess.run([sys.executable, "scripts/serve.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_compose_file_is_valid_yaml():
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert {"proxy", "worker", "build"} <= set(doc["services"])


def _worker_has_open(pid: int, inode: int) -> bool:
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.stat(fd).st_ino == inode:
                return True
        except OSError:
            continue
    return False


def test_serve_two_workers_under_load_with_a_rebuild(warehouse, source_root, tmp_path):
    if not HAVE_NGINX and not shutil.which("apt-get"):
        pytest.skip("no nginx and no apt-get to install it")
    port = free_port()
    run_dir = tmp_path / "serve"
    env = dict(os.environ, SDP_WAREHOUSE=str(warehouse), SDP_SERVE_DIR=str(run_dir))
    env.pop("PORT", None)
    started = time.monotonic()
    try:
        r = subprocess.run(
            ["make", "serve", "WORKERS=2", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        state = json.loads((run_dir / "state.json").read_text())
        assert [w["state"] for w in state["workers"]] == ["ready", "ready"]
        assert not [p for w in state["workers"] for p in w["warm_problems"]], "a page failed during the warm-up"

        # 20 s of six no-pause sessions through nginx; a full rebuild of the warehouse 5 s in.
        rebuild = f"{sys.executable} -m sdp_dash build --full --quiet --source {source_root} --warehouse {warehouse}"
        out = tmp_path / "load.json"
        cmd = [sys.executable, "bench/load_test.py", "--url", f"http://127.0.0.1:{port}", "--sessions", "6", "--seconds", "20"]
        cmd += ["--during", rebuild, "--during-at", "5", "--page-timeout", "60", "--json", str(out)]
        t0 = time.monotonic()
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        print(f"load test: {time.monotonic() - t0:.0f} s")
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        level = json.loads(out.read_text())["levels"][0]
        assert level["during"]["returncode"] == 0, level["during"]
        assert level["n_errors"] == 0, level["examples"]
        assert level["ready"] >= 6

        # Each worker serves from the rebuilt file after its next page (no restart).
        from bench.wsclient import Session

        async def visit(p: int) -> bool:
            async with Session(p) as s:
                return (await s.run("about", 60)).ok

        inode = warehouse.stat().st_ino
        for w in state["workers"]:
            assert _in_thread(visit(w["port"])), f"worker {w['index']}: the About page failed after the rebuild"
            assert _worker_has_open(w["pid"], inode), f"worker {w['index']} has not opened the rebuilt warehouse"
    finally:
        pids = [int(p.read_text()) for p in run_dir.glob("*.pid")] if run_dir.exists() else []
        subprocess.run(["make", "serve-stop", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, timeout=90)
    assert not list(run_dir.glob("*.pid")), "serve-stop left pid files"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:3]
    print(f"make serve, 20 s of load with a rebuild, make serve-stop: {time.monotonic() - started:.0f} s")
