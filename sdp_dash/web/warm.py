"""A worker warms its own caches, in its own process: the figures every page's default view asks for
(the county, the latest 12 months, all crime), computed through the same cached calls the pages make
(``sdp_dash.web.data``), so the first visitors find them ready.

``scripts/serve.py worker`` calls :func:`warm` before Streamlit starts listening (so a worker that
answers ``/_stcore/health`` is warm) and then :func:`rewarm_on_change` in a thread: when the warehouse
is rebuilt (a new generation, ``sdp_dash.web.connection``) the new data's figures are computed at
once rather than by the visitors' page runs.  No websocket, no page run: the domain functions only.

A step that fails is reported, not raised: the pages show their own message for it, and the worker
still serves.  A warehouse that cannot be opened at all fails the warm-up (the worker is not ready).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from sdp_dash.config import catalogue, codes
from sdp_dash.config.months import default_start
from sdp_dash.web import connection

MAP_LEVELS = ("aap", "division_2025", "msoa", "lsoa")
CHANGE_EVERY_S = 2.0


def page_paths() -> list[str]:
    """Every page's address in menu order ("" is the default page), the priority pages from the catalogue
    as pages/site.py registers them (tests/serve/test_serve.py checks it against the browser tests' list)."""
    return ["", "explore", "compare", *(p.url_path for p in catalogue.priorities()), *codes.ANALYSIS_PAGES, "about"]


def _steps(code: str, start: str, end: str, measure: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """(page, call) for the default view of every page, in menu order."""
    from sdp_dash.web import data

    yield "", lambda: [data.change(code, f.measure_id, start, end) for f in data.key_figures(code, start, end)]
    yield "", lambda: (data.trend_figures(code, measure, start, end), data.force_figures(measure, start, end))
    for level in (t for t in MAP_LEVELS if t in codes.area_types()):
        yield "explore", lambda level=level: (data.area_figures(level, measure, start, end), data.geometry(level))
    yield "explore", lambda: (data.type_figures(code, start, end), data.towns(), data.geometry("county"))
    yield "compare", lambda: [data.figure(code, m, start, end) for m in data.measures()]
    for p in catalogue.priorities():
        yield p.url_path, lambda p=p: data.glance(p.id, code, start, end)
        for ind in catalogue.indicators_for(p.id):
            if ind.kind == "police_uk":
                yield p.url_path, lambda ind=ind: data.police_card(ind.id, code, start, end)
            elif ind.kind == "published" and ind.has_official_figures:
                yield p.url_path, lambda ind=ind: _published(data, ind.id)
    yield "outcomes", lambda: data.outcomes_for(code, measure, start, end)
    yield "deprivation", lambda: (data.by_decile(code, measure, start, end), data.key_ratios(code, start, end))
    yield "long-view", lambda: data.long_view_for(measure)
    yield "about", lambda: (data.sources(), data.coverage(), data.aap_evidence(), data.police_sources_by_force())


def _published(data, indicator_id: str) -> None:
    """A published indicator's card, and its chart where the page draws one (as pages/priority.py does)."""
    if data.published_card(indicator_id).charted:
        data.published_chart(indicator_id)


def warm() -> tuple[list[str], float]:
    """Compute the default views' figures: (the problems met, one line each; seconds taken).

    Raises :class:`connection.WarehouseUnavailable` when there is no usable warehouse at all.
    """
    from sdp_dash.web import data

    t0 = time.monotonic()
    with connection.pinned():  # one generation for the whole warm-up, as for one page run
        end = data.present_months()[-1]
        problems = []
        for page, call in _steps(codes.COUNTY, default_start(end), end, codes.DEFAULT_MEASURE):
            try:
                call()
            except connection.WarehouseUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - reported: the page shows its own message for it
                problems.append(f"/{page}: {type(exc).__name__}: {str(exc)[:200]}")
    return problems, time.monotonic() - t0


def pages_by_navigation() -> None:
    """Tell Streamlit, before the first visitor, that the app routes with ``st.navigation``.

    Beside app.py is a ``pages/`` folder (the views' modules), so until the first ``st.navigation`` call
    in the process Streamlit takes it for an old-style pages folder and answers "page not found" to
    every address but the default one: the first visitors of a worker that warmed without a page run
    would meet that.  One call outside a page run records it (and only returns the page given)."""
    import streamlit as st

    st.navigation([st.Page(_no_page, title="warm-up", url_path="warm-up")], position="hidden")


def _no_page() -> None:
    """Never shown: the page of the one ``st.navigation`` call made outside a page run."""


def _generation_key() -> str | None:
    try:
        return connection.warehouse_key()
    except connection.WarehouseUnavailable:
        return None


def rewarm_on_change(log: Callable[[str], None], stop: threading.Event, every_s: float = CHANGE_EVERY_S) -> None:
    """Until ``stop`` is set: every ``every_s`` seconds look at the warehouse (one ``stat``; a changed
    file is opened and checked by ``connection``), and warm the caches of each new generation."""
    seen = _generation_key()
    while not stop.wait(every_s):
        key = _generation_key()
        if key is None or key == seen:
            continue
        seen = key
        try:
            problems, seconds = warm()
        except connection.WarehouseUnavailable as exc:
            log(f"re-warm skipped: {exc}")
            continue
        log(f"warehouse generation {key} warmed in {seconds:.1f} s" + (f"; problems: {problems}" if problems else ""))
