"""The edge's own pages (deploy/nginx/public/errors/: what nginx shows for 404, 429, 50x...) pass
axe-core's WCAG 2.2 A and AA rules at 1280 and 375 px, have one heading and a way home, and need
no script.  Opened as files: they are static and ask for nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE, run_axe

ERRORS = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "public" / "errors"
PAGES = sorted(ERRORS.glob("*.html"))


def test_there_is_a_page_for_each_error_nginx_answers_with():
    assert [p.name for p in PAGES] == ["400.html", "404.html", "405.html", "429.html", "50x.html"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_error_page_is_accessible(new_context, path, viewport):
    page = new_context(viewport).new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.locator("h1").count() == 1
    assert page.locator('a[href="/"]').count() == 1
    assert page.locator("script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    violations = run_axe(page)["violations"]
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    assert requests == [path.as_uri()]  # nothing else fetched
