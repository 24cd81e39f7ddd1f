"""The indicator catalogue, the plan baselines and what the priority pages compute from a warehouse.

Runs on the session warehouse: the open-data mirror's (SDP_MIRROR set) or the synthetic fixtures'
(which hold rows for every published indicator of the catalogue, and a complete 2025).
"""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, codes, partnership
from sdp_dash.config.months import default_start
from sdp_dash.domain import baselines, crime, indicator_cards, published, stats
from tests.support import north_east as ne

CAT = catalogue.catalogue()
POLICE = [i for i in CAT.indicators if i.kind == "police_uk"]
PUBLISHED = [i for i in CAT.indicators if i.kind == "published"]
SENSITIVE = [i for i in POLICE if i.sensitive]
DURHAM_AAP = "AAP-durham-aap"
DURHAM_PRIORITIES = ["being_safe", "victims", "prevent", "reoffending", "alcohol_drugs", "cyber"]  # the plan's six


@pytest.fixture(scope="module")
def period(con) -> tuple[str, str]:
    """The latest fully covered 12 months."""
    end = wh.latest_month(con)
    start = default_start(end)
    assert not wh.missing_months(con, codes.COUNTY, start, end), "the test warehouse should cover the latest 12 months"
    return start, end


# --- The catalogue on its own -------------------------------------------------------------------------------


def test_six_priorities_each_with_indicators_work_areas_and_plain_statements():
    assert partnership.code() == codes.COUNTY == "E06000047" and catalogue.catalogue().has_plan
    assert [p.id for p in catalogue.priorities()] == DURHAM_PRIORITIES
    for p in catalogue.priorities():
        assert catalogue.indicators_for(p.id), p.id
        assert p.work_areas and p.summary and p.not_measured_locally
        assert catalogue.priority_by_path(p.url_path) == p
    with pytest.raises(LookupError):
        catalogue.indicators_for("no_such_priority")


def test_every_priority_has_its_own_address():
    """pages/site.py registers one page per priority at its url_path (the app tests open each)."""
    paths = [p.url_path for p in catalogue.priorities()]
    assert len(set(paths)) == len(paths)
    assert not set(paths) & {"home", "overview", "explore", "compare", "about"}


def test_every_indicator_has_definition_unit_polarity_sources():
    for i in CAT.indicators:
        assert len(i.definition) > 30, i.id
        assert i.unit and i.sources and i.geographies, i.id
        assert i.polarity in catalogue.POLARITIES and i.period_type in catalogue.PERIOD_TYPES, i.id


def test_help_links_where_the_brief_needs_them():
    urls = {p.id: " ".join(h.url for h in p.help) for p in catalogue.priorities()}
    assert "act.campaign.gov.uk" in urls["prevent"]
    assert "actionfraud.police.uk" in urls["cyber"] and "ncsc.gov.uk" in urls["cyber"]


def test_required_coverage():
    measures = {i.priority: set() for i in CAT.indicators}
    for i in POLICE:
        measures[i.priority].add(i.measure)
    assert {
        "anti_social_behaviour",
        "criminal_damage_and_arson",
        "burglary",
        "vehicle_crime",
        "public_order",
        "shoplifting",
    } <= measures["being_safe"]
    assert {"violence_and_sexual_offences", "robbery"} <= measures["victims"]
    assert "drugs" in measures["alcohol_drugs"]
    sources = {s for i in CAT.indicators for s in i.sources}
    for s in (
        "fingertips_91382",
        "fingertips_91414",
        "ons_drug_poisoning_registrations",
        "ons_drug_poisoning_3yr",
        "ons_drug_misuse_3yr",
        "transcribed_terrorism",
        "transcribed_fraud",
    ):
        assert s in sources, s
    for i in catalogue.indicators_for("prevent"):  # national figures only, no invented local ones
        assert set(i.geographies) == {"country"}, i.id


