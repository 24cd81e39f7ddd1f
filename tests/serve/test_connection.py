"""The app's warehouse connection follows a rebuilt file (os.replace) without a restart (issue 13)."""

from __future__ import annotations

import threading
import time

import pytest

from sdp_dash.web import connection
from tests.support import tiny_warehouse

swapped = tiny_warehouse.swapped  # the fixture: a one-table warehouse as SDP_WAREHOUSE
write = tiny_warehouse.write

pytestmark = pytest.mark.serve


def value() -> int:
    return connection.cursor().execute("SELECT v FROM meta").fetchone()[0]


def test_a_rebuilt_file_is_read_at_the_next_query_while_old_cursors_finish(swapped):
    old = connection.cursor()
    assert old.execute("SELECT v FROM meta").fetchone() == (1,)
    key = connection.warehouse_key()
    write(swapped, 2)  # plain duckdb.connect(path, read_only=True) would hand back the old file here
    assert value() == 2
    assert connection.warehouse_key() != key
    assert old.execute("SELECT v FROM meta").fetchone() == (1,)  # a query running on the old file is not cut off


def test_a_deleted_warehouse_keeps_serving_the_open_one(swapped):
    assert value() == 1
    swapped.unlink()
    assert value() == 1
    write(swapped, 3)
    assert value() == 3


def test_no_warehouse_at_all_is_a_lookup_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SDP_WAREHOUSE", str(tmp_path / "missing.duckdb"))
    monkeypatch.setattr(connection, "_current", None)
    with pytest.raises(LookupError):
        connection.warehouse_key()


def test_readers_see_no_error_while_the_file_is_replaced_again_and_again(swapped):
    errors, seen, stop = [], set(), time.monotonic() + 2

    def reader():
        while time.monotonic() < stop:
            try:
                seen.add(value())
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    n = 1
    while time.monotonic() < stop:
        n += 1
        write(swapped, n)
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert errors == []
    assert value() == n
    assert len(seen) > 1


def test_a_file_that_fails_its_checks_is_not_switched_to_and_the_last_good_one_serves(swapped):
    assert value() == 1
    good = swapped.read_bytes()
    with open(swapped, "r+b") as f:  # corrupted in place: the same file, every block after the headers
        f.seek(3 * 4096)
        f.write(b"\xff" * (len(good) - 3 * 4096))
    assert value() == 1
    assert connection.refused() and "Error" in connection.refused()
    write(swapped, 5)  # a good rebuild is switched to
    assert value() == 5 and connection.refused() is None


def test_the_first_file_failing_its_checks_is_unavailable(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a database" * 1000)
    monkeypatch.setenv("SDP_WAREHOUSE", str(path))
    monkeypatch.setattr(connection, "_current", None)
    with pytest.raises(connection.WarehouseUnavailable, match="cannot be opened"):
        connection.warehouse_key()
    with pytest.raises(connection.WarehouseUnavailable, match="failed its checks"):
        connection.warehouse_key()  # not tried again until the file changes


def test_a_generation_reads_a_private_copy(swapped):
    """The file is copied before it is opened: the open generation holds no handle on the warehouse's path."""
    import os

    assert value() == 1
    held = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}")]
    assert str(swapped) not in held
    assert any("sdp-generation-" in h and h.endswith("(deleted)") for h in held)
