"""The one way the product caches (sdp_dash/memo.py: cachetools' LRU read through ``cached`` with a
condition): a value missing when several threads ask for it at once is computed once; a failure or a
stopped run lets a waiting thread compute it; the store is bounded, least recently used out.  And the
warehouse lookups answered from the app cursor's generation (warehouse.lookup), shared, not copied."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from sdp_dash import warehouse
from sdp_dash.memo import MutatedCacheValue, Store
from sdp_dash.web import connection
from tests.support import tiny_warehouse

swapped = tiny_warehouse.swapped
write = tiny_warehouse.write


def _together(n: int, fn) -> list:
    """``fn()`` in ``n`` threads started at the same moment; their results in order."""
    start, out = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        start.wait()
        try:
            out[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each thread got
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return out


def test_a_value_asked_for_by_many_threads_at_once_is_computed_once():
    calls = []

    def slow(k: str) -> str:
        calls.append(k)
        time.sleep(0.2)
        return "value"

    get = Store("test", 10).memoized(slow)
    assert _together(6, lambda: get("k")) == ["value"] * 6
    assert calls == ["k"]


def test_without_the_condition_the_threads_would_each_compute_it():
    """The check above can fail: the same threads on a plain function compute six times."""
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "value"

    assert _together(6, slow) == ["value"] * 6 and len(calls) == 6


def test_when_the_computing_thread_fails_a_waiting_one_computes_it():
    calls = []

    def first_fails(_k: str) -> str:
        calls.append(1)
        time.sleep(0.1)
        if len(calls) == 1:
            raise RuntimeError("stopped")
        return "value"

    get = Store("test", 10).memoized(first_fails)
    got = _together(3, lambda: get("k"))
    assert sum(isinstance(g, RuntimeError) for g in got) == 1 and got.count("value") == 2
    assert len(calls) == 2
    assert get("k") == "value" and len(calls) == 2


def test_bounded_least_recently_used_out():
    store, calls = Store("test", 2), []
    get = store.memoized(lambda k: calls.append(k) or k)
    for k in "abac":  # "b" is the least recently used when "c" comes
        get(k)
    assert len(store) == 2 and sorted(store.keys()) == [("a",), ("c",)]
    get("b")
    assert calls == ["a", "b", "c", "b"]


def test_a_changed_value_is_caught_when_checking_and_reading_is_not_a_change(monkeypatch):
    monkeypatch.setenv("SDP_CACHE_CHECK", "1")
    rows = [("2025-01", 5, "present"), ("2025-02", None, "missing")]  # as warehouse.monthly_counts gives
    get = Store("test", 10).memoized(
        lambda k: pd.DataFrame(rows, columns=["month", "count", "status"]).astype({"count": "Int64"})
    )
    frame = get("a")
    list(frame.itertuples())  # reading fills pandas' caches: the frame's own pickle changes, its content does not
    assert get("a") is frame, "read, not changed: still the shared value"
    frame.loc[0, "count"] = 99  # a caller must never do this
    with pytest.raises(MutatedCacheValue):
        get("a")


def test_lookups_are_answered_once_per_generation_and_shared(swapped):
    calls = []

    @warehouse.lookup
    def frame_of(con, label: str) -> pd.DataFrame:
        calls.append(label)
        return pd.DataFrame({"label": [label], "v": [con.execute("SELECT v FROM meta").fetchone()[0]]})

    with connection.pinned():
        first = frame_of(connection.cursor(), "a")
        assert frame_of(connection.cursor(), "a") is first and calls == ["a"], "shared, not copied"
        assert frame_of(connection.cursor(), "b") is not first and calls == ["a", "b"]
    write(swapped, 2)
    assert frame_of(connection.cursor(), "a")["v"].item() == 2 and calls[2:] == ["a"], "a rebuild is a new generation"
    raw = warehouse.connect(swapped)
    try:
        assert frame_of(raw, "a")["v"].item() == 2 and len(calls) == 4, "a plain connection always asks the file"
    finally:
        raw.close()
