"""Serve the dashboard to the public: N Streamlit workers behind Debian's nginx, supervised.

    scripts/serve.py start [--workers N] [--port 8080]   start in the background; returns when every worker is warm
    scripts/serve.py stop [--port 8080]                  stop exactly what `start` started (its pid files)
    scripts/serve.py status [--port 8080]                the supervisor's state (JSON)
    scripts/serve.py run ...                             the supervisor in the foreground (what `start` runs)
    scripts/serve.py check [--port 8080]                 render the nginx configuration and run `nginx -t` on it
    scripts/serve.py worker --host 0.0.0.0 --port 8501   one warmed worker in the foreground (the container image)
    scripts/serve.py healthcheck --port 8501             exit 0 once that worker is warm and healthy
    scripts/serve.py ready --port 8501                   healthcheck, and the warehouse answers a query (read-only)

`make serve` / `make serve-stop` call `start` / `stop`.  What the supervisor does:

* starts N ``streamlit run app.py`` workers on free ports of 127.0.0.1 (each in its own process
  group; file watcher off; one cookie secret shared by all, so a signed cookie from one is valid
  at another);
* active health checks: a worker joins nginx's pool only once ``/_stcore/health`` answers and
  every page has been visited once over its websocket (scripts/wsclient.py), so no visitor pays the
  cold caches; a worker is checked every 2 s and one that fails 3 checks in a row is restarted;
* renders deploy/nginx/sdp.conf.template (the same file the compose file uses) with the workers
  that are ready (the others ``down``), runs nginx in the foreground under it and reloads it
  (SIGHUP: open websockets stay on the old nginx processes until they close) when the pool changes;
* restarts a worker (or nginx) that dies, with a back-off if it keeps dying;
* when the warehouse file is replaced (``python -m sdp_dash build``), visits every page on each worker
  again, so the new data's caches are filled at once (the workers reopen the file by themselves:
  sdp_dash/web/connection.py).

The run folder (``--run-dir``, default /tmp/sdp-serve-PORT) holds the pid files (supervisor.pid,
nginx.pid, worker-K.pid), state.json, the rendered configuration and the logs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "sdp.conf.template"
PUBLIC = ROOT / "deploy" / "nginx" / "public"
# The settings (sdp_dash/config/edge.py checks them), then where things are.
TEMPLATE_VARS = (
    "SDP_SERVER_NAMES",
    "SDP_FRAME_ANCESTORS",
    "SDP_CSP_SOURCES",
    "SDP_LISTEN",
    "SDP_UPSTREAMS",
    "SDP_PUBLIC",
    "SDP_ACCESS_LOG",
)
LOG_DAYS = 7  # nginx's logs are rotated daily and kept this many days (deploy/README.md, "Logs")
ROTATED_LOGS = ("nginx-access.log", "nginx-error.log")
HEALTH_EVERY = 2.0
HEALTH_FAILURES = 3
WARM_TIMEOUT = 120.0
MAX_BACKOFF = 30.0


# --- Shared helpers --------------------------------------------------------------------------------


def default_run_dir(port: int) -> Path:
    return Path(os.environ.get("SDP_SERVE_DIR") or Path(tempfile.gettempdir()) / f"sdp-serve-{port}")


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is missing: run `bash scripts/install-system-deps.sh nginx` (make serve does)")
    return found


def render_template(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with ``${NAME}`` replaced for TEMPLATE_VARS only (as ``envsubst '$A $B'`` does)."""
    text = template.read_text(encoding="utf-8")
    for name in TEMPLATE_VARS:
        text = text.replace("${" + name + "}", values[name])
    return text


def template_values(listen: str, upstreams: str, run_dir: Path) -> dict[str, str]:
    """Every template variable: the edge settings, checked (a bad one raises EdgeSettingError), and the paths."""
    from sdp_dash.config import edge

    return edge.template_values() | {
        "SDP_LISTEN": listen,
        "SDP_UPSTREAMS": upstreams,
        "SDP_PUBLIC": str(PUBLIC),
        "SDP_ACCESS_LOG": str(run_dir / "nginx-access.log"),
    }


def _rotated(run_dir: Path, name: str) -> list[tuple[int, Path]]:
    return sorted(((int(p.suffix[1:]), p) for p in run_dir.glob(f"{name}.*") if p.suffix[1:].isdigit()), reverse=True)


