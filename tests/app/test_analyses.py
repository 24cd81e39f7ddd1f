"""The three analyses on the priority pages (pages/analyses.py): each section is drawn where it
belongs, says what it shows in words, and shows the domain's figures (the same as the CLI)."""

from __future__ import annotations

import numpy as np

from sdp_dash.config import codes
from sdp_dash.domain import inequality, long_view, outcomes
from sdp_dash.web.escape import md
from tests.app.conftest import assert_ok, markdown_text, open_page


def _headers(at) -> list[str]:
    return [h.value for h in at.header]


def _subheaders(at) -> list[str]:
    return [h.value for h in at.subheader]


def test_being_safe_shows_all_three_sections_with_the_domains_sentences(con):
    at = open_page("being-safe", area=codes.COUNTY, to="2025-12")
    assert_ok(at)
    heads = _headers(at)
    for title in ("What happened next", "Who is most affected", "The long view, 2003 to 2018"):
        assert title in heads
    assert heads.index("What happened next") < heads.index("What is not measured locally")
    text = markdown_text(at)
    o = outcomes.outcomes(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    q = inequality.by_decile(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    v = long_view.long_view(con, "all_crime")
    for sentence in (o.sentence, o.completeness, q.sentence, v.sentence):
        assert md(sentence) in text
    subs = _subheaders(at)
    for title in (
        "What happened to the crimes recorded",
        "How complete each month's outcomes are",
        "Rates by deprivation decile",
        "All recorded crime excluding fraud: force areas and England and Wales",
    ):
        assert title in subs
    captions = "\n".join(c.value for c in at.caption)
    assert "County Durham plus Darlington" in captions and "never joined" in captions


def test_tables_show_the_same_shares_as_the_export(con):
    at = open_page("being-safe", area=codes.COUNTY, to="2025-12")
    assert_ok(at)
    expected = outcomes.table(outcomes.outcomes(con, codes.COUNTY, "all_crime", "2025-01", "2025-12"))
    tables = [t.value for t in at.table]
    match = [t for t in tables if list(t.columns) == list(expected.columns)]
    assert match, "the outcome table is on the page"
    assert match[0].astype(str).values.tolist() == expected.astype(str).values.tolist()
    exported = outcomes.export(con, area=codes.COUNTY, start="2025-01", end="2025-12")
    shown = [c if s == "shown" else s for c, s in zip(exported["count"], exported["status"], strict=True)]
    assert [f"{c:,}" if isinstance(c, int | np.integer) else str(c) for c in shown] == [
        t.replace("not shown", "withheld") for t in expected["Crimes with this outcome"]
    ]
    page = [float(x.rstrip("%")) / 100 for x in expected["Share of crimes recorded"]]
    assert all(abs(a - b) <= 0.0006 for a, b in zip(exported["share"], page, strict=True))


def test_victims_has_who_is_most_affected_and_the_long_view_only():
    at = open_page("victims", area=codes.COUNTY, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    heads = _headers(at)
    assert "Who is most affected" in heads and "The long view, 2003 to 2018" in heads
    assert "What happened next" not in heads
    assert "Violence and sexual offences: force areas and England and Wales" in _subheaders(at)


def test_reoffending_has_what_happened_next_only():
    at = open_page("reoffending", area=codes.COUNTY, to="2025-12")
    assert_ok(at)
    heads = _headers(at)
    assert "What happened next" in heads
    assert "Who is most affected" not in heads and "The long view, 2003 to 2018" not in heads


def test_anti_social_behaviour_has_no_outcomes_and_says_so():
    at = open_page("being-safe", area=codes.COUNTY, to="2025-12", measure="anti_social_behaviour")
    assert_ok(at)
    assert "gives them no outcome" in markdown_text(at)
    assert "What happened to the crimes recorded" not in _subheaders(at)
    assert md(long_view.series_for("anti_social_behaviour")[1]) in "\n".join(c.value for c in at.caption)


def test_a_small_area_and_a_sensitive_measure_never_show_a_small_count(con):
    lsoa = con.execute(
        "SELECT lsoa21_code FROM area_lsoa WHERE area_code = ? ORDER BY lsoa21_code LIMIT 1", [codes.COUNTY]
    ).fetchone()[0]
    at = open_page("being-safe", area=lsoa, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    o = outcomes.outcomes(con, lsoa, "violence_and_sexual_offences", "2025-01", "2025-12")
    small = {str(n) for p in o.profiles for s in p.shares if 0 < s.count < 5 for n in (s.count,)}
    shown = [t.value for t in at.table]
    for t in shown:
        if "Crimes with this outcome" in t.columns:
            assert not set(t["Crimes with this outcome"].astype(str)) & small
    assert "too few small areas" in "\n".join(c.value for c in at.caption)
