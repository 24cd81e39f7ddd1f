"""The area profile document (issue 10, item 5; issue 18, item 10; issue 19, item 8): sdp_dash/domain/profile.py,
sdp_dash/web/profile.py and its Jinja2 template.  The PDF itself is checked in tests/browser/test_profile_print.py."""

from __future__ import annotations

import base64
import dataclasses
import re

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import codes
from sdp_dash.domain import crime, profile, words
from sdp_dash.web import profile as document

SENSITIVE = ("Violence and sexual offences", "Robbery")
_PICTURE = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">')


@pytest.fixture(scope="module")
def rcon(con):
    return wh.Remembering(con)  # the disclosure pattern of a period is worked out once, as on the app's cursor


@pytest.fixture(scope="module")
def period(con):
    months = wh.present_months(con)
    return months[-12] if len(months) >= 12 else months[0], months[-1]


@pytest.fixture(scope="module")
def board(con):
    return str(wh.areas(con, "aap")["area_code"].iloc[0])


@pytest.fixture(scope="module")
def built(rcon, board, period) -> profile.Profile:
    return profile.build(rcon, board, *period, "all_crime")


@pytest.fixture(scope="module")
def html_doc(rcon, board, period) -> str:
    return document.document(rcon, board, *period, "all_crime", "https://example.org/explore?area=" + board, ("A caveat.",))


def _pictures(doc: str) -> list[tuple[str, str]]:
    """(alt text, decoded SVG) of every picture in the document."""
    return [(alt, base64.b64decode(data).decode("utf-8")) for data, alt in _PICTURE.findall(doc)]


def _rows(doc: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", doc, re.S)]


def test_the_profile_has_the_map_and_the_trend_as_svg(html_doc):
    pictures = _pictures(html_doc)
    assert [a.split(" ")[0] for a, _ in pictures] == ["Map", "Line"], [a for a, _ in pictures]
    assert all(svg.lstrip().startswith("<svg") and "</svg>" in svg for _, svg in pictures)
    assert "@page { size: A4;" in html_doc and "break-inside: avoid" in html_doc and "break-before: page" in html_doc


def test_the_profile_has_its_sources_licence_period_notes_and_link(html_doc, board):
    assert document.LICENCE in html_doc
    assert "Open Government Licence v3.0" in html_doc and "OS data © Crown copyright" in html_doc
    assert "data.police.uk" in html_doc and "Office for National Statistics" in html_doc and "MHCLG" in html_doc
    assert "Approximate area." in html_doc  # an area board is built from small areas
    assert f"https://example.org/explore?area={board}" in html_doc
    assert "Period:" in html_doc and "A caveat." in html_doc and "Source: data.police.uk" in html_doc


def test_every_row_has_its_change_on_last_year_and_the_months_are_named(html_doc, built):
    assert built.change_months, "the test warehouse has the months a year earlier"
    assert f"change on last year: {built.change_months}" in html_doc
    shown = [r for r in built.against + built.types_against if r.area.available]
    rows = [r for r in _rows(html_doc) if r]
    assert len(rows) == len(shown)
    for row, r in zip(rows, shown, strict=True):
        assert row[0] == r.area.measure and row[1] == r.area.count_text
        assert row[-1] == built.changes[r.area.measure_id].text, row
        assert re.fullmatch(
            r"(up|down) \d+% \(.*\)|about the same \(.*\)|not shown \(small numbers\)|no comparison|.* against none|none in either year",
            row[-1],
        )


def _change(now, before, missing_before=()) -> crime.Change:
    comp = words.comparable("2025-01", "2025-12", [], list(missing_before))
    return crime.Change("Burglary", now, before, comp, "")


def test_the_change_on_last_year_in_words():
    assert profile.year_change(_change(110, 100)) == profile.YearChange("up 10% (from 100)", False)
    assert profile.year_change(_change(500, 1000)).text == "down 50% (from 1,000)"
    assert profile.year_change(_change(500, 1000)).significant
    assert profile.year_change(_change(1001, 1000)).text == "about the same (from 1,000)"
    # Only some months compared: both counts are of those months (the caption names them).
    partial = _change(40, 50, missing_before=["2024-05", "2024-06"])
    assert profile.year_change(partial).text == "down 20% (40 against 50)"
    assert profile.year_change(_change(None, None)).text == "not shown (small numbers)"
    assert profile.year_change(_change(3, 0)).text == "3 against none"
    assert profile.year_change(_change(0, 0)).text == "none in either year"
    none = dataclasses.replace(_change(None, None), comparable=words.comparable("2025-01", "2025-02", [], ["2024-01", "2024-02"]))
    assert profile.year_change(none).text == "no comparison"


def test_the_template_escapes_every_value(rcon, built):
    hostile = dataclasses.replace(
        built,
        area_name="<script>alert(1)</script> & Co\u202e",
        method="<img src=x onerror=alert(1)>",
        not_published=("It's <b>bold</b>",),
    )
    ctx = document.context(rcon, hostile, "https://example.org/?a=1&b=<x>", ("<i>caveat</i>",))
    doc = document.TEMPLATES.get_template("profile.html.j2").render(ctx)
    assert "<script>" not in doc and "<img src=x" not in doc and "<b>bold" not in doc and "<i>caveat" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in doc and "It&#39;s &lt;b&gt;bold&lt;/b&gt;" in doc
    assert "\u202e" not in doc  # bidi controls are removed (sdp_dash.web.escape.clean), then the text escaped
    assert 'href="https://example.org/?a=1&amp;b=&lt;x&gt;"' in doc
    assert "<style>" in doc and '"Source Sans Pro"' in doc  # the style sheet is the template's own, not escaped


def test_no_empty_rows(html_doc):
    cells = [c for row in _rows(html_doc) for c in row]
    assert cells
    assert not [c for c in cells if c.strip().lower() in ("no data", "", "fewer than 5", "withheld")]


def test_no_suppressed_count_is_shown(html_doc):
    for cells in _rows(html_doc):
        if cells and cells[0] in SENSITIVE:
            assert not re.fullmatch(r"[1-4]", cells[1]), cells
            assert not re.search(r"\b[1-4]\b(?! ?%)", cells[-1]), cells  # nor in the change on last year


def test_what_is_not_published_is_said_once(rcon, period):
    for lsoa in wh.areas(rcon, "lsoa")["area_code"].head(6):
        p = profile.build(rcon, lsoa, *period, "all_crime")
        withheld = [f for f in p.trend if f.area_code == lsoa and f.suppressed]
        if withheld:
            assert any("fewer than 5" in t for t in p.not_published)
        hidden = [r.area.measure for r in p.against + p.types_against if not r.area.available]
        doc = document.document(rcon, lsoa, *period, "all_crime", "x")
        assert doc.count("Not published for this area") == (1 if p.not_published else 0)
        assert not {c[0] for c in _rows(doc) if c} & set(hidden)  # a withheld figure has no row


def test_the_county_profile_has_no_comparison_with_itself(rcon, period):
    doc = document.document(rcon, codes.COUNTY, *period, "all_crime", "x")
    assert "against County Durham" not in doc and "County rate" not in doc and "rest of county" not in doc
    assert len(_pictures(doc)) == 2


def test_pdf_pages_counts_page_objects_not_the_page_tree():
    from sdp_dash.web import pdf

    doc = b"1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R]>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page /Parent 1 0 R>>"
    assert pdf.pages(doc) == 2
    assert pdf.SCALES[0] == 1.0 and list(pdf.SCALES) == sorted(pdf.SCALES, reverse=True)
