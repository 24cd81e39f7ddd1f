"""The app's read-only connection to the warehouse file (one per process, cached by Streamlit).

The key is the file's path and modification time, so a rebuilt warehouse gets a new connection.
"""

from __future__ import annotations

import streamlit as st

from sdp_dash import warehouse
from sdp_dash.config import settings


def warehouse_key() -> str:
    """Identifies the warehouse file as it is now (path and modification time)."""
    path = settings.path("SDP_WAREHOUSE")
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


@st.cache_resource(show_spinner=False)
def _connection(key: str):
    path = key.rsplit(":", 1)[0] if key.count(":") else key
    return warehouse.connect(path)


def cursor():
    """A cursor of the cached read-only DuckDB connection (one per query: a connection is not thread-safe)."""
    return _connection(warehouse_key()).cursor()
