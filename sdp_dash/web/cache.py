"""Cached calls: a domain or warehouse function ``fn(con, *args)`` becomes ``call(*args)`` that
runs on a cursor of the app's read-only connection and is cached by its arguments and the
warehouse generation (a rebuilt warehouse is a new key).  Pure functions (``pure``), chart specs
(``chart``) and the maps are cached the same way.

Every cache here is a :class:`sdp_dash.memo.Store` (``cachetools``), the process's own bounded LRU
of the values themselves, shared by every session: a hit costs a dictionary lookup, not the hashing
and unpickling of ``st.cache_data`` (which made up a third of a warm priority-page rerun,
bench/RESULTS.md).  The one rule of ``sdp_dash.memo`` holds: values are shared, never copied, and
callers treat them as read-only (``SDP_CACHE_CHECK=1`` checks it).  A missing value is computed once
however many sessions ask for it at the same moment: the others wait for it.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import pyarrow as pa

from sdp_dash import charts
from sdp_dash.memo import MutatedCacheValue, Store, fingerprint  # noqa: F401 (MutatedCacheValue: for callers)
from sdp_dash.web import connection

P = ParamSpec("P")
R = TypeVar("R")

_stores: list[Store] = []


def _store(name: str, max_entries: int) -> Store:
    store = Store(name, max_entries)
    _stores.append(store)
    return store


def _key(args: tuple, kwargs: dict):
    key = (args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:  # e.g. a list argument: key it by its contents
        return ("pickled", fingerprint(key))
    return key


def clear() -> None:
    """Empty every cache of the app: for tests and after a deliberate reset."""
    for store in _stores:
        store.clear()


def cached(fn: Callable[Concatenate[object, P], R], *, max_entries: int = 100) -> Callable[P, R]:
    """``fn(con, *args, **kwargs)`` as a cached ``call(*args, **kwargs)``.

    ``max_entries`` bounds each function's cache (least recently used out first); the sizes are
    chosen from bench/memory.py so a server stays under its memory ceiling whatever visitors ask for.
    The key is computed after the cursor is made (its generation is chosen at first use).
    """
    store = _store(f"{fn.__module__}.{fn.__qualname__}", max_entries)

    def run(cur, *args, **kwargs):
        with cur:
            return fn(cur, *args, **kwargs)

    run = store.memoized(run, key=lambda _cur, *args, **kwargs: (connection.warehouse_key(), *_key(args, kwargs)))

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return run(connection.cursor(), *args, **kwargs)

    call.memo = store  # type: ignore[attr-defined]
    return call


def arrow_bytes(df: pd.DataFrame) -> bytes:
    """A frame as Arrow IPC stream bytes (what Streamlit sends a chart's data as)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def vega_spec(chart) -> dict:
    """An Altair chart as the Vega-Lite spec ``st.vega_lite_chart`` draws, its data already in Arrow.

    Streamlit converts a spec's inline datasets to Arrow on every run unless they already are
    bytes; doing it once here, for a cached chart, saves that on every rerun.
    """
    spec = charts.vega_lite(chart)
    spec["datasets"] = {name: arrow_bytes(pd.DataFrame(rows)) for name, rows in spec.get("datasets", {}).items()}
    return spec


# Frames returned by ``pure`` functions, by id: (a weak reference to the frame, the call's key).  A
# chart of such a frame is keyed by where it came from, without reading the frame (it is never changed).
_provenance: dict[int, tuple[weakref.ref, tuple]] = {}


def _remember(value, key: tuple) -> None:
    if isinstance(value, pd.DataFrame):
        ident = id(value)
        _provenance[ident] = (weakref.ref(value, lambda _ref, i=ident: _provenance.pop(i, None)), key)


def _frame_key(df: pd.DataFrame) -> tuple:
    """Where a frame came from (a ``pure`` call), else a digest of its content (its pickled form:
    0.4 ms for a chart's frame, a tenth of pandas' own row hashing)."""
    entry = _provenance.get(id(df))
    if entry is not None and entry[0]() is df:
        return ("from", entry[1])
    return ("content", fingerprint(df))


_charts = _store("sdp_dash.web.cache.chart", 300)


def _build_spec(key: tuple, builder: Callable[..., object], df: pd.DataFrame, kwargs: dict) -> dict:
    return vega_spec(builder(df, **kwargs))


_chart_spec = _charts.memoized(_build_spec, key=lambda key, *_rest: key)


def chart(builder: Callable[..., object], df: pd.DataFrame, **kwargs) -> dict | None:
    """``builder(df, **kwargs)`` (a function of ``sdp_dash.charts``) as a Vega-Lite spec, built once
    per frame content and arguments; None for an empty frame (nothing may be shown:
    ``cards.chart_card`` says so instead)."""
    if getattr(charts, builder.__name__, None) is not builder:
        raise ValueError(f"{builder!r} is not a chart builder of sdp_dash.charts")
    if df.empty:
        return None
    return _chart_spec((builder.__name__, _frame_key(df), *_key((), kwargs)), builder, df, kwargs)


def pure(fn: Callable[P, R] | None = None, *, max_entries: int = 300):
    """A pure function of its arguments (no warehouse), cached by them: e.g. the table of some
    figures, or a map (its arguments name the warehouse generation).  List arguments are keyed as
    tuples (figures are frozen, so hashable).  ``pure(fn)``, or ``@pure(max_entries=6)`` as a decorator."""
    if fn is None:
        return functools.partial(pure, max_entries=max_entries)
    store = _store(f"{fn.__module__}.{fn.__qualname__}", max_entries)

    def key(*args, **kwargs) -> tuple:
        return (store.name, *_key(tuple(tuple(a) if isinstance(a, list) else a for a in args), kwargs))

    def compute(*args, **kwargs):
        value = fn(*args, **kwargs)
        _remember(value, key(*args, **kwargs))
        return value

    run = store.memoized(compute, key=key)

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return run(*args, **kwargs)

    call.memo = store  # type: ignore[attr-defined]
    return call
