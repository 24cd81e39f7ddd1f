"""Read which colour each area is drawn in, from what a page sends (AppTest) or a profile document.

``chart_colours(spec, datasets)`` reads one Vega-Lite spec: every colour channel (color, fill, stroke)
that a field drives, with its explicit scale (domain -> range) or its column of colours (scale null),
and reports each area it draws in which colour.  A channel an area field drives without an explicit
domain and range (Vega would pick the colours by its own order), a value of that field missing from
the domain, or a chart of areas whose marks no field colours, are problems.  ``key_colours`` reads the
HTML keys (``data-area`` and ``data-colour`` on each entry, or a swatch beside an area's name).
``deck_colours`` reads a map: the chosen area's outline and the county's boundary.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

AREA_FIELDS = ("area_name",)
CHANNELS = ("color", "fill", "stroke")
# Marks that draw the data itself (not an interval's rule or tick, a label or a place name).
DATA_MARKS = {"bar", "line", "point", "circle", "square", "area", "geoshape", "arc", "rect", "trail"}


@dataclass
class Drawn:
    """What a page (or document) draws: (where, area, colour) records and the problems found."""

    records: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, area: str, colour: str) -> None:
        self.records.append((where, html.unescape(str(area)), str(colour).upper()))

    def extend(self, other: Drawn) -> None:
        self.records += other.records
        self.problems += other.problems

    def by_area(self) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for where, area, colour in self.records:
            out.setdefault(area, {}).setdefault(colour, []).append(where)
        return out

    def clashes(self) -> list[str]:
        """Each area drawn in more than one colour, with where."""
        return [
            f"{area}: " + "; ".join(f"{colour} in {', '.join(sorted(set(places)))}" for colour, places in colours.items())
            for area, colours in self.by_area().items()
            if len(colours) > 1
        ]

    def colour_of(self, area: str) -> str | None:
        colours = self.by_area().get(area, {})
        return next(iter(colours)) if len(colours) == 1 else None


def arrow(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(data)).read_all().to_pandas()


def app_chart_datasets(proto) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The spec and named datasets of an AppTest ``vega_lite_chart`` element (see tests/support/scan.py)."""
    spec = json.loads(proto.spec) if proto.spec else {}
    datasets = {ds.name: arrow(ds.data.data) for ds in proto.datasets}
    for name, rows in (spec.get("datasets") or {}).items():
        if isinstance(rows, list):
            datasets[name] = pd.DataFrame(rows)
    if proto.data.data:
        datasets[""] = arrow(proto.data.data)
    return spec, datasets


def _units(spec: dict, data: pd.DataFrame | None, datasets: dict[str, pd.DataFrame]):
    """Every unit spec (one with a mark), with the data it draws (its own or inherited)."""
    own = spec.get("data")
    if isinstance(own, dict):
        if "name" in own and own["name"] in datasets:
            data = datasets[own["name"]]
        elif "values" in own:
            values = own["values"]
            data = pd.DataFrame(values) if isinstance(values, list) and values and isinstance(values[0], dict) else None
    elif own is None and data is None and "" in datasets:
        data = datasets[""]
    if "mark" in spec:
        yield spec, data
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []) or []:
            yield from _units(sub, data, datasets)
    if isinstance(spec.get("spec"), dict):  # facet or repeat
        yield from _units(spec["spec"], data, datasets)


def _mark_type(unit: dict) -> str:
    mark = unit.get("mark")
    return mark.get("type", "") if isinstance(mark, dict) else str(mark)


