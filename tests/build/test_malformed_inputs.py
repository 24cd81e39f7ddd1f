"""Every kind of malformed input stops the build with one clear line and loses nothing."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import signal
import tomllib
from pathlib import Path

import pytest

from sdp_dash import warehouse as wh
from sdp_dash.cli import main
from sdp_dash.pipeline.build import build
from sdp_dash.pipeline.sources.common import sha256
from tests.support import fixtures

CORPUS = Path(__file__).parent / "malformed"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text())["case"]
CASE_SECONDS = 30


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail (rather than hang) when a case takes longer than ``seconds``."""

    def expired(_signum, _frame):
        raise TimeoutError(f"the case took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _case_id(c: dict) -> str:
    return f"{c.get('file', c.get('make'))}->{Path(c['target']).name}"


def place(case: dict, tree: Path, tmp_path: Path) -> None:
    """Put the case's bad thing at its target in the source tree."""
    target = tree / case["target"]
    make = case.get("make", "file")
    siblings = sorted(target.parent.glob(target.name.split(".")[0] + ".*")) if target.parent.exists() else []
    if make == "double":  # the good file, every data row twice
        (good,) = siblings
        data = good.read_bytes()
        text = gzip.decompress(data) if good.suffix == ".gz" else data
        lines = text.splitlines(keepends=True)
        doubled = b"".join([lines[0], *lines[1:], *lines[1:]])
        good.write_bytes(gzip.compress(doubled, mtime=0) if good.suffix == ".gz" else doubled)
        return
    # Replace the good file for that month/source (whatever its compression) with the bad one,
    # except for the duplicate-month case, which adds a second file.
    if case["expect"] != "duplicate month":
        for sibling in siblings:
            sibling.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    if make == "file":
        data = (CORPUS / case["file"]).read_bytes()
        target.write_bytes(gzip.compress(data, mtime=0) if case.get("gzip") else data)
    elif make == "dir":
        target.mkdir()
        (target / "part.csv").write_text("x\n")
    elif make == "fifo":
        os.mkfifo(target)
    elif make == "devzero":
        target.symlink_to("/dev/zero")
    elif make == "secret_link":
        secret = tmp_path / "private.txt"
        secret.write_text("root:x:0:0:SECRET-VALUE:/root:/bin/bash\n" * 3)
        target.symlink_to(secret)
    else:
        raise ValueError(f"unknown make {make!r}")


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A good source tree and the warehouse built from it (copied per case)."""
    base = tmp_path_factory.mktemp("good")
    tree = fixtures.write_source_tree(base / "src")
    warehouse = base / "sdp.duckdb"
    build(tree, warehouse, progress=False)
    return tree, warehouse


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_malformed_input_gives_one_line_and_keeps_the_warehouse(case, good, tmp_path, capsys):
    tree = tmp_path / "src"
    shutil.copytree(good[0], tree)
    warehouse = tmp_path / "sdp.duckdb"
    shutil.copyfile(good[1], warehouse)
    before = sha256(warehouse)

    place(case, tree, tmp_path)

    with time_limit(CASE_SECONDS):
        code = main(["build", "--source", str(tree), "--warehouse", str(warehouse), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()

    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("error: ")
    assert case["target"].split("/")[-1].split(".")[0] in err[0]  # names the file
    assert case["expect"] in err[0]
    if "forbid" in case:
        assert case["forbid"] not in err[0]
    assert sha256(warehouse) == before
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
    with wh.connect(warehouse) as con:  # still serving
        assert wh.latest_month(con) == "2025-03"


def test_a_missing_source_file_is_named(good, tmp_path, capsys):
    tree = tmp_path / "src"
    shutil.copytree(good[0], tree)
    (tree / "deprivation" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz").unlink()
    assert main(["build", "--source", str(tree), "--warehouse", str(tmp_path / "w.duckdb"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz: missing" in err[0]
    assert not (tmp_path / "w.duckdb").exists()
