"""Does the Content Security Policy of deploy/nginx/sdp.conf.template let every page work?  (Debian chromium.)

    .venv/bin/python scripts/check_csp.py --url http://127.0.0.1:8080 [--policy "default-src 'self'; ..."]

Opens every page through the proxy in headless chromium, waits until Streamlit's run has finished,
and lists every CSP violation (``securitypolicyviolation`` events and console reports) with the
directive and the blocked source.  ``--policy`` replaces the served header with another policy in
the browser (via request interception), to try a tighter or looser one without reloading nginx.
Exit status 1 when anything was blocked.  Loopback only; bounded (a timeout per page).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sdp_dash.web.warm import page_paths as warm_paths  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def one_area_path() -> list[str]:
    """Explore zoomed to one area of the warehouse's partnership (its first area board, else its first ward), so
    the map of a part of the area is checked too; none without a local warehouse."""
    from sdp_dash import warehouse
    from sdp_dash.config import settings

    try:
        con = warehouse.connect(settings.path("SDP_WAREHOUSE"))
    except LookupError:
        return []
    with con:
        row = con.execute(
            """SELECT area_code FROM areas WHERE area_type IN ('aap', 'division_2025')
               ORDER BY area_type = 'division_2025', area_name LIMIT 1"""
        ).fetchone()
    return [f"explore?area={row[0]}&to=2025-12"] if row else []


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
READY_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
# What a page drew: compared between the proxy (with the policy) and a worker (without one).
DRAWN_JS = """() => Object.fromEntries(['stVegaLiteChart', 'stDeckGlJsonChart', 'stDataFrame', 'stMarkdownContainer',
  'stSkeleton', 'stException', 'stAlertContentError', 'stDownloadButton'].map(t =>
  [t, document.querySelectorAll(`[data-testid="${t}"]`).length]).concat([['canvas', document.querySelectorAll('canvas').length],
  ['svg', document.querySelectorAll('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas').length]]))"""
LISTEN_JS = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} ${e.sourceFile || ''}:${e.lineNumber || ''}`)); }"""


async def settled(page, limit_ms: int = 20000) -> dict:
    """What the page drew, once it has not changed for 2 s (charts and maps draw after the run)."""
    last, same_since, waited = None, 0, 0
    while waited < limit_ms:
        now = await page.evaluate(DRAWN_JS)
        if now == last and not now.get("stSkeleton"):
            same_since += 500
            if same_since >= 2000:
                break
        else:
            last, same_since = now, 0
        await page.wait_for_timeout(500)
        waited += 500
    return last or {}


async def check(url: str, policy: str | None, timeout_ms: int, baseline: str | None) -> int:
    from playwright.async_api import async_playwright

    violations: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
        await ctx.add_init_script(f"({LISTEN_JS})()")
        if policy:

            async def swap(route):
                resp = await route.fetch()
                headers = {**resp.headers, "content-security-policy": policy}
                await route.fulfill(response=resp, headers=headers)

            await ctx.route("**/*", swap)
        page = await ctx.new_page()
        page.on(
            "console", lambda m: violations.append(f"console: {m.text[:300]}") if "Content Security Policy" in m.text else None
        )
        plain = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
        mismatches = 0
        for path in [*warm_paths(), *one_area_path()]:
            resp = await page.goto(f"{url}/{path}", wait_until="load", timeout=timeout_ms)
            header = resp.headers.get("content-security-policy", "") if resp else ""
            try:
                await page.wait_for_function(READY_JS, timeout=timeout_ms, polling=200)
                state = "ready"
            except Exception as exc:  # noqa: BLE001 - reported, the next page is still checked
                state = f"not ready ({type(exc).__name__})"
            drawn = await settled(page)
            if baseline:  # the same page straight from a worker, no policy
                await plain.goto(f"{baseline}/{path}", wait_until="load", timeout=timeout_ms)
                try:
                    await plain.wait_for_function(READY_JS, timeout=timeout_ms, polling=200)
                except Exception:  # noqa: BLE001 - compared below
                    pass
                expected = await settled(plain)
                if expected != drawn:
                    mismatches += 1
                    state += f"; DIFFERS from the worker: {drawn} vs {expected}"
                else:
                    state += "; draws what the worker alone draws"
            found = await page.evaluate("() => window.__csp || []")
            violations += [f"/{path}: {v}" for v in found]
            print(f"/{path}: {state}, {len(found)} violations, CSP header {'present' if header else 'MISSING'}", flush=True)
            for v in dict.fromkeys(found):
                print(f"  {v}", flush=True)
        await browser.close()
    console = [v for v in dict.fromkeys(violations) if v.startswith("console:")]
    for v in console:
        print("  " + v)
    return 1 if violations or mismatches else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--policy", default=None, help="a policy to try instead of the served one")
    ap.add_argument("--baseline", default=None, help="a worker's own address, to compare what each page draws")
    ap.add_argument("--page-timeout", type=float, default=60.0)
    args = ap.parse_args()
    if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        ap.error("--url must be on this machine (http://127.0.0.1:PORT)")
    if args.baseline and not args.baseline.startswith(("http://127.0.0.1", "http://localhost")):
        ap.error("--baseline must be on this machine")
    return asyncio.run(check(args.url.rstrip("/"), args.policy, int(args.page_timeout * 1000), args.baseline))


if __name__ == "__main__":
    raise SystemExit(main())
