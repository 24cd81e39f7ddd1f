"""The catalogue per partnership (issue 20): the partnership's file names its catalogue and plan baselines;
a partnership with no file of its own gets the default priorities (data/partnerships/default_indicators.toml)
and no plan.  Any number of priorities (at least one), each id and page address once.

The published indicators of the default catalogue are checked against the session warehouse (the mirror's,
or the fixture world's), which holds the published tables for every North East authority.
"""

from __future__ import annotations

import re

import pytest

from sdp_dash.config import catalogue, codes, measures, partnership
from sdp_dash.domain import baselines, published
from tests.support import north_east as ne

MIDDLESBROUGH = "E06000002"
DEFAULT_FILE = partnership.PARTNERSHIPS_DIR / "default_indicators.toml"
ONE_PRIORITY = """
[[priority]]
id = "{id}"
order = 1
title = "A priority"
url_path = "{path}"
menu_title = "A priority"
summary = "What the partnership works on."
work_areas = ["Crime: all of it"]
not_measured_locally = ["Nothing else."]
{extra}
[[indicator]]
id = "all_crime"
title = "All crime"
definition = "Every crime recorded on police.uk for the area, not counting anti-social behaviour."
priority = "{id}"
work_area = "Crime"
unit = "crimes per 1,000 residents"
per = 1000
polarity = "higher_is_worse"
sources = {sources}
geographies = ["county", "lsoa"]
period_type = "monthly"
kind = "police_uk"
measure = "all_crime"
{indicator_extra}
"""


def _write(tmp_path, text: str, **fields) -> object:
    values = {"id": "crime", "path": "crime", "extra": "", "sources": '["police_uk"]', "indicator_extra": "", **fields}
    path = tmp_path / "cat.toml"
    path.write_text(text.format(**values), encoding="utf-8")
    return path


@pytest.fixture
def default_catalogue(monkeypatch) -> catalogue.Catalogue:
    """The catalogue of a partnership with no file of its own (Middlesbrough), as the app loads it."""
    monkeypatch.setenv("SDP_PARTNERSHIP", MIDDLESBROUGH)
    return catalogue.catalogue()


# --- Which catalogue -------------------------------------------------------------------------------------------


def test_county_durham_keeps_its_catalogue_and_plan():
    p = partnership.profile("E06000047")
    assert partnership.catalogue_path(p).name == "indicators.toml"
    assert partnership.baselines_path(p).name == "plan_baselines.toml"
    cat = catalogue.catalogue()
    assert cat.has_plan and len(cat.priorities) == 6 and cat.baselines
    analyses = {p.id: p.analyses for p in cat.priorities}
    assert analyses["being_safe"] == ("next", "affected", "long") and analyses["victims"] == ("affected", "long")
    assert analyses["reoffending"] == ("next",) and analyses["cyber"] == ()


def test_a_partnership_without_a_file_gets_the_default_catalogue_and_no_plan(default_catalogue, monkeypatch):
    p = partnership.profile(MIDDLESBROUGH)
    assert partnership.catalogue_path(p) == DEFAULT_FILE and partnership.baselines_path(p) is None
    assert not default_catalogue.has_plan and not catalogue.has_plan()
    assert catalogue.plan_baselines() == [] and catalogue.plan_citation() == {}
    assert default_catalogue == catalogue.load(DEFAULT_FILE, None)
    monkeypatch.setenv("SDP_PARTNERSHIP", "E06000047")  # cached per partnership: the setting can change
    assert catalogue.catalogue().has_plan and catalogue.catalogue() != default_catalogue


def test_the_default_catalogue_has_at_least_three_priorities_each_with_its_page(default_catalogue):
    prios = default_catalogue.priorities
    assert len(prios) >= 3
    assert len({p.url_path for p in prios}) == len(prios) and len({p.id for p in prios}) == len(prios)
    for p in prios:
        inds = [i for i in default_catalogue.indicators if i.priority == p.id]
        assert inds and p.summary and p.not_measured_locally and p.help, p.id
        assert len(p.menu_title) <= 28, f"{p.id}: a short menu title"
        assert {w.name for w in p.work_areas} == {i.work_area for i in inds}, f"{p.id}: every work area has a card"
        assert all(h.url.startswith("https://") for h in p.help)


