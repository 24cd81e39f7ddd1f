"""The edge's settings are checked before they go into nginx's configuration (sdp_dash/config/edge.py)."""

from __future__ import annotations

import pytest

from sdp_dash.config import edge


def test_the_defaults(monkeypatch):
    for name in ("SDP_SERVER_NAMES", "SDP_FRAME_ANCESTORS", "SDP_CSP_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    assert edge.template_values() == {
        "SDP_SERVER_NAMES": "localhost 127.0.0.1",
        "SDP_FRAME_ANCESTORS": "'self'",
        "SDP_CSP_SOURCES": "",
    }


@pytest.mark.parametrize("value", ["dashboard.example.org", "*.example.org www.example.org", "localhost 127.0.0.1 [::1]"])
def test_host_names_that_are_accepted(monkeypatch, value):
    monkeypatch.setenv("SDP_SERVER_NAMES", value)
    assert edge.server_names() == value.split()


@pytest.mark.parametrize("value", ["", "_", "a;script-src *", "example.org;", "${host}", "~^.*$", "exa mple.org\n}", '"x"'])
def test_host_names_that_are_refused(monkeypatch, value):
    monkeypatch.setenv("SDP_SERVER_NAMES", value)
    with pytest.raises(edge.EdgeSettingError, match="SDP_SERVER_NAMES"):
        edge.server_names()


@pytest.mark.parametrize("value", ["'self'", "'none'", "'self' https://*.durham.gov.uk", "https://intranet.example.org:8443"])
def test_frame_ancestors_that_are_accepted(monkeypatch, value):
    monkeypatch.setenv("SDP_FRAME_ANCESTORS", value)
    assert edge.frame_ancestors() == value


@pytest.mark.parametrize(
    "value",
    ["", "'self'; script-src *", "'unsafe-inline'", "'self' 'none'", 'x" always; add_header X "y', "$http_host", "a,b"],
)
def test_frame_ancestors_that_are_refused(monkeypatch, value):
    monkeypatch.setenv("SDP_FRAME_ANCESTORS", value)
    with pytest.raises(edge.EdgeSettingError, match="SDP_FRAME_ANCESTORS"):
        edge.frame_ancestors()


def test_csp_sources(monkeypatch):
    monkeypatch.setenv("SDP_CSP_SOURCES", "https://*.basemaps.cartocdn.com https://tiles.example.org/styles/")
    assert edge.csp_sources() == "https://*.basemaps.cartocdn.com https://tiles.example.org/styles/"
    for bad in ("'self'", "https://x.org; script-src *", "'unsafe-eval'"):
        monkeypatch.setenv("SDP_CSP_SOURCES", bad)
        with pytest.raises(edge.EdgeSettingError, match="SDP_CSP_SOURCES"):
            edge.csp_sources()
