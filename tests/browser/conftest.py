"""Real-browser fixtures: the dashboard served by ``streamlit run`` and Debian's chromium via Playwright.

The server runs once per session against the session's ``warehouse`` (see ``tests/conftest.py``).
Every browser test is marked ``browser`` and is skipped, with the reason, when ``/usr/bin/chromium``
or the Playwright package is missing (``scripts/install-system-deps.sh`` installs chromium; ``make setup-dev`` axe-core).

Helpers the tests import: ``open_page``, ``screenshot``, ``run_axe``, ``page_text``, and the page
checks ``assert_no_error`` and ``assert_content``.

Under ``pytest -n`` (``make test``) each worker has its own warehouse, server and browser; a test file
runs on one worker (``--dist loadfile``), so a module's fixtures see all of its tests.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.devserver import CHROMIUM, CHROMIUM_ARGS, free_port, page_paths, start_server, stop_server, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# Every page of app.py's st.navigation, by URL path.
PAGES = page_paths()

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
WARNING_ALERT = '[data-testid="stAlertContentWarning"]'
CHART = '[data-testid="stVegaLiteChart"]'
# A map: deck.gl (with incident points or a basemap), or a Vega-Lite map, known by its text alternative.
MAP = '[data-testid="stDeckGlJsonChart"], [data-testid="stVegaLiteChart"][aria-label^="Map of"]'

# Pages that show no chart by design: no series of three comparable points, values not charts (issue 11).
NO_CHARTS = {"about", "prevent", "cyber-crime"}
MAPS = {"explore"}  # pages with a map

try:
    from playwright.sync_api import Page, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
    Page = object
    PlaywrightTimeout = TimeoutError


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "the playwright Python package is not installed (requirements-dev.txt)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run scripts/install-system-deps.sh (Debian's chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    here = Path(__file__).parent
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


# --- The server ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_url(warehouse, artifacts) -> Iterator[str]:
    """Base URL of the dashboard served by ``streamlit run app.py`` for the whole session; with
    ``SDP_TEST_BASE_URL`` (e.g. ``make serve``'s http://127.0.0.1:8080) the suite drives that server
    instead, so the same tests check the proxy and its workers (build its warehouse from the same
    mirror, as the tests read theirs for codes and postcodes)."""
    given = os.environ.get("SDP_TEST_BASE_URL", "").rstrip("/")
    if given:
        wait_healthy(None, given)
        yield given
        return
    proc, base = _serve(warehouse, artifacts, "streamlit-server")
    try:
        wait_healthy(proc, base)
        yield base
    finally:
        stop_server(proc)


def _serve(warehouse: Path, artifacts: Path, log_name: str, **env: str):
    """``streamlit run app.py`` on a free port with ``env`` added to its environment: (process, base URL)."""
    port = free_port()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    with pytest.MonkeyPatch.context() as mp:  # the server takes a copy of this process's environment
        for key, value in env.items():
            mp.setenv(key, value)
        proc = start_server(warehouse, port, log_path=artifacts / f"{log_name}{'-' + worker if worker else ''}.log")
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def partnership_url(partnership_env, artifacts) -> Iterator[Callable[[str], str]]:
    """``url(code)``: the base URL of a server of the dashboard for that partnership (``SDP_PARTNERSHIP``
    and its own warehouse, tests/conftest.py), started on first use and stopped at the end of the run."""
    started: dict[str, tuple] = {}  # code -> (process, base URL, why it never became healthy or None)

    def url(lad_code: str) -> str:
        if lad_code not in started:
            env = partnership_env(lad_code)
            proc, base = _serve(Path(env["SDP_WAREHOUSE"]), artifacts, f"streamlit-server-{lad_code}", **env)
            try:
                wait_healthy(proc, base)
                started[lad_code] = (proc, base, None)
            except (RuntimeError, TimeoutError) as exc:
                started[lad_code] = (proc, base, str(exc))
        proc, base, problem = started[lad_code]
        if problem:  # every test of that server fails with the reason, not only the first
            pytest.fail(f"the server for {lad_code} did not start: {problem}")
        return base

    try:
        yield url
    finally:
        for proc, _, _ in started.values():
            stop_server(proc)


# --- The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_context(browser):
    """Factory for fresh browser contexts (no shared cookies or storage); all closed after the test."""
    made = []

    def make(viewport: dict | None = None):
        ctx = browser.new_context(viewport=viewport or DESKTOP, reduced_motion="reduce")
        ctx.set_default_timeout(30_000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture(scope="session")
def shared_context(browser):
    """One context per viewport for the whole session, so the HTTP cache keeps Streamlit's JS chunks warm."""
    made: dict[tuple[int, int], object] = {}

    def get(viewport: dict | None = None):
        viewport = viewport or DESKTOP
        key = (viewport["width"], viewport["height"])
        if key not in made:
            ctx = browser.new_context(viewport=viewport, reduced_motion="reduce")
            ctx.set_default_timeout(30_000)
            made[key] = ctx
        return made[key]

    yield get
    for ctx in made.values():
        ctx.close()


@pytest.fixture
def page(new_context):
    """A desktop-width page in a fresh context."""
    return new_context(DESKTOP).new_page()


# --- Helpers -------------------------------------------------------------------------------------

_CHARTS_DRAWN = """() => {
  // Charts and maps are lazy-loaded: Streamlit shows stSkeleton placeholders until their code arrives.
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const maps = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
  return charts.every(c => c.querySelector('canvas, svg')) && maps.every(m => m.querySelector('canvas'));
}"""


def wait_ready(page: Page, timeout: float = 90_000, settle_ms: int = 400) -> None:
    """Wait for the script run to finish, a short settle, then for charts and maps to draw."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # The state goes initial -> running -> notRunning; wait for a notRunning that survives the settle.
    for _ in range(3):
        page.wait_for_selector(APP_READY, timeout=timeout)
        page.wait_for_timeout(settle_ms)
        if page.locator(APP_READY).count():
            break
    try:
        page.wait_for_function(_CHARTS_DRAWN, timeout=30_000, polling=100)
    except PlaywrightTimeout:
        pass  # a chart that never draws is reported by the tests' assertions instead
    page.wait_for_timeout(settle_ms)


def open_page(page: Page, url: str, timeout: float = 90_000) -> Page:
    """Navigate to ``url`` and wait until Streamlit has finished the run and drawn its charts."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_ready(page, timeout=timeout)
    # Streamlit opens a "Page not found" dialog (then the default page) for an address it does not know.
    assert not page.get_by_text("Page not found").count(), f"{url} is not a page of the app"
    return page


def screenshot(page: Page, name: str) -> Path:
    """Full-page PNG under tests/artifacts/screenshots/ (gitignored).

    Streamlit scrolls inside its own container, not the document, so the viewport is stretched to the
    content's height for the shot (at most 10,000 px) and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size or DESKTOP
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
             ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
                .map(e => e.scrollHeight))"""
    )
    tall = min(max(int(height), viewport["height"]), 10_000)
    try:
        if tall > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": tall})
            page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)
    return path


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page: Page) -> dict:
    """Inject axe-core and run the WCAG 2.0/2.1/2.2 A and AA rules over the whole document."""
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run make setup-dev (npm ci)")
    # Evaluated over the DevTools protocol, not added as an inline <script>: behind `make serve` the
    # Content Security Policy (rightly) refuses inline scripts the page did not bring.
    page.evaluate(_axe_source())
    return page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )


def page_text(page: Page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def assert_no_error(page: Page) -> None:
    """No traceback, and no friendly 'could not be shown' error either (frame.guard turns failures into st.error)."""
    exc = page.locator(EXCEPTION)
    assert exc.count() == 0, f"exception on the page: {exc.first.inner_text()[:500]}"
    err = page.locator(ERROR_ALERT)
    assert err.count() == 0, f"error message on the page: {err.first.inner_text()[:500]}"


def assert_content(page: Page, path: str) -> None:
    """The page's charts are placed and drawn, and its map is there (``path`` without its query)."""
    if path not in NO_CHARTS:
        assert page.locator(CHART).count() >= 1, f"/{path}: no chart (stVegaLiteChart)"
        drawn = page.locator(f"{CHART} canvas, {CHART} svg").count()
        assert drawn >= 1, f"/{path}: charts were placed but never drawn"
    if path in MAPS:
        assert page.locator(MAP).count() >= 1, f"/{path}: no map (stDeckGlJsonChart, or a Vega-Lite chart 'Map of ...')"
