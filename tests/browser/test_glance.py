"""Each priority page's "At a glance" summary: every row links to a card that exists on the page,
and the summary fits one screen at 1280 px and reads on a 375 px phone (screenshots saved)."""

from __future__ import annotations

import pytest

from sdp_dash.config import catalogue

from .conftest import DESKTOP, PHONE, open_page, screenshot

pytestmark = pytest.mark.browser
PRIORITIES = [p.url_path for p in catalogue.priorities()]


@pytest.mark.parametrize("path", PRIORITIES)
def test_every_glance_row_links_to_its_card(app_url, shared_context, path):
    page = shared_context(DESKTOP).new_page()
    try:
        open_page(page, f"{app_url}/{path}")
        table = page.locator("table.sdp-glance")
        assert table.count() == 1, f"/{path}: no at-a-glance table"
        links = table.locator("tbody tr td:first-child a")
        n = links.count()
        assert n == len(catalogue.indicators_for(catalogue.priority_by_path(path).id))
        for i in range(n):
            target = links.nth(i).get_attribute("href")
            assert target and target.startswith("#"), target
            assert page.locator(f"[id='{target[1:]}']").count() == 1, f"/{path}: {target} links to no card"
        box = table.bounding_box()
        assert box and box["height"] <= DESKTOP["height"], f"/{path}: the summary is {box and box['height']:.0f} px tall"
        screenshot(page, f"glance-{path}-1280")
    finally:
        page.close()


def test_glance_reads_on_a_phone(app_url, shared_context):
    page = shared_context(PHONE).new_page()
    try:
        open_page(page, f"{app_url}/being-safe")
        table = page.locator("table.sdp-glance")
        box = table.bounding_box()
        assert box and box["width"] <= PHONE["width"], "no sideways scroll on a phone"
        screenshot(page, "glance-being-safe-375")
    finally:
        page.close()
