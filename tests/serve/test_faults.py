"""Faults under `make serve` (issue 19): while visitors load pages through nginx, nginx's master is
killed, a worker is killed, a worker is stopped, and the warehouse is corrupted in place; the visitors
see no page error.  Then `make serve-stop` leaves nothing holding the port, and `make serve` works
again, with a symlinked folder planted where an attacker would guess the run folder to be.

A visitor is a browser-like client: it fetches ``/`` and ``/_stcore/health`` (each must answer 200,
first time: no retry) and then shows a page over Streamlit's websocket with nginx's route cookie.  A
websocket that drops is opened again, as Streamlit's own client reconnects; the page must then show,
without an exception or ``st.error``, within 30 s.  Marker ``serve``; about two minutes.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.serve.conftest import HAVE_NGINX, ROOT, make, serve_env, status
from tests.support.devserver import free_port

pytestmark = [pytest.mark.serve, pytest.mark.skipif(not HAVE_NGINX, reason="no nginx (sudo apt-get install nginx)")]

PAGES = ["", "about", "explore", "being-safe", "outcomes"]
PAGE_WITHIN_S = 30.0


def http_get(port: int, path: str) -> tuple[int, str]:
    """(status, the route cookie nginx set or ""), or (0, the error) when there was no answer."""
    try:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=PAGE_WITHIN_S)
        con.request("GET", path)
        r = con.getresponse()
        r.read()
        con.close()
        return r.status, (r.getheader("Set-Cookie") or "").split(";")[0]
    except OSError as exc:
        return 0, repr(exc)


class Visitor(threading.Thread):
    def __init__(self, port: int, first: int) -> None:
        super().__init__(daemon=True)
        self.port, self.next = port, first
        self.cookie = ""
        self.loads, self.reconnects = 0, 0
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            path = PAGES[self.next % len(PAGES)]
            self.next += 1
            problem = self.load(path)
            if problem:
                self.errors.append(f"{time.strftime('%H:%M:%S')} {problem}")
            else:
                self.loads += 1

    def load(self, path: str) -> str | None:
        for url in ("/", "/_stcore/health"):
            code, cookie = http_get(self.port, url)
            if code != 200:
                return f"GET {url}: {code or cookie}"
            self.cookie = self.cookie or cookie
        return asyncio.run(self.show(path))

    async def show(self, path: str) -> str | None:
        from bench.wsclient import Session

        deadline = time.monotonic() + PAGE_WITHIN_S
        last = ""
        while time.monotonic() < deadline:
            try:
                async with Session(self.port, open_timeout=10, cookie=self.cookie) as s:
                    r = await s.run(path, max(1.0, deadline - time.monotonic()))
                if r.ok:
                    return None
                if not r.failure:
                    return f"/{path}: {r.problem()}: {'; '.join(r.exceptions + r.error_alerts)[:300]}"
                last = r.failure
            except Exception as exc:  # noqa: BLE001 - a refused or dropped websocket: the client reconnects
                last = repr(exc)[:200]
            self.reconnects += 1
            await asyncio.sleep(0.5)
        return f"/{path}: not shown within {PAGE_WITHIN_S:.0f} s ({last})"


def wait_for(what: str, check, within: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < within:
        if check():
            return time.monotonic() - t0
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {within:.0f} s")


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def ready(port: int, env: dict) -> bool:
    r = subprocess.run([sys.executable, "scripts/serve.py", "ready", "--port", str(port)], cwd=ROOT, env=env, capture_output=True)
    return r.returncode == 0


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def kill_nginx_master(run_dir: Path, env: dict) -> None:
    old = status(run_dir, env)["programs"]["nginx"]["pid"]
    os.kill(old, signal.SIGKILL)
    wait_for("nginx restarted", lambda: status(run_dir, env)["programs"]["nginx"]["pid"] not in (None, old), 30)
    wait_for("the killed master's workers ended", lambda: group_gone(old), 15)


def kill_worker(run_dir: Path, env: dict, w: dict) -> None:
    os.kill(w["pid"], signal.SIGKILL)
    new = lambda: status(run_dir, env)["workers"][w["index"] - 1]  # noqa: E731
    wait_for("worker restarted", lambda: new()["pid"] not in (None, w["pid"]) and new()["state"] == "RUNNING", 60)
    wait_for("worker warm and ready again", lambda: ready(w["port"], env), 120)


def stop_worker(run_dir: Path, w: dict) -> float:
    """SIGSTOP the worker: it must leave nginx's pool well under 9 s; SIGCONT after 8 s."""
    upstreams = run_dir / "upstreams.conf"
    os.kill(w["pid"], signal.SIGSTOP)
    try:
        left = wait_for(
            "stopped worker out of the pool",
            lambda: f":{w['port']} max_fails=1 fail_timeout=5s down;" in upstreams.read_text(),
            9,
        )
        time.sleep(max(0.0, 8 - left))
    finally:
        os.kill(w["pid"], signal.SIGCONT)
    wait_for(
        "worker back in the pool", lambda: f":{w['port']} max_fails=1 fail_timeout=5s down;" not in upstreams.read_text(), 15
    )
    return left


