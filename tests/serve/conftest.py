"""The serve tier's one server: `make serve WORKERS=2` on a free port, started once for every test
of tests/serve that asks for ``served`` (the load test and the edge tests), stopped at the end.

It reads the session warehouse (SDP_WAREHOUSE, from tests/conftest.py), never data/sdp.duckdb, and its
run folder (pid files, logs) is in the session's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.devserver import free_port

ROOT = Path(__file__).resolve().parents[2]
HAVE_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


@dataclass(frozen=True)
class Served:
    port: int
    run_dir: Path
    env: dict
    state: dict

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def served(warehouse, tmp_path_factory):
    if not HAVE_NGINX and not shutil.which("apt-get"):
        pytest.skip("no nginx and no apt-get to install it")
    port = free_port()
    run_dir = tmp_path_factory.mktemp("serve") / "run"
    env = dict(os.environ, SDP_WAREHOUSE=str(warehouse), SDP_SERVE_DIR=str(run_dir))
    env.pop("PORT", None)
    for name in ("SDP_SERVER_NAMES", "SDP_FRAME_ANCESTORS", "SDP_CSP_SOURCES"):  # the defaults, whatever the shell has
        env.pop(name, None)
    started = time.monotonic()
    pids: list[int] = []
    try:
        r = subprocess.run(
            ["make", "serve", "WORKERS=2", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        print(f"make serve: {time.monotonic() - started:.0f} s")
        state = json.loads((run_dir / "state.json").read_text())
        yield Served(port, run_dir, env, state)
    finally:
        pids = [int(p.read_text()) for p in run_dir.glob("*.pid")] if run_dir.exists() else []
        subprocess.run(["make", "serve-stop", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, timeout=90)
    assert not list(run_dir.glob("*.pid")), "serve-stop left pid files"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:3]
