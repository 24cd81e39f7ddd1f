"""Bring the warehouse up to date with the publishers: ``python -m sdp_dash refresh`` (the monthly job).

- From the download folder (SDP_MIRROR empty): ask police.uk for the latest month it has published
  (``last_updated_url`` in data/sources.toml), fetch the months after the latest one already
  downloaded (12 months to the latest when there are none yet; never more than one archive's 36),
  fetch any reference file that is missing, then build.
- From a mirror (SDP_MIRROR set): nothing is downloaded; the build reads the mirror as it is.
- Locked: the whole refresh holds the warehouse's build lock (``.<warehouse>.lock``), so a refresh
  and a build, or two refreshes, never overlap; the build inside takes the same lock again.
- Idempotent: with nothing new, nothing is downloaded and the build finds its inputs unchanged.
- Months present in the middle of the range but missing for a force (police.uk has gaps) are not
  asked for again: ``coverage`` reports them.  Only months after the latest downloaded are new.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sdp_dash.config.manifest import Manifest
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.months import default_start, months_between, shift_month
from sdp_dash.pipeline import fetch as fetch_module
from sdp_dash.pipeline.build import build, lock
from sdp_dash.pipeline.sources import police_uk


@dataclass
class RefreshResult:
    source: str  # 'mirror' or 'downloads'
    latest: str | None  # the last month with police.uk data in the warehouse afterwards
    new_months: list[str]  # months with data afterwards that had none before
    build_mode: str  # the build's: 'unchanged', 'incremental' or 'full'
    fetched: int = 0  # files downloaded
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)  # the build's messages (not printed by the CLI)

    def line(self) -> str:
        """The one line for monitoring, e.g. ``refresh: ok, data to 2025-12, 0 new months, nothing new, 0.4 s``."""
        n = len(self.new_months)
        months = f"{n} new month{'' if n == 1 else 's'}" + (f" ({', '.join(self.new_months)})" if 0 < n <= 3 else "")
        if self.build_mode == "unchanged" and not self.fetched:
            what = "nothing new"
        elif self.build_mode == "unchanged":
            what = f"{self.fetched} file(s) downloaded, warehouse unchanged"
        else:
            what = f"warehouse rebuilt ({self.build_mode})" + (f", {self.fetched} file(s) downloaded" if self.fetched else "")
        return f"refresh: ok, data to {self.latest or 'none'}, {months}, {what}, {self.seconds:.1f} s"


def warehouse_months(warehouse: Path) -> set[str]:
    """Months with police.uk data for at least one force in the warehouse (none if it cannot be read)."""
    if not Path(warehouse).is_file():
        return set()
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("SELECT DISTINCT strftime(month, '%Y-%m') FROM coverage WHERE status = 'present'").fetchall()
    except duckdb.Error:
        return set()
    return {r[0] for r in rows}


def months_to_fetch(present: set[str], latest: str, first: str | None = None) -> list[str]:
    """The months after the latest downloaded one up to ``latest`` (from ``first``, default 12 months
    to ``latest``, when none is downloaded); at most one police.uk archive's worth."""
    start = shift_month(max(present), 1) if present else (first or default_start(latest))
    if start > latest:
        return []
    return months_between(start, latest)[-fetch_module.ARCHIVE_MONTHS :]


def refresh(
    warehouse: Path,
    *,
    mirror: Path | None,
    downloads: Path,
    first: str | None = None,
    lock_wait: float = 0.0,
    manifest: Manifest | None = None,
) -> RefreshResult:
    """Fetch what is new (unless reading a mirror), then build; see the module's docstring."""
    t0 = time.perf_counter()
    manifest = manifest or load_manifest()
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fetched: list[Path] = []
    with lock(warehouse, lock_wait):
        before = warehouse_months(warehouse)
        if mirror is not None:
            root, source = Path(mirror), "mirror"
        else:
            root, source = Path(downloads), "downloads"
            present = {sf.month for sf in police_uk.discover(root, manifest.forces)} if root.is_dir() else set()
            latest = fetch_module.latest_published(manifest)
            wanted = months_to_fetch(present, latest, first)
            if wanted:
                fetched = fetch_module.fetch(root, wanted[0], wanted[-1], progress=False, manifest=manifest, notes=False)
            else:
                fetched = fetch_module.fetch_reference(root, progress=False, manifest=manifest, notes=False)
        report = build(root, warehouse, progress=False, manifest=manifest)
        after = warehouse_months(warehouse)
    return RefreshResult(
        source=source,
        latest=max(after) if after else None,
        new_months=sorted(after - before),
        build_mode=report.mode,
        fetched=len(fetched),
        seconds=time.perf_counter() - t0,
        messages=report.messages,
    )
