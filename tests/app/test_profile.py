"""Explore's area profile (issue 10, item 5): trends by crime type against the county, and the profile
document offered as a download that is built only when asked for."""

from __future__ import annotations

from sdp_dash import warehouse as wh
from tests.app.conftest import assert_ok, open_page


def test_explore_shows_trends_by_type_and_offers_the_profile(con):
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
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the area profile (print-ready, A4)" in labels
    assert not any("factsheet" in label for label in labels)


def _id_of(con, label: str) -> str:
    return next(r.measure_id for r in wh.measures(con).itertuples() if r.label == label)
