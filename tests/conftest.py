"""Shared test fixtures.

``warehouse``: a built warehouse for the whole session.  It is built from the open-data mirror
when ``SDP_MIRROR`` is set (as in CI and the README's test command), otherwise from the small
synthetic source tree that ``tests/support/fixtures.py`` writes in the publishers' formats (police.uk months
as in the mirror: 2024-01..02, then all of 2025; a row for every published indicator of the catalogue).  The
environment variable ``SDP_WAREHOUSE`` points at it, so AppTest and the browser tests' server
read the same file.

``partnership_warehouse(code)``: the same sources built for another partnership (``SDP_PARTNERSHIP`` set
during the build), each its own file, once per run (``middlesbrough_warehouse``, ``sunderland_warehouse``);
``run_as_partnership(code)`` points this process at one (``SDP_PARTNERSHIP`` and ``SDP_WAREHOUSE``, undone
after the test) and ``partnership_env(code)`` gives the environment for a server of its own.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sdp_dash.config import settings
from sdp_dash.pipeline.build import build
from tests.support import fixtures

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def source_root(tmp_path_factory) -> Path:
    root = settings.mirror()
    if root is not None:
        return root
    return fixtures.write_source_tree(tmp_path_factory.mktemp("sources"), months=fixtures.SESSION_MONTHS)


def _build_once(tmp_path_factory, worker_id: str, source_root: Path, name: str, lad_code: str | None = None) -> Path:
    """A warehouse built once per run: under ``pytest -n`` the first worker builds it and the others wait
    for it (a lock in the run's shared temporary folder); the tests only read it.  ``lad_code``: built for
    that partnership (``SDP_PARTNERSHIP`` during the build), else for the one the environment chooses."""

    def make(path: Path) -> None:
        with pytest.MonkeyPatch.context() as mp:
            if lad_code:
                mp.setenv("SDP_PARTNERSHIP", lad_code)
            build(source_root, path, progress=False)

    if worker_id == "master":
        path = tmp_path_factory.mktemp(name) / "sdp.duckdb"
        make(path)
        return path
    shared = tmp_path_factory.getbasetemp().parent / f"session-{name}"
    shared.mkdir(exist_ok=True)
    path = shared / "sdp.duckdb"
    with open(shared / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not (shared / "built").exists():
            make(path)
            (shared / "built").touch()
    return path


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, source_root, worker_id) -> Path:
    """County Durham's (or the partnership the environment chooses), built once per run."""
    path = _build_once(tmp_path_factory, worker_id, source_root, "warehouse")
    os.environ["SDP_WAREHOUSE"] = str(path)
    return path


# The other partnerships the app and browser tiers run, one of each other force (code -> name; the fixture
# world gives them a few small areas each, the mirror holds them in full).
PARTNERSHIPS = fixtures.OTHER_PARTNERSHIPS
# County Durham's own words: never on another partnership's pages (the area boards are County Durham's too).
FOREIGN_WORDS = ("County Durham", "Safe Durham", "Durham County Council", "electoral division", "area board")


@pytest.fixture(scope="session")
def partnership_warehouse(tmp_path_factory, source_root, worker_id) -> Callable[[str], Path]:
    """``get(code)``: that partnership's warehouse, built from the session's sources on first use."""
    built: dict[str, Path] = {}

    def get(lad_code: str) -> Path:
        if lad_code not in built:
            built[lad_code] = _build_once(tmp_path_factory, worker_id, source_root, f"warehouse-{lad_code}", lad_code)
        return built[lad_code]

    return get


@pytest.fixture(scope="session")
def middlesbrough_warehouse(partnership_warehouse) -> Path:
    return partnership_warehouse("E06000002")


@pytest.fixture(scope="session")
def sunderland_warehouse(partnership_warehouse) -> Path:
    return partnership_warehouse("E08000024")


@pytest.fixture(scope="session")
def partnership_env(partnership_warehouse) -> Callable[[str], dict[str, str]]:
    """``env(code)``: the settings that run the app on that partnership's warehouse (for a server process)."""
    return lambda lad_code: {"SDP_PARTNERSHIP": lad_code, "SDP_WAREHOUSE": str(partnership_warehouse(lad_code))}


@pytest.fixture
def run_as_partnership(partnership_env, monkeypatch) -> Callable[[str], Path]:
    """``use(code)``: this process shows that partnership from its warehouse until the test ends.  The
    partnership (``codes.COUNTY``, ``partnership.active()``) is read from the setting on each use and the
    caches are keyed by the warehouse's generation, so setting the environment is enough."""

    def use(lad_code: str) -> Path:
        env = partnership_env(lad_code)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return Path(env["SDP_WAREHOUSE"])

    return use


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
