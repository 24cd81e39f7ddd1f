"""Altair charts and pydeck maps built from DataFrames.  No Streamlit here.

Colours follow the UK Government Analysis Function palette (colour-blind safe); the map uses
its sequential blues.  Charts never colour a neutral measure as good or bad.
"""

from __future__ import annotations

import json
import textwrap
import threading
from urllib.parse import quote, urlsplit

import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
CATEGORICAL = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE]
# Light to dark: the lightest class still has a dark outline so it shows on white.
NOT_SHOWN = "#B1B4B6"  # areas whose rate is withheld (too few to show)
SEQUENTIAL = ["#DEEBF7", "#9ECAE1", "#6BACE6", "#2073BC", "#12436D"]

_FONT = "Source Sans Pro, sans-serif"


def vega_lite(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite spec with its data inline, for ``st.vega_lite_chart``.

    Converting an Altair chart costs 25-40 ms (more with Altair's schema validation, which
    ``st.altair_chart`` runs on every rerun), so the pages convert each chart once and cache the
    spec.  Validation is skipped here; tests/test_charts.py validates every builder's output.
    The width and height that Altair's default theme adds are dropped: the chart fills its card.
    """
    spec = chart.to_dict(validate=False)
    config = spec.get("config", {})
    view = {k: v for k, v in config.pop("view", {}).items() if k not in ("continuousWidth", "continuousHeight")}
    if view:
        config["view"] = view
    return spec


_COMPACTING = threading.Lock()


class CompactDeck(pdk.Deck):
    """A pydeck Deck serialised once, without indentation.

    pydeck writes indented JSON on every ``to_json`` call, and Streamlit calls it on every rerun:
    about 0.5 s and 2.3 MiB for a map of the 330 small areas.  The pages cache the deck, so this
    keeps its first JSON (compact) for every later run, and lets go of the layers' data (the parsed
    shapes, several MiB of Python objects per cached map) once it is written.
    """

    _compact: str | None = None

    def to_json(self) -> str:
        if self._compact is None:  # every later call (each rerun) returns the JSON without the lock
            with _COMPACTING:  # a cached deck is shared: written once, by one thread
                if self._compact is None:
                    self._compact = json.dumps(json.loads(super().to_json()), separators=(",", ":"))
                    for layer in self.layers:
                        layer.data = None  # in the JSON now; Streamlit reads only the JSON and the tooltip
        return self._compact


def _style(chart: alt.Chart, description: str) -> alt.Chart:
    # The accessible name comes from st.altair_chart(alt=...), so no Vega description is set here.
    return chart.configure_axis(labelFontSize=13, titleFontSize=13).configure_legend(
        labelFontSize=13, titleFontSize=13, orient="bottom", labelLimit=300
    )


def trend(df: pd.DataFrame, *, value: str, series: str | None, title: str, description: str) -> alt.Chart:
    """Monthly line chart; months without data (value NaN) show as gaps, not zeros."""
    data = df.copy()
    data["month_date"] = pd.to_datetime(data["month"] + "-01")
    enc_colour = (
        alt.Color(f"{series}:N", title=None, scale=alt.Scale(range=CATEGORICAL), legend=alt.Legend(orient="bottom"))
        if series
        else alt.value(DARK_BLUE)
    )
    tooltip = [alt.Tooltip("month_date:T", title="Month", format="%B %Y"), alt.Tooltip(f"{value}:Q", title=title, format=",.2f")]
    if series:
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title="Area"))
    base = alt.Chart(data).encode(
        x=alt.X("month_date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month", labelOverlap=True)),
        y=alt.Y(f"{value}:Q", title=title, scale=alt.Scale(zero=True)),
        color=enc_colour,
        tooltip=tooltip,
    )
    if series:
        base = base.encode(strokeDash=alt.StrokeDash(f"{series}:N", legend=None))
    chart = base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=50)
    return _style(alt.layer(chart).properties(height=300), description)


RATE_ROW = 46  # px per row of a rates chart: the name on its own line, then the bar


def rates(
    df: pd.DataFrame, *, label: str, title: str, description: str, highlight: str | None = None, colour: str | None = None
) -> alt.Chart:
    """Rates per 1,000 as bars with their 95% interval, one row per label.

    Each row's name is written above its bar, from the left edge, not in an axis column beside the
    bars: a long name ("Cleveland Police area", "All crime (excluding anti-social behaviour)") is
    never cut off or dropped, and at phone width the bars keep the whole width.  The height is a
    step per row (Streamlit fits the width to the card; a fixed height would be the whole chart's,
    axis included, and squeeze the rows until Vega drops overlapping labels).

    ``colour`` names a column of hex colours (one per row: e.g. the chosen area, the county and the
    others each in their own colour, explained by a legend beside the chart)."""
    data = df.copy()
    data["is_highlight"] = data[label] == highlight if highlight else False
    order = list(data[label])
    y = alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labels=False, ticks=False, domain=False))
    tooltip = [
        alt.Tooltip(f"{label}:N", title="Area"),
        alt.Tooltip("rate:Q", title=title, format=",.1f"),
        alt.Tooltip("lower:Q", title="95% interval from", format=",.1f"),
        alt.Tooltip("upper:Q", title="95% interval to", format=",.1f"),
    ]
    bar_px = 18
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=bar_px, yOffset=8).encode(
        x=alt.X("rate:Q", title=title),
        color=(
            alt.Color(f"{colour}:N", scale=None, legend=None)
            if colour
            else alt.condition("datum.is_highlight", alt.value(DARK_BLUE), alt.value("#6BACE6"))
        ),
    )
    rules = base.mark_rule(color=DARK_GREY, strokeWidth=2, yOffset=8).encode(x="lower:Q", x2="upper:Q")
    ticks_lo = base.mark_tick(color=DARK_GREY, thickness=2, size=12, yOffset=8).encode(x="lower:Q")
    ticks_hi = base.mark_tick(color=DARK_GREY, thickness=2, size=12, yOffset=8).encode(x="upper:Q")
    names = base.mark_text(align="left", baseline="bottom", dy=-4, fontSize=13, color="#0B0C0C").encode(
        x=alt.value(0), text=f"{label}:N"
    )
    chart = alt.layer(bars, rules, ticks_lo, ticks_hi, names).properties(height=alt.Step(RATE_ROW))
    return _style(chart, description)


def ranked_bars(df: pd.DataFrame, *, label: str, value: str, title: str, description: str) -> alt.Chart:
    data = df.copy()
    chart = (
        alt.Chart(data)
        .mark_bar(color=DARK_BLUE)
        .encode(
            y=alt.Y(f"{label}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", title=title),
            tooltip=[alt.Tooltip(f"{label}:N", title="Crime type"), alt.Tooltip(f"{value}:Q", title=title, format=",.2f")],
        )
        .properties(height=max(120, 26 * len(data)))
    )
    return _style(chart, description)


# --- Maps ----------------------------------------------------------------------------------------


def _hex_rgb(colour: str) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)]


def class_breaks(values: pd.Series, n: int = len(SEQUENTIAL)) -> list[float]:
    """Quantile class breaks (n + 1 edges), de-duplicated, for the map legend."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return [0.0, 1.0]
    edges = sorted(set(np.round(np.quantile(v, np.linspace(0, 1, n + 1)), 1)))
    if len(edges) == 1:
        edges = [edges[0], edges[0] + 1]
    return edges