def test_the_default_catalogue_uses_every_police_uk_category(default_catalogue):
    by_measure = {}
    for row in measures.load().rows():
        by_measure.setdefault(row[0], set()).add(row[6])
    police = [i for i in default_catalogue.indicators if i.kind == "police_uk"]
    singles = {i.measure for i in police if len(by_measure[i.measure]) == 1}
    assert len(codes.CRIME_TYPES) == 14
    for crime_type in codes.CRIME_TYPES:  # each category is a card of its own, once
        assert measures.type_id(crime_type) in singles, crime_type
    ids = [i.measure for i in police if len(by_measure[i.measure]) == 1]
    assert len(ids) == len(set(ids)) == 14
    for i in police:
        assert set(i.geographies) <= {"county", "division_2025", "msoa", "lsoa"}, i.id


def test_the_default_catalogue_has_no_plan_and_no_county_durham_words(default_catalogue):
    raw = DEFAULT_FILE.read_text(encoding="utf-8")
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("#"))
    for word in ("Durham", "Darlington", "electoral division", "area board", "plan"):
        assert word.lower() not in body.lower(), word
    assert not re.search(r"\b(19|20)\d\d\b", "\n".join(i.definition for i in default_catalogue.indicators))
    for i in default_catalogue.indicators:
        assert i.kind != "plan" and not i.baseline_ids and catalogue.PLAN_SOURCE not in i.sources, i.id
        assert baselines.plan_figures(i) == []


def test_every_default_published_indicator_has_rows_for_every_north_east_authority(default_catalogue, con):
    pub = [i for i in default_catalogue.indicators if i.kind == "published"]
    assert {s for i in pub for s in i.sources} >= {"fingertips_91382", "fingertips_91414", "ons_drug_poisoning_3yr"}
    for i in pub:
        assert i.indicator_ids and not i.no_official_figure, i.id
        assert {"county", "la"} <= set(i.geographies), i.id
        figs = published.figures(con, i)
        held = {f.area_code for f in figs if f.series_id == i.headline_id}
        missing = sorted(set(ne.NORTH_EAST_LAS) - held)
        assert not missing, f"{i.id}: no {i.headline_id} rows for {missing}"
        assert all(f.quality == published.OFFICIAL for f in figs), i.id


# --- The rules --------------------------------------------------------------------------------------------------


def test_one_priority_is_enough_and_any_id_will_do(tmp_path):
    cat = catalogue.load(_write(tmp_path, ONE_PRIORITY, extra='analyses = ["next"]'), None)
    assert [p.id for p in cat.priorities] == ["crime"] and cat.priorities[0].analyses == ("next",)
    assert not cat.has_plan and cat.indicator("all_crime").priority == "crime"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "Bad Id"}, "id must be"),
        ({"path": "explore"}, "another page's address"),
        ({"path": "Not A Slug"}, "not a lower-case slug"),
        ({"extra": 'analyses = ["elsewhere"]'}, "analyses must be among"),
        ({"indicator_extra": 'baseline_ids = ["x"]'}, "sdp_plan_2021_25"),
        ({"sources": '["police_uk", "sdp_plan_2021_25"]'}, r"sources = \['police_uk'\]"),
    ],
)
def test_the_loader_rejects_a_bad_priority_or_a_plan_figure_without_a_plan(tmp_path, fields, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        catalogue.load(_write(tmp_path, ONE_PRIORITY, **fields), None)


def test_no_priority_or_a_repeated_one_is_refused(tmp_path):
    text = _write(tmp_path, ONE_PRIORITY).read_text(encoding="utf-8")
    head, _, indicator = text.partition("[[indicator]]")
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="at least one"):
        catalogue.load(empty, None)
    twice = tmp_path / "twice.toml"
    twice.write_text(head + head.replace('id = "crime"', 'id = "crime_two"') + "[[indicator]]" + indicator, "utf-8")
    with pytest.raises(catalogue.CatalogueError, match="duplicate priority url_path crime"):
        catalogue.load(twice, None)
    twice.write_text(head + head.replace('url_path = "crime"', 'url_path = "crime-two"') + "[[indicator]]" + indicator)
    with pytest.raises(catalogue.CatalogueError, match="duplicate priority id crime"):
        catalogue.load(twice, None)


def test_with_no_plan_no_published_figure_is_before_the_plan(default_catalogue):
    from sdp_dash.domain.published_period import parse

    old = parse("2018/19")
    assert not old.context and "plan" not in old.age and old.age == "2019 figure"
