"""The app's cache (sdp_dash/web/cache.py): values by argument and warehouse generation, bounded,
shared without copies (one mechanism: sdp_dash.memo, also for pure functions and maps), and guarded against callers that change a shared value; a page run reads
one warehouse generation (connection.pinned)."""

from __future__ import annotations

import pandas as pd
import pytest

from sdp_dash.web import cache, connection
from tests.support import tiny_warehouse

swapped = tiny_warehouse.swapped  # the fixture: a one-table warehouse as SDP_WAREHOUSE
write = tiny_warehouse.write

calls: list[tuple] = []


def _value(con, label: str) -> pd.DataFrame:
    calls.append((label,))
    return pd.DataFrame({"label": [label], "v": [con.execute("SELECT v FROM meta").fetchone()[0]]})


def test_a_hit_is_the_same_object_and_a_rebuild_is_a_new_key(swapped):
    calls.clear()
    value = cache.cached(_value, max_entries=10)
    first = value("a")
    assert value("a") is first and len(calls) == 1
    write(swapped, 2)
    assert value("a")["v"].item() == 2 and len(calls) == 2


def test_the_cache_is_bounded_least_recently_used_out(swapped):
    calls.clear()
    value = cache.cached(_value, max_entries=2)
    value("a"), value("b"), value("a"), value("c")  # "b" is the least recently used
    assert len(value.memo) == 2
    value("a")
    assert len(calls) == 3
    value("b")
    assert len(calls) == 4


def test_a_caller_that_changes_a_shared_value_is_caught(swapped, monkeypatch):
    monkeypatch.setenv("SDP_CACHE_CHECK", "1")
    value = cache.cached(_value, max_entries=10)
    value("a").loc[0, "v"] = 99  # a page must never do this
    with pytest.raises(cache.MutatedCacheValue):
        value("a")


def test_unhashable_arguments_are_keyed_by_their_contents(swapped):
    calls.clear()
    value = cache.cached(lambda con, labels: _value(con, ",".join(labels)), max_entries=10)
    assert value(["a", "b"]) is value(["a", "b"]) and len(calls) == 1


def test_a_page_run_reads_one_generation(swapped):
    def v() -> int:
        return connection.cursor().execute("SELECT v FROM meta").fetchone()[0]

    with connection.pinned():
        assert v() == 1
        write(swapped, 2)
        assert v() == 1, "the rest of the run still reads the generation it started with"
        key = connection.warehouse_key()
    assert v() == 2 and connection.warehouse_key() != key


def test_pure_functions_share_one_value_per_arguments():
    made = []

    @cache.pure(max_entries=2)
    def deck(wkey: str, level: str) -> dict:
        made.append((wkey, level))
        return {"level": level}

    assert deck("g1", "lsoa") is deck("g1", "lsoa") and made == [("g1", "lsoa")]
    deck("g2", "lsoa"), deck("g2", "msoa")  # a new generation is a new key; at most two kept
    assert len(deck.memo) == 2
    deck("g1", "lsoa")
    assert len(made) == 4