def classify(values: pd.Series, edges: list[float]) -> pd.Series:
    """Class index 0..len(edges)-2 per value."""
    inner = edges[1:-1]
    return pd.Series(np.searchsorted(inner, pd.Series(values, dtype=float).to_numpy(), side="right"), index=values.index)


def legend_items(edges: list[float]) -> list[tuple[str, str]]:
    """(colour, 'from - to') per class, in the palette spread over however many classes there are."""
    k = len(edges) - 1
    colours = _palette(k)
    return [(colours[i], f"{edges[i]:,.1f} to {edges[i + 1]:,.1f}") for i in range(k)]


def _palette(k: int) -> list[str]:
    if k >= len(SEQUENTIAL):
        return SEQUENTIAL
    idx = np.round(np.linspace(0, len(SEQUENTIAL) - 1, k)).astype(int)
    return [SEQUENTIAL[i] for i in idx]


# deck.gl draws the world 512 px wide at zoom 0; the view is fitted to a map about this big.  The width
# is a phone's (the card is about 310 px wide at 375 px), so the whole area shows on every screen.
_FIT_WIDTH_PX, _FIT_HEIGHT_PX = 360, 440


def _coords(geometry: dict) -> np.ndarray:
    """Every (lon, lat) vertex of a GeoJSON Polygon or MultiPolygon."""
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [r for poly in geometry["coordinates"] for r in poly]
    return np.concatenate([np.asarray(r, dtype=float)[:, :2] for r in rings])


