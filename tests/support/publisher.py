"""A local copy of the publishers' sites, served on 127.0.0.1 (``SDP_PUBLISHER_ROOT`` points at it):
every manifest URL from the synthetic source tree (tests/support/fixtures.py), police.uk archives
of chosen months and police.uk's "last updated" answer.  For tests/build/test_fetch.py and
tests/build/test_refresh.py."""

from __future__ import annotations

import functools
import gzip
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import rdata

from sdp_dash.config.manifest import load
from tests.support import fixtures


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def site_path(site: Path, url: str) -> Path:
    parts = urlsplit(url)
    return site / parts.netloc / parts.path.lstrip("/")


def _as_rda(csv_gz: Path, target: Path, name: str) -> None:
    df = pd.read_csv(io.BytesIO(gzip.decompress(csv_gz.read_bytes())), dtype=str, keep_default_na=False)
    numeric = {c for c in df.columns if pd.to_numeric(df[c], errors="coerce").notna().all()}
    df = df.astype({c: (float if c in numeric else object) for c in df.columns})
    target.parent.mkdir(parents=True, exist_ok=True)
    rdata.write_rda(target, {name: df})


def write_site(base: Path) -> tuple[Path, Path]:
    """(site, tree): every manifest URL of the synthetic tree, in the site's layout (no archive yet)."""
    tree = fixtures.write_source_tree(base / "tree")
    site = base / "site"
    for each in load().sources:
        # A per-authority source ({code}): the file of every authority of the fixture world that has one.
        names = fixtures.LAS if each.pattern else {"": ("",)}
        for src in (each.for_authority(code, name) for code, (name, *_) in names.items()):
            if not src.url or not (tree / src.path).exists():
                continue
            target = site_path(site, src.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            if src.url.endswith(".rda"):
                _as_rda(tree / src.path, target, Path(src.alt_path).stem)
            else:
                target.write_bytes((tree / src.path).read_bytes())
    return site, tree


def write_archive(site: Path, end: str, months: tuple[str, ...] | list[str]) -> Path:
    """police.uk's archive of ``end``: street (and outcomes) files of ``months`` for every force."""
    archive = site_path(site, load().police["archive_url"].format(month=end))
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for force in fixtures.FORCE_NAMES:
            for month in months:
                text = fixtures.csv_text(fixtures.HEADER, fixtures.street_rows(force, month), "\r\n")
                zf.writestr(f"{month}/{month}-{force}-street.csv", text)
                zf.writestr(f"{month}/{month}-{force}-outcomes.csv", "Crime ID,Month\n")
    return archive


def set_latest(site: Path, month: str) -> None:
    """police.uk's answer to "what is the latest month published?"."""
    target = site_path(site, load().police["last_updated_url"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"date": f"{month}-01"}))


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free port of 127.0.0.1; yields its base URL (for SDP_PUBLISHER_ROOT)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
