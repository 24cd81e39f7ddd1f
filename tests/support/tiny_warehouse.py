"""A one-table warehouse (``meta.v``) swapped in with ``os.replace`` as a build does: for the tests of
the app's connection and cache (tests/serve/test_connection.py, tests/unit/test_cache.py)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from sdp_dash.config import partnership
from sdp_dash.web import connection


def write(path: Path, value: int) -> None:
    """Write a new file with ``meta.v = value`` beside ``path`` and swap it in."""
    tmp = path.with_name(f".{path.name}.building")
    with duckdb.connect(str(tmp)) as con:
        con.execute(f"CREATE TABLE meta AS SELECT {int(value)} AS v")
        con.execute("CREATE TABLE partnership AS SELECT ? AS code, 'Test partnership' AS name", [partnership.code()])
    os.replace(tmp, path)


@pytest.fixture
def swapped(tmp_path, monkeypatch) -> Path:
    """A tiny warehouse as the app's ``SDP_WAREHOUSE``, with no generation open yet."""
    path = tmp_path / "w.duckdb"
    write(path, 1)
    monkeypatch.setenv("SDP_WAREHOUSE", str(path))
    monkeypatch.setattr(connection, "_current", None)
    return path