def rotate_logs(run_dir: Path, days: int = LOG_DAYS, now: float | None = None) -> None:
    """nginx's logs: log -> log.1 -> log.2 ..., and every rotated log last written more than ``days``
    days ago deleted.  The caller then tells nginx to reopen its logs (SIGUSR1)."""
    cutoff = (time.time() if now is None else now) - days * 86400
    for name in ROTATED_LOGS:
        for k, p in _rotated(run_dir, name):
            os.replace(p, run_dir / f"{name}.{k + 1}")
        base = run_dir / name
        if base.exists() and base.stat().st_size:
            os.replace(base, run_dir / f"{name}.1")
        for _, p in _rotated(run_dir, name):
            if p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)


def log_day(run_dir: Path) -> str | None:
    """The local day the access log was last written, or None."""
    try:
        return time.strftime("%Y-%m-%d", time.localtime((run_dir / ROTATED_LOGS[0]).stat().st_mtime))
    except OSError:
        return None


def main_conf(run_dir: Path, site_conf: Path) -> str:
    """The local nginx.conf around the site configuration: foreground, every path in the run folder."""
    mime = Path("/etc/nginx/mime.types")
    return "\n".join(
        [
            "# Written by scripts/serve.py; the site configuration is deploy/nginx/sdp.conf.template.",
            f"pid {run_dir / 'nginx.pid'};",
            "worker_processes auto;",
            f"error_log {run_dir / 'nginx-error.log'} warn;",
            "events { worker_connections 4096; }",
            "http {",
            f"    include {mime};" if mime.exists() else "    types { text/html html; }",
            "    default_type application/octet-stream;",
            "    sendfile on;",
            "    keepalive_timeout 65s;",
            "    access_log off;  # the site's servers log in their own format (no query strings, short addresses)",
            *(f"    {kind}_temp_path {run_dir / 'tmp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
            f"    include {site_conf};",
            "}",
            "",
        ]
    )


def upstream_lines(ports: list[int], ready: set[int]) -> str:
    return "\n    ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s{'' if p in ready else ' down'};" for p in ports)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def health(port: int, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout) as r:  # noqa: S310 - loopback
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def warm_paths() -> list[str]:
    """Every page's address in menu order ("" is the default page), the priority pages from the catalogue
    as pages/site.py registers them (tests/serve/test_serve.py checks it against the browser tests' list)."""
    from sdp_dash.config import catalogue, codes

    return ["", "explore", "compare", *(p.url_path for p in catalogue.priorities()), *codes.ANALYSIS_PAGES, "about"]


def warm(port: int, paths: list[str], timeout: float = WARM_TIMEOUT) -> tuple[list[str], bool]:
    """Visit every page once over one websocket session: (the pages' problems, whether the session failed).

    A page that shows an error is the app's problem, not the worker's: it is reported and the worker
    still joins the pool.  A timeout or a lost connection fails the warm-up.
    """
    from scripts.wsclient import Session

    async def visit() -> tuple[list[str], bool]:
        problems = []
        async with Session(port, open_timeout=30) as s:
            for path in paths:
                r = await s.run(path, timeout)
                if not r.ok:
                    problems.append(f"/{path}: {r.problem()}: {r.failure or '; '.join(r.exceptions + r.error_alerts)}"[:300])
                    if r.failure:
                        return problems, True
        return problems, False

    return asyncio.run(visit())


def log(run_dir: Path, message: str) -> None:
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n"
    with open(run_dir / "supervisor.log", "a", encoding="utf-8") as f:
        f.write(line)


# --- The supervisor -------------------------------------------------------------------------------


@dataclass
class Worker:
    index: int
    port: int
    proc: subprocess.Popen | None = None
    state: str = "stopped"  # starting, warming, ready, stopped
    started: float = 0.0
    ready_at: float = 0.0
    restarts: int = 0
    failures: int = 0
    next_check: float = 0.0
    restart_at: float = 0.0
    warm_problems: list[str] = field(default_factory=list)
    warm_thread: threading.Thread | None = None