def test_loader_rejects_a_bad_entry(tmp_path):
    raw = partnership.catalogue_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(raw.replace('polarity = "higher_is_worse"', 'polarity = "up_is_bad"', 1), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="polarity"):
        catalogue.load(bad)
    bad.write_text(raw.replace('work_area = "Safer homes"', 'work_area = "Somewhere else"', 1), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="work area"):
        catalogue.load(bad)


def test_loader_wants_a_declared_headline_series(tmp_path):
    raw = partnership.catalogue_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    line = 'headline_series = "council_related_anti_social_behaviour_incidents_environmental_nuisance_personal"\n'
    assert line in raw
    bad.write_text(raw.replace(line, ""), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="headline_series"):
        catalogue.load(bad)
    bad.write_text(raw.replace(line, 'headline_series = "no_such_series"\n'), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="not one of its indicator_ids"):
        catalogue.load(bad)


# --- The catalogue against the warehouse ----------------------------------------------------------------------


def test_catalogue_matches_the_warehouse(con):
    assert published.check_against_warehouse(con) == []


def test_every_measure_exists_and_sensitivity_agrees(con):
    measures = wh.measure_sensitivity(con)
    for i in POLICE:
        assert i.measure in measures, i.id
        assert measures[i.measure] == i.sensitive, i.id
    assert {i.measure for i in SENSITIVE} >= {"violence_and_sexual_offences", "robbery"}


def test_published_geographies_match_the_data(con):
    for i in PUBLISHED:
        levels = {f.area_level for f in published.figures(con, i)}
        assert levels <= set(i.geographies), (i.id, levels)


def test_check_finds_a_press_row_named_as_official(con, monkeypatch):
    fire = CAT.indicator("deliberate_fires")
    broken = dataclasses.replace(fire, indicator_ids=fire.pointer_ids, pointer_ids=())
    fake = dataclasses.replace(CAT, indicators=(broken,))
    monkeypatch.setattr(published, "catalogue", lambda: fake)
    assert any("put it in pointer_ids" in p for p in published.check_against_warehouse(con))


# --- police.uk indicators: every number a Figure ---------------------------------------------------------------


@pytest.mark.parametrize("i", POLICE, ids=lambda i: i.id)
def test_police_card_for_county_and_area_board(con, period, i):
    for code in (codes.COUNTY, DURHAM_AAP):
        card = indicator_cards.police_card(con, i.id, code, *period)
        fig = card.figure
        assert fig.area_code == code and fig.measure_id == i.measure and fig.period.standard
        assert fig == crime.figure(con, code, i.measure, *period)
        shown = [f.area_code for f in card.figures]
        if code == codes.COUNTY:
            assert shown == [codes.COUNTY, ne.DARLINGTON, *ne.FORCES]
        else:  # the area, the rest of the county it is compared with (unless withheld), then the county's comparators
            assert shown[0] == code and shown[-5:] == [codes.COUNTY, ne.DARLINGTON, *ne.FORCES]
        assert len(card.monthly) == 24
        if fig.available:
            assert fig.lower <= fig.rate <= fig.upper
            assert fig.rate == pytest.approx(fig.count / fig.population * 1000)


def test_the_force_area_is_the_county_and_darlington(con, period):
    card = indicator_cards.police_card(con, "anti_social_behaviour", codes.COUNTY, *period)
    by = {f.area_code: f.count for f in card.figures}
    assert by[ne.DURHAM_FORCE] == by[codes.COUNTY] + by[ne.DARLINGTON]


