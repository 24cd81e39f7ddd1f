"""Start and stop the dashboard locally, for the browser tests and the load test.

One place for how the app is served (``streamlit run app.py`` headless on 127.0.0.1) and how
Debian's chromium is launched, so the tests and the benchmark scripts cannot drift apart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sdp_dash.config.settings import PROJECT_ROOT
from sdp_dash.web.pdf import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (Debian's chromium and its flags: the product's own)


def page_paths() -> list[str]:
    """Every page's address in menu order, as the product lists them (``sdp_dash.web.warm.page_paths``), the
    default page by its own address ("overview") so a test can open it by name."""
    from sdp_dash.web.warm import page_paths as product_paths

    return ["overview" if p == "" else p for p in product_paths()]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(warehouse: Path, port: int, log_path: Path | None = None) -> subprocess.Popen:
    """``streamlit run app.py`` in its own process group, headless, on 127.0.0.1:``port``."""
    env = dict(os.environ, SDP_WAREHOUSE=str(warehouse), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    cmd = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(proc: subprocess.Popen | None, base_url: str, timeout: float = 60.0) -> None:
    """Poll ``/_stcore/health`` until the server answers 'ok' (``proc`` None: a server started elsewhere)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:  # noqa: S310 - loopback only
                if r.status == 200 and r.read().strip() == b"ok":
                    first_visit(base_url, deadline - time.monotonic())
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"streamlit was not healthy at {base_url} within {timeout:.0f} s")


def first_visit(base_url: str, timeout: float) -> None:
    """Open "/" once, as the deployment's warm-up does (scripts/serve.py).

    Streamlit routes a server process's very first request through its old ``pages/`` folder
    scan, where only addresses with a file of their own exist: a first visit to a priority page
    would get a "Page not found" dialog.  After one run of the app, every address routes normally.
    """
    import asyncio
    import threading

    from bench.wsclient import first_load

    port = int(base_url.rsplit(":", 1)[1])
    out: list = []
    # In a thread of its own: a caller may already run an event loop (Playwright's sync API does).
    worker = threading.Thread(target=lambda: out.append(asyncio.run(first_load(port, "", max(timeout, 30.0)))))
    worker.start()
    worker.join()
    if not out:
        raise RuntimeError(f"the first visit to {base_url}/ did not finish")
    _, result = out[0]
    if not result.ok:
        raise RuntimeError(f"the first visit to {base_url}/ failed: {result.problem()}")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server's process group (SIGTERM, then SIGKILL after 10 s)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass
