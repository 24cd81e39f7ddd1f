"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page at desktop width.

Serious and critical violations fail unless every node of the violation sits inside Streamlit's own
chrome and is listed in ``axe_streamlit_known.toml``.  Every allow-list entry must still match
something, so the list does not outlive the problem.  A machine-readable report of everything axe
said is written to ``tests/artifacts/axe-report.json``; docs/accessibility.md summarises it.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .conftest import AXE_JS, AXE_TAGS, DESKTOP, PAGES, open_page, run_axe

pytestmark = pytest.mark.browser

KNOWN_FILE = Path(__file__).with_name("axe_streamlit_known.toml")
FAILING_IMPACTS = {"serious", "critical"}
VIEWS = [*PAGES, "explore?area=AAP-durham-aap&to=2025-12"]

# For each node axe reports: the data-testid values of the node and its ancestors (innermost first).
_TESTIDS = """(targets) => targets.map(t => {
  const sel = Array.isArray(t) ? t[t.length - 1] : t;
  let el = null;
  try { el = document.querySelector(sel); } catch (e) { return []; }
  const ids = [];
  for (; el; el = el.parentElement) { if (el.dataset && el.dataset.testid) ids.push(el.dataset.testid); }
  return ids;
})"""


def load_known() -> list[dict]:
    entries = tomllib.loads(KNOWN_FILE.read_text(encoding="utf-8")).get("known", [])
    for i, e in enumerate(entries):
        missing = {"rule", "within", "reason"} - set(e)
        assert not missing, f"{KNOWN_FILE.name} entry {i + 1} lacks {sorted(missing)}"
        e["_used"] = 0
    return entries


def known_entry(entries: list[dict], rule: str, node: dict) -> dict | None:
    for e in entries:
        if e["rule"] != rule or e["within"] not in node["testids"]:
            continue
        if e.get("selector") and not re.search(e["selector"], f"{node['target']} {node['html']}"):
            continue
        return e
    return None


@pytest.fixture(scope="module")
def axe_results(app_url, shared_context, artifacts) -> dict:
    """Run axe once on every view; classify each node as Streamlit's own (allow-listed) or the project's."""
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run scripts/install-system-deps.sh (npm ci)")
    known = load_known()
    views: dict[str, list[dict]] = {}
    meta = {}
    for view in VIEWS:
        page = shared_context(DESKTOP).new_page()
        try:
            open_page(page, f"{app_url}/{view}")
            result = run_axe(page)
            meta = {"axe_version": result["testEngine"]["version"], "user_agent": result["testEnvironment"]["userAgent"]}
            found = []
            for v in result["violations"]:
                targets = [n["target"][0] if n["target"] else "" for n in v["nodes"]]
                testids = page.evaluate(_TESTIDS, targets)
                nodes = []
                for n, ids in zip(v["nodes"], testids, strict=True):
                    node = {
                        "target": " ".join(map(str, n["target"])),
                        "html": n["html"][:300],
                        "why": (n.get("failureSummary") or "")[:300],
                        "testids": ids,
                    }
                    entry = known_entry(known, v["id"], node)
                    node["streamlit_own"] = entry is not None
                    if entry is not None:
                        entry["_used"] += 1
                    nodes.append(node)
                found.append(
                    {
                        "rule": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "help_url": v["helpUrl"],
                        "tags": [t for t in v["tags"] if t.startswith("wcag")],
                        "nodes": nodes,
                        "streamlit_own": all(n["streamlit_own"] for n in nodes),
                    }
                )
            views[view] = found
        finally:
            page.close()
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "tags": AXE_TAGS,
        "viewport": DESKTOP,
        **meta,
        "known_file": str(KNOWN_FILE.relative_to(KNOWN_FILE.parents[2])),
        "known_unused": [{k: v for k, v in e.items() if not k.startswith("_")} for e in known if not e["_used"]],
        "summary": {
            view: [
                {
                    "rule": v["rule"],
                    "impact": v["impact"],
                    "nodes": len(v["nodes"]),
                    "streamlit_own": sum(n["streamlit_own"] for n in v["nodes"]),
                }
                for v in found
            ]
            for view, found in views.items()
        },
        "views": views,
    }
    (artifacts / "axe-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return {"views": views, "known": known}


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_violations_the_project_can_fix(axe_results, view):
    problems = []
    for v in axe_results["views"][view]:
        if v["impact"] not in FAILING_IMPACTS:
            continue
        ours = [n for n in v["nodes"] if not n["streamlit_own"]]
        for n in ours:
            problems.append(
                f"{v['rule']} ({v['impact']}): {v['help']}\n    at {n['target']}\n    {n['html'][:200]}\n    {n['why']}"
            )
    assert not problems, f"/{view}: axe found {len(problems)} serious/critical problem(s):\n" + "\n".join(problems)


def test_allow_list_is_still_real(axe_results):
    unused = [f"{e['rule']} within {e['within']} ({e['reason']})" for e in axe_results["known"] if not e["_used"]]
    assert not unused, f"{KNOWN_FILE.name} lists violations axe no longer reports; remove them:\n" + "\n".join(unused)
