"""Shared test fixtures.

``warehouse``: a built warehouse for the whole session.  It is built from the open-data mirror
when ``SDP_MIRROR`` is set (as in CI and the README's test command), otherwise from the small
synthetic source tree that ``tests/support/fixtures.py`` writes in the publishers' formats (police.uk months
as in the mirror: 2024-01..02, then all of 2025; a row for every published indicator of the catalogue).  The
environment variable ``SDP_WAREHOUSE`` points at it, so AppTest and the browser tests' server
read the same file.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from sdp_dash.config import settings
from sdp_dash.pipeline.build import build

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def source_root(tmp_path_factory) -> Path:
    root = settings.mirror()
    if root is not None:
        return root
    from tests.support import fixtures

    return fixtures.write_source_tree(tmp_path_factory.mktemp("sources"), months=fixtures.SESSION_MONTHS)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, source_root, worker_id) -> Path:
    """Built once per run: under ``pytest -n`` the first worker builds it and the others wait for it
    (a lock in the run's shared temporary folder); the tests only read it."""
    if worker_id == "master":
        path = tmp_path_factory.mktemp("warehouse") / "sdp.duckdb"
        build(source_root, path, progress=False)
    else:
        shared = tmp_path_factory.getbasetemp().parent / "session-warehouse"
        shared.mkdir(exist_ok=True)
        path = shared / "sdp.duckdb"
        with open(shared / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            if not (shared / "built").exists():
                build(source_root, path, progress=False)
                (shared / "built").touch()
    os.environ["SDP_WAREHOUSE"] = str(path)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def con(warehouse):
    """A read-only connection to the session's warehouse whose lookups (an area, the months on file, a
    period's disclosure pattern) are answered once, as on the app's cursor."""
    from sdp_dash import warehouse as wh

    c = wh.connect(warehouse)
    yield wh.Remembering(c)
    c.close()
