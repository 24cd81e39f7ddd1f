"""`make serve`: nginx in front of two Streamlit workers, loaded through the proxy while the warehouse
is rebuilt (issue 13).  Marker ``serve``; about a minute.  Needs Debian nginx (`make serve` installs it).

The server is the ``served`` fixture (tests/serve/conftest.py), shared with tests/serve/test_edge.py.
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

from tests.serve.conftest import status

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "sdp.conf.template"
pytestmark = pytest.mark.serve
HAVE_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
TEMPLATE_VARIABLE = re.compile(r"\$\{(SDP_[A-Z_]+)\}")


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


def test_every_template_variable_is_set_by_make_serve_and_by_compose():
    """An unset variable would stay as written in the configuration (the nginx image's envsubst)."""
    yaml = pytest.importorskip("yaml")
    from scripts import serve

    used = set(TEMPLATE_VARIABLE.findall(TEMPLATE.read_text()))
    assert used == set(serve.TEMPLATE_VARS)
    proxy_env = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]["proxy"]["environment"]
    assert used <= set(proxy_env)


def test_serve_two_workers_under_load_with_a_rebuild(served, warehouse, source_root, tmp_path):
    port, env, state = served.port, served.env, served.state
    assert [w["state"] for w in state["workers"]] == ["RUNNING", "RUNNING"]
    assert {state["programs"][p]["state"] for p in ("nginx", "pool")} == {"RUNNING"}

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

    # Each worker has opened, checked and warmed the rebuilt file by itself (no restart), and serves from it.
    from bench.wsclient import Session

    async def visit(p: int) -> bool:
        async with Session(p) as s:
            return (await s.run("about", 60)).ok

    st = warehouse.stat()
    rebuilt = f":{st.st_ino}:{st.st_size}:{st.st_mtime_ns} warmed"
    for w in state["workers"]:
        log = served.run_dir / f"worker-{w['index']}.log"
        deadline = time.monotonic() + 30
        while rebuilt not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert rebuilt in log.read_text(errors="replace"), f"worker {w['index']} has not warmed the rebuilt warehouse"
        assert _in_thread(visit(w["port"])), f"worker {w['index']}: the About page failed after the rebuild"
    assert status(served.run_dir, env)["workers"] == state["workers"], "a worker was restarted"


def _directives(policy: str) -> list[str]:
    return [" ".join(d.split()) for d in policy.split(";") if d.strip()]


def test_the_kubernetes_headers_are_the_templates_with_the_default_settings(monkeypatch, tmp_path):
    yaml = pytest.importorskip("yaml")
    from scripts import serve

    for name in ("SDP_SERVER_NAMES", "SDP_FRAME_ANCESTORS", "SDP_CSP_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    rendered = serve.render_template(serve.template_values("8080", "server 127.0.0.1:8501;", "/dev/stdout"))
    policy = re.search(r'Content-Security-Policy "([^"]+)"', rendered).group(1)
    headers = yaml.safe_load((ROOT / "deploy" / "k8s" / "ingress-nginx-headers.yaml").read_text())["data"]
    assert _directives(headers["Content-Security-Policy"]) == _directives(policy)
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert f'add_header {name} "{headers[name]}" always;' in rendered


def test_supervisord_restarts_rotates_and_stops_whole_groups(tmp_path):
    """Every program of the rendered supervisord configuration: restarted with back-off, logs rotated by
    size, stopped (and killed) as a whole process group; the workers run as the serve user when given."""
    import configparser

    from scripts import serve

    conf = serve.render_supervisord(tmp_path, tmp_path / "scratch", 8080, [8601, 8602], ("nobody", 65534, 65534))
    ini = configparser.RawConfigParser(strict=True)
    ini.read(conf)
    programs = [s for s in ini.sections() if s.startswith("program:")]
    assert sorted(programs) == ["program:nginx", "program:pool", "program:worker-1", "program:worker-2"]
    for p in programs:
        assert ini[p]["autorestart"] == "true" and int(ini[p]["startretries"]) >= 3, p
        assert ini[p]["stopasgroup"] == ini[p]["killasgroup"] == "true", p
        assert ini[p]["stdout_logfile"].startswith(str(tmp_path)) and ini[p]["stdout_logfile_maxbytes"].endswith("MB"), p
        assert int(ini[p]["stdout_logfile_backups"]) >= 1, p
    assert ini["program:worker-1"]["user"] == "nobody" and "--port 8602" in ini["program:worker-2"]["command"]
    assert ini["unix_http_server"]["chmod"] == "0700" and ini["supervisord"]["umask"] == "077"
    assert int(ini["supervisord"]["logfile_backups"]) >= 1


def test_the_warm_up_computes_every_page_the_browser_tests_know():
    """The worker's in-process warm-up (sdp_dash/web/warm.py) has the same page list as the browser
    tests (the product never imports the tests), and a step for each page."""
    from sdp_dash.web import warm
    from tests.support.devserver import page_paths

    assert warm.page_paths() == ["", *(p for p in page_paths() if p != "overview")]
    steps = {page for page, _call in warm._steps("E06000047", "2025-01", "2025-12", "all_crime")}
    assert steps == set(warm.page_paths())


def test_the_product_no_longer_speaks_streamlits_websocket_protocol():
    assert not (ROOT / "scripts" / "wsclient.py").exists()
    for path in [*ROOT.glob("scripts/*.py"), *ROOT.glob("sdp_dash/**/*.py"), *ROOT.glob("deploy/**/*")]:
        if path.is_file():
            assert "wsclient" not in path.read_text(errors="replace"), path


def test_nginx_workers_and_app_workers_run_without_root_when_started_as_root(served):
    """Run as root, nginx's worker processes run as the serve user (SDP_SERVE_USER, default nobody); the
    workers too, unless the test machine's Python is one only root can run (serve_env then keeps them root)."""
    if os.geteuid() != 0:
        pytest.skip("started without root: nothing to drop")
    master = served.state["programs"]["nginx"]["pid"]
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert children, "nginx has no worker processes"
    for pid in children:
        uid = int(
            next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:")).split()[1]
        )
        assert uid != 0, f"nginx worker {pid} runs as root"
    if served.env.get("SDP_SERVE_USER") != "root":
        for w in served.state["workers"]:
            assert Path(f"/proc/{w['pid']}").stat().st_uid != 0, f"worker {w['index']} runs as root"


def test_the_in_process_warm_up_fills_the_caches_the_pages_read(warehouse, monkeypatch):
    """warm() computes every default view's figures through the pages' own cached calls without a
    problem; a second warm-up (what a page run then does) finds them all computed."""
    from sdp_dash.web import connection, warm

    monkeypatch.setenv("SDP_WAREHOUSE", str(warehouse))
    monkeypatch.setattr(connection, "_current", None)
    problems, cold = warm.warm()
    assert problems == []
    problems, hot = warm.warm()
    assert problems == [] and hot < cold / 5, (cold, hot)
