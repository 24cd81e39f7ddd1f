"""HTML printed to PDF by a maintained browser: Debian's chromium, driven by Playwright (the same browser
the tests use).  No Streamlit here.

The page is given as text (``set_content``), with JavaScript off and every network request refused, so
printing reads nothing but the document itself (its pictures are ``data:`` addresses).  Each call starts
and stops its own browser in a thread of its own (Playwright's synchronous API refuses to run in a thread
that has an asyncio loop, as a Streamlit server's may).  When chromium or Playwright is missing, or the
print fails, ``PdfError`` says why in one line and the caller offers the HTML instead.
"""

from __future__ import annotations

import concurrent.futures
import re
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Flags that work on a machine with no outside network and no GPU (../shared/guide/PRACTICES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_S = 60
MAX_PAGES = 2  # the profile is at most two A4 pages (issue 18)
SCALES = (1.0, 0.93, 0.86, 0.8)  # tried in turn until the document fits MAX_PAGES (a long name or link can add a line)
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
RETRY_AFTER_S = 600  # after a failed print, the HTML is offered for this long before chromium is tried again
_last_failure: dict[str, object] = {"reason": "", "at": 0.0}


class PdfError(RuntimeError):
    """The PDF could not be made (the message is one line, for the page to say)."""


def unavailable() -> str:
    """Why a PDF cannot be made here, in a few words; '' when it can be (chromium and Playwright present,
    and no print failed in the last ``RETRY_AFTER_S`` seconds)."""
    if _last_failure["reason"] and time.monotonic() - float(_last_failure["at"]) < RETRY_AFTER_S:
        return str(_last_failure["reason"])
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return ""


def render(html: str) -> bytes:
    """``html`` printed on A4 pages (the document's own ``@page`` rules, backgrounds printed)."""
    reason = unavailable()
    if reason:
        raise PdfError(reason)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdp-pdf")
    try:
        return pool.submit(_print, html).result(timeout=TIMEOUT_S)
    except concurrent.futures.TimeoutError as exc:
        raise _failed(f"printing took longer than {TIMEOUT_S} s") from exc
    except Exception as exc:  # noqa: BLE001 - any failure of the browser becomes one line for the page
        raise _failed(f"chromium could not print the profile ({type(exc).__name__})") from exc
    finally:
        pool.shutdown(wait=False)  # a hung print is left to its own timeouts, not waited for here


def _failed(reason: str) -> PdfError:
    """Remember the failure (``unavailable`` says it for a while, so the page offers the HTML) and return it."""
    _last_failure.update(reason=reason, at=time.monotonic())
    return PdfError(reason)


def _print(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            ctx = browser.new_context(java_script_enabled=False, offline=True)
            page = ctx.new_page()
            page.route("**/*", lambda route: route.abort())  # data: pictures need no request; nothing else may be fetched
            page.set_content(html, wait_until="load", timeout=TIMEOUT_S * 1000)
            return _fitted(page)
        finally:
            browser.close()


def pages(pdf: bytes) -> int:
    """How many pages a PDF has (its page objects)."""
    return len(_PAGE.findall(pdf))


def _fitted(page) -> bytes:
    """The page printed at the first of ``SCALES`` that fits ``MAX_PAGES`` pages (else at the smallest)."""
    for scale in SCALES:
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True, scale=scale)
        if pages(pdf) <= MAX_PAGES:
            return pdf
    return pdf
