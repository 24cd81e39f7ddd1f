"""`fetch` against a local HTTP server laid out like the publishers' sites."""

from __future__ import annotations

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.cli import main
from sdp_dash.errors import SourceError
from sdp_dash.pipeline.build import build
from sdp_dash.pipeline.fetch import fetch
from tests.support import fixtures, publisher


@pytest.fixture(scope="module")
def publishers(tmp_path_factory):
    """A local 'internet': every manifest URL and a police.uk archive, served on 127.0.0.1."""
    site, tree = publisher.write_site(tmp_path_factory.mktemp("publishers"))
    archive = publisher.write_archive(site, "2025-03", fixtures.MONTHS)
    (archive.parent / "2025-04.zip").write_bytes(archive.read_bytes()[:500])  # a broken download
    with publisher.serve(site) as url:
        yield url, tree


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


def test_fetch_downloads_the_chosen_partnerships_files_by_pattern(redirect, tmp_path, monkeypatch):
    monkeypatch.setenv("SDP_PARTNERSHIP", "E06000002")
    dest = tmp_path / "downloads"
    fetch(dest, "2025-01", "2025-03", forces=["cleveland"], progress=False)
    boundaries = sorted(p.name for p in (dest / "geography" / "boundaries").iterdir())
    assert boundaries == [
        "hartlepool_E06000001_lsoa2021.geojson",  # Cleveland's other authority in the fixture world: its outline
        "middlesbrough_E06000002_lsoa2021.geojson",
        "middlesbrough_E06000002_msoa2021.geojson",
        "middlesbrough_E06000002_wards2025.geojson",
    ]
    assert not (dest / "geography" / "aap").exists()  # County Durham's own files are not asked for
