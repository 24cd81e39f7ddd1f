"""Every kind of malformed input stops the build with one clear line and loses nothing."""

from __future__ import annotations

import gzip
import shutil
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


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A good source tree and the warehouse built from it (copied per case)."""
    base = tmp_path_factory.mktemp("good")
    tree = fixtures.write_source_tree(base / "src")
    warehouse = base / "sdp.duckdb"
    build(tree, warehouse, progress=False)
    return tree, warehouse


@pytest.mark.parametrize("case", CASES, ids=[f"{c['file']}->{Path(c['target']).name}" for c in CASES])
def test_malformed_input_gives_one_line_and_keeps_the_warehouse(case, good, tmp_path, capsys):
    tree = tmp_path / "src"
    shutil.copytree(good[0], tree)
    warehouse = tmp_path / "sdp.duckdb"
    shutil.copyfile(good[1], warehouse)
    before = sha256(warehouse)

    target = tree / case["target"]
    data = (CORPUS / case["file"]).read_bytes()
    if case.get("gzip"):
        data = gzip.compress(data, mtime=0)
    # Replace the good file for that month/source (whatever its compression) with the bad one,
    # except for the duplicate-month case, which adds a second file.
    if case["expect"] != "duplicate month":
        for sibling in target.parent.glob(target.name.split(".")[0] + ".*"):
            sibling.unlink()
    target.write_bytes(data)

    code = main(["build", "--source", str(tree), "--warehouse", str(warehouse), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()

    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("error: ")
    assert case["target"].split("/")[-1].split(".")[0] in err[0]  # names the file
    assert case["expect"] in err[0]
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
