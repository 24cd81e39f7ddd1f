"""Real browser: the dashboard served for another partnership (issue 20), Middlesbrough (Cleveland Police)
and Sunderland (Northumbria Police), each by a server of its own on its own warehouse (``partnership_url``).

Overview and Explore render in chromium at 1280 px with no exception or error, their charts and map drawn,
the partnership named and County Durham not; axe finds no WCAG A/AA violation.  The screenshots
(tests/artifacts/screenshots/partnership-<name>-<view>.png) are the issue's closing-note pictures.
"""

from __future__ import annotations

import pytest

from tests.conftest import FOREIGN_WORDS, PARTNERSHIPS

from .conftest import assert_content, assert_no_error, open_page, page_text, run_axe, screenshot

VIEWS = {"overview": "", "explore": "explore"}  # the name in the menu's terms -> its address


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("lad_code", sorted(PARTNERSHIPS), ids=lambda c: PARTNERSHIPS[c])
def test_partnership_view_renders_without_error_and_passes_axe(partnership_url, page, lad_code, view):
    name = PARTNERSHIPS[lad_code]
    open_page(page, f"{partnership_url(lad_code)}/{VIEWS[view]}")
    screenshot(page, f"partnership-{name.lower()}-{view}")
    assert_no_error(page)
    assert_content(page, VIEWS[view] or "overview")
    text = page_text(page)
    assert name in text
    for foreign in FOREIGN_WORDS:
        assert foreign.lower() not in text.lower(), f"{foreign!r} on {name}'s /{VIEWS[view]}"
    violations = run_axe(page)["violations"]
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