def _bounds(geometries: list[dict], margin: float = 0.05) -> tuple[float, float, float, float]:
    pts = np.concatenate([_coords(g) for g in geometries])
    (west, south), (east, north) = pts.min(axis=0), pts.max(axis=0)
    return west - margin, south - margin, east + margin, north + margin


def _view(geometries: list[dict]) -> pdk.ViewState:
    """Centre on the areas' bounding box, zoomed so it fits the map with a little margin."""
    if not geometries:
        return pdk.ViewState(longitude=-1.75, latitude=54.68, zoom=8.3, pitch=0)
    pts = np.concatenate([_coords(g) for g in geometries])
    (west, south), (east, north) = pts.min(axis=0), pts.max(axis=0)
    merc = np.log(np.tan(np.pi / 4 + np.radians([south, north]) / 2))
    zoom_x = np.log2(_FIT_WIDTH_PX * 360 / (512 * max(east - west, 1e-4)))
    zoom_y = np.log2(_FIT_HEIGHT_PX * 2 * np.pi / (512 * max(merc[1] - merc[0], 1e-6)))
    zoom = float(np.clip(min(zoom_x, zoom_y) - 0.2, 6, 15))
    return pdk.ViewState(longitude=float(west + east) / 2, latitude=float(south + north) / 2, zoom=round(zoom, 2), pitch=0)


# Outline widths in screen pixels.  pydeck turns every plain string argument into a JavaScript
# expression, so constant strings such as unit names must be quoted: PIXELS is the literal "pixels".
_THIN, _WIDE = 1, 4
PIXELS = "'pixels'"


def _areas_layer(features: list[dict], layer_id: str, **style) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id=layer_id,
        stroked=True,
        filled=True,
        line_width_units=PIXELS,
        **style,
    )


def basemap(setting: str | None) -> dict:
    """``pdk.Deck`` arguments for the basemap setting (``SDP_BASEMAP``).

    - "none" (the default): no basemap at all, so the visitor's browser asks no third party for
      anything.  Streamlit draws CARTO's tiles whenever a deck has no style of its own; pydeck's
      "no provider" sentinel style is the one value that turns that off.
    - "carto": CARTO's light basemap, fetched by the visitor's browser from basemaps.cartocdn.com.
    - a URL: a self-hosted tile server, either a raster tile template (``https://tiles.example/{z}/{x}/{y}.png``),
      given to the map as an inline MapLibre style, or the URL of a MapLibre style document (``.../style.json``).
    """
    value = (setting or "none").strip()
    if value.lower() in ("", "none"):
        return {"map_provider": None}
    if value.lower() == "carto":
        return {"map_provider": "carto", "map_style": "light"}
    if "{z}" in value:
        style = {
            "version": 8,
            "sources": {"tiles": {"type": "raster", "tiles": [value], "tileSize": 256}},
            "layers": [{"id": "tiles", "type": "raster", "source": "tiles"}],
        }
        return {"map_provider": None, "map_style": "data:application/json," + quote(json.dumps(style, separators=(",", ":")))}
    return {"map_provider": None, "map_style": value}


def basemap_words(setting: str | None) -> str:
    """The basemap in a sentence, for the About page."""
    value = (setting or "none").strip()
    if value.lower() in ("", "none"):
        return (
            "The maps have no background map: they draw the county outline and the names of towns and villages "
            "(GeoNames) from the data this site holds, so your browser asks no other website for anything."
        )
    if value.lower() == "carto":
        return (
            "The maps are drawn over CARTO's light basemap (© OpenStreetMap contributors, © CARTO): your browser "
            "fetches its tiles from basemaps.cartocdn.com, a third party."
        )
    host = urlsplit(value.replace("{", "").replace("}", "")).netloc or "a server set by the site's operator"
    return f"The maps are drawn over a basemap from the site operator's own tile server ({host})."


