"""Faults during a build (full disk, read-only target, a second build, leftovers of a killed one),
the build report, and the build-time checks of the project's own configuration (issues 9 and 14).

Every failure is one line on stderr and exit status 2, and the previous warehouse stays byte-identical.
"""

from __future__ import annotations

import errno
import fcntl
import gzip
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from sdp_dash.cli import main
from sdp_dash.config import catalogue, measures
from sdp_dash.config import manifest as manifest_config
from sdp_dash.errors import SourceError
from sdp_dash.pipeline import build as build_module
from sdp_dash.pipeline.build import build
from sdp_dash.pipeline.sources.common import sha256
from tests.support import fixtures


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    base = tmp_path_factory.mktemp("safety")
    tree = fixtures.write_source_tree(base / "src")
    warehouse = base / "sdp.duckdb"
    build(tree, warehouse, progress=False)
    return tree, warehouse


@pytest.fixture
def copy(good, tmp_path):
    tree = tmp_path / "src"
    shutil.copytree(good[0], tree)
    warehouse = tmp_path / "sdp.duckdb"
    shutil.copyfile(good[1], warehouse)
    return tree, warehouse


def run_build(tree: Path, warehouse: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = main(["build", "--source", str(tree), "--warehouse", str(warehouse), "--quiet", *extra])
    return code, capsys.readouterr().err.strip().splitlines()


def assert_refused(code: int, err: list[str], expect: str) -> None:
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("error: ") and expect in err[0], err[0]


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if "building" in p.name]


# --- Faults ------------------------------------------------------------------------------------


def test_a_full_disk_is_one_line(copy, capsys, monkeypatch):
    tree, warehouse = copy
    before = sha256(warehouse)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_module, "_write_meta", full)
    assert_refused(*run_build(tree, warehouse, capsys, "--full"), "the disk is full")
    assert sha256(warehouse) == before and no_leftovers(warehouse.parent)


def _disk_fills(monkeypatch, *, from_the_start: bool = False) -> None:
    """Simulate a disk that fills during the build (or is full from the start): from then on, no
    write may make a file bigger (ENOSPC; ``Path.write_text`` empties the file first, as on a real
    full disk); overwriting bytes a file already has still works."""
    full = {"now": from_the_start}
    real_write, real_pwrite = os.write, os.pwrite

    def no_space():
        return OSError(errno.ENOSPC, "No space left on device")

    def write(fd, data):
        if full["now"]:
            raise no_space()
        return real_write(fd, data)

    def pwrite(fd, data, offset):
        if full["now"] and offset + len(data) > os.fstat(fd).st_size:
            raise no_space()
        return real_pwrite(fd, data, offset)

    def write_text(path, *args, **kwargs):  # as open("w") then write() on a full disk: truncated, then ENOSPC
        if full["now"]:
            open(path, "w").close()  # noqa: SIM115 - emptied as the real call would
            raise no_space()
        return real_write_text(path, *args, **kwargs)

    def write_meta(*args, **kwargs):
        full["now"] = True
        raise no_space()

    real_write_text = Path.write_text
    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(build_module.os, "write", write)
    monkeypatch.setattr(build_module.os, "pwrite", pwrite)
    monkeypatch.setattr(build_module, "_write_meta", write_meta)


def test_a_full_disk_still_records_why_the_build_was_refused(copy, capsys, monkeypatch):
    # The line is written over bytes reserved before the build began: a full disk cannot leave it empty.
    tree, warehouse = copy
    _disk_fills(monkeypatch)
    assert_refused(*run_build(tree, warehouse, capsys, "--full"), "the disk is full")
    assert "the disk is full" in build_module.last_refusal(warehouse)


def test_a_refusal_that_cannot_be_recorded_goes_to_stderr(copy, capsys, monkeypatch):
    tree, warehouse = copy
    refused = warehouse.with_name(f".{warehouse.name}.refused")
    refused.unlink(missing_ok=True)
    _disk_fills(monkeypatch, from_the_start=True)
    code, err = run_build(tree, warehouse, capsys, "--full")
    assert code == 2
    assert err[0].startswith("warning: ") and "could not record this refusal" in err[0] and "the disk is full" in err[0]
    assert err[-1].startswith("error: ") and "the disk is full" in err[-1]
    assert not refused.exists()  # no empty file left behind: the reason is on stderr


def test_a_full_disk_while_copying_for_an_incremental_build_is_one_line(copy, capsys, monkeypatch):
    tree, warehouse = copy
    before = sha256(warehouse)
    fixtures.write_street_file(tree, "durham", "2025-04")

    def full(src, dst, *args, **kwargs):
        Path(dst).write_bytes(b"partial")  # an interrupted copy leaves a partial file
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(build_module.shutil, "copyfile", full)
    code, err = run_build(tree, warehouse, capsys)
    assert_refused(code, err, "the disk is full")
    assert sha256(warehouse) == before and no_leftovers(warehouse.parent)


