"""Scan everything a page sends for a broken promise: a count of 1 to 4 of a sensitive measure.

``collect(at, downloads)`` gathers what an AppTest run put on the page: every table, every chart's
dataset (decoded from the Arrow bytes Streamlit sends), every map layer's data and tooltips, every
CSV download, metrics, captions and text.  ``violations(collected, view_measure_sensitive)`` lists
each place where a small sensitive count (or a rate that would give it back) appears.

How a row is known to be about a sensitive measure: by a measure column ("Measure", "measure",
"measure_id", "Type", "crime_type", or a "series" naming the measure).  Chart and map data without
such a column are about the view's own measure.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

SENSITIVE = {"violence_and_sexual_offences", "robbery", "Violence and sexual offences", "Robbery"}
MEASURE_COLUMNS = ("Measure", "measure", "measure_id", "Type", "crime_type", "series", "Indicator")
COUNT_COLUMN = re.compile(r"^(count|count_shown|recorded|n|number)$|count|recorded", re.I)
RATE_COLUMN = re.compile(r"rate|lower|upper|interval", re.I)
SMALL = {1, 2, 3, 4}


@dataclass
class Collected:
    frames: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)


def _arrow(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(data)).read_all().to_pandas()


def collect(at, downloads: list[tuple[str, bytes]]) -> Collected:
    out = Collected()
    for i, t in enumerate(at.table):
        out.frames.append((f"table {i}", t.value))
    for i, d in enumerate(at.dataframe):
        out.frames.append((f"dataframe {i}", d.value))
    for i, chart in enumerate(at.get("vega_lite_chart")):
        proto = chart.proto
        for ds in proto.datasets:
            out.frames.append((f"chart {i} dataset {ds.name}", _arrow(ds.data.data)))
        if proto.data.data:
            out.frames.append((f"chart {i} data", _arrow(proto.data.data)))
        if proto.alt:  # the chart's text alternative: read out, not printed
            out.texts.append((f"chart {i} text alternative", proto.alt))
        spec = json.loads(proto.spec) if proto.spec else {}
        for name, rows in (spec.get("datasets") or {}).items():
            if isinstance(rows, list):
                out.frames.append((f"chart {i} inline {name}", pd.DataFrame(rows)))
    for i, deck in enumerate(at.get("deck_gl_json_chart")):
        if deck.proto.alt:
            out.texts.append((f"map {i} text alternative", deck.proto.alt))
        spec = json.loads(deck.proto.json)
        for layer in spec.get("layers", []):
            data = layer.get("data")
            if isinstance(data, dict) and "features" in data:
                out.frames.append(
                    (f"map {i} layer {layer.get('id')}", pd.DataFrame([f.get("properties", {}) for f in data["features"]]))
                )
            elif isinstance(data, list):
                out.frames.append((f"map {i} layer {layer.get('id')}", pd.DataFrame(data)))
    for name, data in downloads:
        if name.endswith(".csv"):
            out.frames.append((f"download {name}", pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)))
        else:
            out.texts.append((f"download {name}", data.decode("utf-8", "replace")))
    for i, col in enumerate(at.columns):
        # A metric's caption ("12 recorded") sits beside it in its column: scan them together.
        labels = [m.label for m in col.metric]
        if labels:
            out.texts.append(
                (f"column {i}", " ".join(labels + [f"({m.value})" for m in col.metric] + [c.value for c in col.caption]))
            )
    for kind in ("markdown", "caption", "info", "warning", "subheader", "header"):
        for i, el in enumerate(getattr(at, kind)):
            out.texts.append((f"{kind} {i}", str(el.value)))
    return out


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def _row_sensitive(row: pd.Series, measure_cols: list[str], default: bool) -> bool:
    if not measure_cols:
        return default
    for c in measure_cols:
        v = str(row[c])
        if any(v == s or v.startswith(s + ":") or v.startswith(s + " ") for s in SENSITIVE):
            return True
    return False


def frame_violations(where: str, df: pd.DataFrame, view_sensitive: bool) -> list[str]:
    found = []
    if df.empty:
        return found
    measure_cols = [c for c in df.columns if str(c) in MEASURE_COLUMNS]
    count_cols = [c for c in df.columns if COUNT_COLUMN.search(str(c))]
    rate_cols = [c for c in df.columns if RATE_COLUMN.search(str(c)) and not COUNT_COLUMN.search(str(c))]
    for idx, row in df.iterrows():
        if not _row_sensitive(row, measure_cols, view_sensitive):
            continue
        small = False
        for c in count_cols:
            v = _number(row[c])
            if v is not None and v in SMALL:
                found.append(f"{where}: row {idx} column {c!r} shows {row[c]!r}")
                small = True
            if "fewer than" in str(row[c]):
                small = True
        withheld = "status" in df.columns and str(row["status"]) in ("fewer than 5", "withheld")  # a tidy CSV says why
        if small or withheld or any("fewer than" in str(row[c]) for c in count_cols):
            if withheld:
                for c in count_cols:
                    if _number(row[c]) is not None:
                        found.append(f"{where}: row {idx} is {row['status']!r} but column {c!r} shows {row[c]!r}")
            for c in rate_cols:
                if _number(row[c]) is not None:
                    found.append(f"{where}: row {idx} withheld count but column {c!r} shows {row[c]!r}")
    return found


_SENTENCE_COUNT = re.compile(r"\((\d[\d,]*)\)|\b(\d[\d,]*) recorded\b|numbered (\d[\d,]*)")


def text_violations(where: str, text: str) -> list[str]:
    """Small numbers said about a sensitive measure in a line of text (a sentence, metric or caption)."""
    found = []
    for line in re.split(r"\n|(?<=\.) ", text):
        if not any(s in line for s in SENSITIVE if s[0].isupper()):
            continue
        for m in _SENTENCE_COUNT.finditer(line):
            n = _number(next(g for g in m.groups() if g))
            if n in SMALL:
                found.append(f"{where}: {line.strip()[:160]!r}")
    return found


def violations(collected: Collected, view_sensitive: bool) -> list[str]:
    found = []
    for where, df in collected.frames:
        found += frame_violations(where, df, view_sensitive)
    for where, text in collected.texts:
        found += text_violations(where, text)
    return found