def labels_layer(
    places: pd.DataFrame, *, zoom: float, limit: int = 30, bounds: tuple[float, float, float, float] | None = None
) -> list[pdk.Layer]:
    """Town and village names, larger for larger places (GeoNames populations rank them; they are
    not statistics), with a dot at each place.  Larger places are named first, and a name is left
    out where it would overlap one already placed at the map's opening zoom (``zoom``)."""
    if places is None or places.empty:
        return []
    data = places.sort_values("population", ascending=False)
    if bounds is not None:
        w, so, e, n = bounds
        data = data[data["longitude"].between(w, e) & data["latitude"].between(so, n)]
    pop = data["population"].clip(lower=500).astype(float)
    data = data.assign(size=np.interp(np.log10(pop), [np.log10(500), np.log10(50000)], [11, 16]).round(1))
    # Screen positions (pixels at the opening zoom, web mercator) and each label's box.
    scale = 512 * 2**zoom / 360
    px = data["longitude"].to_numpy() * scale
    py = -np.degrees(np.log(np.tan(np.pi / 4 + np.radians(data["latitude"].to_numpy()) / 2))) * scale
    boxes: list[tuple[float, float, float, float]] = []
    rows = []
    for i, (idx, name, size) in enumerate(zip(data.index, data["name"], data["size"], strict=True)):
        box = (px[i] - 4, py[i] - size * 0.7, px[i] + 8 + len(name) * size * 0.56, py[i] + size * 0.7)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        rows.append(idx)
        if len(rows) >= limit:
            break
    data = data.loc[rows, ["name", "longitude", "latitude", "size"]]
    dots = pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id="place-dots",
        get_position=["longitude", "latitude"],
        get_radius=3,
        radius_units=PIXELS,
        get_fill_color=[11, 12, 12, 255],
        get_line_color=[255, 255, 255, 255],
        stroked=True,
        line_width_min_pixels=1,
        pickable=False,
    )
    text = pdk.Layer(
        "TextLayer",
        data=data,
        id="place-labels",
        get_position=["longitude", "latitude"],
        get_text="name",
        get_size="size",
        size_units=PIXELS,
        get_color=[11, 12, 12, 255],
        get_text_anchor="'start'",
        get_alignment_baseline="'center'",
        get_pixel_offset=[6, 0],
        font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'",
        font_weight=600,
        font_settings={"sdf": True},
        outline_width=3,
        outline_color=[255, 255, 255, 230],
        pickable=False,
    )
    return [dots, text]


def outline_layer(geo: pd.DataFrame, layer_id: str = "county-outline") -> pdk.Layer | None:
    """The county's outline (from the boundaries the build holds), drawn over the areas."""
    if geo is None or geo.empty:
        return None
    features = [{"type": "Feature", "geometry": json.loads(g), "properties": {}} for g in geo["geojson"]]
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id=layer_id,
        stroked=True,
        filled=False,
        get_line_color=[11, 12, 12, 255],
        get_line_width=2.5,
        line_width_units=PIXELS,
        pickable=False,
    )


def choropleth(
    rates: pd.DataFrame,
    geo: pd.DataFrame,
    *,
    edges: list[float],
    rate_label: str,
    selected: str | None = None,
    points: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    county: pd.DataFrame | None = None,
    basemap_setting: str | None = None,
) -> pdk.Deck:
    """Areas filled by rate class, with the county outline and place names (``places``) on top.

    ``rates`` is figure data (``crime.frame``): area_code, area_name, count_shown (text: a withheld
    count reads "fewer than 5"), rate, lower, upper (empty where withheld).  An area whose rate is
    withheld is drawn in a neutral grey and its tooltip says "not shown".
    """
    data = rates.merge(geo, on="area_code", how="inner")
    colours = _palette(len(edges) - 1)
    cls = classify(data["rate"], edges)
    features = []
    for (_, row), c in zip(data.iterrows(), cls, strict=True):
        shown = not pd.isna(row["rate"])
        fill = (_hex_rgb(colours[int(c)]) if shown else _hex_rgb(NOT_SHOWN)) + [215]
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(row["geojson"]),
                "properties": {
                    "area_code": row["area_code"],
                    "name": row["area_name"],
                    "count": str(row["count_shown"]),
                    "rate": f"{row['rate']:,.1f}" if shown else "not shown",
                    "interval": f"{row['lower']:,.1f} to {row['upper']:,.1f}" if shown else "not shown",
                    "fill": fill,
                    "line": _hex_rgb(ORANGE) + [255] if row["area_code"] == selected else [61, 61, 61, 200],
                    "width": _WIDE if row["area_code"] == selected else _THIN,
                },
            }
        )
    layers = [
        _areas_layer(
            features,
            "areas",
            pickable=True,
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.width",
            auto_highlight=True,
            highlight_color=[244, 106, 37, 160],
        )
    ]
    edge = outline_layer(county)
    if edge is not None:
        layers.append(edge)
    if points is not None and len(points):
        layers.append(points_layer(points))
    focus = [f["geometry"] for f in features if f["properties"]["area_code"] == selected]
    view = _view(focus or [f["geometry"] for f in features])
    layers += labels_layer(places, zoom=view.zoom, bounds=_bounds(focus) if focus and view.zoom >= 10 else None)
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        **basemap(basemap_setting),
        tooltip={
            "html": "<b>{name}</b><br/>Count: {count}<br/>" + rate_label + ": {rate}<br/>95% interval: {interval}",
            "style": {"backgroundColor": "#12436D", "color": "white", "fontSize": "14px"},
        },
    )


