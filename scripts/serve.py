"""Serve the dashboard on one machine: N Streamlit workers and nginx, run by supervisord.

    scripts/serve.py start [--workers N] [--port 8080]   render the configuration, start supervisord; returns when every worker is ready
    scripts/serve.py stop [--port 8080]                  stop everything `start` started (supervisord stops whole process groups)
    scripts/serve.py status [--port 8080]                what supervisord runs (JSON: programs, workers' ports and pids)
    scripts/serve.py check [--port 8080]                 render the nginx configuration and run `nginx -t` on it
    scripts/serve.py render --workers 8501,8502 --run-dir /run/sdp-nginx   nginx's configuration for running workers (systemd)
    scripts/serve.py worker --host 0.0.0.0 --port 8501   one worker in the foreground: warm in-process, then Streamlit (the image)
    scripts/serve.py healthcheck --port 8501             exit 0 when that worker answers /_stcore/health (it is warm by then)
    scripts/serve.py ready --port 8501                   healthcheck, and the warehouse opens, passes its checks and answers a query

`make serve` / `make serve-stop` call `start` / `stop`.  supervisord (deploy/supervisord/) restarts what
exits, with its back-off, rotates the logs and stops whole process groups; `nginx` and `pool` are its
programs (see the template).  The run folder holds supervisord's socket, pid file and logs and the
rendered configuration: ``$SDP_SERVE_DIR``, else ``$XDG_RUNTIME_DIR/sdp-serve-PORT``, else
``.run/serve-PORT`` in the project; created 0700 and refused when it is a link, not ours, or writable by
others.  Run as root, the workers and nginx's worker processes run as ``$SDP_SERVE_USER`` (default
``nobody``), with a scratch folder of their own (``mkdtemp``: HOME, TMPDIR, nginx's temporary files).
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "nginx" / "sdp.conf.template"
PUBLIC = DEPLOY / "nginx" / "public"
# The site template's variables: the settings (sdp_dash/config/edge.py checks them), then where things are.
TEMPLATE_VARS = (
    "SDP_SERVER_NAMES",
    "SDP_FRAME_ANCESTORS",
    "SDP_CSP_SOURCES",
    "SDP_LISTEN",
    "SDP_UPSTREAMS",
    "SDP_PUBLIC",
    "SDP_ACCESS_LOG",
)
LOGS = ("supervisord.log", "nginx-access.log", "nginx-error.log", "pool.log")
READY_TIMEOUT = 300.0
POOL_EVERY = 1.0
POOL_FAILURES = 2  # checks failed in a row before a worker leaves nginx's pool (about 3 s for a stopped worker)


# --- The run folder ------------------------------------------------------------------------------


class UnsafeRunDir(SystemExit):
    pass


def default_run_dir(port: int) -> Path:
    from sdp_dash.config import settings

    if settings.get("SDP_SERVE_DIR"):
        return Path(settings.get("SDP_SERVE_DIR"))
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / f"sdp-serve-{port}"
    return ROOT / ".run" / f"serve-{port}"


def private_dir(path: Path) -> Path:
    """``path`` as a folder only we can use: made 0700, or refused when it is a link, is not a folder,
    belongs to someone else or others may write in it.  Never follows a link at ``path`` itself."""
    path = Path(os.path.abspath(path))
    if not path.parent.exists():
        private_dir(path.parent)  # the project's .run folder
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise UnsafeRunDir(f"refusing the run folder {path}: it is a link or not a folder")
    if st.st_uid != os.geteuid():
        raise UnsafeRunDir(f"refusing the run folder {path}: it belongs to uid {st.st_uid}, not to us")
    if st.st_mode & 0o022:
        raise UnsafeRunDir(f"refusing the run folder {path}: others may write in it (mode {stat.S_IMODE(st.st_mode):o})")
    os.chmod(path, 0o700)
    return path


def open_nofollow(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    """A file descriptor for ``path``, never through a link (O_NOFOLLOW: a link there is an error)."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def prepare_logs(run_dir: Path, workers: int) -> None:
    """Create every log file supervisord will open, refusing any that is a link (belt and braces: the
    folder is private, so nobody else can put one there)."""
    for name in (*LOGS, *(f"worker-{k}.log" for k in range(1, workers + 1))):
        try:
            os.close(open_nofollow(run_dir / name))
        except OSError as exc:
            raise UnsafeRunDir(f"refusing {run_dir / name}: {exc.strerror}") from exc