class Supervisor:
    def __init__(self, args) -> None:
        self.args = args
        self.run_dir: Path = args.run_dir
        self.workers = [Worker(i + 1, free_port()) for i in range(args.workers)]
        self.nginx: subprocess.Popen | None = None
        self.nginx_restart_at = 0.0
        self.cookie_secret = secrets.token_hex(32)
        self.paths = warm_paths()
        self.stopping = False
        self.lock = threading.Lock()
        self.pool: set[int] | None = None
        self.warehouse = self._warehouse_id()
        self.rewarming: dict[int, threading.Thread] = {}
        self.log_day = time.strftime("%Y-%m-%d")

    @staticmethod
    def _warehouse_id() -> tuple | None:
        from sdp_dash.config import settings

        try:
            st = settings.path("SDP_WAREHOUSE").stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def rewarm_on_refresh(self) -> None:
        """A rebuilt warehouse (a new file) empties every worker's query cache: visit every page again
        at once, so the visitors' pages find the new data's caches filled rather than fill them."""
        now = self._warehouse_id()
        if now is None or now == self.warehouse:
            return
        self.warehouse = now
        log(self.run_dir, "warehouse rebuilt: visiting every page on each ready worker")
        for w in self.workers:
            busy = self.rewarming.get(w.index)
            if w.state == "ready" and not (busy and busy.is_alive()):
                t = threading.Thread(target=self._rewarm, args=(w,), daemon=True)
                self.rewarming[w.index] = t
                t.start()

    def _rewarm(self, w: Worker) -> None:
        t0 = time.monotonic()
        try:
            problems, _ = warm(w.port, self.paths)
        except Exception as exc:  # noqa: BLE001 - only a log line: the worker's health checks decide its fate
            problems = [f"{type(exc).__name__}: {exc}"]
        log(
            self.run_dir,
            f"worker {w.index} re-warmed in {time.monotonic() - t0:.1f} s" + (f"; problems: {problems}" if problems else ""),
        )

    # - workers -

    def start_worker(self, w: Worker) -> None:
        env = dict(
            os.environ,
            STREAMLIT_SERVER_COOKIE_SECRET=self.cookie_secret,
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            PYTHONUNBUFFERED="1",
        )
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={w.port}",
            "--server.fileWatcherType=none",
            "--server.runOnSave=false",
            "--global.developmentMode=false",
        ]
        out = open(self.run_dir / f"worker-{w.index}.log", "ab")  # noqa: SIM115 - the child holds it
        w.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        (self.run_dir / f"worker-{w.index}.pid").write_text(f"{w.proc.pid}\n")
        w.state, w.started, w.failures = "starting", time.monotonic(), 0
        log(self.run_dir, f"worker {w.index} started: pid {w.proc.pid}, port {w.port}")

    def stop_worker(self, w: Worker, sig: int = signal.SIGTERM, wait: float = 5.0) -> None:
        if w.proc is None:
            return
        try:
            os.killpg(w.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            w.proc.wait(wait)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(w.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.proc.wait(5)
        (self.run_dir / f"worker-{w.index}.pid").unlink(missing_ok=True)
        w.proc, w.state = None, "stopped"

    def _warm(self, w: Worker, proc: subprocess.Popen) -> None:
        t0 = time.monotonic()
        try:
            problems, fatal = warm(w.port, self.paths)
        except Exception as exc:  # noqa: BLE001 - any failure to warm is reported and the worker restarted
            problems, fatal = [f"warm-up failed: {type(exc).__name__}: {exc}"[:300]], True
        with self.lock:
            if w.proc is not proc or w.state != "warming":
                return
            w.warm_problems = problems
            if fatal:
                log(self.run_dir, f"worker {w.index} warm-up failed ({problems[0]}); restarting it")
                w.state = "failed"
                return
            w.state, w.ready_at = "ready", time.monotonic()
            log(
                self.run_dir,
                f"worker {w.index} warm: {len(self.paths)} pages in {w.ready_at - t0:.1f} s"
                + (f"; page problems: {problems}" if problems else "")
                + f"; {w.ready_at - w.started:.1f} s after start",
            )

    def tick_worker(self, w: Worker, now: float) -> None:
        if w.state == "stopped":
            if now >= w.restart_at:
                self.start_worker(w)
            return
        assert w.proc is not None
        if w.proc.poll() is not None or w.state == "failed":
            code = w.proc.poll()
            if code is None:
                self.stop_worker(w, signal.SIGKILL)
            else:
                (self.run_dir / f"worker-{w.index}.pid").unlink(missing_ok=True)
                log(self.run_dir, f"worker {w.index} (pid {w.proc.pid}) exited with code {code}")
            quick = now - w.started < 30
            backoff = min(MAX_BACKOFF, 2.0 ** min(w.restarts, 5)) if quick else 0.0
            w.restarts += 1
            w.proc, w.state, w.restart_at = None, "stopped", now + backoff
            return
        if w.state == "starting":
            if health(w.port, timeout=1.0):
                w.state = "warming"
                w.warm_thread = threading.Thread(target=self._warm, args=(w, w.proc), daemon=True)
                w.warm_thread.start()
            elif now - w.started > WARM_TIMEOUT:
                log(self.run_dir, f"worker {w.index} not healthy after {WARM_TIMEOUT:.0f} s; restarting it")
                w.state = "failed"
            return
        if w.state == "ready" and now >= w.next_check:
            w.next_check = now + HEALTH_EVERY
            if health(w.port):
                w.failures = 0
            else:
                w.failures += 1
                log(self.run_dir, f"worker {w.index} failed health check {w.failures} of {HEALTH_FAILURES}")
                if w.failures >= HEALTH_FAILURES:
                    w.state = "failed"

    # - nginx -

    def render(self, ready: set[int]) -> None:
        values = template_values(
            f"{self.args.host}:{self.args.port}", upstream_lines([w.port for w in self.workers], ready), self.run_dir
        )
        site = self.run_dir / "sdp.conf"
        tmp = site.with_suffix(".tmp")
        tmp.write_text(render_template(values), encoding="utf-8")
        os.replace(tmp, site)
        (self.run_dir / "nginx.conf").write_text(main_conf(self.run_dir, site), encoding="utf-8")

    def sync_nginx(self, now: float) -> None:
        ready = {w.port for w in self.workers if w.state == "ready"}
        if self.nginx is not None and self.nginx.poll() is not None:
            log(self.run_dir, f"nginx exited with code {self.nginx.returncode}; restarting it")
            self.nginx, self.pool, self.nginx_restart_at = None, None, now + 1.0
        if self.nginx is None:
            if not ready or now < self.nginx_restart_at:
                return  # nginx starts with the first warm worker
            self.render(ready)
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (self.run_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
            out = open(self.run_dir / "nginx-error.log", "ab")  # noqa: SIM115 - the child holds it
            self.nginx = subprocess.Popen(
                [nginx_binary(), "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"), "-g", "daemon off;"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            out.close()
            self.pool = ready
            log(
                self.run_dir,
                f"nginx started: pid {self.nginx.pid}, http://{self.args.host}:{self.args.port}, pool {sorted(ready)}",
            )
        elif ready != self.pool:
            self.render(ready)
            self.nginx.send_signal(signal.SIGHUP)
            log(self.run_dir, f"nginx reloaded: pool {sorted(ready)} (was {sorted(self.pool or ())})")
            self.pool = ready

    def rotate_daily(self) -> None:
        """A new day: rotate nginx's logs (kept LOG_DAYS days) and have nginx reopen them."""
        today = time.strftime("%Y-%m-%d")
        if today == self.log_day:
            return
        self.log_day = today
        rotate_logs(self.run_dir)
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGUSR1)
        log(self.run_dir, f"nginx logs rotated (kept {LOG_DAYS} days)")

    def write_state(self) -> None:
        state = {
            "supervisor_pid": os.getpid(),
            "port": self.args.port,
            "url": f"http://{self.args.host}:{self.args.port}",
            "nginx_pid": self.nginx.pid if self.nginx and self.nginx.poll() is None else None,
            "serving": self.nginx is not None and bool(self.pool),
            "workers": [
                {
                    "index": w.index,
                    "port": w.port,
                    "pid": w.proc.pid if w.proc else None,
                    "state": w.state,
                    "restarts": w.restarts,
                    "warm_problems": w.warm_problems,
                }
                for w in self.workers
            ],
        }
        tmp = self.run_dir / "state.json.tmp"
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, self.run_dir / "state.json")

    def run(self) -> int:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "supervisor.pid").write_text(f"{os.getpid()}\n")
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        log(self.run_dir, f"supervisor started: pid {os.getpid()}, {len(self.workers)} workers, port {self.args.port}")
        if log_day(self.run_dir) not in (None, self.log_day):  # logs of an earlier day: start a new one
            rotate_logs(self.run_dir)
        try:
            while not self.stopping:
                now = time.monotonic()
                with self.lock:
                    for w in self.workers:
                        self.tick_worker(w, now)
                    self.sync_nginx(now)
                    self.rewarm_on_refresh()
                    self.rotate_daily()
                    self.write_state()
                time.sleep(0.25)
        finally:
            self.shutdown()
        return 0

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def shutdown(self) -> None:
        log(self.run_dir, "supervisor stopping")
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()  # fast shutdown: open websockets would keep a graceful one waiting
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.nginx.pid, signal.SIGKILL)
                self.nginx.wait(5)
        (self.run_dir / "nginx.pid").unlink(missing_ok=True)
        for w in self.workers:
            self.stop_worker(w)
        self.write_state()
        (self.run_dir / "supervisor.pid").unlink(missing_ok=True)
        log(self.run_dir, "supervisor stopped")


