"""Cached calls: a domain or warehouse function ``fn(con, *args)`` becomes ``call(*args)`` that
runs on a cursor of the app's read-only connection and is cached by its arguments and the
warehouse generation (a rebuilt warehouse is a new key).  One mechanism for every cached call.

The cache is the process's own bounded LRU of the values themselves, shared by every session:
a hit costs a dictionary lookup, not the hashing and unpickling of ``st.cache_data`` (which made
up a third of a warm priority-page rerun, bench/RESULTS.md).  The values are the domain's frozen
dataclasses, frames and Vega-Lite specs, and callers treat them as read-only; with
``SDP_CACHE_CHECK=1`` (set by the test suite) every hit checks that the value is still
byte-for-byte what was stored, so a caller that changes a shared value fails the tests.
A missing value is computed once however many sessions ask for it at the same moment
(``sdp_dash.memo``): the others wait for it.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st

from sdp_dash import charts
from sdp_dash.memo import Memo, MutatedCacheValue, fingerprint  # noqa: F401 (MutatedCacheValue: for callers)
from sdp_dash.web import connection

P = ParamSpec("P")
R = TypeVar("R")

_memos: list[Memo] = []


def _key(args: tuple, kwargs: dict):
    key = (args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:  # e.g. a list argument: key it by its contents
        return ("pickled", fingerprint(key))
    return key


def clear() -> None:
    """Empty every cache of the app (ours and Streamlit's): for tests and after a deliberate reset."""
    for memo in _memos:
        memo.clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def cached(fn: Callable[Concatenate[object, P], R], *, max_entries: int = 100) -> Callable[P, R]:
    """``fn(con, *args, **kwargs)`` as a cached ``call(*args, **kwargs)``.

    ``max_entries`` bounds each function's cache (least recently used out first); the sizes are
    chosen from bench/memory.py so a server stays under its memory ceiling whatever visitors ask for.
    Two threads asking for the same new value may both compute it (the result is the same).
    """
    memo = Memo(f"{fn.__module__}.{fn.__qualname__}", max_entries)
    _memos.append(memo)

    def compute(cur, args, kwargs):
        with cur:
            return fn(cur, *args, **kwargs)

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        cur = connection.cursor()
        key = (connection.warehouse_key(), *_key(args, kwargs))
        return memo.get_or_compute(key, lambda: compute(cur, args, kwargs))

    call.memo = memo  # type: ignore[attr-defined]
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


_charts = Memo("sdp_dash.web.cache.chart", 300)
_memos.append(_charts)


def chart(builder: Callable[..., object], df: pd.DataFrame, **kwargs) -> dict | None:
    """``builder(df, **kwargs)`` (a function of ``sdp_dash.charts``) as a Vega-Lite spec, built once
    per frame content and arguments; None for an empty frame (nothing may be shown:
    ``cards.chart_card`` says so instead)."""
    if getattr(charts, builder.__name__, None) is not builder:
        raise ValueError(f"{builder!r} is not a chart builder of sdp_dash.charts")
    if df.empty:
        return None
    key = (builder.__name__, _frame_key(df), *_key((), kwargs))
    return _charts.get_or_compute(key, lambda: vega_spec(builder(df, **kwargs)))


def pure(fn: Callable[P, R], *, max_entries: int = 300) -> Callable[P, R]:
    """A pure function of its arguments (no warehouse), cached by them: e.g. the table of some
    figures.  List arguments are keyed as tuples (figures are frozen, so hashable)."""
    memo = Memo(f"{fn.__module__}.{fn.__qualname__}", max_entries)
    _memos.append(memo)

    def compute(key, args, kwargs):
        value = fn(*args, **kwargs)
        _remember(value, key)
        return value

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (memo.name, *_key(tuple(tuple(a) if isinstance(a, list) else a for a in args), kwargs))
        return memo.get_or_compute(key, lambda: compute(key, args, kwargs))

    call.memo = memo  # type: ignore[attr-defined]
    return call