def test_a_period_with_missing_months_is_annualised_not_blank(con):
    """Issue 9: /being-safe?area=AAP-stanley-aap&to=2025-09 went blank ('not available', empty charts)."""
    present = wh.present_months(con)
    end = present[-1]
    start = default_start(end)
    gaps = [m for m in crime.period(con, codes.COUNTY, default_start("2024-09"), "2024-09").missing]
    if not gaps:
        pytest.skip("no missing month in this warehouse")
    card = indicator_cards.police_card(con, "burglary", codes.COUNTY, default_start("2024-09"), "2024-09")
    fig = card.figure
    assert fig.available and fig.rate is not None and "annualised from" in fig.note
    assert any(f.rate for f in card.monthly)
    assert indicator_cards.police_card(con, "burglary", codes.COUNTY, start, end).figure.available


@pytest.mark.parametrize("i", SENSITIVE, ids=lambda i: i.id)
def test_sensitive_small_counts_never_shown_month_by_month(con, period, i):
    raw = wh.counts_by_area_type(con, "lsoa", i.measure, *period).set_index("area_code")["count"]
    small = raw[(raw > 0) & (raw < stats.SUPPRESS_BELOW)].index
    assert len(small) > 0, "expected some LSOAs with 1-4 crimes to test suppression"
    card = indicator_cards.police_card(con, i.id, small[0], *period)
    assert card.figure.count_text == "fewer than 5" and card.figure.rate is None
    for f in card.monthly:
        assert f.shown_count is None or not 0 < f.shown_count < stats.SUPPRESS_BELOW
    frame = crime.frame(list(card.monthly))
    shown = frame["count"].dropna()
    assert not ((shown > 0) & (shown < stats.SUPPRESS_BELOW)).any()


# --- Published indicators ------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", [i for i in PUBLISHED if i.indicator_ids], ids=lambda i: i.id)
def test_published_figures_have_quality_source_and_a_headline(con, i):
    figs = published.figures(con, i)
    assert figs
    assert {f.series_id for f in figs} <= set(i.indicator_ids)
    assert all(f.quality in (published.OFFICIAL, published.TRANSCRIBED, published.SECONDARY) for f in figs)
    assert all(f.area_name and f.unit and f.source_title for f in figs)
    head = published.headline(i, figs)
    assert head is not None and head.series_id == i.headline_id
    if "county" in i.geographies and any(f.area_code == codes.COUNTY and f.series_id == i.headline_id for f in figs):
        assert head.area_code == codes.COUNTY
    same = [f for f in figs if f.series_id == head.series_id and f.place == head.place]
    assert head.period.order == max(f.period.order for f in same)
    for f in figs:  # the quoted series are secondary quotations, never official
        assert (f.quality == published.SECONDARY) == (f.series_id in i.quoted_ids), (i.id, f.series_id)


def test_press_rows_are_never_figures_only_pointers(con):
    quality = wh.indicator_qualities(con)
    seen = 0
    for i in PUBLISHED:
        assert all(quality[s] == "official" for s in i.indicator_ids), i.id
        assert all(f.quality != published.PRESS for f in published.figures(con, i))
        ptrs = published.pointers(con, i)
        if i.pointer_ids:
            assert ptrs and {p.quality for p in ptrs} <= {published.PRESS, published.SECONDARY}, i.id
            assert all("not as an official figure" in published.pointer_caveat(p) for p in ptrs)
            seen += len(ptrs)
    assert seen > 0


def test_deliberate_fires_says_plainly_no_official_figure(con):
    fires = CAT.indicator("deliberate_fires")
    assert published.figures(con, fires) == []
    card = indicator_cards.published_card(con, fires.id)
    assert card.head is None and "No official figure" in fires.no_official_figure
    assert {p.quality for p in card.pointers} == {published.PRESS}


def test_alcohol_sits_beside_england_and_the_north_east(con):
    figs = published.figures(con, "alcohol_related_mortality")
    places = {f.area_code for f in figs}
    assert {codes.COUNTY, codes.ENGLAND} <= places and set(ne.NORTH_EAST_LAS) <= places


def test_reoffending_sits_beside_the_national_figure(con):
    card = indicator_cards.published_card(con, "proven_reoffending_adult")
    assert "England and Wales" in card.comparison


