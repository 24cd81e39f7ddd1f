"""The edge (deploy/nginx/sdp.conf.template) as a visitor meets it, through `make serve`'s nginx
(the ``served`` fixture: started once for the serve tier).  Issue 19.

Only our host names are answered; no header is built from the request; the workers' internal
endpoints and addresses stay inside; the access log keeps no query string and no full address.
"""

from __future__ import annotations

import re
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.serve


def raw(port: int, request: str, timeout: float = 10.0) -> bytes:
    """Send ``request`` as written (no client library to tidy it up) and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request.replace("\n", "\r\n").encode("latin-1"))
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - loopback
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode("utf-8", "replace")


@pytest.mark.parametrize("host", ["a;script-src-elem *", "evil.example", "localhost.evil.example"])
def test_a_host_that_is_not_ours_gets_no_page_and_no_policy_from_it(served, host):
    answer = raw(served.port, f"GET / HTTP/1.1\nHost: {host}\nConnection: close\n\n").decode("latin-1")
    assert "script-src-elem" not in answer
    assert "Content-Security-Policy" not in answer
    assert "streamlit" not in answer.lower() and "Safe Durham" not in answer
    assert answer == "" or answer.startswith("HTTP/1.1 400")  # 444: closed unanswered; a malformed Host: nginx's 400


def test_our_host_gets_the_page_with_the_fixed_policy(served):
    status, headers, body = get(served.url + "/")
    assert status == 200 and "<title>" in body
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src-elem" not in policy and "127.0.0.1" not in policy  # nothing from the request's Host


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore/%6detrics", "//_stcore/metrics"])
def test_metrics_are_not_reachable_through_the_proxy(served, path):
    status, headers, body = get(served.url + path)
    assert status == 404
    assert "Community safety dashboard" in body and "content-security-policy" in headers  # our page, with the headers
    assert "# TYPE" not in body and "session" not in body.lower()


@pytest.mark.parametrize("path", ["/_stcore/script-health-check", "/_stcore/upload_file/x/y", "/_stcore/agent/openapi.json"])
def test_other_internal_endpoints_are_not_found(served, path):
    assert get(served.url + path)[0] == 404


@pytest.mark.parametrize("method", ["OPTIONS", "POST", "PUT", "DELETE"])
def test_only_get_and_head_are_answered_and_no_answer_names_a_worker(served, method):
    status, headers, body = get(served.url + "/_stcore/upload_file/x/y", method=method)
    assert status == 405
    text = "\n".join(f"{k}: {v}" for k, v in headers.items()) + body
    assert "access-control-allow-origin" not in headers
    for w in served.state["workers"]:
        assert f":{w['port']}" not in text


def test_no_answer_names_a_worker_or_its_software(served):
    ports = [f":{w['port']}" for w in served.state["workers"]]
    for path in ["/", "/_stcore/health", "/_stcore/host-config", "/media/missing.csv", "/explore/", "/static/missing.js"]:
        status, headers, body = get(served.url + path)
        text = "\n".join(f"{k}: {v}" for k, v in headers.items())
        assert not [p for p in ports if p in text], (path, text)
        assert headers.get("server") == "nginx" and "uvicorn" not in text.lower(), (path, text)
        assert "x-powered-by" not in headers


def test_errors_are_our_plain_pages_with_the_security_headers(served):
    status, headers, body = get(served.url + "/media/no-such-file.csv")
    assert status == 404
    assert '<html lang="en">' in body and "<h1>Page not found</h1>" in body and "<script" not in body
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-content-type-options"] == "nosniff"


def test_security_txt_names_a_contact_and_has_not_expired(served):
    status, headers, body = get(served.url + "/.well-known/security.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in body.splitlines() if line and not line.startswith("#"))
    assert fields["Contact"].startswith(("mailto:", "https://"))
    expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert expires > datetime.now(UTC), "deploy/nginx/public/.well-known/security.txt has expired: renew it"


def test_the_access_log_keeps_no_query_string_and_no_full_address(served):
    marker = f"/explore?area=E01020603&n={time.monotonic_ns()}"
    assert get(served.url + marker)[0] == 200
    log = served.run_dir / "nginx-access.log"
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
        if any('"GET /explore HTTP/1.1" 200' in line for line in lines):
            break
        time.sleep(0.2)
    ours = [line for line in lines if '"GET /explore HTTP/1.1" 200' in line]
    assert ours, lines[-5:]
    text = "\n".join(lines)
    assert "E01020603" not in text and "?" not in text
    assert all(re.match(r"^127\.0\.0\.0 \[", line) for line in ours), ours  # the address cut to its /24