def chart_colours(where: str, spec: dict, datasets: dict[str, pd.DataFrame], area_names: set[str]) -> Drawn:
    drawn = Drawn()
    about_areas = False
    coloured_by_field = False
    for unit, data in _units(spec, None, datasets):
        enc = unit.get("encoding", {}) or {}
        has_areas = data is not None and any(f in data for f in AREA_FIELDS) and _mark_type(unit) in DATA_MARKS
        about_areas |= has_areas
        for channel in CHANNELS:
            ch = enc.get(channel)
            if not isinstance(ch, dict):
                continue
            if "condition" in ch and has_areas:
                drawn.problems.append(f"{where}: {channel} is a condition, not the areas' colours")
                continue
            name = ch.get("field")
            if not name:
                continue
            coloured_by_field = True
            values = [] if data is None or name not in data else [str(v) for v in data[name].dropna().unique()]
            is_area_field = name in AREA_FIELDS or any(v in area_names for v in values)
            scale = ch.get("scale", {})
            if scale is None:  # the column holds the colours themselves
                area_col = next((f for f in AREA_FIELDS if data is not None and f in data), None)
                if area_col and data is not None:
                    for area, colour in zip(data[area_col], data[name], strict=True):
                        drawn.add(where, area, colour)
                continue
            domain, rng = scale.get("domain"), scale.get("range")
            if not (isinstance(domain, list) and isinstance(rng, list)):
                if is_area_field:
                    drawn.problems.append(f"{where}: {channel} of {name!r} has no explicit domain and range")
                continue
            pairs = dict(zip([str(d) for d in domain], rng, strict=False))
            missing = [v for v in values if v not in pairs]
            if missing and is_area_field:
                drawn.problems.append(f"{where}: {name!r} values outside the colour domain: {missing}")
            for value, colour in pairs.items():
                if name in AREA_FIELDS or value in area_names:
                    drawn.add(where, value, colour)
    if about_areas and not coloured_by_field:
        drawn.problems.append(f"{where}: a chart of areas whose colours no area field gives")
    return drawn


_KEY_ENTRY = re.compile(r"<li[^>]*\bdata-area='([^']*)'[^>]*\bdata-colour='([^']*)'")
_SWATCH = re.compile(r"<li><span class='sdp-swatch' style='background:([^']+)'[^>]*></span>([^<]*)</li>")


def key_colours(where: str, text: str, area_names: set[str]) -> Drawn:
    """Areas and colours of the HTML keys in a piece of markdown or a document."""
    drawn = Drawn()
    for area, colour in _KEY_ENTRY.findall(text):
        drawn.add(where, area, html.unescape(colour))
    for colour, label in _SWATCH.findall(text):  # a plain legend entry naming an area
        name = html.unescape(label).split(" (")[0].strip()
        if name in area_names:
            drawn.add(where, name, html.unescape(colour))
    return drawn


def _rgb_hex(value) -> str | None:
    if isinstance(value, list) and len(value) >= 3 and all(isinstance(v, int | float) for v in value[:3]):
        return "#" + "".join(f"{int(v):02X}" for v in value[:3])
    return None


def deck_colours(where: str, deck_json: str, selected: str | None, county_name: str) -> Drawn:
    """A map's outlines: the selected area's (its line in the areas layer and the layers drawn over it)
    and the county's boundary."""
    drawn = Drawn()
    spec = json.loads(deck_json)
    for layer in spec.get("layers", []):
        data = layer.get("data")
        feats = data.get("features", []) if isinstance(data, dict) else []
        lid = layer.get("id", "")
        if lid == "county-outline":
            colour = _rgb_hex(layer.get("getLineColor"))
            if colour:
                drawn.add(f"{where} {lid}", county_name, colour)
            continue
        for f in feats:
            props = f.get("properties", {}) or {}
            if props.get("area_code") != selected or not props.get("name"):
                continue
            line = layer.get("getLineColor")
            colour = _rgb_hex(props.get("line")) if line == "@@=properties.line" else _rgb_hex(line)
            if colour and colour != "#FFFFFF":  # a white edging is not the area's colour
                drawn.add(f"{where} {lid}", props["name"], colour)
    return drawn


def app_colours(at, area_names: set[str], *, selected: str | None = None, county_name: str = "County Durham") -> Drawn:
    """Everything an AppTest run drew: each chart, each map's outlines and each HTML key."""
    drawn = Drawn()
    for i, el in enumerate(at.get("vega_lite_chart")):
        spec, datasets = app_chart_datasets(el.proto)
        where = f"map {i}" if "projection" in spec else f"chart {i}"  # a Vega-Lite map (Explore's) draws outlines
        drawn.extend(chart_colours(where, spec, datasets, area_names))
    for i, deck in enumerate(at.get("deck_gl_json_chart")):
        drawn.extend(deck_colours(f"map {i}", deck.proto.json, selected, county_name))
    for i, m in enumerate(at.markdown):
        drawn.extend(key_colours(f"key {i}", str(m.value), area_names))
    return drawn
