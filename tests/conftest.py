"""Shared test fixtures.

``warehouse``: a built warehouse for the whole session.  It is built from the open-data mirror
when ``SDP_MIRROR`` is set (as in CI and the README's test command), otherwise from the small
synthetic source tree that ``sdp_dash.fixtures`` writes in the publishers' formats (police.uk months
as in the mirror: 2024-01..02, then all of 2025; a row for every published indicator of the catalogue).  The
environment variable ``SDP_WAREHOUSE`` points at it, so AppTest and the browser tests' server
read the same file.
"""

from __future__ import annotations

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
def warehouse(tmp_path_factory, source_root) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "sdp.duckdb"
    build(source_root, path, progress=False)
    os.environ["SDP_WAREHOUSE"] = str(path)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