def test_a_read_only_target_is_one_line(copy, capsys, monkeypatch):
    tree, warehouse = copy
    before = sha256(warehouse)
    real_replace = os.replace

    def read_only(src, dst, *args, **kwargs):
        if Path(dst) == warehouse:
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(build_module.os, "replace", read_only)
    assert_refused(*run_build(tree, warehouse, capsys, "--full"), "read-only")
    assert sha256(warehouse) == before and no_leftovers(warehouse.parent)


def test_a_directory_where_the_warehouse_should_be_is_one_line(good, tmp_path, capsys):
    target = tmp_path / "sdp.duckdb"
    target.mkdir()
    assert_refused(*run_build(good[0], target, capsys), "not a regular file")


def test_a_missing_source_folder_is_one_line(tmp_path, capsys):
    assert_refused(*run_build(tmp_path / "nowhere", tmp_path / "w.duckdb", capsys), "source folder")


# --- Lock and leftovers ------------------------------------------------------------------------


def test_a_second_build_refuses_while_one_is_running(copy, capsys):
    tree, warehouse = copy
    before = sha256(warehouse)
    fixtures.write_street_file(tree, "durham", "2025-04")
    lock = warehouse.with_name(f".{warehouse.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242\n")
        code, err = run_build(tree, warehouse, capsys, "--wait", "0.3")
        assert_refused(code, err, "another build of this warehouse is running (pid 4242)")
        assert sha256(warehouse) == before
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    code, err = run_build(tree, warehouse, capsys)  # free again: the build goes ahead
    assert code == 0 and err[-1].startswith("incremental")


def test_leftovers_of_a_killed_build_are_removed(copy, capsys):
    tree, warehouse = copy
    leftovers = [warehouse.with_name(f".{warehouse.name}.building-{pid}{end}") for pid in (11, 12) for end in ("", ".wal")]
    for p in leftovers:
        p.write_bytes(b"x" * 1000)
    code, err = run_build(tree, warehouse, capsys, "--full")
    assert code == 0
    assert "Removed 4 temporary file(s)" in err[0]
    assert not any(p.exists() for p in leftovers)


def test_a_stray_write_ahead_log_beside_the_warehouse_is_removed(copy, capsys):
    # Left by some other writer that was stopped; DuckDB would replay it into the next file at this path.
    tree, warehouse = copy
    wal = warehouse.with_name(warehouse.name + ".wal")
    wal.write_bytes(b"x" * 1000)
    code, err = run_build(tree, warehouse, capsys, "--full")
    assert code == 0 and "Removed 1 temporary file(s)" in err[0]
    assert not wal.exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM crime_events").fetchone()[0] > 0


