"""The indicator catalogue, the plan baselines and the priority-page computations."""

from __future__ import annotations

import dataclasses
import tomllib

import pandas as pd
import pytest

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, codes
from sdp_dash.domain import published as ind
from sdp_dash.domain import stats

CAT = catalogue.catalogue()
POLICE = [i for i in CAT.indicators if i.kind == "police_uk"]
PUBLISHED = [i for i in CAT.indicators if i.kind == "published"]
SENSITIVE = [i for i in POLICE if i.sensitive]
DURHAM_AAP = "AAP-durham-aap"


@pytest.fixture(scope="module")
def con(warehouse):
    """The session warehouse: the open-data mirror's, or the synthetic fixtures' (which hold rows for every
    published indicator of the catalogue, and a complete 2025)."""
    c = wh.connect(warehouse)
    yield c
    c.close()


@pytest.fixture(scope="module")
def division_2025(con) -> str:
    return con.execute("SELECT min(area_code) FROM areas WHERE area_type = 'division_2025'").fetchone()[0]


@pytest.fixture(scope="module")
def period(con) -> tuple[str, str]:
    """The latest fully covered 12 months."""
    end = wh.latest_month(con)
    start = ind._shift(end, -11)
    assert not wh.missing_months(con, codes.COUNTY, start, end), "the test warehouse should cover the latest 12 months"
    return start, end


# --- The catalogue on its own -------------------------------------------------------------------------------


def test_six_priorities_each_with_indicators_work_areas_and_plain_statements():
    assert [p.id for p in catalogue.priorities()] == list(catalogue.PRIORITY_IDS)
    for p in catalogue.priorities():
        assert catalogue.indicators_for(p.id), p.id
        assert p.work_areas and p.summary and p.not_measured_locally
        assert catalogue.priority_by_path(p.url_path) == p
    with pytest.raises(LookupError):
        catalogue.indicators_for("no_such_priority")


def test_every_priority_has_its_page_file_and_every_page_file_a_priority():
    """app.py registers pages/<url_path>.py for each priority; a stray or missing file would be a broken link."""
    from sdp_dash.config.settings import PROJECT_ROOT

    paths = {p.url_path for p in catalogue.priorities()}
    fixed = {"overview", "explore", "compare", "about", "priority"}
    files = {f.stem for f in (PROJECT_ROOT / "pages").glob("*.py")}
    assert files - fixed == paths
    for path in paths:
        assert "priority.render_path(Path(__file__).stem)" in (PROJECT_ROOT / "pages" / f"{path}.py").read_text()


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
    # Prevent: national figures only, no invented local ones
    for i in catalogue.indicators_for("prevent"):
        assert set(i.geographies) == {"country"}, i.id


def test_loader_rejects_a_bad_entry(tmp_path):
    raw = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(raw.replace('polarity = "higher_is_worse"', 'polarity = "up_is_bad"', 1), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="polarity"):
        catalogue.load(bad)
    bad.write_text(raw.replace('work_area = "Safer homes"', 'work_area = "Somewhere else"', 1), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="work area"):
        catalogue.load(bad)


# --- The catalogue against the warehouse ----------------------------------------------------------------------


def test_catalogue_matches_the_warehouse(con):
    assert ind.check_against_warehouse(con) == []


def test_every_source_exists_in_the_warehouse(con):
    source_ids = {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}
    for i in CAT.indicators:
        for s in i.sources:
            if s == catalogue.POLICE_UK:
                assert any(x.startswith("police_uk_") for x in source_ids)
            elif s == catalogue.PLAN_SOURCE:
                assert i.baseline_ids, i.id
            else:
                assert s in source_ids, (i.id, s)


def test_every_measure_exists_and_sensitivity_agrees(con):
    measures = dict(con.execute("SELECT measure_id, bool_or(sensitive) FROM measures GROUP BY 1").fetchall())
    for i in POLICE:
        assert i.measure in measures, i.id
        assert measures[i.measure] == i.sensitive, i.id
    assert {i.measure for i in SENSITIVE} >= {"violence_and_sexual_offences", "robbery"}


