"""The app's read-only connection to the warehouse file: one per process, reopened when the file changes.

``python -m sdp_dash build`` writes a new file beside the warehouse and swaps it in with ``os.replace``,
so a rebuild is a new file (a new inode) at the same path.  The connection is keyed by the file's
identity (device, inode, size and modification time) and is looked at on every :func:`cursor` call (one
``stat``), so a running server serves the new data from the next query on, without a restart.

Why not ``duckdb.connect(path, read_only=True)``: DuckDB keeps one database instance per (resolved)
path in the process, and hands back that instance, still reading the old, deleted file, for as long
as any connection or cursor to it is alive.  Closing the old connection is no way out either, because
it closes the cursors that other sessions' threads are using at that moment.  So every generation
of the file gets its own in-memory DuckDB instance with the file ATTACHed read-only: a new instance
always opens the file that is at the path now, and the old one is simply dropped.  It is freed
(and the replaced file's disk space released) once the last query still running on it has finished.

A warehouse deleted under a running server keeps being served from the generation already open
(its file stays readable while it is open); only a process that never opened one raises LookupError.

A page run is :func:`pinned` to one generation: the file is looked at once when the run starts, and
every query and cache key of that run uses the same generation, so one page never mixes two builds
(and a warm rerun makes one ``stat``, not one per cached call).

**Only a checked file is switched to, and a file changed in place cannot reach the pages.**  Each
generation reads its own private copy of the file (a temporary file of this process, unlinked as soon
as it is attached), and the copy must pass :func:`check` (every table, every column read: DuckDB checks
each block's checksum) before it replaces the generation being served.  A file that fails is refused:
the last good generation keeps serving, and the refused file is not tried again until it changes.  A
file corrupted in place under a running server therefore changes nothing the visitors see.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from sdp_dash.config import partnership, settings
from sdp_dash.memo import Store

# Each generation's lookups (areas, measures, months on file: small answers asked for again and again
# while figures are computed, see ``warehouse.lookup``); bounded, and dropped with the generation.
LOOKUPS_PER_GENERATION = 2000
# DuckDB's own memory for one generation (its cache of the file's blocks and query work): the
# warehouse is about 30 MB, and the default (80% of the machine's memory) let a server grow unbounded.
DUCKDB_MEMORY_LIMIT = "256MB"

# The attached warehouse is the catalog "wh"; every cursor starts with USE wh (SQL is never built by formatting).


class WarehouseUnavailable(LookupError):
    """No warehouse can be opened (missing, empty, unreadable or corrupt): pages say the data is being updated."""


@dataclass(frozen=True)
class _Generation:
    key: str
    con: duckdb.DuckDBPyConnection
    lookups: Store


_lock = threading.Lock()
_current: _Generation | None = None
_refused: tuple[str, str] | None = None  # (identity, reason) of the last file that failed its checks
_run = threading.local()  # .generation: the generation this thread's page run is pinned to


def _identity(path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{path}:{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def check(con: duckdb.DuckDBPyConnection) -> None:
    """Raise ``duckdb.Error`` unless the attached warehouse has tables and every one reads to its end
    (all columns: DuckDB verifies each block's checksum as it reads it)."""
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()]
    if not tables:
        raise duckdb.InvalidInputException("the warehouse has no tables")
    for table in tables:
        reader = con.table(table).to_arrow_reader(65536)
        for _batch in reader:
            pass
    held = con.execute("SELECT code, name FROM partnership").fetchone() if "partnership" in tables else None
    if held is None or held[0] != partnership.code():
        what = f"{held[1]} ({held[0]})" if held else "no partnership"
        raise duckdb.InvalidInputException(
            f"the warehouse holds {what}, not SDP_PARTNERSHIP={partnership.code()}: build it with "
            f"`SDP_PARTNERSHIP={partnership.code()} python -m sdp_dash build`"
        )


def _private_copy(path) -> str:
    """A copy of the file that only this process knows (mkstemp: a new random name, mode 0600)."""
    fd, copy = tempfile.mkstemp(prefix="sdp-generation-", suffix=".duckdb")
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except BaseException:
        os.unlink(copy)
        raise
    return copy


