"""A thread-safe, bounded, least-recently-used store of computed values, computed once per key.

Used by the app's cache (``sdp_dash.web.cache``: whole figures, tables and chart specs) and by each
warehouse generation's lookups (``sdp_dash.web.connection``: areas, measures, months on file).
No Streamlit here.

**Computed once.**  When several threads (several visitors' page runs) ask for the same missing
value at once, e.g. every visitor after a rebuild swapped in a new warehouse, one computes it and
the others wait for its result instead of repeating the work: three visitors opening a cold
priority page took three times as long each as one did (bench/RESULTS.md, "Cold after a refresh").
If the computing thread fails (or its page run is stopped), one waiting thread computes instead.
Values depend on one another as a call graph (a figure asks for an area, never the other way),
so a thread holding one key while it waits for another cannot close a cycle.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

R = TypeVar("R")

MISSING = object()


class MutatedCacheValue(AssertionError):
    """A value in the cache was changed by a caller (found with SDP_CACHE_CHECK=1)."""


def checking() -> bool:
    """Whether each hit checks that its value is unchanged (``SDP_CACHE_CHECK=1``: the test suite)."""
    return os.environ.get("SDP_CACHE_CHECK") == "1"


def fingerprint(value) -> str:
    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).hexdigest()


class Memo:
    """At most ``max_entries`` values by key; least recently used out first."""

    def __init__(self, name: str, max_entries: int) -> None:
        self.name = name
        self.max_entries = max_entries
        self._values: OrderedDict = OrderedDict()
        self._computing: dict[Hashable, tuple[threading.Event, int]] = {}  # key: (done, computing thread)
        self._lock = threading.Lock()

    def get(self, key):
        """The value stored under ``key``, or :data:`MISSING`."""
        with self._lock:
            entry = self._values.get(key, MISSING)
            if entry is not MISSING:
                self._values.move_to_end(key)
        if entry is MISSING:
            return MISSING
        if entry[1] is not None and fingerprint(entry[0]) != entry[1]:
            raise MutatedCacheValue(f"a caller changed the cached value of {self.name}{key!r}")
        return entry[0]

    def put(self, key, value) -> None:
        entry = (value, fingerprint(value) if checking() else None)
        with self._lock:
            self._values[key] = entry
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def get_or_compute(self, key, compute: Callable[[], R], wait_seconds: float = 300.0) -> R:
        """The value under ``key``; if missing, ``compute()`` it once while other threads wait."""
        me = threading.get_ident()
        while True:
            value = self.get(key)
            if value is not MISSING:
                return value
            with self._lock:
                running = self._computing.get(key)
                if running is None:
                    mine = threading.Event()
                    self._computing[key] = (mine, me)
            if running is None:
                break
            if running[1] == me:
                raise RecursionError(f"{self.name}{key!r} asks for itself while it is being computed")
            if not running[0].wait(wait_seconds):
                return compute()  # the computing thread is stuck: do not wait for ever
            # Computed (loop: it is stored now), or the computing thread failed (loop: compute it here).
        try:
            value = compute()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._computing[key]
            mine.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