def points_layer(points: pd.DataFrame) -> pdk.Layer:
    data = points.assign(
        name=points["location"].fillna("Anonymous map point"),
        count_text=points["count"].map("{:,}".format),
        rate="",
        interval="",
    ).rename(columns={"count": "n"})
    data["count"] = data["count_text"] + " (" + data["crime_types"] + ")"
    return pdk.Layer(
        "ScatterplotLayer",
        data=data[["longitude", "latitude", "name", "count", "rate", "interval", "n"]],
        id="points",
        get_position=["longitude", "latitude"],
        get_radius="n",
        radius_units=PIXELS,
        radius_scale=1,
        radius_min_pixels=3,
        radius_max_pixels=14,
        get_fill_color=[128, 22, 80, 200],
        get_line_color=[255, 255, 255, 255],
        stroked=True,
        line_width_min_pixels=1,
        pickable=True,
    )


def outline(
    geo: pd.DataFrame,
    *,
    points: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    basemap_setting: str | None = None,
) -> pdk.Deck:
    """One area's outline (used for the profile's small map), with optional anonymised points and place names."""
    features = [{"type": "Feature", "geometry": json.loads(g), "properties": {"name": ""}} for g in geo["geojson"]]
    layers = [
        _areas_layer(
            features, "outline", get_fill_color=[222, 235, 247, 160], get_line_color=[18, 67, 109, 255], get_line_width=_WIDE
        )
    ]
    if points is not None and len(points):
        layers.append(points_layer(points))
    geoms = [f["geometry"] for f in features]
    view = _view(geoms)
    layers += labels_layer(places, zoom=view.zoom, bounds=_bounds(geoms) if geoms else None)
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        **basemap(basemap_setting),
        tooltip={"html": "<b>{name}</b><br/>{count}"},
    )


def published_lines(df: pd.DataFrame, *, unit: str, description: str) -> alt.Chart:
    """Published figures over time: a line only joins points of one series, area and kind of period
    (``joined``); every other point is a separate mark.  Periods are placed at their last month.

    Columns: line (legend label), period_end (first day of the last month), period (as published),
    value, value_text, joined, county (County Durham's lines drawn on top, dark blue).
    """
    data = df.copy()
    data["period_end"] = pd.to_datetime(data["period_end"])
    labels = list(dict.fromkeys(sorted(data["line"], key=lambda x: (not str(x).startswith("County Durham"), str(x)))))
    palette = (
        CATEGORICAL
        if len(labels) <= len(CATEGORICAL)
        else CATEGORICAL
        + [
            "#6BACE6",
            "#F2A7C3",
            "#A1D99B",
            "#FDB863",
            "#8C8C8C",
            "#B15928",
            "#6A3D9A",
            "#1F78B4",
            "#33A02C",
            "#E31A1C",
        ]
    )
    colour = alt.Color(
        "line:N",
        title=None,
        scale=alt.Scale(domain=labels, range=palette[: len(labels)] if len(labels) <= len(palette) else palette),
        legend=alt.Legend(orient="bottom", columns=1 if max(len(str(x)) for x in labels) > 28 else 3, labelLimit=600),
    )
    tooltip = [
        alt.Tooltip("line:N", title="Figure"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("value_text:N", title=unit),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("period_end:T", title="End of period", axis=alt.Axis(format="%Y", labelAngle=0, labelOverlap=True)),
        y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True), axis=alt.Axis(titleLimit=600)),
        color=colour,
        tooltip=tooltip,
    )
    joined = base.transform_filter("datum.joined").mark_line(strokeWidth=2.5).encode(detail="line:N")
    points = base.mark_point(filled=True, size=60)
    return _style(alt.layer(joined, points).properties(height=320), description)