def _user(name: str) -> tuple[str, int, int]:
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        raise SystemExit(f"SDP_SERVE_USER: no user {name!r} on this machine") from None
    return name, pw.pw_uid, pw.pw_gid


def serve_users() -> tuple[tuple[str, int, int] | None, tuple[str, int, int] | None]:
    """(the workers' user, nginx's workers' user) when we are root, else (None, None).

    ``$SDP_SERVE_USER`` (default ``nobody``) for both; ``SDP_SERVE_USER=root`` keeps the workers as
    root (said on every start: for a machine where no other user can run the project's Python) while
    nginx's workers still run as ``nobody``."""
    if os.geteuid() != 0:
        return None, None
    from sdp_dash.config import settings

    name = settings.get("SDP_SERVE_USER") or "nobody"
    if name == "root":
        print("warning: SDP_SERVE_USER=root: the workers run as root", file=sys.stderr)
        return None, _user("nobody")
    user = _user(name)
    if user[1] == 0:
        raise SystemExit("SDP_SERVE_USER names a user with uid 0: name root to mean it, or an unprivileged user")
    return user, user


def can_run(user: tuple[str, int, int], warehouse: Path) -> str | None:
    """None when ``user`` can run the project's Python and read the app and the warehouse; else why not."""
    code = "import sys; [open(p, 'rb').close() for p in sys.argv[1:]]"
    try:
        r = subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "app.py"), str(warehouse)],
            user=user[1], group=user[2], extra_groups=[], cwd="/", capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except PermissionError:
        return f"{user[0]} cannot run {sys.executable}"
    return None if r.returncode == 0 else f"{user[0]} cannot read the app or the warehouse: {r.stderr.strip().splitlines()[-1]}"


def make_scratch(owner: tuple[str, int, int] | None, what: str) -> Path:
    """A new folder for an unprivileged process's files (a random name: ``mkdtemp``, 0700, the owner's)."""
    scratch = Path(tempfile.mkdtemp(prefix=f"sdp-serve-{what}-"))
    if owner:
        os.chown(scratch, owner[1], owner[2])
    return scratch


# --- Rendering the configuration ------------------------------------------------------------------