# --- One worker in a container (deploy/compose.yaml) ------------------------------------------------

WARM_FLAG = Path(tempfile.gettempdir()) / "sdp-worker-warm"


def cmd_worker(args) -> int:
    """One Streamlit worker in the foreground, warmed before it reports healthy (`healthcheck`)."""
    WARM_FLAG.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.address={args.host}"]
    cmd += [f"--server.port={args.port}", "--server.fileWatcherType=none", "--global.developmentMode=false"]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: proc.send_signal(signum))
    deadline = time.monotonic() + WARM_TIMEOUT
    while proc.poll() is None and not health(args.port, timeout=1.0) and time.monotonic() < deadline:
        time.sleep(0.5)
    if proc.poll() is None:
        problems, fatal = warm(args.port, warm_paths())
        print(f"warm-up: {len(problems)} page problems{': ' + '; '.join(problems) if problems else ''}", flush=True)
        if fatal:
            proc.terminate()
        else:
            WARM_FLAG.write_text("warm\n")
    return proc.wait()


def cmd_healthcheck(args) -> int:
    """Exit 0 when this container's worker is warm and answers /_stcore/health (the image's HEALTHCHECK)."""
    return 0 if WARM_FLAG.exists() and health(args.port) else 1


def warehouse_answers() -> str | None:
    """None when the warehouse (SDP_WAREHOUSE) opens read-only and answers a query, else what went wrong."""
    import duckdb

    from sdp_dash.config import settings

    path = settings.path("SDP_WAREHOUSE")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            (months,) = con.execute("SELECT count(*) FROM coverage WHERE status = 'present'").fetchone()
    except (duckdb.Error, OSError) as exc:
        return f"{path}: {(str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]}"
    return None if months else f"{path}: no month of police.uk data"


