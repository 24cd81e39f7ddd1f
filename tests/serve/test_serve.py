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


def _worker_has_open(pid: int, inode: int) -> bool:
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.stat(fd).st_ino == inode:
                return True
        except OSError:
            continue
    return False


def test_serve_two_workers_under_load_with_a_rebuild(served, warehouse, source_root, tmp_path):
    port, env, state = served.port, served.env, served.state
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


def _directives(policy: str) -> list[str]:
    return [" ".join(d.split()) for d in policy.split(";") if d.strip()]


def test_the_kubernetes_headers_are_the_templates_with_the_default_settings(monkeypatch, tmp_path):
    yaml = pytest.importorskip("yaml")
    from scripts import serve

    for name in ("SDP_SERVER_NAMES", "SDP_FRAME_ANCESTORS", "SDP_CSP_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    rendered = serve.render_template(serve.template_values("8080", "server 127.0.0.1:8501;", tmp_path))
    policy = re.search(r'Content-Security-Policy "([^"]+)"', rendered).group(1)
    headers = yaml.safe_load((ROOT / "deploy" / "k8s" / "ingress-nginx-headers.yaml").read_text())["data"]
    assert _directives(headers["Content-Security-Policy"]) == _directives(policy)
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert f'add_header {name} "{headers[name]}" always;' in rendered


def test_nginx_logs_are_rotated_and_kept_seven_days(tmp_path):
    from scripts import serve

    day = 86400
    now = time.time()
    log = tmp_path / "nginx-access.log"
    for k, age in ((1, 1), (2, 2), (6, 6), (7, 8)):  # yesterday's, ..., one last written 8 days ago
        old = tmp_path / f"nginx-access.log.{k}"
        old.write_text(f"day -{age}\n")
        os.utime(old, (now - age * day, now - age * day))
    log.write_text("today\n")
    serve.rotate_logs(tmp_path, now=now)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["nginx-access.log.1", "nginx-access.log.2", "nginx-access.log.3", "nginx-access.log.7"]
    assert (tmp_path / "nginx-access.log.1").read_text() == "today\n"
    assert (tmp_path / "nginx-access.log.7").read_text() == "day -6\n"


def test_the_warm_up_visits_every_page_the_browser_tests_know():
    """scripts/serve.py derives the pages itself (the product never imports the tests): the same list."""
    from scripts import serve
    from tests.support.devserver import page_paths

    assert serve.warm_paths() == ["", *(p for p in page_paths() if p != "overview")]
