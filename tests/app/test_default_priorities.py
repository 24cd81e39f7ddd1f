"""AppTest: a partnership with no file of its own (Middlesbrough, Cleveland Police) gets the default priorities
(data/partnerships/default_indicators.toml): every priority page runs on a warehouse built for it, names
Middlesbrough and nothing of County Durham, shows every indicator of the priority, says nothing of a plan
(there is none) and keeps its links to the analyses."""

from __future__ import annotations

import duckdb
import pytest

from pages import analyses
from sdp_dash.config import catalogue, partnership
from tests.app.conftest import assert_partnership_page, open_page

MIDDLESBROUGH = "E06000002"
DEFAULT = catalogue.load(partnership.PARTNERSHIPS_DIR / "default_indicators.toml", None)


def _check(at, url_path: str) -> str:
    text = assert_partnership_page(at, "Middlesbrough")
    assert catalogue.catalogue() == DEFAULT
    prio = catalogue.priority_by_path(url_path)
    assert prio.title in text
    for ind in catalogue.indicators_for(prio.id):
        assert ind.title in text, ind.id
    for said in ("since the plan", "before the plan", "plan's figure", "against the plan"):
        assert said not in text.lower(), said
    pages = [link.proto.page for link in at.get("page_link")]
    for name in prio.analyses:
        assert any(p.endswith(analyses.PAGES[name][0]) for p in pages), (name, pages)
    return text


@pytest.mark.parametrize("url_path", [p.url_path for p in DEFAULT.priorities])
def test_every_default_priority_page_runs_for_middlesbrough(run_as_partnership, url_path):
    run_as_partnership(MIDDLESBROUGH)
    at = open_page(url_path)
    _check(at, url_path)
    head = next(m.value for m in at.markdown if "class='sdp-glance'" in m.value)
    assert "<th scope='col'>Plan</th>" not in head, "no plan column without a plan"


def test_a_ward_of_middlesbrough_on_a_default_priority_page(run_as_partnership):
    path = run_as_partnership(MIDDLESBROUGH)
    with duckdb.connect(str(path), read_only=True) as con:
        ward = con.execute("SELECT area_code FROM areas WHERE area_type = 'division_2025' ORDER BY 1 LIMIT 1").fetchone()
    assert ward, "the warehouse has Middlesbrough's wards"
    url_path = DEFAULT.priorities[0].url_path
    text = _check(open_page(url_path, area=ward[0]), url_path)
    assert "the rest of the area" in text


def test_the_plan_column_only_where_there_is_a_plan(run_as_partnership):
    from pages import priority

    assert "Plan" in priority.glance_columns() and catalogue.has_plan()  # County Durham
    run_as_partnership(MIDDLESBROUGH)
    assert "Plan" not in priority.glance_columns() and not catalogue.has_plan()
