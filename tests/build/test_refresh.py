"""`python -m sdp_dash refresh`: the monthly job (issue 19).  Against a local copy of the publishers
(tests/support/publisher.py, SDP_PUBLISHER_ROOT) or a mirror (SDP_MIRROR): fetches only what is new,
builds, holds the build lock, does nothing the second time and says so, one line, non-zero on failure.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil

import pytest

from sdp_dash.cli import main
from sdp_dash.pipeline import refresh as refresh_module
from sdp_dash.pipeline.build import build, last_refusal
from sdp_dash.pipeline.sources.common import sha256
from tests.support import fixtures, publisher

LINE = re.compile(r"^refresh: (ok|failed), .*, \d+\.\d s$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The publishers' site files (the archives and the latest month are set by each test)."""
    return publisher.write_site(tmp_path_factory.mktemp("refresh-publishers"))


@pytest.fixture
def online(site, tmp_path, monkeypatch):
    """A fresh copy of the site served locally, and empty download folder and warehouse."""
    root = tmp_path / "site"
    shutil.copytree(site[0], root)
    monkeypatch.setenv("SDP_MIRROR", "")
    monkeypatch.setenv("SDP_DOWNLOADS", str(tmp_path / "downloads"))
    monkeypatch.setenv("SDP_WAREHOUSE", str(tmp_path / "sdp.duckdb"))
    with publisher.serve(root) as url:
        monkeypatch.setenv("SDP_PUBLISHER_ROOT", url)
        yield root, tmp_path / "sdp.duckdb"


def run(capsys, *extra: str) -> tuple[int, str]:
    code = main(["refresh", *extra])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out  # one line for monitoring, whatever happened
    assert LINE.match(out[0]), out[0]
    return code, out[0]


def publish(site, months: list[str]) -> None:
    """police.uk publishes up to months[-1]: its archive of that month and its 'last updated' answer."""
    publisher.write_archive(site, months[-1], months)
    publisher.set_latest(site, months[-1])


def test_refresh_fetches_what_is_new_builds_and_then_has_nothing_to_do(online, capsys):
    site, warehouse = online
    publish(site, ["2025-01", "2025-02"])
    code, line = run(capsys, "--from", "2025-01")
    assert code == 0
    assert line.startswith("refresh: ok, data to 2025-02, 2 new months (2025-01, 2025-02), warehouse rebuilt (full)"), line
    assert "file(s) downloaded" in line

    # Nothing new: nothing downloaded, the warehouse file untouched, and the line says so.
    before = (sha256(warehouse), warehouse.stat().st_mtime_ns)
    code, line = run(capsys)
    assert code == 0
    assert line.startswith("refresh: ok, data to 2025-02, 0 new months, nothing new, "), line
    assert (sha256(warehouse), warehouse.stat().st_mtime_ns) == before

    # A new month is published: only it is fetched (one file per force) and read (incremental build).
    publish(site, ["2025-01", "2025-02", "2025-03"])
    code, line = run(capsys)
    assert code == 0
    assert line.startswith("refresh: ok, data to 2025-03, 1 new month (2025-03), warehouse rebuilt (incremental), 3 file(s)"), (
        line
    )


def test_refresh_from_a_mirror_downloads_nothing(tmp_path, monkeypatch, capsys):
    tree = fixtures.write_source_tree(tmp_path / "mirror")
    monkeypatch.setenv("SDP_MIRROR", str(tree))
    monkeypatch.setenv("SDP_PUBLISHER_ROOT", "http://127.0.0.1:9")  # nothing listens: any download would fail
    monkeypatch.setenv("SDP_WAREHOUSE", str(tmp_path / "sdp.duckdb"))
    code, line = run(capsys)
    assert code == 0 and line.startswith(f"refresh: ok, data to {fixtures.MONTHS[-1]}, {len(fixtures.MONTHS)} new months, ")
    code, line = run(capsys)
    assert code == 0 and ", 0 new months, nothing new, " in line


def test_refresh_waits_for_a_running_build_and_then_refuses(online, capsys):
    site, warehouse = online
    publish(site, ["2025-01"])
    lock = warehouse.with_name(f".{warehouse.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242\n")
        code, line = run(capsys, "--wait", "0.3")
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert code == 2
    assert line.startswith("refresh: failed, ") and "another build of this warehouse is running (pid 4242)" in line
    assert not warehouse.exists() and not (warehouse.parent / "downloads").exists()  # nothing fetched, nothing built


def test_a_publisher_that_cannot_be_reached_is_one_line_and_leaves_the_warehouse(online, capsys, monkeypatch):
    site, warehouse = online
    publish(site, ["2025-01"])
    assert run(capsys, "--from", "2025-01")[0] == 0
    before = sha256(warehouse)
    monkeypatch.setenv("SDP_PUBLISHER_ROOT", "http://127.0.0.1:9")
    code, line = run(capsys)
    assert code == 2
    assert line.startswith("refresh: failed, https://data.police.uk/api/crime-last-updated: download failed"), line
    assert sha256(warehouse) == before


def test_a_refused_build_fails_the_refresh_and_is_recorded(tmp_path, monkeypatch, capsys):
    tree = fixtures.write_source_tree(tmp_path / "mirror")
    warehouse = tmp_path / "sdp.duckdb"
    build(tree, warehouse, progress=False)
    before = sha256(warehouse)
    bad = tree / "police-uk" / "2025-01" / "2025-01-durham-street.csv"
    for old in bad.parent.glob("2025-01-durham-street.csv*"):
        old.unlink()
    bad.write_text("Crime ID,Month\n1,2025-01\n")
    monkeypatch.setenv("SDP_MIRROR", str(tree))
    monkeypatch.setenv("SDP_WAREHOUSE", str(warehouse))
    code, line = run(capsys)
    assert code == 2 and line.startswith("refresh: failed, police-uk/2025-01/2025-01-durham-street.csv: "), line
    assert sha256(warehouse) == before
    assert last_refusal(warehouse).endswith(line.removeprefix("refresh: failed, ").rsplit(", ", 1)[0])


@pytest.mark.parametrize(
    ("present", "latest", "first", "expected"),
    [
        ({"2025-01", "2025-02"}, "2025-04", None, ["2025-03", "2025-04"]),
        ({"2025-04"}, "2025-04", None, []),
        (set(), "2025-04", None, [f"2024-{m:02d}" for m in range(5, 13)] + ["2025-01", "2025-02", "2025-03", "2025-04"]),
        (set(), "2025-04", "2025-03", ["2025-03", "2025-04"]),
        ({"2020-01"}, "2025-04", None, refresh_module.months_between("2022-05", "2025-04")),  # one archive: 36 months
    ],
)
def test_the_months_to_fetch(present, latest, first, expected):
    assert refresh_module.months_to_fetch(present, latest, first) == expected
