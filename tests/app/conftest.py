"""AppTest support: open any page of the app, by its address, as a shared link would.

Each view is a function registered as a callable page (``pages/site.py``).  A test runs the same
``site.run`` as ``app.py`` with the page under test as the default page, so it is reached with
public APIs only (no private AppTest attributes); the browser suite reaches pages by URL.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sdp_dash.web import cache


def _script(default: str) -> None:
    from pages import site

    site.run(default)


def open_page(url_path: str = "home", **params: str) -> AppTest:
    """Run the app at ``url_path`` ("home", "explore", "being-safe", ...) with URL parameters."""
    at = AppTest.from_function(_script, args=(url_path,), default_timeout=60)
    at.query_params.update(params)
    return at.run()


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def alt_texts(at: AppTest) -> str:
    """Every chart's and map's text alternative (sent as the element's ``alt``, read out, not printed)."""
    charts = [*at.get("vega_lite_chart"), *at.get("deck_gl_json_chart")]
    return "\n".join(c.proto.alt for c in charts if c.proto.alt)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "Safe Durham Partnership" in markdown_text(at)


@pytest.fixture(autouse=True)
def clear_caches(warehouse, monkeypatch):
    """Every test starts with empty caches (the warehouse fixture is built once), and every cache hit
    checks that no caller changed the shared value (``SDP_CACHE_CHECK``, see sdp_dash/web/cache.py)."""
    monkeypatch.setenv("SDP_CACHE_CHECK", "1")
    cache.clear()
    yield
    cache.clear()