def test_terrorism_arrests_are_great_britain_only(con):
    assert {f.area_code for f in published.figures(con, "terrorism_arrests_gb")} == {codes.GREAT_BRITAIN}


# --- Plan figures and "since the plan" --------------------------------------------------------------------------


def test_baselines_cite_the_plan():
    raw = tomllib.loads(partnership.baselines_path().read_text(encoding="utf-8"))
    assert raw["plan"]["title"] == "Safe Durham Partnership Plan 2021-25"
    assert "Durham County Council" in raw["plan"]["publisher"]
    for b in catalogue.plan_baselines():
        cite = b.citation(catalogue.plan_citation())
        assert "Safe Durham Partnership Plan 2021-25" in cite and "Durham County Council" in cite and b.section in cite
        assert b.comparable or b.reason
        assert b.source or not b.measure


def test_baselines_hold_the_plan_figures():
    by_id = {b.id: b for b in catalogue.plan_baselines()}
    assert (by_id["crime_rate_2019_20"].value, by_id["crime_rate_2019_20"].period) == (93, "12 months to September 2020")
    assert by_id["crime_rate_2018_20"].value == 97
    assert by_id["crimes_per_year"].value == 51000
    assert by_id["violence_and_sexual_offences_rate_2018_19"].value == 40.7
    asb = by_id["asb_rate_2019_20"]
    assert asb.value == 58 and asb.measure == "anti_social_behaviour" and not asb.comparable and "council" in asb.reason.lower()


def test_since_the_plan_beside_police_uk(con, period):
    rows = {s.baseline.id: s for s in baselines.since_plan(con, [b.id for b in catalogue.plan_baselines()], *period)}
    current = crime.figure(con, codes.COUNTY, "all_crime", *period)
    crime_rate = rows["crime_rate_2019_20"]
    assert crime_rate.current == current and crime_rate.current_value == pytest.approx(current.rate)
    assert rows["crime_rate_monthly"].current_value == pytest.approx(current.rate / 12)
    assert rows["crimes_per_year"].current_value == pytest.approx(current.count)
    assert "Safe Durham Partnership Plan 2021-25" in crime_rate.citation
    asb = rows["asb_rate_2019_20"]
    assert asb.compared == "not comparable" and asb.words.startswith("Not comparable")
    for s in rows.values():
        assert "lower than the plan" not in s.words and "higher than the plan" not in s.words
        if s.compared == "across different sources":
            assert "different sources" in s.words


@pytest.mark.parametrize("i", [i for i in CAT.indicators if i.kind == "plan"], ids=lambda i: i.id)
def test_plan_indicators_show_cited_figures(i):
    figs = baselines.plan_figures(i)
    assert len(figs) == len(i.baseline_ids)
    assert all("Safe Durham Partnership Plan 2021-25" in f.citation for f in figs)


@pytest.mark.parametrize("p", DURHAM_PRIORITIES)
def test_every_indicator_has_a_row_at_a_glance(con, period, p):
    rows = indicator_cards.glance(con, p, codes.COUNTY, *period)
    assert [r.indicator_id for r in rows] == [i.id for i in catalogue.indicators_for(p)]
    for r, i in zip(rows, catalogue.indicators_for(p), strict=True):
        assert r.title == i.title and r.value and r.comparison, i.id
        assert r.anchor == indicator_cards.anchor(i.id)
        assert r.change and r.plan and r.age, i.id
        if i.kind == "plan" or (i.kind == "published" and r.value != "no official figure held"):
            assert r.quality or r.age != "current", i.id
        for cell in (r.value, r.comparison, r.change, r.plan, r.age):
            assert len(cell) <= 48, f"{i.id}: a glance cell is one short line: {cell!r}"
        assert len(r.months) <= 60, f"{i.id}: the months under a change are one short line: {r.months!r}"
        assert r.area or r.value == "no official figure held", f"{i.id}: every figure names its area"
