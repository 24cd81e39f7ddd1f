"""Hostile input in the address bar (issue 5).

Hypothesis throws random, huge, unicode, SQL-injection and HTML/script strings at every query
parameter (area, from, to, measure, areas) of every page.  Whatever arrives:

- the page runs without an exception element;
- a value that is not usable is never shown back raw: warnings quote it escaped and shortened;
- the view written back to the address bar is always a valid one (a real County Durham area, months
  inside the data, a known measure), so a shared link never carries the bad value on.

A last test reads the product code and checks no SQL is built by string formatting.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdp_dash import warehouse as wh
from sdp_dash.config import catalogue, codes
from sdp_dash.web import escape, state
from tests.app.conftest import open_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["home", "explore", "compare", "about", *(p.url_path for p in catalogue.priorities())]
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
PARAMS = ("area", "from", "to", "measure", "areas")

INJECTIONS = [
    "E06000047' OR '1'='1",
    "all_crime; DROP TABLE crime_counts; --",
    "2025-12' UNION SELECT area_code FROM areas --",
    "1); DELETE FROM areas WHERE (1=1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click me](javascript:alert(1))",
    "**bold** _it_ `code` # heading | table |",
    "$x^2$ :material/home: :red[colour]",
    "E06000047\x00",
    "AAP-durham-aap\n<b>x</b>",
    "%3Cscript%3E",
    "../../etc/passwd",
    "‮2025-12",  # right-to-left override
    "２０２５-１２",  # full-width digits
    "E06000047," * 50,
]
# Shaped like the real values, so the validators' second and third checks are reached as well.
PLAUSIBLE = [
    "E06000047",
    "AAP-durham-aap",
    "E01012345",
    "E05999999",
    "2025-12",
    "2024-13",
    "1899-01",
    "2100-12",
    "all_crime",
    "burglary",
]

hostile = st.one_of(
    st.text(max_size=60),
    st.sampled_from(INJECTIONS),
    st.sampled_from(PLAUSIBLE),
    st.builds(lambda a, b: a + b, st.sampled_from(PLAUSIBLE), st.sampled_from(INJECTIONS)),
    st.builds(lambda piece, n: piece * n, st.text(min_size=1, max_size=6), st.integers(200, 3000)),  # huge
)
param_sets = st.dictionaries(st.sampled_from(PARAMS), hostile, min_size=1, max_size=len(PARAMS))

# Characters that would change how a warning renders if the user's text carried them unescaped.
_RENDERING = set("<>[]`*_|$~#!")


def unescaped(text: str) -> set[str]:
    """Markdown/HTML special characters in ``text`` that are not backslash-escaped."""
    found, i = set(), 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in _RENDERING:
            found.add(text[i])
        i += 1
    return found


def raw_echo(value: str, text: str) -> bool:
    """Whether ``text`` contains ``value`` with one of its special characters left unescaped."""
    start = text.find(value)
    while value and start != -1:
        if any(text[j] in _RENDERING and (j == 0 or text[j - 1] != "\\") for j in range(start, start + len(value))):
            return True
        start = text.find(value, start + 1)
    return False


def test_the_echo_checks_can_fail():
    assert unescaped("a <b> c") == {"<", ">"} and not unescaped(r"a \<b\> c")
    assert raw_echo("<b>", "you typed <b>!") and not raw_echo("<b>", r"you typed \<b\>!")
    assert not raw_echo("*0", r"code “\*0”") and raw_echo("*0", "code *0")


@pytest.fixture(scope="module")
def data_facts(warehouse) -> dict:
    con = wh.connect(warehouse)
    try:
        return {
            "months": wh.present_months(con),
            "measures": set(con.execute("SELECT measure_id FROM measures").fetchdf()["measure_id"]),
            "county_areas": set(
                con.execute(
                    "SELECT area_code FROM areas WHERE area_type IN (SELECT unnest(?::VARCHAR[]))", [list(codes.COUNTY_TYPES)]
                ).fetchdf()["area_code"]
            ),
        }
    finally:
        con.close()


def assert_valid_view(view: dict, facts: dict) -> None:
    assert view["area"] in facts["county_areas"]
    assert view["measure"] in facts["measures"]
    assert facts["months"][0] <= view["to"] <= facts["months"][-1]
    if "from" in view:
        assert re.fullmatch(r"\d{4}-\d{2}", view["from"]) and view["from"] <= view["to"]


# --- The validator on its own: many examples, fast -------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.dictionaries(st.sampled_from(("area", "from", "to", "measure")), hostile, max_size=4))
def test_any_url_values_give_a_valid_view_and_escaped_warnings(warehouse, data_facts, raw):
    view = state.parse(raw)
    assert_valid_view(view.params(), data_facts)
    for w in view.warnings:
        assert not unescaped(w), f"unescaped {unescaped(w)} in {w!r}"
        assert len(w) < 400, "long input is shortened before it is quoted"
        assert "\n" not in w
        assert not BIDI & set(w), "no bidi control character reaches a warning"
    # The canonical link for the view is itself a clean link.
    again = state.parse(view.params())
    assert not again.warnings and again.params() == view.params()


def test_an_unclosed_right_to_left_override_cannot_reverse_a_warning(warehouse):
    # The audit: an unclosed U+202E in `area` made the rest of the sentence read backwards.
    view = state.parse({"area": "\u202eE06000047-kcatta"})
    assert view.warnings and not any(BIDI & set(w) for w in view.warnings)


def test_urls_from_data_files_cannot_add_links():
    # The audit: a ")" in a source URL of an indicator file added an extra link on the page.
    md_link = escape.link("Source", "https://example.org/a)[x](javascript:alert(1)")
    assert md_link.count("](") == 1 and "javascript" not in md_link.split("](")[0]
    assert escape.link("Source", "javascript:alert(1)") == "Source"
    assert escape.link("Source", "ftp://example.org/x") == "Source"
    assert escape.safe_url("https://example.org/a b") == "https://example.org/a%20b"


# --- Every page, in AppTest ------------------------------------------------------------------------------


def _shown_text(at) -> list[str]:
    """Everything rendered as markdown: text, captions, titles and the alert boxes."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error", "success")
    return [str(el.value) for kind in kinds for el in at.get(kind)]


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(page=st.sampled_from(PAGES), params=param_sets)
def test_every_page_survives_hostile_links(warehouse, data_facts, page, params):
    at = open_page(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    view = {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k] for k in at.query_params}
    assert_valid_view(view, data_facts)
    for text in _shown_text(at):
        if text.lstrip().startswith("<style>"):
            continue  # the page's own stylesheet
        for value in (v for v in params.values() if len(v.strip()) >= 3):  # one or two characters occur anywhere
            assert not raw_echo(value, text), f"{value!r} echoed unescaped on {page}: {text[:200]!r}"
    for w in at.warning:  # the user's text is quoted “like this” in warnings, escaped
        for quoted in re.findall(r"“(.*?)”", str(w.value)):
            assert not unescaped(quoted), w.value


