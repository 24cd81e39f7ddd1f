"""A visitor never sees a traceback or a server path: with the warehouse missing, empty or corrupt,
every page says plainly that the data is being updated (issue 14)."""

from __future__ import annotations

import os
import time
import urllib.request

import pytest

from tests.support.devserver import free_port, start_server, stop_server

from .conftest import APP_READY, PAGES

pytestmark = pytest.mark.browser
FORBIDDEN = ("Traceback", 'File "', "/work/", "/tmp/", "site-packages", ".py", "duckdb.", "Error:")


def _healthy(base: str, proc, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server died"
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:  # noqa: S310 - loopback only
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(base)


@pytest.fixture(params=["missing", "empty", "corrupt"])
def broken_server(request, tmp_path, artifacts):
    path = tmp_path / "sdp.duckdb"
    if request.param == "empty":
        path.write_bytes(b"")
    elif request.param == "corrupt":
        path.write_bytes(os.urandom(64 * 1024))
    port = free_port()
    proc = start_server(path, port, log_path=artifacts / f"server-{request.param}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        _healthy(base, proc)
        yield request.param, base
    finally:
        stop_server(proc)


def test_no_traceback_and_no_server_path_when_the_warehouse_is_broken(broken_server, new_context):
    kind, base = broken_server
    page = new_context().new_page()
    for path in ["", *(p for p in PAGES if p in ("explore", "being-safe", "about"))]:
        page.goto(f"{base}/{path}", timeout=60_000)
        page.wait_for_selector(APP_READY, timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator('[data-testid="stException"]').count() == 0, f"{kind} /{path}: a traceback element"
        text = page.locator('[data-testid="stMain"]').inner_text()
        for word in FORBIDDEN:
            assert word not in text, f"{kind} /{path}: {word!r} shown to the visitor: {text[:300]!r}"
        assert "being updated" in text, f"{kind} /{path}: no plain message: {text[:300]!r}"
    page.close()
