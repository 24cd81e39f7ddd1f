"""Explore's area profile (issue 10, item 5): trends by crime type against the county, and the profile
offered as a download that is built only when asked for: a PDF of two A4 pages (issue 18, item 10), or the
print-ready HTML, said in one line, when the server cannot make the PDF."""

from __future__ import annotations

from sdp_dash import warehouse as wh
from sdp_dash.web import pdf
from tests.app.conftest import assert_ok, open_page

PDF_LABEL = "Download the area profile (PDF, 2 A4 pages)"
HTML_LABEL = "Download the area profile (print-ready HTML, A4)"


def test_explore_shows_trends_by_type_and_offers_the_profile(con, monkeypatch):
    monkeypatch.setattr(pdf, "unavailable", lambda: "")  # as on a server with chromium
    board = str(wh.areas(con, "aap")["area_code"].iloc[0])
    at = open_page("explore", area=board)
    assert_ok(at)
    picker = next(s for s in at.selectbox if s.label == "Crime type to follow month by month")
    titles = [h.value for h in at.subheader]
    assert any(t.startswith("Trend by crime type: ") and t.endswith("against the county") for t in titles), titles
    other = next(o for o in picker.options if o != picker.value)
    at = picker.select(_id_of(con, other)).run()
    assert_ok(at)
    assert f"Trend by crime type: {other}, against the county" in [h.value for h in at.subheader]
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert PDF_LABEL in buttons and HTML_LABEL not in buttons
    assert not any("factsheet" in label for label in buttons)
    assert not any("PDF cannot be made" in c.value for c in at.caption)


def test_without_chromium_the_profile_is_the_html_and_the_page_says_so(con, monkeypatch):
    monkeypatch.setattr(pdf, "unavailable", lambda: "/usr/bin/chromium is not installed")
    board = str(wh.areas(con, "aap")["area_code"].iloc[0])
    at = open_page("explore", area=board)
    assert_ok(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert HTML_LABEL in labels and PDF_LABEL not in labels
    said = [c.value for c in at.caption if "PDF cannot be made" in c.value]
    assert len(said) == 1 and "chromium is not installed" in said[0].replace("\\", ""), said


def _id_of(con, label: str) -> str:
    return next(r.measure_id for r in wh.measures(con).itertuples() if r.label == label)