# --- SQL is never built by string formatting -------------------------------------------------------------

_SQL_CALLS = {"execute", "executemany", "sql", "query"}


def _formatted(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr | ast.BinOp) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
    )


def _sql_formatting_problems(source: str) -> list[tuple[int, str]]:
    """Calls like ``con.execute(f"...")`` or ``sql = "..." % x; con.execute(sql)`` in ``source``."""
    tree = ast.parse(source)
    formatted_names = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            formatted_names.add(n.target.id)
        elif isinstance(n, ast.Assign) and _formatted(n.value):
            formatted_names.update(t.id for t in n.targets if isinstance(t, ast.Name))
    problems = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _SQL_CALLS and n.args:
            arg = n.args[0]
            if _formatted(arg) or (isinstance(arg, ast.Name) and arg.id in formatted_names):
                problems.append((n.lineno, ast.unparse(arg)[:80]))
    return problems


def test_the_sql_scan_catches_formatting():
    bad = (
        'con.execute(f"SELECT * FROM t WHERE a = {x}")\nsql = "SELECT %s" % x\ncon.sql(sql)\ncon.execute("SELECT {}".format(x))\n'
    )
    assert [line for line, _ in _sql_formatting_problems(bad)] == [1, 3, 4]
    assert not _sql_formatting_problems('con.execute("SELECT * FROM t WHERE a = ?", [x])\nsql = "SELECT 1"\ncon.sql(sql)\n')


def test_no_sql_is_built_by_string_formatting():
    files = [ROOT / "app.py", *sorted((ROOT / "sdp_dash").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
    assert len(files) > 20, "the scan found the product code"
    problems = [f"{f.relative_to(ROOT)}:{line}: {code}" for f in files for line, code in _sql_formatting_problems(f.read_text())]
    assert not problems, "SQL built by string formatting (use ? parameters):\n" + "\n".join(problems)
