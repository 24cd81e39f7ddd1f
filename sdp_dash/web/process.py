"""The server process's memory: what the C allocator keeps after page runs have freed it.

Streamlit runs every page run in a new thread, and glibc's allocator gives threads their own heap
arenas (up to 8 per core): a block freed by one run stays held in that run's arena, so the server's
resident memory creeps up with every new view even though the caches are bounded
(bench/RESULTS.md, "Memory over many distinct views").  Two arenas, and handing freed pages back to
the system now and then (``malloc_trim``), keep it near what the caches actually hold.  Arrow's
buffers (pandas' strings are Arrow strings) go through the same allocator instead of Arrow's own
mimalloc, which keeps per-thread pages of its own that no trim reaches.

Applied once per process when the app is imported (pages/site.py: :func:`configure`); the glibc
parts are a no-op elsewhere.  Nothing here changes what a page shows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
ARENAS = 2
TRIM_EVERY_S = 30.0

_libc = None
_lock = threading.Lock()
_last_trim = float("-inf")


def _glibc():
    global _libc
    if _libc is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc = lib if hasattr(lib, "mallopt") and hasattr(lib, "malloc_trim") else False
        except OSError:
            _libc = False
    return _libc or None


def configure() -> None:
    """The server's allocator settings: two arenas, and Arrow on the system allocator."""
    limit_arenas()
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def limit_arenas(n: int = ARENAS) -> bool:
    """At most ``n`` allocator arenas for the threads started from now on; True if applied."""
    lib = _glibc()
    return bool(lib and lib.mallopt(M_ARENA_MAX, n))


def trim_now_and_then(every_s: float = TRIM_EVERY_S) -> bool:
    """Return freed heap pages to the system, at most once every ``every_s`` seconds; True if it ran."""
    global _last_trim
    lib = _glibc()
    now = time.monotonic()
    if lib is None or now - _last_trim < every_s or not _lock.acquire(blocking=False):
        return False
    try:
        _last_trim = now
        lib.malloc_trim(0)
        return True
    finally:
        _lock.release()
