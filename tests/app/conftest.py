"""AppTest support: open any page of the app, by its address, as a shared link would.

Each view is a function registered as a callable page (``pages/site.py``).  A test runs the same
``site.run`` as ``app.py`` with the page under test as the default page, so it is reached with
public APIs only (no private AppTest attributes); the browser suite reaches pages by URL.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sdp_dash.web import cache
from tests.conftest import FOREIGN_WORDS


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


def assert_ran(at: AppTest) -> None:
    """No traceback, and no friendly 'could not be shown' error either."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def assert_ok(at: AppTest) -> None:
    assert_ran(at)
    assert "Safe Durham Partnership" in markdown_text(at)


def page_words(at: AppTest) -> str:
    """Everything a visitor reads on the page: text, headings, notes, widgets' labels, options, hints and
    help, tab and expander labels, metrics, and the charts' and maps' text alternatives."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text") for e in at.get(kind)]
    parts += [e.value for kind in ("info", "success", "warning") for e in at.get(kind)]
    parts += [str(m.label) for m in at.metric] + [str(b.label) for b in at.button]
    for kind in ("selectbox", "multiselect", "radio", "select_slider", "text_input", "toggle", "checkbox"):
        for w in at.get(kind):
            parts += [str(w.label), str(getattr(w, "placeholder", "") or ""), str(getattr(w, "help", "") or "")]
            parts += [str(o) for o in getattr(w, "options", ())]
    parts += [str(t.label) for t in at.tabs] + [str(x.label) for x in at.expander]
    return "\n".join([*parts, alt_texts(at)])


def assert_partnership_page(at: AppTest, name: str) -> str:
    """A page run for a partnership other than County Durham: it ran, names the partnership, and says
    nothing of County Durham or its partnership (words follow the place).  Returns the page's words."""
    assert_ran(at)
    text = page_words(at)
    assert name in text, f"{name!r} is not on the page"
    for foreign in FOREIGN_WORDS:
        assert foreign.lower() not in text.lower(), f"{foreign!r} on {name}'s page: " + _around(text, foreign)
    return text


def _around(text: str, phrase: str, width: int = 80) -> str:
    i = text.lower().find(phrase.lower())
    return repr(text[max(0, i - width) : i + len(phrase) + width])


@pytest.fixture(autouse=True)
def clear_caches(warehouse, monkeypatch):
    """Every test starts with empty caches (the warehouse fixture is built once), and every cache hit
    checks that no caller changed the shared value (``SDP_CACHE_CHECK``, see sdp_dash/web/cache.py)."""
    monkeypatch.setenv("SDP_CACHE_CHECK", "1")
    cache.clear()
    yield
    cache.clear()
