"""Download the official files into the download folder, in the mirror's layout.

- police.uk: the publisher's monthly archive ``data/archive/<YYYY-MM>.zip`` holds the latest
  36 months for every force; we download the archive of the last month asked for and keep only
  ``<month>/<month>-<force>-street.csv`` for the forces and months asked for.
- Reference files (boundaries, lookups, population, deprivation, indicator tables): the ``url``
  of each entry in data/sources.toml, fetched only when missing; a per-authority entry (``{code}``)
  for the chosen partnership (``SDP_PARTNERSHIP``) and, for the LSOA outlines, its force's other authorities.

Every file is checked before it is put in place and written to a temporary name first, so a
broken or partial download never replaces a good file.  ``SDP_PUBLISHER_ROOT`` redirects
``https://HOST/PATH`` to ``ROOT/HOST/PATH`` (the tests serve a local copy of the publishers).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from sdp_dash.config import settings
from sdp_dash.config.manifest import Manifest, Source
from sdp_dash.config.manifest import load as load_manifest
from sdp_dash.config.months import MONTH, months_between
from sdp_dash.errors import SourceError
from sdp_dash.pipeline import plan as plan_module
from sdp_dash.pipeline.sources import police_uk

ARCHIVE_MONTHS = 36
TIMEOUT_S = 60


def resolve(url: str) -> str:
    """The URL to ask, after the SDP_PUBLISHER_ROOT redirection (if set)."""
    root = settings.get("SDP_PUBLISHER_ROOT").rstrip("/")
    if not root:
        return url
    parts = urlsplit(url)
    return f"{root}/{parts.netloc}{parts.path}"


def download(url: str, target: Path, *, progress: bool = False) -> Path:
    """Download ``url`` to ``target`` atomically; a failure leaves ``target`` as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    real = resolve(url)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(real, timeout=TIMEOUT_S) as resp:  # noqa: S310 - http(s) only, see resolve()
            total = int(resp.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name, disable=not progress, leave=False) as bar:
                for chunk in iter(lambda: resp.read(1 << 16), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
            if total is not None and out.tell() != total:
                raise SourceError(url, f"download incomplete: {out.tell()} of {total} bytes")
        os.replace(tmp, target)
        return target
    except urllib.error.HTTPError as exc:
        raise SourceError(url, f"download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        if isinstance(exc, SourceError):
            raise
        raise SourceError(url, f"download failed: {getattr(exc, 'reason', exc)}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def latest_published(manifest: Manifest | None = None) -> str:
    """The latest month police.uk has published ('YYYY-MM'), from its ``last_updated_url``."""
    manifest = manifest or load_manifest()
    url = manifest.police.get("last_updated_url")
    if not url:
        raise SourceError("data/sources.toml", "[police] has no last_updated_url: `refresh` cannot tell the latest month")
    try:
        with urllib.request.urlopen(resolve(url), timeout=TIMEOUT_S) as resp:  # noqa: S310 - http(s) only, see resolve()
            body = resp.read(4096)
    except urllib.error.HTTPError as exc:
        raise SourceError(url, f"download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SourceError(url, f"download failed: {getattr(exc, 'reason', exc)}") from None
    try:
        month = str(json.loads(body)["date"])[:7]
    except (ValueError, KeyError, TypeError):
        raise SourceError(url, 'not the expected answer ({"date": "YYYY-MM-DD"})') from None
    if not MONTH.match(month):
        raise SourceError(url, f"not a month: {month!r}")
    return month


def fetch_reference(dest: Path, *, progress: bool = True, manifest: Manifest | None = None, notes: bool = True) -> list[Path]:
    """Every reference file with a download address that ``dest`` lacks (none asked for when all are there):
    the files every build reads first, then (their lookups say which) the chosen partnership's own files
    and its police force's other authorities' LSOA boundaries (one of those the publisher lacks is a note)."""
    manifest = manifest or load_manifest()
    got = _download_missing(dest, [(s, True) for s in manifest.sources if s.scope == "all"], progress, notes)
    wanted = plan_module.make(dest, manifest).wanted
    got += _download_missing(dest, [(w.source, w.required) for w in wanted if w.area], progress, notes)
    for want in wanted:
        src = want.source
        if notes and not src.url and src.locate(dest) is None:
            tqdm.write(
                f"note: {src.path} has no download address (a hand-made table: copy it from a mirror); the build goes on without it"
            )
    return got


def _download_missing(dest: Path, sources: list[tuple[Source, bool]], progress: bool, notes: bool) -> list[Path]:
    """Download each source that has an address and is not in ``dest`` (a required one's failure stops)."""
    got: list[Path] = []
    missing = [(s, required) for s, required in sources if s.url and s.locate(dest) is None]
    for src, required in tqdm(missing, desc="reference files", unit="file", disable=not progress):
        suffix = "".join(Path(urlsplit(src.url).path).suffixes[-2:])
        rel = src.alt_path if src.alt_path and src.alt_path.endswith(suffix) and not src.path.endswith(suffix) else src.path
        try:
            got.append(download(src.url, dest / rel))
        except SourceError as exc:
            if required:
                raise
            if notes:
                tqdm.write(f"note: {exc}; the build goes on without it")
    return got


def fetch(
    dest: Path,
    start: str,
    end: str,
    *,
    forces: list[str] | None = None,
    progress: bool = True,
    manifest: Manifest | None = None,
    notes: bool = True,
) -> list[Path]:
    """Fetch police.uk months ``start``..``end`` and any missing reference file into ``dest``
    (``notes``: print a line for each file the publisher lacks)."""
    manifest = manifest or load_manifest()
    dest = Path(dest)
    months = months_between(start, end)
    if len(months) > ARCHIVE_MONTHS:
        raise ValueError(f"police.uk archives hold {ARCHIVE_MONTHS} months; ask for {start}..{end} in smaller ranges")
    chosen = [manifest.force(f) for f in forces] if forces else list(manifest.forces)
    got: list[Path] = fetch_reference(dest, progress=progress, manifest=manifest, notes=notes)

    archive_url = manifest.police["archive_url"].format(month=end)
    with tempfile.TemporaryDirectory(dir=dest if dest.exists() else None) as tmpdir:
        archive = download(archive_url, Path(tmpdir) / f"{end}.zip", progress=progress)
        try:
            zf = zipfile.ZipFile(archive)
        except zipfile.BadZipFile:
            raise SourceError(archive_url, "not a readable zip archive") from None
        with zf:
            names = set(zf.namelist())
            wanted = [(f, m) for f in chosen for m in months]
            for force, month in tqdm(wanted, desc="police.uk months", unit="file", disable=not progress):
                member = f"{month}/{month}-{force.slug}-street.csv"
                if member not in names:
                    if notes:
                        tqdm.write(f"note: {archive_url} has no {member}")
                    continue
                target = dest / force.folder / month / f"{month}-{force.slug}-street.csv"
                staged = Path(tmpdir) / member
                staged.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with zf.open(member) as src_f, open(staged, "wb") as out:
                        shutil.copyfileobj(src_f, out)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise SourceError(f"{archive_url}!{member}", f"not readable from the archive ({exc})") from None
                police_uk.check_text(police_uk.StreetFile(staged, member, force, month))
                target.parent.mkdir(parents=True, exist_ok=True)
                stale_gz = target.with_name(target.name + ".gz")
                if stale_gz.exists():  # one file per force and month
                    stale_gz.unlink()
                shutil.move(staged, target)
                got.append(target)
    return got
