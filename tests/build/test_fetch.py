"""`fetch` against a local HTTP server laid out like the publishers' sites."""

from __future__ import annotations

import functools
import gzip
import io
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
import rdata

from sdp_dash import warehouse as wh
from sdp_dash.cli import main
from sdp_dash.config.manifest import load
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.build import build
from sdp_dash.pipeline.fetch import fetch
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


@pytest.fixture(scope="module")
def publishers(tmp_path_factory):
    """A local 'internet': every manifest URL and a police.uk archive, served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("publishers")
    tree = fixtures.write_source_tree(base / "tree")
    site = base / "site"
    for src in load().sources:
        if not src.url:
            continue
        target = site_path(site, src.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.url.endswith(".rda"):
            _as_rda(tree / src.path, target, Path(src.alt_path).stem)
        else:
            target.write_bytes((tree / src.path).read_bytes())
    archive = site_path(site, load().police["archive_url"].format(month="2025-03"))
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for force in fixtures.FORCE_NAMES:
            for month in fixtures.MONTHS:
                text = fixtures.csv_text(fixtures.HEADER, fixtures.street_rows(force, month), "\r\n")
                zf.writestr(f"{month}/{month}-{force}-street.csv", text)
                zf.writestr(f"{month}/{month}-{force}-outcomes.csv", "Crime ID,Month\n")
    (archive.parent / "2025-04.zip").write_bytes(archive.read_bytes()[:500])  # a broken download

    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tree
    server.shutdown()


@pytest.fixture
def redirect(publishers, monkeypatch):
    monkeypatch.setenv("SDP_PUBLISHER_ROOT", publishers[0])
    return publishers


def test_fetch_then_build_from_the_download_folder(redirect, tmp_path):
    dest = tmp_path / "downloads"
    got = fetch(dest, "2025-01", "2025-03", progress=False)
    street = sorted(p.relative_to(dest).as_posix() for p in got if p.name.endswith("-street.csv"))
    assert street[:3] == [f"police-uk-cleveland/{m}/{m}-cleveland-street.csv" for m in ("2025-01", "2025-02", "2025-03")]
    assert len(street) == 9
    assert (dest / "population" / "census21_pop.rda").exists()  # saved in its published form

    report = build(dest, tmp_path / "sdp.duckdb", progress=False)
    assert report.mode == "full"
    assert any("area boards are left out" in m for m in report.messages)  # not downloadable: no publisher
    with wh.connect(tmp_path / "sdp.duckdb") as con:
        fetched = wh.counts_by_measure(con, "E06000047", "2025-01", "2025-03").set_index("measure_id")["count"]
    reference = tmp_path / "reference.duckdb"
    build(redirect[1], reference, progress=False)
    with wh.connect(reference) as con:
        direct = wh.counts_by_measure(con, "E06000047", "2025-01", "2025-03").set_index("measure_id")["count"]
    assert fetched.equals(direct)

    # A second fetch of the same range downloads no reference file again.
    again = fetch(dest, "2025-01", "2025-03", forces=["durham"], progress=False)
    assert [p.name for p in again] == [f"{m}-durham-street.csv" for m in ("2025-01", "2025-02", "2025-03")]


def test_a_broken_archive_is_one_clear_error_and_places_nothing(redirect, tmp_path):
    dest = tmp_path / "downloads"
    with pytest.raises(SourceError, match="not a readable zip archive"):
        fetch(dest, "2025-04", "2025-04", forces=["durham"], progress=False)
    assert not (dest / "police-uk").exists()
    assert not [p for p in dest.rglob("*.part")]


def test_a_missing_archive_is_an_http_error_on_one_line(redirect, tmp_path, capsys):
    code = main(["fetch", "--from", "2030-01", "--to", "2030-02", "--dest", str(tmp_path / "d"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("error: https://data.police.uk/data/archive/2030-02.zip: download failed: HTTP 404")


def test_fetch_rejects_a_bad_month_argument(capsys):
    with pytest.raises(SystemExit):
        main(["fetch", "--from", "2025-13", "--to", "2025-12"])
    assert "is not a month" in capsys.readouterr().err


def test_a_destination_that_cannot_be_written_is_one_line(redirect, tmp_path, capsys):
    # A file where the download folder should be (as a read-only or full disk would fail): no traceback.
    blocked = tmp_path / "downloads"
    blocked.write_text("not a folder")
    code = main(["fetch", "--from", "2025-01", "--to", "2025-01", "--dest", str(blocked), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in err[0]
    assert blocked.read_text() == "not a folder"