def test_every_published_id_has_rows_from_a_listed_source(con):
    for i in PUBLISHED:
        for series in (*i.indicator_ids, *i.pointer_ids):
            rows = con.execute("SELECT DISTINCT source_id FROM indicator_values WHERE indicator_id = ?", [series]).fetchall()
            assert rows, (i.id, series)
            assert {r[0] for r in rows} <= set(i.sources), (i.id, series)


def test_published_geographies_match_the_data(con):
    for i in PUBLISHED:
        if not i.indicator_ids:
            continue
        levels = set(ind.published_values(con, i)["area_level"])
        assert levels <= set(i.geographies), (i.id, levels)


def test_check_finds_a_press_row_named_as_official(con, monkeypatch):
    fire = CAT.indicator("deliberate_fires")
    broken = dataclasses.replace(fire, indicator_ids=fire.pointer_ids, pointer_ids=())
    fake = dataclasses.replace(CAT, indicators=(broken,))
    monkeypatch.setattr(ind, "catalogue", lambda: fake)
    assert any("put it in pointer_ids" in p for p in ind.check_against_warehouse(con))


# --- police.uk computations ------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", POLICE, ids=lambda i: i.id)
def test_police_figure_for_county_aap_and_division(con, period, division_2025, i):
    for code in (codes.COUNTY, DURHAM_AAP, division_2025):
        df = ind.police_figure(con, i, code, *period)
        assert len(df) == 1
        row = df.iloc[0]
        assert row["complete"] and row["population"] > 0 and row["unit"] == i.unit
        if not row["suppressed"]:
            assert row["lower"] <= row["rate"] <= row["upper"]
            assert row["rate"] == pytest.approx(row["count"] / row["population"] * 1000)
    county = ind.police_figure(con, i, codes.COUNTY, *period).iloc[0]
    assert county["count"] > 0 and county["period_label"].startswith("12 months to ")


def test_police_series_keeps_missing_months(con):
    df = ind.police_series(con, "burglary", codes.COUNTY)
    present = df[df["status"] == "present"]
    assert not present.empty and present["count"].notna().all()
    expected = wh.missing_months(con, codes.COUNTY, df["month"].iloc[0], df["month"].iloc[-1])
    assert df.loc[df["status"] == "missing", "month"].tolist() == expected
    assert df.loc[df["status"] == "missing", "count"].isna().all()


def test_police_comparators_are_the_county_darlington_and_three_forces(con, period):
    df = ind.police_comparators(con, "anti_social_behaviour", *period, area_code=DURHAM_AAP)
    assert df["area_code"].tolist() == [DURHAM_AAP, codes.COUNTY, codes.DARLINGTON, *codes.FORCES]
    assert (df["rate"] > 0).all()
    assert set(df.loc[df["area_code"] != codes.COUNTY, "comparison"]) <= {"higher", "similar", "lower", "not compared"}
    # the force area containing the county has more crime than the county alone
    counts = df.set_index("area_code")["count"]
    assert counts["E23000008"] == counts[codes.COUNTY] + counts[codes.DARLINGTON]


def test_police_by_area_covers_every_division(con, period):
    df = ind.police_by_area(con, "drug_offences", "division_2025", *period)
    n = con.execute("SELECT count(*) FROM areas WHERE area_type = 'division_2025'").fetchone()[0]
    assert len(df) == n
    assert df["count"].sum() == ind.police_figure(con, "drug_offences", codes.COUNTY, *period)["count"].iloc[0]
    with pytest.raises(ValueError):
        ind.police_by_area(con, "drug_offences", "la", *period)


def test_an_incomplete_period_is_not_computed(con):
    missing = con.execute("SELECT strftime(min(month), '%Y-%m') FROM coverage WHERE status = 'missing'").fetchone()[0]
    if missing is None:
        pytest.skip("no missing month in this warehouse")
    row = ind.police_figure(con, "burglary", codes.COUNTY, missing, missing).iloc[0]
    assert not row["complete"] and pd.isna(row["count"]) and pd.isna(row["rate"])
    assert row["count_label"] == "not available"


