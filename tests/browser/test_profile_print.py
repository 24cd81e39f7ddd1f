"""The area profile document prints on A4: chromium (Playwright, Debian's /usr/bin/chromium) prints it to a
PDF of 1 to 4 pages (issue 10, item 5).  The PDF is kept under tests/artifacts/ to look at."""

from __future__ import annotations

import re

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.web import profile

pytestmark = pytest.mark.browser


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_an_area_board_profile_prints_on_one_to_four_a4_pages(browser, warehouse, artifacts, tmp_path):
    con = wh.connect(warehouse)
    try:
        months = wh.present_months(con)
        board = str(wh.areas(con, "aap")["area_code"].iloc[0])
        doc = profile.document(con, board, months[-12], months[-1], "all_crime", "https://example.org/explore?area=" + board)
    finally:
        con.close()
    path = tmp_path / "profile.html"
    path.write_text(doc, encoding="utf-8")
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(path.as_uri(), wait_until="load")
        # Every picture decoded and drawn (a broken SVG has no natural width).
        assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert page.locator("img").count() >= 4
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        ctx.close()
    (artifacts / "profile.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert 1 <= _pages(pdf) <= 4, _pages(pdf)
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45]\.\d+\s+841\.\d+\s*\]", pdf), "not A4"