def render(template: Path, values: dict[str, str]) -> str:
    """The template with ``${NAME}`` replaced for the names in ``values`` only (as ``envsubst '$A $B'``)."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def render_template(values: dict[str, str], template: Path = TEMPLATE) -> str:
    return render(template, {name: values[name] for name in TEMPLATE_VARS})


def template_values(listen: str, upstreams: str, access_log: str) -> dict[str, str]:
    """Every site template variable: the edge settings, checked (a bad one raises EdgeSettingError), and the paths."""
    from sdp_dash.config import edge

    return edge.template_values() | {
        "SDP_LISTEN": listen,
        "SDP_UPSTREAMS": upstreams,
        "SDP_PUBLIC": str(PUBLIC),
        "SDP_ACCESS_LOG": access_log,
    }


def upstream_lines(ports: list[int], down: set[int] = frozenset()) -> str:
    """The workers as nginx ``server`` lines: a worker that refuses or times out is skipped for 5 s
    (passive check); one the pool program found not answering is ``down``."""
    return "\n".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s{' down' if p in down else ''};" for p in ports)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = open_nofollow(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def render_nginx(run_dir: Path, nginx_tmp: Path, listen: str, ports: list[int], user) -> None:
    mime = Path("/etc/nginx/mime.types")
    upstreams = run_dir / "upstreams.conf"
    write_atomic(upstreams, upstream_lines(ports) + "\n")
    site = render_template(template_values(listen, f"include {upstreams};", "/dev/stdout"))
    write_atomic(run_dir / "sdp.conf", site)
    main = {
        "USER_LINE": f"user {user[0]} {grp.getgrgid(user[2]).gr_name};" if user else "",
        "RUN_DIR": str(run_dir),
        "NGINX_TMP": str(nginx_tmp),
        "MIME_LINE": f"include {mime};" if mime.exists() else "types { text/html html; }",
    }
    write_atomic(run_dir / "nginx.conf", render(DEPLOY / "nginx" / "main.conf.template", main))


def render_supervisord(run_dir: Path, scratch: Path, port: int, ports: list[int], user) -> Path:
    common = {"RUN_DIR": str(run_dir), "ROOT": str(ROOT), "PYTHON": sys.executable, "PORT": str(port)}
    text = render(DEPLOY / "supervisord" / "supervisord.conf.template", common | {"WORKER_PORTS": ",".join(map(str, ports))})
    secret = secrets.token_hex(32)  # one for every worker: a cookie signed by one is valid at the others
    for k, p in enumerate(ports, start=1):
        values = common | {"INDEX": str(k), "WORKER_PORT": str(p), "SCRATCH": str(scratch), "COOKIE_SECRET": secret}
        text += render(DEPLOY / "supervisord" / "worker.conf.template", values | {"USER_LINE": f"user={user[0]}" if user else ""})
    conf = run_dir / "supervisord.conf"
    write_atomic(conf, text)
    return conf


# --- Health and readiness -------------------------------------------------------------------------


def health(port: int, timeout: float = 3.0, host: str = "127.0.0.1", headers: dict | None = None) -> bool:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/health", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 - loopback
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def warehouse_problem() -> str | None:
    """None when the warehouse (SDP_WAREHOUSE) opens, passes its checks (``connection.open_checked``)
    and answers a query; else what went wrong, one line."""
    import duckdb

    from sdp_dash.config import settings
    from sdp_dash.web import connection

    path = settings.path("SDP_WAREHOUSE")
    try:
        con = connection.open_checked(path)
        try:
            (months,) = con.execute("SELECT count(*) FROM coverage WHERE status = 'present'").fetchone()
        finally:
            con.close()
    except (duckdb.Error, OSError) as exc:
        return f"{path}: {(str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]}"
    return None if months else f"{path}: no month of police.uk data"


def cmd_healthcheck(args) -> int:
    """Exit 0 when the worker answers /_stcore/health: it listens only once warm (the image's HEALTHCHECK)."""
    return 0 if health(args.port) else 1


def cmd_ready(args) -> int:
    """Exit 0 when the worker is warm and healthy and the warehouse opens, passes its checks and
    answers a query (`make serve` waits on it; the Kubernetes readiness probe runs it)."""
    if not health(args.port):
        print(f"not ready: the worker on port {args.port} does not answer yet", file=sys.stderr)
        return 1
    problem = warehouse_problem()
    if problem:
        print(f"not ready: {problem}", file=sys.stderr)
        return 1
    return 0


# --- Programs run by supervisord ------------------------------------------------------------------


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", flush=True)


PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Under supervisord: this process (and what it execs) gets ``sig`` when supervisord dies, so a killed
    supervisord leaves no worker or nginx holding a port (Linux; nothing elsewhere)."""
    if os.environ.get("SUPERVISOR_ENABLED") != "1" or not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent or parent == 1:  # supervisord died before the call
        os.kill(os.getpid(), sig)


def cmd_worker(args) -> int:
    """One worker: warm its caches in this process (retrying while there is no usable warehouse), keep
    them warm across rebuilds (a thread), then become Streamlit (`streamlit run app.py`)."""
    die_with_parent(signal.SIGKILL)  # its stdout is supervisord's pipe: with supervisord gone, a clean stop cannot print
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from sdp_dash.web import connection, process, warm

    process.configure()
    while True:
        try:
            problems, seconds = warm.warm()
            break
        except connection.WarehouseUnavailable as exc:
            log(f"not listening yet: {exc}; trying again in 5 s")
            time.sleep(5)
    warm.pages_by_navigation()
    log(f"warm in {seconds:.1f} s" + (f"; problems: {problems}" if problems else "") + f"; listening on port {args.port}")
    threading.Thread(target=warm.rewarm_on_change, args=(log, threading.Event()), daemon=True).start()
    from streamlit.web import cli

    options = [f"--server.address={args.host}", f"--server.port={args.port}", "--server.headless=true"]
    options += ["--server.fileWatcherType=none", "--server.runOnSave=false", "--global.developmentMode=false"]
    options += ["--browser.gatherUsageStats=false"]
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *options]
    return cli.main()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphan_group(run_dir: Path) -> int | None:
    """The process group a killed nginx master left (its workers keep the group and the port), or None.

    The group id is the old master's pid (nginx.pid).  When no process has that pid but the group still
    has members, they are that master's workers: the kernel does not reuse a pid while a group is named
    after it."""
    try:
        old = int((run_dir / "nginx.pid").read_text().strip())
        if old <= 1 or alive(old):
            return None
        os.killpg(old, 0)
    except (OSError, ValueError):
        return None
    return old


def end_group(group: int, wait: float = 3.0) -> None:
    """Ask the group's nginx workers to finish (SIGQUIT: they stop listening at once, finish their
    requests), and kill what is left after ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(group, signal.SIGQUIT if time.monotonic() < deadline else signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def end_orphans(run_dir: Path) -> bool:
    group = orphan_group(run_dir)
    if group:
        end_group(group)
    return group is not None


def cmd_nginx(args) -> int:
    """supervisord's nginx program: exec nginx in the foreground.  When a killed master left its workers
    holding the port, they keep serving until the new master listens beside them (``reuseport``), then a
    helper process ends them (it is in this program's process group, so it is stopped with it)."""
    die_with_parent()  # nginx's master keeps it across exec: SIGTERM, its fast shutdown, ends its workers too
    group = orphan_group(args.run_dir)
    if group and os.fork() == 0:
        try:
            deadline = time.monotonic() + 30
            while orphan_group(args.run_dir) == group and time.monotonic() < deadline:
                time.sleep(0.1)  # until the new master has written its pid (after it opened the port)
            time.sleep(0.5)
            end_group(group)
            print(f"ended the nginx workers (group {group}) a killed master left", file=sys.stderr)
        finally:
            os._exit(0)
    nginx = nginx_binary()
    conf = args.run_dir / "nginx.conf"
    os.execv(nginx, [nginx, "-p", str(args.run_dir), "-c", str(conf), "-g", "daemon off;"])
    return 1  # not reached


def cmd_pool(args) -> int:
    """supervisord's pool program: nginx routes only to workers that answer.  Every second each worker's
    /_stcore/health is asked (1.5 s time-out); after POOL_FAILURES failures in a row it is marked
    ``down`` in the upstream and nginx reloaded (SIGHUP: open websockets stay on the old processes); it
    returns at its first answer."""
    die_with_parent()
    ports = [int(p) for p in args.workers.split(",")]
    failures = dict.fromkeys(ports, 0)
    down: set[int] = set()
    while True:
        for p in ports:
            failures[p] = 0 if health(p, timeout=1.5) else failures[p] + 1
        now_down = {p for p in ports if failures[p] >= POOL_FAILURES}
        if now_down != down:
            write_atomic(args.run_dir / "upstreams.conf", upstream_lines(ports, now_down) + "\n")
            try:
                os.kill(int((args.run_dir / "nginx.pid").read_text().strip()), signal.SIGHUP)
                log(f"pool: {sorted(set(ports) - now_down)} (down: {sorted(now_down)})")
                down = now_down
            except (OSError, ValueError) as exc:
                log(f"pool: nginx not reloaded ({exc}); trying again")
        time.sleep(POOL_EVERY)


# --- start / stop ---------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is missing: install Debian's nginx (`apt-get install nginx`)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds: old connections in TIME_WAIT are fine
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def supervisorctl(run_dir: Path, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(run_dir / "supervisord.conf"), *command]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def supervisord_pid(run_dir: Path) -> int | None:
    try:
        pid = int((run_dir / "supervisord.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def wait_ready(args, ports: list[int]) -> str | None:
    """None once every worker is ready and nginx answers on the port; else what is missing at the deadline."""
    from sdp_dash.config import edge

    host = {"Host": edge.server_names()[0]}
    deadline = time.monotonic() + args.wait
    waiting = list(ports)
    while supervisord_pid(args.run_dir) is None and time.monotonic() < min(deadline, time.monotonic() + 10):
        time.sleep(0.2)
    while time.monotonic() < deadline:
        if supervisord_pid(args.run_dir) is None:
            return "supervisord exited"
        waiting = [p for p in waiting if not health(p, timeout=2)]
        if not waiting and health(args.port, timeout=3, headers=host) and _all_running(args.run_dir):
            return warehouse_problem()
        time.sleep(0.5)
    if not waiting and not _all_running(args.run_dir):
        return "supervisord has not marked every program RUNNING"
    return f"workers on ports {waiting} not ready" if waiting else "nginx does not answer"


def _all_running(run_dir: Path) -> bool:
    """Every program past its start time in supervisord's eyes (a worker that warms up in under its
    ``startsecs`` answers before supervisord calls it RUNNING; `start` returns only when both agree)."""
    programs = state(run_dir)["programs"]
    return bool(programs) and all(p["state"] == "RUNNING" for p in programs.values())


def cmd_start(args) -> int:
    run_dir = args.run_dir
    if supervisord_pid(run_dir):
        print(f"already serving from {run_dir}; `make serve-stop PORT={args.port}` first", file=sys.stderr)
        return 1
    nginx_binary()
    if not port_free(args.host, args.port):
        print(f"port {args.port} is not free", file=sys.stderr)
        return 1
    from sdp_dash.config import settings

    user, nginx_user = serve_users()
    problem = user and can_run(user, settings.path("SDP_WAREHOUSE"))
    if problem:
        print(f"error: {problem}; set SDP_SERVE_USER to a user who can (or root, not recommended)", file=sys.stderr)
        return 2
    prepare_logs(run_dir, args.workers)
    scratch, nginx_tmp = make_scratch(user, "worker"), make_scratch(nginx_user, "nginx")
    write_atomic(run_dir / "scratch", f"{scratch}\n{nginx_tmp}\n")
    ports = [free_port() for _ in range(args.workers)]
    render_nginx(run_dir, nginx_tmp, f"{args.host}:{args.port}", ports, nginx_user)
    conf = render_supervisord(run_dir, scratch, args.port, ports, user)
    print(f"starting {args.workers} workers and nginx on http://{args.host}:{args.port} (logs: {run_dir})")
    r = subprocess.run(
        [sys.executable, "-m", "supervisor.supervisord", "-c", str(conf)], cwd=ROOT, capture_output=True, text=True
    )
    if r.returncode != 0:
        print(f"supervisord did not start: {r.stdout}{r.stderr}", file=sys.stderr)
        return 1
    problem = wait_ready(args, ports)
    if problem:
        print(f"not ready within {args.wait:.0f} s: {problem}", file=sys.stderr)
        print(supervisorctl(run_dir, "status").stdout, file=sys.stderr)
        return 1
    print(f"serving on http://{args.host}:{args.port}: {args.workers} workers warm and ready")
    return 0


def remove_scratch(run_dir: Path) -> None:
    try:
        folders = (run_dir / "scratch").read_text().split()
    except OSError:
        return
    for folder in map(Path, folders):
        if folder.name.startswith("sdp-serve-") and folder.parent == Path(tempfile.gettempdir()) and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
    (run_dir / "scratch").unlink(missing_ok=True)


def cmd_stop(args) -> int:
    """supervisord stops every program as a whole process group and exits; then nothing may hold the port."""
    run_dir = args.run_dir
    pid = supervisord_pid(run_dir)
    if pid:
        supervisorctl(run_dir, "shutdown", timeout=120)
        deadline = time.monotonic() + 60
        while supervisord_pid(run_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
    orphans = end_orphans(run_dir)
    remove_scratch(run_dir)
    if not pid:
        print(f"nothing was serving from {run_dir}" + (" (ended a killed nginx's leftovers)" if orphans else ""))
    if not port_free(args.host, args.port):
        print(f"port {args.port} is still in use", file=sys.stderr)
        return 1
    if pid:
        print(f"stopped the server on port {args.port}")
    return 0


def state(run_dir: Path) -> dict:
    """What supervisord runs, as data: {"supervisord_pid", "programs": {name: {"state", "pid"}}, "workers":
    [{"index", "port", "pid", "state"}]} (the ports from the rendered configuration)."""
    programs = {}
    for line in supervisorctl(run_dir, "status").stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pid = parts[3].rstrip(",") if len(parts) > 3 and parts[2] == "pid" else None
            programs[parts[0]] = {"state": parts[1], "pid": int(pid) if pid and pid.isdigit() else None}
    conf = (run_dir / "supervisord.conf").read_text(encoding="utf-8") if (run_dir / "supervisord.conf").exists() else ""
    ports = [int(p) for p in re.findall(r"serve\.py worker --host \S+ --port (\d+)", conf)]
    workers = [{"index": k, "port": p} | programs.get(f"worker-{k}", {"state": "", "pid": None}) for k, p in enumerate(ports, 1)]
    return {"supervisord_pid": supervisord_pid(run_dir), "programs": programs, "workers": workers}


def cmd_status(args) -> int:
    print(json.dumps(state(args.run_dir), indent=1))
    return 0 if supervisord_pid(args.run_dir) else 1


def cmd_render(args) -> int:
    """Render nginx's configuration into the run folder for workers already running on the ports
    ``--workers`` lists (deploy/systemd/sdp-nginx.service runs this before nginx)."""
    ports = [int(p) for p in str(args.workers).split(",")]
    _user, nginx_user = serve_users()
    render_nginx(args.run_dir, make_scratch(nginx_user, "nginx"), f"{args.host}:{args.port}", ports, nginx_user)
    print(f"rendered {args.run_dir / 'nginx.conf'}: port {args.port}, workers {ports}")
    return 0


def cmd_check(args) -> int:
    """Render the configuration with two example workers and let nginx check it."""
    with tempfile.TemporaryDirectory() as d:
        run_dir = Path(d)
        render_nginx(run_dir, run_dir, f"{args.host}:{args.port}", [8601, 8602], None)
        r = subprocess.run(
            [nginx_binary(), "-t", "-p", str(run_dir), "-c", str(run_dir / "nginx.conf")], capture_output=True, text=True
        )
        print(r.stderr.strip())
        return r.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = ["start", "stop", "status", "check", "render", "worker", "healthcheck", "ready", "nginx", "pool"]
    ap.add_argument("command", choices=commands)
    ap.add_argument("--workers", default=str(os.cpu_count() or 1), help="start: how many; render, pool: their ports")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1", help="the address nginx listens on (0.0.0.0 for everyone)")
    ap.add_argument("--run-dir", type=Path, default=None)
    ap.add_argument("--wait", type=float, default=READY_TIMEOUT, help="start: seconds to wait for every worker to be ready")
    args = ap.parse_args(argv)
    if args.command not in ("pool", "render"):
        if not args.workers.isdigit() or not 1 <= int(args.workers) <= 64:
            ap.error("--workers must be 1..64")
        args.workers = int(args.workers)
    if not 1 <= args.port <= 65535:
        ap.error("--port must be 1..65535")
    sys.path.insert(0, str(ROOT))
    if args.command in ("start", "stop", "status", "render", "nginx", "pool"):
        args.run_dir = private_dir(args.run_dir or default_run_dir(args.port))
    if args.command in ("start", "check", "render"):
        from sdp_dash.config import edge

        try:
            edge.template_values()
        except edge.EdgeSettingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    handlers = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "check": cmd_check, "render": cmd_render}
    handlers |= {"worker": cmd_worker}
    handlers |= {"healthcheck": cmd_healthcheck, "ready": cmd_ready, "nginx": cmd_nginx, "pool": cmd_pool}
    return handlers[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
