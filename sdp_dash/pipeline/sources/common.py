"""Helpers shared by the adapters: safe text reading, checksums, code patterns."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import zlib
from pathlib import Path

import duckdb
import pandas as pd

from sdp_dash.errors import SourceError, quote

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def create_from(con, sql: str, params: list | None = None, /, **frames: pd.DataFrame) -> None:
    """Run ``sql`` (e.g. ``CREATE TABLE t AS SELECT * FROM new_rows``, with ``params`` bound) with each
    frame handed to DuckDB under its keyword's name (``con.register``) for this statement only."""
    for name, df in frames.items():
        con.register(name, df)
    try:
        con.execute(sql, params)
    finally:
        for name in frames:
            con.unregister(name)


def check_regular(path: Path, name: str | Path | None = None) -> None:
    """Refuse anything but a readable regular file (a directory, FIFO, device, socket or a link to one)
    *before* it is opened, so nothing hangs reading a pipe or ``/dev/zero``."""
    name = name or path
    try:
        st = os.stat(path)  # follows links: a link to a regular file is fine
    except FileNotFoundError:
        raise SourceError(name, "missing (or a broken link)") from None
    except OSError as exc:
        raise SourceError(name, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(name, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device or special file"
        raise SourceError(name, f"is {kind}, not a regular file")


def sha256(path: Path) -> str:
    check_regular(path)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in .gz; a broken gzip is a SourceError."""
    check_regular(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror})") from None
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(path, f"not a readable gzip file ({type(exc).__name__})") from None
    return data


def read_text(path: Path) -> str:
    """The file as UTF-8 text (BOM dropped); anything else is a SourceError."""
    data = read_bytes(path)
    if not data.strip():
        raise SourceError(path, "the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})") from None


def read_csv(path: Path, required: list[str], **kwargs) -> pd.DataFrame:
    """A CSV as strings, after checking the encoding and that the required columns are there."""
    text = read_text(path)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, **kwargs)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(path, f"malformed CSV ({exc})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceError(path, f"wrong header: missing column(s) {', '.join(missing)}")
    if df.empty:
        raise SourceError(path, "the file has a header but no data rows")
    return df


def renamed(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Only the publisher's ``columns`` (keys), under our names (values), in that order."""
    return df.rename(columns=columns)[list(columns.values())]


def to_int(series: pd.Series, path: Path, column: str) -> pd.Series:
    """Whole numbers written with or without thousands separators."""
    cleaned = series.str.replace(",", "", regex=False).str.strip()
    out = pd.to_numeric(cleaned, errors="coerce")
    bad = out.isna() | (out % 1 != 0)
    if bad.any():
        raise SourceError(path, f"column {quote(column)} has a non-integer value {quote(series[bad].iloc[0])}")
    return out.astype("int64")


def duckdb_problem(exc: duckdb.Error) -> str:
    """DuckDB's error, reduced to the first line a person needs."""
    text = str(exc)
    if "nvalid unicode" in text or "UTF-8" in text or "utf-8" in text:
        return "not UTF-8 text"
    if "gzip" in text.lower() or "zlib" in text.lower() or "compress" in text.lower():
        return "not a readable gzip file"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"malformed CSV ({first})"