# --- Sensitive measures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", SENSITIVE, ids=lambda i: i.id)
def test_sensitive_small_counts_are_suppressed_in_lsoas(con, i):
    df = ind.police_by_area(con, i, "lsoa", *ind._default_period(con, None, None))
    raw = wh.counts_by_area_type(con, "lsoa", i.measure, *ind._default_period(con, None, None)).set_index("area_code")["count"]
    small = raw[(raw > 0) & (raw < stats.SUPPRESS_BELOW)].index
    assert len(small) > 0, "expected some LSOAs with 1-4 crimes to test suppression"
    shown = df.set_index("area_code")
    assert shown.loc[small, "suppressed"].all()
    assert (shown.loc[small, "count_label"] == "fewer than 5").all()
    assert shown.loc[small, "count"].isna().all() and shown.loc[small, "rate"].isna().all()
    assert (shown.loc[small, "comparison"] == "not compared").all()
    # a true zero stays 0, never 'fewer than 5'
    zeros = raw[raw == 0].index
    assert (shown.loc[zeros, "count_label"] == "0").all()
    # month by month in one of those LSOAs: no value 1-4 ever shown
    series = ind.police_series(con, i, small[0])
    shown_counts = series["count"].dropna()
    assert not ((shown_counts > 0) & (shown_counts < stats.SUPPRESS_BELOW)).any()
    assert (series.loc[series["suppressed"], "status"] == "suppressed").all()


@pytest.mark.parametrize("i", SENSITIVE, ids=lambda i: i.id)
def test_sensitive_measures_never_return_points(con, i):
    with pytest.raises(catalogue.NotShownError):
        ind.police_points(con, i, codes.COUNTY)


def test_a_non_sensitive_measure_has_points(con, period):
    pts = ind.police_points(con, "burglary", DURHAM_AAP, *period)
    assert not pts.empty and pts["longitude"].notna().all()


# --- Published tables --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", [i for i in PUBLISHED if i.indicator_ids], ids=lambda i: i.id)
def test_published_values_are_official_and_tidy(con, i):
    df = ind.published_values(con, i)
    assert not df.empty
    assert (df["quality"] == "official").all()
    assert df["area_name"].notna().all() and df["unit"].notna().all() and df["source_title"].notna().all()
    assert set(df["series_id"]) <= set(i.indicator_ids)
    if "county" in i.geographies:
        assert (df["area_code"] == codes.COUNTY).any()
    comp = ind.published_comparators(con, i)
    assert not comp.empty


def test_press_rows_are_never_figures_only_pointers(con):
    quality = dict(con.execute("SELECT indicator_id, any_value(quality) FROM indicator_values GROUP BY 1").fetchall())
    pointers_seen = 0
    for i in CAT.indicators:
        if i.kind == "published":
            assert all(quality[s] == "official" for s in i.indicator_ids), i.id
            assert (ind.published_values(con, i)["quality"] == "official").all()
        p = ind.published_pointers(con, i)
        if i.pointer_ids:
            assert not p.empty and set(p["quality"]) <= {"press", "secondary"}, i.id
            assert p["caveat"].str.contains("not as an official figure").all()
            pointers_seen += len(p)
    assert pointers_seen > 0
    # every press / secondary row in the warehouse is either a pointer or not in the catalogue at all
    official_ids = {s for i in PUBLISHED for s in i.indicator_ids}
    press_ids = {k for k, v in quality.items() if v != "official"}
    assert not press_ids & official_ids


def test_deliberate_fires_says_plainly_no_official_figure(con):
    fires = CAT.indicator("deliberate_fires")
    assert ind.published_values(con, fires).empty
    assert "No official figure" in fires.no_official_figure
    assert (ind.published_pointers(con, fires)["quality"] == "press").all()
    card = ind.headline(con, fires)
    assert card["value"] is None and card["value_label"] == "No official figure held"


def test_alcohol_compares_county_durham_with_north_east_and_england(con):
    comp = ind.published_comparators(con, "alcohol_related_mortality")
    codes = set(comp["area_code"])
    assert codes.COUNTY in codes and codes.ENGLAND in codes
    assert set(codes.NORTH_EAST_LAS) <= codes
    assert comp["period"].nunique() == 1
    england = comp[comp["area_code"] == codes.ENGLAND].iloc[0]
    assert england["difference"] == pytest.approx(england["value"] - england["county_value"])
    assert comp.loc[comp["area_level"] == "la", "rank_among_authorities"].notna().all()


