"""Every CSV a page offers is tidy (issue 18, part 9): open every page, record every CSV download
(``Recorder``, as the promise tests do) and check each one: numeric columns are plain numbers or empty
(no thousands separators, no words), police.uk figures have a ``status`` column, every file has an
area and a period column, and every column is in the About page's data dictionary."""

from __future__ import annotations

import io
from unittest import mock

import pandas as pd
import pytest
import streamlit as st

from pages import site
from pages.about import dictionary_columns
from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue
from sdp_dash.domain.figure import STATUSES
from tests.app.conftest import assert_ok, open_page
from tests.app.test_promises import Recorder

PAGES = [*site.VIEWS, *(p.url_path for p in catalogue.priorities())]  # every page of the site
NUMERIC = {
    "months_with_data",
    "count",
    "residents",
    "rate",
    "lower",
    "upper",
    "crimes",
    "share",
    "still_open_share",
    "imd_decile",
    "small_areas",
    "most_deprived_decile",
    "least_deprived_decile",
    "rate_most_deprived",
    "rate_least_deprived",
    "ratio",
    "value",
    "count_in_months_compared",
    "count_a_year_earlier",
    "change_percent",
}
AREA = ("area_code", "area_name")
PERIOD = (("period_from", "period_to"), ("period",), ("month",))


def tidy_problems(name: str, data: bytes) -> list[str]:
    """What keeps one CSV from being tidy (empty when it is)."""
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    cols = list(df.columns)
    out = []
    if not any(c in cols for c in AREA):
        out.append(f"{name}: no area column ({cols})")
    if not any(all(c in cols for c in group) for group in PERIOD):
        out.append(f"{name}: no period column ({cols})")
    unknown = [c for c in cols if c not in dictionary_columns()]
    if unknown:
        out.append(f"{name}: columns not in the About page's data dictionary: {unknown}")
    for c in cols:
        if c not in NUMERIC:
            continue
        for i, v in enumerate(df[c]):
            if v == "":
                continue
            if "," in v:
                out.append(f"{name}: row {i} column {c!r} has a thousands separator: {v!r}")
                continue
            try:
                float(v)
            except ValueError:
                out.append(f"{name}: row {i} column {c!r} is not a number: {v!r}")
    if "measure_id" in cols and "rate" in cols:  # police.uk figures
        if "status" not in cols:
            out.append(f"{name}: police.uk figures without a status column")
        else:
            bad = set(df["status"]) - set(STATUSES)
            if bad:
                out.append(f"{name}: unknown status {bad}")
            hidden = df[df["status"] != "shown"]
            for c in ("count", "rate", "lower", "upper"):
                if c in cols and (hidden[c] != "").any():
                    out.append(f"{name}: a figure not shown has a value in {c!r}")
    return out


def _downloads(url_path: str, **params) -> list[tuple[str, bytes]]:
    rec = Recorder()
    with mock.patch.object(st, "download_button", rec):
        at = open_page(url_path, **params)
        assert_ok(at)
    return [(n, d) for n, d in rec.files if n.endswith(".csv")]


AREA_BOARD = "AAP-durham-aap"
VIEWS = [
    *((p, {}) for p in PAGES),
    *((p, {"area": AREA_BOARD}) for p in ("home", "explore", "compare", "outcomes", "deprivation")),
]


@pytest.mark.parametrize(("page", "params"), VIEWS)
def test_every_csv_download_is_tidy(page, params):
    files = _downloads(page, **params)
    if page in ("home", "explore", "compare"):  # priority pages of published figures offer theirs in a closed expander
        assert files, f"/{page} offers its data as CSV"
    problems = [p for name, data in files for p in tidy_problems(name, data)]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def small_area(warehouse) -> str:
    """A small area of the county with a month of 1 to 4 robberies."""
    con = wh.connect(warehouse)
    try:
        return con.execute(
            """SELECT c.lsoa21_code FROM crime_counts c JOIN area_lsoa m ON m.lsoa21_code = c.lsoa21_code
               AND m.area_code = 'E06000047' WHERE c.crime_type = 'Robbery' AND c.n BETWEEN 1 AND 4
               ORDER BY c.month DESC, 1 LIMIT 1"""
        ).fetchone()[0]
    finally:
        con.close()


def test_a_small_area_with_withheld_figures_downloads_tidy(small_area):
    files = _downloads("home", area=small_area, measure="robbery")
    problems = [p for n, d in files for p in tidy_problems(n, d)]
    assert not problems, "\n".join(problems)
    statuses = set()
    for _name, data in files:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        statuses |= set(df.get("status", []))
    assert statuses & {"fewer than 5", "withheld"}, "the small area's downloads say which figures are withheld"


def test_the_checker_catches_an_untidy_csv():
    old = b'Area,Measure,Count,95% interval\nCounty Durham,All crime,"48,409",1.2 to 3.4\n'
    assert tidy_problems("old.csv", old)
    bad = b"area_code,measure_id,period_from,period_to,count,rate,status\nX,robbery,2025-01,2025-12,3,,fewer than 5\n"
    assert any("not shown has a value" in p for p in tidy_problems("bad.csv", bad))


def test_every_other_download_is_tidy(con, small_area):
    """The downloads of the analyses, the priority pages' change and the published figures, from the domain
    functions that make them (``figure.csv_bytes`` of each on-screen table), and the command line's exports."""
    from sdp_dash.config import codes
    from sdp_dash.domain import indicator_cards, inequality, long_view, outcomes, published
    from sdp_dash.domain.figure import csv_bytes

    start, end = "2025-01", "2025-12"
    o = outcomes.outcomes(con, codes.COUNTY, "robbery", start, end)
    q = inequality.by_decile(con, codes.COUNTY, "robbery", start, end)
    tables = {
        "outcomes": outcomes.table(o),
        "outcome_months": outcomes.months_table(o),
        "deciles": inequality.table(q),
        "ratios": inequality.ratios_table(inequality.key_ratios(con, codes.COUNTY, start, end)),
        "small_areas": inequality.small_areas_table(q),
        "long_view": long_view.table(long_view.long_view(con, "robbery")),
    }
    police = [i for p in catalogue.priorities() for i in catalogue.indicators_for(p.id) if i.kind == "police_uk"]
    card = indicator_cards.police_card(con, police[0].id, small_area, start, end)
    tables["change"] = indicator_cards.change_table(card)
    official = [i for p in catalogue.priorities() for i in catalogue.indicators_for(p.id) if i.has_official_figures]
    figs = published.figures(con, official[0])
    tables["published"] = published.table(figs)
    problems = []
    for name, table in tables.items():
        data = csv_bytes(table)
        assert data.decode("utf-8") != table.to_csv(index=False), f"{name}: the download is the tidy twin, not the table"
        problems += tidy_problems(f"{name}.csv", data)
    exports = {
        "export outcomes": outcomes.export(con, area=codes.COUNTY, start=start, end=end, measure_id="robbery"),
        "export outcomes by month": outcomes.export(con, area=codes.COUNTY, start=start, end=end, by="month"),
        "export deprivation": inequality.export(con, area=codes.COUNTY, start=start, end=end),
        "export deprivation by ratio": inequality.export(con, area=codes.COUNTY, start=start, end=end, by="ratio"),
        "export deprivation by lsoa": inequality.export(con, area=codes.COUNTY, start=start, end=end, by="lsoa"),
        "export longview": long_view.export(con),
    }
    for name, df in exports.items():
        problems += tidy_problems(name, df.to_csv(index=False).encode("utf-8"))
    assert not problems, "\n".join(problems)
