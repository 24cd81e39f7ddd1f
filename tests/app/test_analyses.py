"""The three analyses (pages/analyses.py), each a page of its own since issue 18 (/outcomes,
/deprivation, /long-view): each says what it shows in words and shows the domain's figures (the same
as the CLI); the priority pages link to the ones they had, keeping the view."""

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


def _analysis_links(at) -> list[str]:
    """The pages a priority page's "More on this priority" links open (not the menu's links)."""
    return [link.proto.page for link in at.get("page_link") if ": " in link.proto.label]


def test_each_analysis_is_a_page_with_the_domains_sentences(con):
    params = {"area": codes.COUNTY, "to": "2025-12"}
    o = outcomes.outcomes(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    q = inequality.by_decile(con, codes.COUNTY, "all_crime", "2025-01", "2025-12")
    v = long_view.long_view(con, "all_crime")
    expected = {
        "outcomes": (
            "What happened next",
            (o.sentence, o.completeness),
            ("What happened to the crimes recorded", "How complete each month's outcomes are"),
        ),
        "deprivation": ("Who is most affected", (q.sentence,), ("Rates by deprivation decile",)),
        "long-view": (
            "The long view, 2003 to 2018",
            (v.sentence,),
            ("All recorded crime excluding fraud: force areas and England and Wales",),
        ),
    }
    for path, (title, sentences, subs) in expected.items():
        at = open_page(path, **params)
        assert_ok(at)
        assert at.title[0].value == title
        text = markdown_text(at)
        for sentence in sentences:
            assert md(sentence) in text, (path, sentence)
        for sub in subs:
            assert sub in _subheaders(at), (path, sub)
        assert at.query_params["area"] == codes.COUNTY
        back = [link.proto.query_string for link in at.get("page_link") if "being-safe" in link.proto.page]
        assert back and "area=E06000047" in back[0], "links back to the priority page with the view kept"
        if path == "long-view":
            captions = "\n".join(c.value for c in at.caption)
            assert "County Durham plus Darlington" in captions and "never joined" in captions


def test_priority_pages_link_to_their_analyses_with_the_view_kept():
    at = open_page("being-safe", area="AAP-durham-aap", to="2025-12", measure="burglary")
    assert_ok(at)
    links = {link.proto.page: link.proto.query_string for link in at.get("page_link") if ": " in link.proto.label}
    for path in ("outcomes", "deprivation", "long-view"):
        q = next(q for p, q in links.items() if p.endswith(path))
        assert "area=AAP-durham-aap" in q and "to=2025-12" in q and "measure=burglary" in q
    assert "What happened next" not in _headers(at), "linked, not drawn inline"


def test_tables_show_the_same_shares_as_the_export(con):
    at = open_page("outcomes", area=codes.COUNTY, to="2025-12")
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


def test_victims_links_to_who_is_most_affected_and_the_long_view_only():
    at = open_page("victims", area=codes.COUNTY, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    pages = _analysis_links(at)
    assert any(p.endswith("deprivation") for p in pages) and any(p.endswith("long-view") for p in pages)
    assert not any(p.endswith("outcomes") for p in pages)
    at = open_page("long-view", area=codes.COUNTY, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    assert "Violence and sexual offences: force areas and England and Wales" in _subheaders(at)


def test_reoffending_links_to_what_happened_next_only():
    at = open_page("reoffending", area=codes.COUNTY, to="2025-12")
    assert_ok(at)
    pages = _analysis_links(at)
    assert any(p.endswith("outcomes") for p in pages)
    assert not any(p.endswith("deprivation") or p.endswith("long-view") for p in pages)


def test_anti_social_behaviour_has_no_outcomes_and_says_so():
    at = open_page("outcomes", area=codes.COUNTY, to="2025-12", measure="anti_social_behaviour")
    assert_ok(at)
    assert "gives them no outcome" in markdown_text(at)
    assert "What happened to the crimes recorded" not in _subheaders(at)
    at = open_page("long-view", area=codes.COUNTY, to="2025-12", measure="anti_social_behaviour")
    assert_ok(at)
    assert md(long_view.series_for("anti_social_behaviour")[1]) in "\n".join(c.value for c in at.caption)


def test_a_small_area_and_a_sensitive_measure_never_show_a_small_count(con):
    lsoa = con.execute(
        "SELECT lsoa21_code FROM area_lsoa WHERE area_code = ? ORDER BY lsoa21_code LIMIT 1", [codes.COUNTY]
    ).fetchone()[0]
    at = open_page("outcomes", area=lsoa, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    o = outcomes.outcomes(con, lsoa, "violence_and_sexual_offences", "2025-01", "2025-12")
    small = {str(n) for p in o.profiles for s in p.shares if 0 < s.count < 5 for n in (s.count,)}
    shown = [t.value for t in at.table]
    for t in shown:
        if "Crimes with this outcome" in t.columns:
            assert not set(t["Crimes with this outcome"].astype(str)) & small
    at = open_page("deprivation", area=lsoa, to="2025-12", measure="violence_and_sexual_offences")
    assert_ok(at)
    assert "too few small areas" in "\n".join(c.value for c in at.caption)
