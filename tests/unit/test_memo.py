"""The bounded store behind every cache (sdp_dash/memo.py): a value missing when several threads ask
for it at once is computed once; a failure or a stopped run lets a waiting thread compute it; a
value that asks for itself fails instead of waiting for ever.  And the warehouse lookups answered
from the app cursor's generation (warehouse.lookup)."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from sdp_dash import warehouse
from sdp_dash.memo import Memo
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
    memo, calls = Memo("test", 10), []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "value"

    assert _together(6, lambda: memo.get_or_compute("k", slow)) == ["value"] * 6
    assert len(calls) == 1


def test_when_the_computing_thread_fails_a_waiting_one_computes_it():
    memo, calls = Memo("test", 10), []

    def first_fails() -> str:
        calls.append(1)
        time.sleep(0.1)
        if len(calls) == 1:
            raise RuntimeError("stopped")
        return "value"

    got = _together(3, lambda: memo.get_or_compute("k", first_fails))
    assert sum(isinstance(g, RuntimeError) for g in got) == 1 and got.count("value") == 2
    assert len(calls) == 2
    assert memo.get_or_compute("k", first_fails) == "value" and len(calls) == 2


def test_a_value_that_asks_for_itself_fails_at_once():
    memo = Memo("test", 10)

    def itself() -> str:
        return memo.get_or_compute("k", itself)

    with pytest.raises(RecursionError):
        memo.get_or_compute("k", itself)
    assert memo.get_or_compute("k", lambda: "fine") == "fine", "the failed key is free again"


def test_bounded_least_recently_used_out():
    memo = Memo("test", 2)
    for k in "aba":
        memo.get_or_compute(k, lambda k=k: k)
    memo.get_or_compute("c", lambda: "c")
    assert len(memo) == 2 and memo.get_or_compute("b", lambda: "again") == "again"


def test_lookups_are_answered_once_per_generation_and_given_as_copies(swapped):
    calls = []

    @warehouse.lookup
    def frame_of(con, label: str) -> pd.DataFrame:
        calls.append(label)
        return pd.DataFrame({"label": [label], "v": [con.execute("SELECT v FROM meta").fetchone()[0]]})

    with connection.pinned():
        first = frame_of(connection.cursor(), "a")
        first.loc[0, "v"] = 99  # a copy: the next caller is not affected
        assert frame_of(connection.cursor(), "a")["v"].item() == 1 and calls == ["a"]
    write(swapped, 2)
    assert frame_of(connection.cursor(), "a")["v"].item() == 2 and calls == ["a", "a"], "a rebuild is a new generation"
    raw = warehouse.connect(swapped)
    try:
        assert frame_of(raw, "a")["v"].item() == 2 and len(calls) == 3, "a plain connection always asks the file"
    finally:
        raw.close()
