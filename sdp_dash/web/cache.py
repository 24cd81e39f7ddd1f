"""Cached calls: a domain or warehouse function ``fn(con, *args)`` becomes ``call(*args)`` that
runs on a cursor of the app's read-only connection and is cached by its arguments and the
warehouse file (a rebuilt warehouse is a new key).  One mechanism for every cached call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st

from sdp_dash import charts
from sdp_dash.web import connection

P = ParamSpec("P")
R = TypeVar("R")


def cached(fn: Callable[Concatenate[object, P], R], *, max_entries: int = 300) -> Callable[P, R]:
    """``fn(con, *args, **kwargs)`` as a cached ``call(*args, **kwargs)``.

    ``max_entries`` bounds each function's cache (least recently used out first); the sizes are
    chosen from bench/memory.py so a server stays under its memory ceiling whatever visitors ask for.
    """

    def run(_con, _key: str, args: tuple, kwargs: tuple):
        return fn(_con, *args, **dict(kwargs))

    # Streamlit keys a cache by the function's module, name and code: give each its own name.
    run.__qualname__ = f"cached[{fn.__module__}.{fn.__qualname__}]"
    run.__module__ = fn.__module__
    cached_run = st.cache_data(show_spinner=False, max_entries=max_entries)(run)

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return cached_run(connection.cursor(), connection.warehouse_key(), args, tuple(sorted(kwargs.items())))

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


@st.cache_data(show_spinner=False, max_entries=1000)
def _chart_spec(builder: str, df: pd.DataFrame, kwargs: tuple) -> dict:
    return vega_spec(getattr(charts, builder)(df, **dict(kwargs)))


def chart(builder: Callable[..., object], df: pd.DataFrame, **kwargs) -> dict:
    """``builder(df, **kwargs)`` (a function of ``sdp_dash.charts``) as a Vega-Lite spec, built once."""
    if getattr(charts, builder.__name__, None) is not builder:
        raise ValueError(f"{builder!r} is not a chart builder of sdp_dash.charts")
    return _chart_spec(builder.__name__, df, tuple(sorted(kwargs.items())))
