"""Every view at 1280 and 375 px, loaded once and checked twice: it draws, and axe-core finds nothing serious.

Every page of the site map and Explore for an area board, at desktop and phone width:
- **it draws**: no traceback or error message, its charts placed and drawn, its map there, no month
  name in lower case, and nothing wider than a phone's screen (charts and tables reflow or scroll inside);
  a screenshot of each goes to tests/artifacts/screenshots/;
- **axe-core** (WCAG 2.0/2.1/2.2 A and AA rules, no allow-list): a serious or critical violation anywhere
  in the document fails, whoever drew the markup (the navigation is drawn by the dashboard itself, so
  Streamlit's list markup is gone).  A machine-readable report of everything axe said (every impact) is
  written to ``tests/artifacts/axe-report.json``; ``docs/accessibility-checks.md`` summarises it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from .conftest import (
    AXE_JS,
    AXE_TAGS,
    DESKTOP,
    PAGES,
    PHONE,
    assert_content,
    assert_no_error,
    open_page,
    page_text,
    run_axe,
    screenshot,
)

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = {"1280px": DESKTOP, "375px": PHONE}


# Every page of pages/site.py's menu (without "/", which serves the same Overview as /overview; st.Page
# objects only exist inside a Streamlit run, so the list comes from the catalogue as in conftest).
VIEWS = [*PAGES, "explore?area=AAP-durham-aap&to=2025-12"]


@pytest.fixture(scope="module")
def axe_report(app_url, shared_context, artifacts):
    """axe on a view at a width, run once when a test first asks; the report is written at the end."""
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run make setup-dev (npm ci)")
    results: dict[str, dict[str, list[dict]]] = {}
    drawn: dict[tuple[str, str], str | None] = {}  # (view, width) -> what is wrong with the page, or None
    meta: dict[str, str] = {}

    def get(view: str, width: str, expand: bool = False) -> list[dict]:
        name = f"{view} (every section open)" if expand else view
        if name in results and width in results[name]:
            return results[name][width]
        page = shared_context(WIDTHS[width]).new_page()
        try:
            open_page(page, f"{app_url}/{view}")
            if expand:  # tables, About blocks and the share link: wide content must wrap, not scroll unreachably
                page.evaluate("() => document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })")
                page.wait_for_timeout(1500)
            else:
                drawn[view, width] = _page_problem(page, view, width)
            result = run_axe(page)
        finally:
            page.close()
        meta.update(axe_version=result["testEngine"]["version"], user_agent=result["testEnvironment"]["userAgent"])
        found = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "help_url": v["helpUrl"],
                "tags": [t for t in v["tags"] if t.startswith("wcag")],
                "nodes": [
                    {
                        "target": " ".join(map(str, n["target"])),
                        "html": n["html"][:300],
                        "why": (n.get("failureSummary") or "")[:300],
                    }
                    for n in v["nodes"]
                ],
            }
            for v in result["violations"]
        ]
        results.setdefault(name, {})[width] = found
        return found

    get.drawn = drawn
    yield get
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "tags": AXE_TAGS,
        "widths": WIDTHS,
        **meta,
        "summary": {
            f"/{view} at {width}": [{"rule": v["rule"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in found]
            for view, by_width in results.items()
            for width, found in by_width.items()
        },
        "views": results,
    }
    (artifacts / "axe-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def _page_problem(page, view: str, width: str) -> str | None:
    """What is wrong with a loaded view (the first failed check), or None; a screenshot is taken either way."""
    path = view.split("?")[0]
    screenshot(page, f"{view.replace('?', '-').replace('&', '-').replace('=', '-')}-{width}")
    try:
        assert_no_error(page)
        assert_content(page, path)
        assert "from may" not in page_text(page), f"/{view}: a month name in lower case"
        if width == "375px":  # nothing wider than the viewport (charts and tables reflow or scroll inside)
            overflow = page.evaluate(
                """() => Math.max(...[document.documentElement, document.querySelector('[data-testid="stMain"]')]
                    .filter(Boolean).map(e => e.scrollWidth - e.clientWidth))"""
            )
            assert overflow <= 1, f"/{view} scrolls sideways by {overflow}px at 375px"
    except AssertionError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("view", VIEWS)
def test_view_draws_without_error(axe_report, view, width):
    axe_report(view, width)  # loads the view once for both tests
    problem = axe_report.drawn[view, width]
    assert problem is None, problem


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_or_critical_violations(axe_report, view, width):
    problems = [
        f"{v['rule']} ({v['impact']}): {v['help']}\n    at {n['target']}\n    {n['html'][:200]}\n    {n['why']}"
        for v in axe_report(view, width)
        if v["impact"] in FAILING_IMPACTS
        for n in v["nodes"]
    ]
    assert not problems, f"/{view} at {width}: axe found {len(problems)} serious/critical problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("view", ["explore?area=AAP-durham-aap&to=2025-12", "being-safe", "about"])
def test_every_section_open_at_phone_width(axe_report, view):
    """With every expander open (data tables, About blocks, the share link), nothing scrolls where a
    keyboard cannot reach (``scrollable-region-focusable``) and nothing else serious appears."""
    problems = [
        f"{v['rule']} ({v['impact']}): {v['help']}\n    at {n['target']}\n    {n['html'][:200]}"
        for v in axe_report(view, "375px", expand=True)
        if v["impact"] in FAILING_IMPACTS
        for n in v["nodes"]
    ]
    assert not problems, f"/{view} at 375px with every section open: {len(problems)} problem(s):\n" + "\n".join(problems)
