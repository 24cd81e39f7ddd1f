"""One registry of settings, read from environment variables and listed in the README.

A test checks that every setting here is documented in README.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SDP_MIRROR",
        "",
        "Folder laid out like the publishers' files (e.g. ../shared/open-data). When set, "
        "`build` reads it; when empty, `build` reads the download folder.",
    ),
    Setting(
        "SDP_DOWNLOADS",
        "data/downloads",
        "Where `fetch` saves the publishers' files (same layout as the mirror).",
    ),
    Setting(
        "SDP_PARTNERSHIP",
        "E06000047",
        "The community safety partnership shown, by its local authority code (the ONS code of a unitary, metropolitan "
        "or London borough or Welsh principal area). Its own words, priorities and local areas come from "
        "data/partnerships/CODE.toml when there is one, else data/partnerships/default.toml.",
    ),
    Setting(
        "SDP_WAREHOUSE",
        "data/sdp.duckdb",
        "The DuckDB warehouse file that `build` writes and the app reads. Unset, another partnership's is "
        "data/sdp-CODE.duckdb (one warehouse per partnership).",
    ),
    Setting(
        "SDP_PUBLISHER_ROOT",
        "",
        "If set, `fetch` asks ROOT/HOST/PATH instead of https://HOST/PATH (a local copy of the "
        "publishers' sites, used by the tests).",
    ),
    Setting(
        "SDP_BASEMAP",
        "none",
        "The maps' background: 'none' (no third-party request: county outline and town names from our data), "
        "'carto' (CARTO's tiles, fetched by the visitor's browser) or a self-hosted tile URL template / style.json URL.",
    ),
    Setting(
        "SDP_SERVER_NAMES",
        "localhost 127.0.0.1",
        "The host names nginx answers (space-separated; `*.example.org` for every subdomain). A request for any other "
        "Host gets no answer (444). Checked by sdp_dash/config/edge.py before it goes into the nginx configuration.",
    ),
    Setting(
        "SDP_FRAME_ANCESTORS",
        "'self'",
        "Who may show the dashboard in a frame: the Content Security Policy's frame-ancestors sources "
        "(e.g. `'self' https://*.example.gov.uk`).",
    ),
    Setting(
        "SDP_CSP_SOURCES",
        "",
        "Third-party sources added to the policy's img-src and connect-src, for a basemap: e.g. "
        "`https://*.basemaps.cartocdn.com` with SDP_BASEMAP=carto, or the tile server's origin.",
    ),
    Setting(
        "SDP_SERVE_DIR",
        "",
        "`make serve`'s private run folder (rendered configuration, logs). Empty: $XDG_RUNTIME_DIR/sdp-serve-PORT, "
        "else .run/serve-PORT. Made 0700; refused when it is a link, someone else's, or writable by others.",
    ),
    Setting(
        "SDP_SERVE_USER",
        "nobody",
        "Run as root, `make serve` runs the workers and nginx's worker processes as this user.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value of a registered setting (environment first, then the default)."""
    setting = _BY_NAME[name]
    if name in os.environ:
        return os.environ[name]
    if name == "SDP_WAREHOUSE":  # one warehouse per partnership: another partnership's sits beside the default
        chosen = get("SDP_PARTNERSHIP").strip().upper()
        if chosen != _BY_NAME["SDP_PARTNERSHIP"].default and re.fullmatch(r"[EW]\d{8}", chosen):
            return f"data/sdp-{chosen}.duckdb"
    return setting.default


def path(name: str) -> Path:
    """A setting that names a path; relative paths are taken from the project folder."""
    p = Path(get(name)).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p


def source_root() -> Path:
    """The folder `build` reads: the mirror if one is set, else the download folder."""
    return path("SDP_MIRROR") if get("SDP_MIRROR") else path("SDP_DOWNLOADS")


def mirror() -> Path | None:
    """The mirror folder when SDP_MIRROR is set, else None."""
    return path("SDP_MIRROR") if get("SDP_MIRROR") else None
