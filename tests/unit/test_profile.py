"""The area profile document (issue 10, item 5): sdp_dash/domain/profile.py and sdp_dash/web/profile.py."""

from __future__ import annotations

import base64
import re

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import codes
from sdp_dash.domain import crime, profile
from sdp_dash.web import profile as document

SENSITIVE = ("Violence and sexual offences", "Robbery")


@pytest.fixture(scope="module")
def period(con):
    months = wh.present_months(con)
    return months[-12] if len(months) >= 12 else months[0], months[-1]


@pytest.fixture(scope="module")
def board(con):
    return str(wh.areas(con, "aap")["area_code"].iloc[0])


@pytest.fixture(scope="module")
def html_doc(con, board, period) -> str:
    return document.document(con, board, *period, "all_crime", "https://example.org/explore?area=" + board, ("A caveat.",))


def _pictures(doc: str) -> list[tuple[str, str]]:
    """(alt text, decoded SVG) of every picture in the document."""
    found = re.findall(r"<img src='data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)' alt='([^']*)'>", doc)
    return [(alt, base64.b64decode(data).decode("utf-8")) for data, alt in found]


def test_the_profile_has_svg_charts_and_the_map(html_doc):
    pictures = _pictures(html_doc)
    assert len(pictures) >= 4, [a for a, _ in pictures]
    assert all(svg.lstrip().startswith("<svg") and "</svg>" in svg for _, svg in pictures)
    alts = " ".join(a for a, _ in pictures)
    assert "Map of" in alts and "Line chart" in alts and "Bar chart" in alts and "Small line charts" in alts
    assert "@page { size: A4; margin: 15mm; }" in html_doc and "break-inside: avoid" in html_doc


def test_the_profile_has_its_sources_licence_period_notes_and_link(html_doc, board):
    assert document.LICENCE in html_doc
    assert "Open Government Licence v3.0" in html_doc and "OS data © Crown copyright" in html_doc.replace("&#x27;", "'")
    assert "data.police.uk" in html_doc and "Office for National Statistics" in html_doc and "MHCLG" in html_doc
    assert "Approximate area." in html_doc  # an area board is built from small areas
    assert f"https://example.org/explore?area={board}" in html_doc
    assert "Period:" in html_doc and "A caveat." in html_doc


def test_no_empty_rows(html_doc):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html_doc)
    assert cells
    assert not [c for c in cells if c.strip().lower() in ("no data", "", "not shown", "fewer than 5")]


def test_no_suppressed_count_is_shown(html_doc):
    for row in re.findall(r"<tr>(.*?)</tr>", html_doc):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        if cells and cells[0] in SENSITIVE:
            assert not re.fullmatch(r"[1-4]", cells[1]), row


def test_suppressed_months_and_areas_are_withheld_from_the_chart_data(con, period):
    """At small-area level some monthly counts of violence or robbery are 1 to 4: the chart data holds no number for them."""
    lsoas = wh.areas(con, "lsoa")["area_code"].head(12)
    seen = 0
    for code in lsoas:
        figs = profile.type_trends(con, code, *period)
        frame = crime.trend_frame(figs)
        small = frame[frame["count_shown"] == "fewer than 5"]
        seen += len(small)
        assert small["rate"].isna().all() and small["count"].isna().all() and small["lower"].isna().all()
        assert set(frame["area_code"]) == {code, codes.COUNTY}
    assert seen, "the test warehouse should hold some small counts of a sensitive category"


def test_what_is_not_published_is_said_once(con, period):
    lsoa = str(wh.areas(con, "lsoa")["area_code"].iloc[0])
    p = profile.build(con, lsoa, *period, "all_crime")
    withheld = [f for f in p.trend + p.type_trend if f.area_code == lsoa and f.suppressed]
    if withheld:
        assert any("fewer than 5" in t for t in p.not_published)
    doc = document.document(con, lsoa, *period, "all_crime", "x")
    assert doc.count("Not published for this area") == (1 if p.not_published else 0)


def test_the_county_profile_has_no_comparison_with_itself(con, period):
    doc = document.document(con, codes.COUNTY, *period, "all_crime", "x")
    assert "against County Durham" not in doc and "County rate" not in doc
    assert len(_pictures(doc)) >= 4
