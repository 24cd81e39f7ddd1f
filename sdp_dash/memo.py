"""The one way the product caches: a bounded least-recently-used store (``cachetools.LRUCache``)
read through ``cachetools.cached`` with a condition, so a missing value is computed once.

Used by the app's cache (``sdp_dash.web.cache``: whole figures, tables, chart specs and maps) and by
each warehouse generation's lookups (``sdp_dash.warehouse.lookup``: areas, measures, months on file).
No Streamlit here.

**One rule for sharing.**  A stored value is shared by every caller and never copied: callers treat
it as read-only (a caller that needs to change a frame makes its own copy first).  With
``SDP_CACHE_CHECK=1`` (the app tests) every hit checks that the value is still byte-for-byte what
was stored, so a caller that changes a shared value fails the tests.

**Computed once.**  When several threads (several visitors' page runs) ask for the same missing
value at once, e.g. every visitor after a rebuild swapped in a new warehouse, one computes it and
the others wait on the store's condition (``cachetools.cached(..., condition=...)``) instead of
repeating the work: three visitors opening a cold priority page took three times as long each as
one did (bench/RESULTS.md, "Cold after a refresh").  If the computing thread fails (or its page run
is stopped), a waiting thread computes instead.  Values depend on one another as a call graph (a
figure asks for an area, never the other way), so a thread computing one key while it waits for
another cannot close a cycle.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

import cachetools
import pandas as pd
from cachetools.keys import hashkey

R = TypeVar("R")


class MutatedCacheValue(AssertionError):
    """A value in the cache was changed by a caller (found with SDP_CACHE_CHECK=1)."""


def checking() -> bool:
    """Whether each hit checks that its value is unchanged (``SDP_CACHE_CHECK=1``: the test suite)."""
    return os.environ.get("SDP_CACHE_CHECK") == "1"


class _ContentPickler(pickle.Pickler):
    """Pickles a frame (also inside another value) by its content: columns, types, index and values.
    A frame's own pickle also holds caches that reading it fills (e.g. after ``itertuples``)."""

    def reducer_override(self, obj):
        if isinstance(obj, pd.DataFrame):
            columns = [obj.iloc[:, i].tolist() for i in range(obj.shape[1])]
            return tuple, ((obj.columns.tolist(), [str(t) for t in obj.dtypes], obj.index.tolist(), columns),)
        if isinstance(obj, pd.Series):
            return tuple, ((obj.name, str(obj.dtype), obj.index.tolist(), obj.tolist()),)
        return NotImplemented


def fingerprint(value) -> str:
    """A digest of a value's pickle: fast, for keys by content (a frame that was read since may pickle
    differently: a cache miss, never a wrong value)."""
    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).hexdigest()


def content_fingerprint(value) -> str:
    """A digest of a value's content, frames inside it by their values (SDP_CACHE_CHECK: slower)."""
    out = io.BytesIO()
    _ContentPickler(out, protocol=5).dump(value)
    return hashlib.blake2b(out.getvalue(), digest_size=16).hexdigest()


class Store(cachetools.LRUCache):
    """At most ``max_entries`` shared values by key (least recently used out first), with the
    condition its readers wait on while a value is being computed."""

    def __init__(self, name: str, max_entries: int) -> None:
        super().__init__(maxsize=max_entries)
        self.name = name
        self.condition = threading.Condition()
        self._prints: dict = {}  # key -> fingerprint of the value stored (SDP_CACHE_CHECK=1 only)
        self._wrappers: dict = {}  # function -> its memoized form on this store (see ``memoized``)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        stored = self._prints.get(key)
        if stored is not None and content_fingerprint(value) != stored:
            raise MutatedCacheValue(f"a caller changed the cached value of {self.name}{key!r}")
        return value

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        if checking():
            try:
                self._prints[key] = content_fingerprint(value)
            except (pickle.PicklingError, TypeError, AttributeError):
                pass  # a value pickle cannot write (none today) is shared unchecked

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._prints.pop(key, None)

    def clear(self) -> None:
        with self.condition:
            super().clear()
            self._prints.clear()

    def memoized(self, fn: Callable[..., R], key: Callable = hashkey) -> Callable[..., R]:
        """``fn`` answered from this store by ``key(*args, **kwargs)``, each missing value computed
        once however many threads ask for it at the same moment.  One wrapper per function (the
        wrapper keeps the set of keys being computed)."""
        with self.condition:
            wrapper = self._wrappers.get(fn)
            if wrapper is None:
                wrapper = cachetools.cached(self, key=key, condition=self.condition)(fn)
                self._wrappers[fn] = wrapper
        return wrapper