def cmd_ready(args) -> int:
    """Exit 0 when this container's worker is warm and healthy and the data path works: the warehouse
    opens read-only and answers a query (a Kubernetes readiness probe: deploy/k8s/worker.yaml)."""
    if cmd_healthcheck(args) != 0:
        print("not ready: the worker is not warm and healthy yet", file=sys.stderr)
        return 1
    problem = warehouse_answers()
    if problem:
        print(f"not ready: {problem}", file=sys.stderr)
        return 1
    return 0


# --- Commands -------------------------------------------------------------------------------------


def cmd_start(args) -> int:
    run_dir: Path = args.run_dir
    pid = read_pid(run_dir / "supervisor.pid")
    if pid and pid_alive(pid) and "serve.py" in cmdline(pid):
        print(f"already serving from {run_dir} (supervisor pid {pid}); `make serve-stop PORT={args.port}` first", file=sys.stderr)
        return 1
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "state.json").unlink(missing_ok=True)
    nginx_binary()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:  # fail now, not in the background
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds: old connections in TIME_WAIT are fine
        try:
            s.bind((args.host, args.port))
        except OSError as exc:
            print(f"port {args.port} is not free: {exc}", file=sys.stderr)
            return 1
    cmd = [sys.executable, str(Path(__file__).resolve()), "run", *forwarded(args)]
    with open(run_dir / "supervisor.log", "ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + args.wait
    print(f"starting {args.workers} workers and nginx on http://{args.host}:{args.port} (log: {run_dir / 'supervisor.log'})")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"the supervisor exited with code {proc.returncode}:", file=sys.stderr)
            print((run_dir / "supervisor.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        try:
            state = json.loads((run_dir / "state.json").read_text())
        except (OSError, ValueError):
            state = {}
        workers = state.get("workers", [])
        if state.get("serving") and workers and all(w["state"] == "ready" for w in workers):
            problems = [p for w in workers for p in w["warm_problems"]]
            print(
                f"serving on {state['url']}: {len(workers)} workers warm" + (f"; page problems: {problems}" if problems else "")
            )
            return 0
        time.sleep(0.5)
    print(
        f"not every worker was warm within {args.wait:.0f} s; still starting (see {run_dir / 'supervisor.log'})", file=sys.stderr
    )
    return 1


def forwarded(args) -> list[str]:
    return [
        f"--workers={args.workers}",
        f"--port={args.port}",
        f"--host={args.host}",
        f"--run-dir={args.run_dir}",
    ]


def cmd_stop(args) -> int:
    run_dir: Path = args.run_dir
    pid = read_pid(run_dir / "supervisor.pid")
    if pid and pid_alive(pid) and "serve.py" in cmdline(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    # Whatever the supervisor left (it was killed): only the processes its pid files name.
    leftovers = []
    for f in [run_dir / "nginx.pid", *sorted(run_dir.glob("worker-*.pid"))]:
        p = read_pid(f)
        expected = "nginx" if f.name == "nginx.pid" else "streamlit"
        if p and pid_alive(p) and expected in cmdline(p):
            leftovers.append(p)
            try:
                os.killpg(p, signal.SIGTERM) if f.name != "nginx.pid" else os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        f.unlink(missing_ok=True)
    (run_dir / "supervisor.pid").unlink(missing_ok=True)
    print(
        f"stopped the server on port {args.port}" + (f" (and leftovers {leftovers})" if leftovers else "")
        if pid or leftovers
        else f"nothing was serving on port {args.port} from {run_dir}"
    )
    return 0


def cmd_status(args) -> int:
    try:
        print((args.run_dir / "state.json").read_text())
    except OSError:
        print(f"no state in {args.run_dir}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args) -> int:
    """Render the configuration with two example workers and let nginx check it."""
    with tempfile.TemporaryDirectory() as d:
        run_dir = Path(d)
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run_dir / "tmp" / kind).mkdir(parents=True)
        site = run_dir / "sdp.conf"
        site.write_text(
            render_template(template_values(f"{args.host}:{args.port}", upstream_lines([8601, 8602], {8601}), run_dir))
        )
        (run_dir / "nginx.conf").write_text(main_conf(run_dir, site))
        r = subprocess.run(
            [nginx_binary(), "-t", "-p", str(run_dir), "-c", str(run_dir / "nginx.conf")], capture_output=True, text=True
        )
        print(r.stderr.strip())
        return r.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["start", "stop", "status", "run", "check", "worker", "healthcheck", "ready"])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1", help="the address nginx listens on (0.0.0.0 for everyone)")
    ap.add_argument("--run-dir", type=Path, default=None)
    ap.add_argument("--wait", type=float, default=300.0, help="start: seconds to wait for every worker to be warm")
    args = ap.parse_args(argv)
    if not 1 <= args.workers <= 64 or not 1 <= args.port <= 65535:
        ap.error("--workers must be 1..64 and --port 1..65535")
    args.run_dir = (args.run_dir or default_run_dir(args.port)).resolve()
    sys.path.insert(0, str(ROOT))
    if args.command in ("start", "run", "check"):
        from sdp_dash.config import edge

        try:
            edge.template_values()
        except edge.EdgeSettingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.command == "run":
        return Supervisor(args).run()
    commands = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "check": cmd_check}
    commands |= {"worker": cmd_worker, "healthcheck": cmd_healthcheck, "ready": cmd_ready}
    return commands[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