def open_checked(path) -> duckdb.DuckDBPyConnection:
    """A connection (catalog ``wh``) to a private copy of the warehouse at ``path`` that passed :func:`check`;
    raises ``duckdb.Error`` or ``OSError`` otherwise.  The caller closes it."""
    copy = _private_copy(path)
    con = duckdb.connect(":memory:", config={"memory_limit": DUCKDB_MEMORY_LIMIT})
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [copy])
        con.execute("USE wh")
        check(con)
    except BaseException:
        con.close()
        raise
    finally:
        os.unlink(copy)  # DuckDB holds the file open: the space is freed with the generation
    return con


def refused() -> str | None:
    """Why the warehouse file as it is now was refused (it failed its checks), or None."""
    r = _refused
    return r[1] if r is not None and r[0] == _identity(settings.path("SDP_WAREHOUSE")) else None


def _generation() -> _Generation:
    """The generation this run is pinned to, else the one for the file as it is now."""
    if not getattr(_run, "active", False):
        return _latest()
    if _run.generation is None:
        _run.generation = _latest()
    return _run.generation


@contextmanager
def pinned() -> Iterator[None]:
    """Within the block (one page run), this thread reads one generation of the warehouse.

    The generation is chosen lazily, at the first query or cache key, so a missing warehouse still
    raises :class:`WarehouseUnavailable` where the page asks for data.
    """
    outer = (getattr(_run, "active", False), getattr(_run, "generation", None))
    _run.active, _run.generation = True, None
    try:
        yield
    finally:
        _run.active, _run.generation = outer


def _latest() -> _Generation:
    """The connection for the warehouse file as it is now (opened on first use and after each swap)."""
    path = settings.path("SDP_WAREHOUSE")
    key = _identity(path)
    current = _current
    if current is not None and (key is None or key == current.key or (_refused and _refused[0] == key)):
        return current  # unchanged, deleted, or a file that failed its checks: keep serving the open generation
    if key is None:
        raise WarehouseUnavailable(f"no warehouse at {path}: run `python -m sdp_dash build` first")
    if _refused is not None and _refused[0] == key:
        raise WarehouseUnavailable(f"the warehouse at {path} failed its checks: {_refused[1]}")
    with _lock:
        return _switch(path, key)


def _switch(path, key: str) -> _Generation:
    """Open and check the file at ``path`` (identity ``key``) and serve it; on failure keep the current one."""
    global _current, _refused
    current = _current
    if current is not None and current.key == key:
        return current  # another thread opened it meanwhile
    try:
        con = open_checked(path)
    except (duckdb.Error, OSError) as exc:
        reason = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]}"
        if _identity(path) == key:  # the file as it was checked: not tried again until it changes
            _refused = (key, reason)
        if current is not None:  # keep serving the last good generation
            return current
        raise WarehouseUnavailable(f"the warehouse at {path} cannot be opened: {reason}") from exc
    # Re-read the identity: if the file changed during the open, the next call opens it again.
    key = key if _identity(path) == key else f"{key}:stale"
    _current = _Generation(key, con, Store(f"lookups {key}", LOOKUPS_PER_GENERATION))
    # The old generation is dropped, not closed: queries running on its cursors finish normally.
    return _current


def warehouse_key() -> str:
    """Identifies the warehouse generation being served (for cache keys): path, inode, size and mtime."""
    return _generation().key


class _Cursor:
    """A cursor on the warehouse, made on first use (a call answered from the cache needs none).

    Every attribute is the DuckDB cursor's, plus ``lookups``: its generation's memo of lookups.  The
    generation is chosen at first use, not when this is made, so a query never runs on a file older
    than the ``warehouse_key()`` its caller computed after asking for the cursor (its result is
    cached under that key).
    """

    __slots__ = ("_cur", "_gen")

    def __init__(self) -> None:
        self._cur: duckdb.DuckDBPyConnection | None = None
        self._gen: _Generation | None = None

    def _chosen(self) -> _Generation:
        if self._gen is None:
            self._gen = _generation()
        return self._gen

    @property
    def lookups(self) -> Store:
        return self._chosen().lookups

    def __getattr__(self, name: str):
        cur = self._cur
        if cur is None:
            cur = self._chosen().con.cursor()
            cur.execute("USE wh")
            self._cur = cur
        return getattr(cur, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._cur is not None:
            self._cur.close()


def cursor() -> duckdb.DuckDBPyConnection:
    """A new cursor on the read-only warehouse (one per query: a connection is not thread-safe)."""
    return _Cursor()  # type: ignore[return-value]


def connection() -> duckdb.DuckDBPyConnection:
    """The same as :func:`cursor` (the name ``ui.connection()`` had)."""
    return cursor()