def corrupt_warehouse(warehouse: Path, env: dict, w: dict) -> None:
    """Overwrite parts of the warehouse in place for 10 s, then put the bytes back (in place too)."""
    good = warehouse.read_bytes()
    size = len(good)
    with open(warehouse, "r+b") as f:
        for offset in range(size // 8, size - 65536, size // 6):
            f.seek(offset)
            f.write(os.urandom(65536))
    try:
        assert not ready(w["port"], env), "a corrupted warehouse passed the readiness check"
        time.sleep(10)
    finally:
        with open(warehouse, "r+b") as f:
            f.write(good)
    wait_for("ready again on the restored warehouse", lambda: ready(w["port"], env), 60)


def plant_symlinked_folders(port: int, tmp_path: Path) -> tuple[Path, list[Path]]:
    """What a local attacker would plant before `make serve`: the old predictable folder (and the
    project's) as links to a folder of theirs whose log files are links to a file they want written."""
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    theirs = tmp_path / "attacker"
    theirs.mkdir()
    for name in ("supervisor.log", "supervisord.log", "worker-1.log", "nginx.conf", "sdp.conf", "nginx-access.log"):
        (theirs / name).symlink_to(victim)
    os.chmod(theirs, 0o777)
    planted = [Path(f"/tmp/sdp-serve-{port}")]
    for p in planted:
        p.symlink_to(theirs)
    return victim, planted


def test_faults_while_visitors_load_pages(warehouse, tmp_path):
    data = tmp_path / "sdp.duckdb"
    shutil.copyfile(warehouse, data)
    port = free_port()
    env = serve_env(data, tmp_path / "run")
    r = make("serve", port, env, "WORKERS=2")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    run_dir = tmp_path / "run"
    visitors = [Visitor(port, k) for k in range(3)]
    try:
        for v in visitors:
            v.start()
        time.sleep(3)
        workers = status(run_dir, env)["workers"]
        kill_nginx_master(run_dir, env)
        kill_worker(run_dir, env, workers[0])
        left = stop_worker(run_dir, status(run_dir, env)["workers"][1])
        print(f"a stopped worker left the pool in {left:.1f} s")
        corrupt_warehouse(data, env, workers[1])
        time.sleep(3)
    finally:
        for v in visitors:
            v.stop.set()
        for v in visitors:
            v.join(60)
        groups = [p["pid"] for p in status(run_dir, env)["programs"].values() if p["pid"]]
        stopped = make("serve-stop", port, env, timeout=120)
    errors = [e for v in visitors for e in v.errors]
    print(f"visitors: {sum(v.loads for v in visitors)} pages shown, {sum(v.reconnects for v in visitors)} reconnects")
    assert errors == [], errors
    assert sum(v.loads for v in visitors) >= 20
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert port_free(port), "the port is held after serve-stop"
    assert all(group_gone(g) for g in groups), "a process group of the server outlived serve-stop"
    assert not (run_dir / "supervisord.pid").exists()


def test_serve_again_ignores_a_planted_symlinked_folder(warehouse, tmp_path):
    """No SDP_SERVE_DIR and no XDG_RUNTIME_DIR: the run folder is the project's .run/serve-PORT, made 0700;
    the planted /tmp/sdp-serve-PORT (a link to an attacker's folder of links) changes nothing."""
    port = free_port()
    victim, planted = plant_symlinked_folders(port, tmp_path)
    env = serve_env(warehouse, tmp_path / "unused")
    del env["SDP_SERVE_DIR"]
    env.pop("XDG_RUNTIME_DIR", None)
    run_dir = ROOT / ".run" / f"serve-{port}"
    try:
        r = make("serve", port, env, "WORKERS=1")
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        assert stat.S_IMODE(run_dir.lstat().st_mode) == 0o700 and (run_dir / "supervisord.pid").exists()
        assert http_get(port, "/")[0] == 200
    finally:
        stopped = make("serve-stop", port, env, timeout=120)
        for p in planted:
            p.unlink()
        shutil.rmtree(run_dir, ignore_errors=True)
    assert stopped.returncode == 0 and port_free(port)
    assert victim.read_text() == "untouched\n"
    assert sorted(p.name for p in (tmp_path / "attacker").iterdir()) == sorted(
        ["supervisor.log", "supervisord.log", "worker-1.log", "nginx.conf", "sdp.conf", "nginx-access.log"]
    )


@pytest.mark.parametrize("kind", ["symlink", "group-writable", "not-ours"])
def test_an_unsafe_run_folder_is_refused(tmp_path, kind):
    from scripts import serve

    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    run_dir = tmp_path / "run"
    if kind == "symlink":
        run_dir.symlink_to(target)
    else:
        run_dir.mkdir(mode=0o700)
        if kind == "group-writable":
            os.chmod(run_dir, 0o770)
        elif os.geteuid() == 0:
            os.chown(run_dir, 65534, 65534)
        else:
            pytest.skip("making a folder someone else's needs root")
    with pytest.raises(serve.UnsafeRunDir, match="refusing"):
        serve.private_dir(run_dir)
    assert list(target.iterdir()) == []


def test_a_log_that_is_a_link_is_refused(tmp_path):
    from scripts import serve

    run_dir = serve.private_dir(tmp_path / "run")
    (run_dir / "worker-1.log").symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(serve.UnsafeRunDir, match="worker-1.log"):
        serve.prepare_logs(run_dir, 1)
    assert not (tmp_path / "elsewhere.txt").exists()


def test_a_killed_supervisord_leaves_nothing_holding_a_port(warehouse, tmp_path):
    """Every program dies with supervisord (PR_SET_PDEATHSIG): nginx's port and the worker's port come free,
    and `make serve-stop` then finds nothing left to stop."""
    port = free_port()
    run_dir = tmp_path / "run"
    env = serve_env(warehouse, run_dir)
    r = make("serve", port, env, "WORKERS=1")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    state = status(run_dir, env)
    groups = [p["pid"] for p in state["programs"].values() if p["pid"]]
    try:
        os.kill(state["supervisord_pid"], signal.SIGKILL)
        wait_for("every program ended", lambda: all(group_gone(g) for g in groups), 20)
        assert port_free(port) and port_free(state["workers"][0]["port"])
    finally:
        stopped = make("serve-stop", port, env, timeout=120)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