def test_reoffending_sits_beside_the_national_figure(con):
    comp = ind.published_comparators(con, "proven_reoffending_adult")
    national = comp[comp["area_code"] == codes.ENGLAND_AND_WALES]
    assert len(national) == 1 and national["county_value"].notna().all()


def test_terrorism_arrests_are_great_britain_only(con):
    df = ind.published_values(con, "terrorism_arrests_gb")
    assert set(df["area_code"]) == {codes.GREAT_BRITAIN}
    assert df["period_order"].is_monotonic_increasing


def test_period_order():
    assert ind.period_order("2008/09") == 200800
    assert ind.period_order("2007-2009") == 200900
    assert ind.period_order("year ending 31 Mar 2024") == 202403
    assert ind.period_order("not stated on page") is None


def test_statistical_neighbours_when_the_file_is_available(con):
    nbrs = ind.statistical_neighbours(con)
    if nbrs.empty:
        pytest.skip("no neighbours table or ONS file in this source folder")
    assert nbrs["rank"].tolist() == list(range(1, len(nbrs) + 1))
    assert codes.COUNTY not in set(nbrs["area_code"])


# --- Plan figures and "since the plan" --------------------------------------------------------------------------


def test_baselines_cite_the_plan():
    raw = tomllib.loads(catalogue.BASELINES_PATH.read_text(encoding="utf-8"))
    assert raw["plan"]["title"] == "Safe Durham Partnership Plan 2021-25"
    assert "Durham County Council" in raw["plan"]["publisher"]
    for b in catalogue.plan_baselines():
        cite = b.citation(catalogue.plan_citation())
        assert "Safe Durham Partnership Plan 2021-25" in cite and "Durham County Council" in cite and b.section in cite
        assert b.comparable or b.reason


def test_baselines_hold_the_plan_figures():
    by_id = {b.id: b for b in catalogue.plan_baselines()}
    assert (by_id["crime_rate_2019_20"].value, by_id["crime_rate_2019_20"].period) == (93, "12 months to September 2020")
    assert by_id["crime_rate_2018_20"].value == 97
    assert by_id["violence_and_sexual_offences_rate_2018_19"].value == 40.7
    asb = by_id["asb_rate_2019_20"]
    assert asb.value == 58 and asb.measure == "anti_social_behaviour" and not asb.comparable and "council" in asb.reason.lower()


def test_since_the_plan(con, period):
    df = ind.since_plan(con).set_index("baseline_id")
    crime = df.loc["crime_rate_2019_20"]
    current = ind.police_figure(con, "all_crime", codes.COUNTY, *period).iloc[0]
    assert crime["current_value"] == pytest.approx(current["rate"])
    assert crime["current_vs_plan"] in {"higher", "similar", "lower"}
    assert "Safe Durham Partnership Plan 2021-25" in crime["citation"]
    monthly = df.loc["crime_rate_monthly"]
    assert monthly["current_value"] == pytest.approx(current["rate"] / 12)
    asb = df.loc["asb_rate_2019_20"]
    assert pd.isna(asb["current_value"]) and asb["current_vs_plan"] == "not compared" and asb["reason"]
    for bid, row in df.iterrows():
        assert row["comparable"] == pd.notna(row["current_value"]), bid


@pytest.mark.parametrize("i", [i for i in CAT.indicators if i.kind == "plan"], ids=lambda i: i.id)
def test_plan_indicators_show_cited_figures(con, i):
    figs = ind.plan_figures(i)
    assert len(figs) == len(i.baseline_ids)
    assert figs["citation"].str.contains("Safe Durham Partnership Plan 2021-25").all()
    card = ind.headline(con, i)
    assert card["value"] == figs["value"].iloc[0]


@pytest.mark.parametrize("i", CAT.indicators, ids=lambda i: i.id)
def test_every_indicator_has_a_card(con, i):
    card = ind.headline(con, i)
    assert card["title"] == i.title and card["value_label"]
    if i.has_official_figures:
        assert card["value"] is not None and card["period_label"], i.id