# --- What happened next, who is most affected, the long view (issue 12) ---------------------------------


def outcome_shares(df: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Share of crimes by outcome group, one bar per area within each group, with 95% intervals.

    Columns: outcome, area_name, share, lower, upper (0-1; None where withheld: no bar is drawn)."""
    data = df.dropna(subset=["share"]).copy()
    areas = list(dict.fromkeys(df["area_name"]))
    order = list(dict.fromkeys(df["outcome"]))
    colour = alt.Color(
        "area_name:N",
        title=None,
        scale=alt.Scale(domain=areas, range=CATEGORICAL[: len(areas)]),
        legend=alt.Legend(orient="bottom"),
    )
    y = alt.Y("outcome:N", title=None, sort=order, axis=alt.Axis(labelLimit=300, labelOverlap=False))
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("outcome:N", title="Outcome"),
        alt.Tooltip("share:Q", title=title, format=".1%"),
        alt.Tooltip("lower:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("upper:Q", title="95% interval to", format=".1%"),
    ]
    base = alt.Chart(data).encode(y=y, yOffset=alt.YOffset("area_name:N", sort=areas), tooltip=tooltip)
    bars = base.mark_bar().encode(x=alt.X("share:Q", title=title, axis=alt.Axis(format="%")), color=colour)
    rules = base.mark_rule(color=DARK_GREY, strokeWidth=1.5).encode(x="lower:Q", x2="upper:Q")
    height = max(200, 18 * len(order) * max(1, len(areas)))
    return _style(alt.layer(bars, rules).properties(height=height), description)


def still_open_by_month(df: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Share of each month's crimes whose case was still open, with its 95% interval (columns: month, still_open_share, lower, upper)."""
    data = df.dropna(subset=["still_open_share"]).copy()
    data["month_date"] = pd.to_datetime(data["month"] + "-01")
    tooltip = [
        alt.Tooltip("month_date:T", title="Month", format="%B %Y"),
        alt.Tooltip("still_open_share:Q", title=title, format=".1%"),
        alt.Tooltip("lower:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("upper:Q", title="95% interval to", format=".1%"),
    ]
    x = alt.X("month_date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True))
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    bars = base.mark_bar(color=DARK_BLUE, width={"band": 0.7}).encode(
        y=alt.Y("still_open_share:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=True))
    )
    rules = base.mark_rule(color=DARK_GREY, strokeWidth=1.5).encode(y="lower:Q", y2="upper:Q")
    return _style(alt.layer(bars, rules).properties(height=260), description)


def decile_rates(df: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Rates by IMD decile (1 = most deprived) with 95% intervals; one bar per area within a decile.

    Columns: imd_decile, area_name, rate, lower, upper (None where withheld)."""
    data = df.dropna(subset=["rate"]).copy()
    areas = list(dict.fromkeys(df["area_name"]))
    colour = alt.Color(
        "area_name:N",
        title=None,
        scale=alt.Scale(domain=areas, range=CATEGORICAL[: len(areas)]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X(
        "imd_decile:O",
        title="IMD 2019 national decile (1 = most deprived 10% of small areas in England)",
        scale=alt.Scale(domain=list(range(1, 11))),
        axis=alt.Axis(labelAngle=0, titleLimit=600),
    )
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("imd_decile:O", title="Decile"),
        alt.Tooltip("rate:Q", title=title, format=",.1f"),
        alt.Tooltip("lower:Q", title="95% interval from", format=",.1f"),
        alt.Tooltip("upper:Q", title="95% interval to", format=",.1f"),
    ]
    base = alt.Chart(data).encode(x=x, xOffset=alt.XOffset("area_name:N", sort=areas), tooltip=tooltip)
    bars = base.mark_bar().encode(y=alt.Y("rate:Q", title=title, axis=alt.Axis(titleLimit=600)), color=colour)
    rules = base.mark_rule(color=DARK_GREY, strokeWidth=1.5).encode(y="lower:Q", y2="upper:Q")
    return _style(alt.layer(bars, rules).properties(height=300), description)


def long_view_lines(
    df: pd.DataFrame, *, title: str, description: str, baseline: tuple[str, str], baseline_label: str
) -> alt.Chart:
    """Rolling 12-month counts over time, one panel per area (each its own scale), the baseline years shaded.

    Columns: period_end (YYYY-MM-DD), area_label, count, period."""
    data = df.dropna(subset=["count"]).copy()
    data["period_end"] = pd.to_datetime(data["period_end"])
    areas = list(dict.fromkeys(df["area_label"]))
    band = pd.DataFrame(
        [
            {"area_label": a, "start": pd.Timestamp(baseline[0]), "end": pd.Timestamp(baseline[1]), "what": baseline_label}
            for a in areas
        ]
    )
    x = alt.X("period_end:T", title="End of the 12 months", axis=alt.Axis(format="%Y", labelAngle=0, labelOverlap=True))
    tooltip = [
        alt.Tooltip("area_label:N", title="Area"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("count:Q", title=title, format=","),
    ]

    def panel(area: str) -> alt.LayerChart:
        rows = data[data["area_label"] == area]
        shade = (
            alt.Chart(band[band["area_label"] == area])
            .mark_rect(color=ORANGE, opacity=0.18)
            .encode(x=alt.X("start:T"), x2="end:T", tooltip=[alt.Tooltip("what:N", title="Shaded")])
        )
        line = alt.Chart(rows).mark_line(color=DARK_BLUE, strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=25))
        line = line.encode(
            x=x, y=alt.Y("count:Q", title=title, scale=alt.Scale(zero=True), axis=alt.Axis(format="~s")), tooltip=tooltip
        )
        # A long name ("Durham force area (County Durham and Darlington)") would widen the chart: wrap it.
        heading = alt.TitleParams(text=textwrap.wrap(area, 30), anchor="start")
        return alt.layer(shade, line).properties(title=heading, height=170, width=230)

    # One panel a row, each narrow enough for a phone (at 375 px the card leaves about 260 px for a chart).
    chart = alt.vconcat(*[panel(a) for a in areas]).configure_title(fontSize=13, anchor="start")
    return _style(chart, description)


# --- The area profile (issue 10, item 5): trends by crime type and a small locator map ----------------


def type_trends(
    df: pd.DataFrame, *, order: list[str], area: str, county: str | None, title: str, description: str, columns: int = 3
) -> alt.FacetChart:
    """Small multiples: one panel per police.uk category (in ``order``), the area's monthly rate against the
    county's, each panel on its own scale.  Withheld or missing months (rate empty) are gaps.

    Columns: month (YYYY-MM), measure, area_name, rate (None where withheld)."""
    data = df[df["measure"].isin(order)].copy()
    data["month_date"] = pd.to_datetime(data["month"] + "-01")
    series = [area] + ([county] if county and county != area else [])
    colour = alt.Color(
        "area_name:N",
        title=None,
        scale=alt.Scale(domain=series, range=[DARK_BLUE, ORANGE][: len(series)]),
        legend=alt.Legend(orient="top"),
    )
    base = alt.Chart().encode(
        x=alt.X("month_date:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=4, labelOverlap=True)),
        y=alt.Y("rate:Q", title=None, scale=alt.Scale(zero=True), axis=alt.Axis(tickCount=4)),
        color=colour,
        strokeDash=alt.StrokeDash(
            "area_name:N", scale=alt.Scale(domain=series, range=[[1, 0], [5, 3]][: len(series)]), legend=None
        ),
        tooltip=[
            alt.Tooltip("area_name:N", title="Area"),
            alt.Tooltip("measure:N", title="Crime type"),
            alt.Tooltip("month_date:T", title="Month", format="%B %Y"),
            alt.Tooltip("rate:Q", title=title, format=",.1f"),
        ],
    )
    panel = alt.layer(base.mark_line(strokeWidth=1.8), base.mark_point(filled=True, size=12), data=data).properties(
        width=180, height=66
    )
    chart = (
        panel.facet(
            facet=alt.Facet("measure:N", sort=order, title=None, header=alt.Header(labelFontSize=12, labelFontWeight="bold")),
            columns=columns,
        )
        .resolve_scale(y="independent")
        .properties(title=alt.Title(title, fontSize=12, fontWeight="normal", anchor="start"))
    )
    return chart.configure_axis(labelFontSize=10, titleFontSize=11).configure_legend(labelFontSize=12, labelLimit=400)


def _simplified(geojson: str, tolerance: float) -> dict:
    """A GeoJSON geometry simplified for a small picture (a county-wide map needs no metre-level detail)."""
    from shapely.geometry import mapping, shape

    geom = json.loads(geojson)
    if not tolerance:
        return geom
    return mapping(shape(geom).simplify(tolerance, preserve_topology=True))


def area_locator(
    context: pd.DataFrame,
    chosen: pd.DataFrame,
    county: pd.DataFrame | None,
    *,
    places: pd.DataFrame | None = None,
    ring: bool = False,
    width: int = 260,
    height: int = 260,
    tolerance: float = 0.002,
) -> alt.LayerChart:
    """A small static map: the chosen area (dark blue) among other areas (``context``, grey) inside the
    county's outline, with the largest towns named; ``ring`` circles the chosen area (a small area is a dot
    at county scale).  Frames hold area_code and geojson (WGS84); ``chosen`` may also hold label_lon and
    label_lat.  Drawn as Vega-Lite geoshapes, so it renders offline to SVG like any other chart."""
    chosen_codes = set(chosen["area_code"])

    def features(df: pd.DataFrame) -> list[dict]:
        return [
            {"type": "Feature", "geometry": _simplified(g, tolerance), "properties": {"area_code": c}}
            for c, g in zip(df["area_code"], df["geojson"], strict=True)
            if df is chosen or c not in chosen_codes
        ]

    layers = []
    if context is not None and len(context):
        layers.append(
            alt.Chart(alt.Data(values=features(context))).mark_geoshape(fill="#DCDCDC", stroke="#FFFFFF", strokeWidth=0.7)
        )
    layers.append(alt.Chart(alt.Data(values=features(chosen))).mark_geoshape(fill=DARK_BLUE, stroke=DARK_BLUE, strokeWidth=1))
    if county is not None and len(county):
        layers.append(alt.Chart(alt.Data(values=features(county))).mark_geoshape(filled=False, stroke="#0B0C0C", strokeWidth=1.2))
    if ring and "label_lon" in chosen and len(chosen):
        spot = chosen[["label_lon", "label_lat"]].head(1)
        layers.append(
            alt.Chart(spot)
            .mark_circle(size=500, filled=False, stroke=ORANGE, strokeWidth=2.5, opacity=1)
            .encode(longitude="label_lon:Q", latitude="label_lat:Q")
        )
    if places is not None and len(places):
        towns = _spread(places.sort_values("population", ascending=False), n=6, apart=0.12)
        dots = alt.Chart(towns).encode(longitude="longitude:Q", latitude="latitude:Q")
        layers.append(dots.mark_circle(color="#0B0C0C", size=14, opacity=1))
        halo = {"align": "left", "dx": 4, "fontSize": 9, "font": "Arial"}
        layers.append(dots.mark_text(**halo, color="white", stroke="white", strokeWidth=3).encode(text="name:N"))
        layers.append(dots.mark_text(**halo, color="#0B0C0C").encode(text="name:N"))
    return alt.layer(*layers).project(type="mercator").properties(width=width, height=height).configure_view(stroke=None)


def _spread(places: pd.DataFrame, *, n: int, apart: float) -> pd.DataFrame:
    """The first ``n`` places (largest first) at least ``apart`` degrees from every one already kept, so
    names on a small map do not overlap."""
    kept: list[int] = []
    for idx, lon, lat in zip(places.index, places["longitude"], places["latitude"], strict=True):
        if all(abs(lon - places.at[k, "longitude"]) > apart * 1.6 or abs(lat - places.at[k, "latitude"]) > apart for k in kept):
            kept.append(idx)
        if len(kept) >= n:
            break
    return places.loc[kept, ["name", "longitude", "latitude"]]