def test_a_refused_build_is_recorded_until_one_succeeds(copy, capsys):
    tree, warehouse = copy
    before = sha256(warehouse)
    (tree / "population").rename(tree / "population-moved")
    (tree / "population").write_text("a file where a folder should be")
    code, err = run_build(tree, warehouse, capsys)
    assert code == 2 and sha256(warehouse) == before
    assert main(["coverage", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The last build was refused") and err[0].removeprefix("error: ") in out
    (tree / "population").unlink()
    (tree / "population-moved").rename(tree / "population")
    code, _ = run_build(tree, warehouse, capsys, "--full")
    assert code == 0
    assert main(["coverage", "--warehouse", str(warehouse)]) == 0
    assert "refused" not in capsys.readouterr().out


# --- Build report ------------------------------------------------------------------------------


def test_rows_in_an_unknown_lsoa_are_reported_not_dropped_silently(copy, capsys):
    tree, warehouse = copy
    path = next((tree / "police-uk" / "2025-01").iterdir())
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
    line_end = "\r\n" if "\r\n" in text else "\n"
    extra = (
        "zz99,2025-01,Durham Constabulary,Durham Constabulary,-1.690000,54.710000,On or near X,E01099999,Nowhere 001A,Burglary,,"
    )
    text = text.rstrip("\r\n") + line_end + extra + line_end
    path.write_bytes(gzip.compress(text.encode(), mtime=0) if path.suffix == ".gz" else text.encode())
    code, err = run_build(tree, warehouse, capsys)
    assert code == 0
    assert any("1 row(s) with an LSOA code not in the ONS LSOA 2021 set" in line for line in err)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        got = con.execute(
            "SELECT rows FROM build_report WHERE item = 'not counted: LSOA code not in the ONS LSOA 2021 set' AND file LIKE ?",
            ["police-uk/2025-01/%"],
        ).fetchone()
    assert got == (1,)
    assert main(["coverage", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Build report" in out
    assert "not counted: LSOA code not in the ONS LSOA 2021 set 1" in out


def test_the_build_report_accounts_for_every_police_row(good):
    with duckdb.connect(str(good[1]), read_only=True) as con:
        read = dict(con.execute("SELECT file, rows FROM build_report WHERE kind = 'police' AND item = 'read'").fetchall())
        events = dict(con.execute("SELECT source_file, count(*) FROM crime_events GROUP BY 1").fetchall())
        assert read == events
        not_counted = con.execute(
            "SELECT file, sum(rows) FROM build_report WHERE item LIKE 'not counted:%' OR item LIKE 'counted%' GROUP BY 1"
        ).fetchall()
        assert dict(not_counted) == read  # counted + not counted (with a reason) = read
        reference = con.execute("SELECT count(DISTINCT file) FROM build_report WHERE kind = 'reference'").fetchone()[0]
    assert reference >= 20


def test_coverage_of_a_missing_warehouse_is_one_line(tmp_path, capsys):
    assert main(["coverage", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


# --- The project's own configuration (issue 9) -----------------------------------------------------


def _manifest_with(tmp_path: Path, old: str, new: str) -> Path:
    text = manifest_config.MANIFEST_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "sources.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ('id = "msoa21"', 'id = "msoa21"\nlicense = "OGL"', "unknown key(s) license"),
        ('id = "msoa21"', 'id = "lsoa21"', "duplicate source id(s) lsoa21"),
        ('scope = "partnership"', 'scope = "region"', "unknown scope 'region'"),
        ('scope = "partnership"', 'scope = "all"', "scope all cannot have a path pattern"),
        ("_{code}_msoa2021", "_{lad}_msoa2021", "unknown placeholder(s) lad"),
        ('id = "la_names"', 'id = "la_names"\nscope = "force"', "scope force needs a path pattern"),
        ('slug = "cleveland"', 'slug = "cleveland"\nsize = 3', "[[police.force]] 2"),
        ("[police]", "colour = 1\n[police]", "unknown top-level key(s) colour"),
    ],
)
def test_the_manifest_is_checked_at_load(tmp_path, old, new, expect):
    with pytest.raises(SourceError) as info:
        manifest_config.load(_manifest_with(tmp_path, old, new))
    assert expect in str(info.value) and "\n" not in str(info.value)


def _measures_with(tmp_path: Path, old: str, new: str) -> Path:
    text = measures.MEASURES_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "measures.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ('"Robbery", "Shoplifting"', '"Robbery", "Shop lifting"', "'Shop lifting'"),
        ('sensitive_types = ["Violence and sexual offences"', 'sensitive_types = ["Violence"', "sensitive_types"),
        ('id = "theft"', 'id = "all_crime"', "duplicate measure id(s) all_crime"),
        ('id = "theft"', 'id = "theft"\ncolour = "red"', "unknown key(s) colour"),
        ('types = ["Anti-social behaviour"]', 'types = ["Anti-social behaviour", "Drugs"]', "must count only that type"),
    ],
)
def test_measures_are_checked_against_the_police_uk_categories(tmp_path, old, new, expect):
    with pytest.raises(SourceError) as info:
        measures.load(_measures_with(tmp_path, old, new))
    assert expect in str(info.value) and "\n" not in str(info.value)


def test_the_real_measures_load_and_match_the_warehouse(good):
    rows = measures.load().rows()
    with duckdb.connect(str(good[1]), read_only=True) as con:
        got = con.execute("SELECT count(*), count(DISTINCT measure_id) FROM measures").fetchone()
    assert got == (len(rows), len({r[0] for r in rows}))


def test_a_broken_measures_file_stops_the_build(copy, capsys, monkeypatch, tmp_path):
    tree, warehouse = copy
    before = sha256(warehouse)
    bad = _measures_with(tmp_path, '"Drugs", "Other crime"', '"Drugs", "Other crimes"')
    real_load = measures.load
    monkeypatch.setattr(measures, "load", lambda path=bad, crime_types=measures.CRIME_TYPES: real_load(path, crime_types))
    assert_refused(*run_build(tree, warehouse, capsys), "'Other crimes'")
    assert sha256(warehouse) == before


def test_a_broken_catalogue_stops_the_build(copy, capsys, monkeypatch):
    tree, warehouse = copy
    before = sha256(warehouse)

    def broken(*args, **kwargs):
        raise catalogue.CatalogueError("indicator 'x': unknown priority 'nope'")

    monkeypatch.setattr(catalogue, "load", broken)
    assert_refused(*run_build(tree, warehouse, capsys), "data/indicators.toml: indicator 'x': unknown priority")
    assert sha256(warehouse) == before
