"""Screenshots of every page at 1280 and 375 px, as a resident sees them, for review and closing notes.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--warehouse data/sdp.duckdb]
        [--pages overview explore ...] [--widths 1280 375] [--query "area=E02004314"]

One ``streamlit run app.py`` (tests/support/devserver.py) and Debian's chromium.  Each page is opened in
a fresh tab, waited on until it has settled (bench/settle.py's rule), and shot full length (Streamlit
scrolls inside its own container, so the viewport is stretched to the content, at most 12,000 px).
The files are palette PNGs (256 colours) to keep them small: ``<page>-<width>.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.settle import _HEIGHT, open_settled  # noqa: E402
from tests.support.devserver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    page_paths,
    start_server,
    stop_server,
    wait_healthy,
)

MAX_HEIGHT = 12_000


def shoot(context, url: str, path: Path, width: int) -> int:
    """Open ``url``, wait for it to settle, write a full-length palette PNG; return the page's height."""
    from PIL import Image

    page = open_settled(context, url, width)
    try:
        height = int(page.evaluate(_HEIGHT))
        page.set_viewport_size({"width": width, "height": min(max(height, 900), MAX_HEIGHT)})
        page.wait_for_timeout(800)  # maps and charts redraw at the new size
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.close()
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    return height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "sdp.duckdb")
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--widths", nargs="*", type=int, default=[1280, 375])
    parser.add_argument("--query", default="", help="query string added to every address, e.g. area=E02004314")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -sunderland")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_server(args.warehouse, port)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", timeout=120)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context()
            for name in args.pages or page_paths():
                for width in args.widths:
                    query = f"?{args.query}" if args.query else ""
                    path = args.out / f"{name}{args.suffix}-{width}.png"
                    height = shoot(context, f"http://127.0.0.1:{port}/{name}{query}", path, width)
                    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {height:,} px tall", flush=True)
            browser.close()
    finally:
        stop_server(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
