"""The serve tier's servers: `make serve WORKERS=2` (supervisord: workers, nginx, pool) on a free port.

``served`` is started once for every test of tests/serve that asks for it (the load test and the edge
tests) and stopped at the end; ``serve_env`` gives a test its own (tests/serve/test_faults.py starts and
stops its own server).  They read the session warehouse (SDP_WAREHOUSE, from tests/conftest.py) or a
copy, never data/sdp.duckdb, and their run folder is in the session's temporary folder.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
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


def serve_env(warehouse: Path, run_dir: Path) -> dict:
    """The environment for `make serve`: this warehouse, this run folder, the edge's default settings.

    Run as root, the workers drop to ``nobody``; where nobody cannot run the project's Python (a venv
    under /root, as on the CI machine) they stay root (SDP_SERVE_USER=root) and nginx's workers alone drop."""
    env = dict(os.environ, SDP_WAREHOUSE=str(warehouse), SDP_SERVE_DIR=str(run_dir))
    env.pop("PORT", None)
    for name in ("SDP_SERVER_NAMES", "SDP_FRAME_ANCESTORS", "SDP_CSP_SOURCES", "SDP_SERVE_USER"):  # the defaults
        env.pop(name, None)
    if os.geteuid() == 0:
        from scripts import serve

        nobody = pwd.getpwnam("nobody")
        if serve.can_run(("nobody", nobody.pw_uid, nobody.pw_gid), warehouse):
            env["SDP_SERVE_USER"] = "root"
    return env


def status(run_dir: Path, env: dict) -> dict:
    r = subprocess.run(
        [sys.executable, "scripts/serve.py", "status", "--run-dir", str(run_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return json.loads(r.stdout)


def make(target: str, port: int, env: dict, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", target, *extra, f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def served(warehouse, tmp_path_factory):
    if not HAVE_NGINX:
        pytest.skip("no nginx (sudo apt-get install nginx)")
    port = free_port()
    run_dir = tmp_path_factory.mktemp("serve") / "run"
    env = serve_env(warehouse, run_dir)
    started = time.monotonic()
    pids: list[int] = []
    try:
        r = make("serve", port, env, "WORKERS=2")
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        print(f"make serve: {time.monotonic() - started:.0f} s")
        state = status(run_dir, env)
        pids = [p["pid"] for p in state["programs"].values() if p["pid"]]
        yield Served(port, run_dir, env, state)
    finally:
        make("serve-stop", port, env, timeout=120)
    assert not (run_dir / "supervisord.pid").exists(), "serve-stop left supervisord's pid file"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:3]
