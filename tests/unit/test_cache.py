"""The app's cache (sdp_dash/web/cache.py): values by argument and warehouse generation, bounded,
shared without copies, and guarded against callers that change a shared value; a page run reads
one warehouse generation (connection.pinned)."""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest

from sdp_dash.web import cache, connection


def _write(path, value: int) -> None:
    tmp = path.with_name(f".{path.name}.building")
    with duckdb.connect(str(tmp)) as con:
        con.execute(f"CREATE TABLE meta AS SELECT {value} AS v")
    os.replace(tmp, path)


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    _write(path, 1)
    monkeypatch.setenv("SDP_WAREHOUSE", str(path))
    monkeypatch.setattr(connection, "_current", None)
    return path


calls: list[tuple] = []


def _value(con, label: str) -> pd.DataFrame:
    calls.append((label,))
    return pd.DataFrame({"label": [label], "v": [con.execute("SELECT v FROM meta").fetchone()[0]]})


def test_a_hit_is_the_same_object_and_a_rebuild_is_a_new_key(warehouse):
    calls.clear()
    value = cache.cached(_value, max_entries=10)
    first = value("a")
    assert value("a") is first and len(calls) == 1
    _write(warehouse, 2)
    assert value("a")["v"].item() == 2 and len(calls) == 2


def test_the_cache_is_bounded_least_recently_used_out(warehouse):
    calls.clear()
    value = cache.cached(_value, max_entries=2)
    value("a"), value("b"), value("a"), value("c")  # "b" is the least recently used
    assert len(value.memo) == 2
    value("a")
    assert len(calls) == 3
    value("b")
    assert len(calls) == 4


def test_a_caller_that_changes_a_shared_value_is_caught(warehouse, monkeypatch):
    monkeypatch.setenv("SDP_CACHE_CHECK", "1")
    value = cache.cached(_value, max_entries=10)
    value("a").loc[0, "v"] = 99  # a page must never do this
    with pytest.raises(cache.MutatedCacheValue):
        value("a")


def test_unhashable_arguments_are_keyed_by_their_contents(warehouse):
    calls.clear()
    value = cache.cached(lambda con, labels: _value(con, ",".join(labels)), max_entries=10)
    assert value(["a", "b"]) is value(["a", "b"]) and len(calls) == 1


def test_a_page_run_reads_one_generation(warehouse):
    def v() -> int:
        return connection.cursor().execute("SELECT v FROM meta").fetchone()[0]

    with connection.pinned():
        assert v() == 1
        _write(warehouse, 2)
        assert v() == 1, "the rest of the run still reads the generation it started with"
        key = connection.warehouse_key()
    assert v() == 2 and connection.warehouse_key() != key
