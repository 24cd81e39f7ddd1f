"""Altair charts and pydeck maps built from DataFrames.  No Streamlit here.

Colours follow the UK Government Analysis Function palette (colour-blind safe); the map uses
its sequential blues.  Charts never colour a neutral measure as good or bad.
"""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk

from sdp_dash.config import codes
from sdp_dash.domain import home

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
# Light to dark: the lightest class still has a dark outline so it shows on white.
NOT_SHOWN = "#B1B4B6"  # areas whose rate is withheld (too few to show)
SEQUENTIAL = ["#DEEBF7", "#9ECAE1", "#6BACE6", "#2073BC", "#12436D"]

_FONT = "Source Sans Pro, sans-serif"


# --- One colour per area ------------------------------------------------------------------------------
# Every chart, key, map highlight and the printable profile takes an area's colour from ``area_colours``,
# so an area is drawn in one colour on a page (and, by these rules, on every page):
CHOSEN_COLOUR = DARK_BLUE  # the area the visitor chose (the view's area)
COUNTY_COLOUR = ORANGE  # the partnership's whole area, always (also when it is the chosen area)
# Further areas, in the order they were chosen (Compare) or listed.  Dark grey last: it is the intervals' colour.
COMPARED_COLOURS = (TURQUOISE, DARK_PINK, LIGHT_PURPLE, DARK_GREY)
# The standing comparators (priority pages, Overview, published figures) keep one colour each, by their role:
# the first other authority of the partnership's police force turquoise, its force area dark pink, the other
# force areas (in the manifest's order) light purple and dark grey.
NEIGHBOUR_COLOUR, HOME_FORCE_COLOUR, OTHER_FORCE_COLOURS = TURQUOISE, DARK_PINK, (LIGHT_PURPLE, DARK_GREY)


def comparator_colours() -> dict[str, str]:
    """The standing comparators' colours, by code (see above; ``home.current()`` names them)."""
    h = home.current()
    out = dict(zip(h.other_forces, OTHER_FORCE_COLOURS, strict=False))
    out[h.force_code] = HOME_FORCE_COLOUR
    if h.neighbours:
        out[h.neighbour_codes[0]] = NEIGHBOUR_COLOUR
    return out


NATIONAL_COLOUR = "#0B0C0C"  # England, England and Wales or Great Britain: the national benchmark (black, as in Fingertips)
NATIONAL = (codes.ENGLAND, codes.ENGLAND_AND_WALES, codes.GREAT_BRITAIN)
CONTEXT_COLOUR = "#8E8E8E"  # any other area (the region, other councils of a published chart): grey context
COLOUR_WORDS = {
    DARK_BLUE: "dark blue",
    TURQUOISE: "turquoise",
    DARK_PINK: "dark pink",
    ORANGE: "orange",
    DARK_GREY: "dark grey",
    LIGHT_PURPLE: "light purple",
    NATIONAL_COLOUR: "black",
    CONTEXT_COLOUR: "grey",
}


@dataclass(frozen=True)
class AreaColours:
    """One page's colours: (area name, hex colour) pairs in the order the page lists its areas.

    Frozen and hashable, so a cached chart is keyed by it.  An area the assignment does not hold is
    grey (``CONTEXT_COLOUR``)."""

    pairs: tuple[tuple[str, str], ...] = ()

    def __getitem__(self, name: str) -> str:
        return dict(self.pairs).get(name, CONTEXT_COLOUR)

    def __contains__(self, name: object) -> bool:
        return any(n == name for n, _ in self.pairs)

    @property
    def names(self) -> list[str]:
        return [n for n, _ in self.pairs]

    def words(self, name: str) -> str:
        """The area's colour in words ('dark blue'), for alt text and captions."""
        return COLOUR_WORDS.get(self[name], "grey")

    def key(self, names: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(colour, name) for a key beside a chart, in the page's order."""
        return [(self[n], n) for n in (self.names if names is None else dict.fromkeys(names))]

    def scale(self, names: Iterable[str] | None = None) -> alt.Scale:
        """An explicit Vega-Lite colour scale: each of ``names`` (default: all) to its colour."""
        domain = self.names if names is None else [str(n) for n in dict.fromkeys(names)]
        return alt.Scale(domain=domain, range=[self[n] for n in domain])


def _role_colour(code: str | None, name: str, chosen: str | None) -> str | None:
    if code == codes.COUNTY or name == codes.COUNTY_NAME:
        return COUNTY_COLOUR
    if chosen is not None and chosen in (code, name):
        return CHOSEN_COLOUR
    if code and (own := comparator_colours().get(code)):
        return own
    if code in NATIONAL:
        return NATIONAL_COLOUR
    return None


def area_colours(
    areas: Iterable[str | tuple[str | None, str]], chosen: str | None = None, *, compared: bool = True
) -> AreaColours:
    """The colour of each area on a page, by one rule.

    ``areas`` are names or (code, name) pairs, in the page's order; ``chosen`` is the chosen area's
    code or name.  The partnership's area is orange, always; the chosen area dark blue; the standing
    comparators (``comparator_colours``: another authority of its force, its force area, the other force
    areas) turquoise, dark pink, light purple and dark grey wherever they appear; the national benchmark black.  Any other area takes, in order, the next
    of turquoise, dark pink, light purple and dark grey that no area of the page holds (the areas a
    visitor compares: ``compared``), else grey, as context (the other areas of a published chart).
    """
    items = [a if isinstance(a, tuple) else (None, a) for a in areas]
    roles = {name: c for code, name in items if (c := _role_colour(code, name, chosen))}
    spare = iter(c for c in COMPARED_COLOURS if c not in roles.values())
    pairs: dict[str, str] = {}
    for _code, name in items:
        if name not in pairs:
            pairs[name] = roles.get(name) or (next(spare, CONTEXT_COLOUR) if compared else CONTEXT_COLOUR)
    return AreaColours(tuple(pairs.items()))


def frame_areas(df: pd.DataFrame, name: str = "area_name") -> list[tuple[str | None, str]]:
    """The (code, name) of each area of a chart's frame, in order (the code where the frame has it)."""
    if df is None or name not in df:
        return []
    names = df[name].astype(str)
    codes_ = df["area_code"] if name == "area_name" and "area_code" in df else [None] * len(df)
    return list(dict.fromkeys((None if pd.isna(c) else str(c), n) for c, n in zip(codes_, names, strict=True)))


def _colours_of(df: pd.DataFrame, colours: AreaColours | None, chosen: str | None = None, name: str = "area_name") -> AreaColours:
    """The page's colours if given, else the rule applied to the frame's areas (the first the chosen one)."""
    if colours is not None:
        return colours
    areas = frame_areas(df, name)
    if chosen is None and areas:
        chosen = areas[0][0] or areas[0][1]
    return area_colours(areas, chosen)


def vega_lite(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite spec with its data inline, for ``st.vega_lite_chart``.

    Converting an Altair chart costs 25-40 ms (more with Altair's schema validation, which
    ``st.altair_chart`` runs on every rerun), so the pages convert each chart once and cache the
    spec.  Validation is skipped here; tests/unit/test_charts.py validates every builder's output.
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
    card_height: int = 500  # the card's height in pixels that fits the map (``choropleth``); not part of the JSON

    def to_json(self) -> str:
        if self._compact is None:  # every later call (each rerun) returns the JSON without the lock
            with _COMPACTING:  # a cached deck is shared: written once, by one thread
                if self._compact is None:
                    spec = json.loads(super().to_json())
                    spec.pop("cardHeight", None)
                    self._compact = json.dumps(spec, separators=(",", ":"))
                    for layer in self.layers:
                        layer.data = None  # in the JSON now; Streamlit reads only the JSON and the tooltip
        return self._compact


def _style(chart: alt.Chart, description: str) -> alt.Chart:
    # The accessible name comes from st.altair_chart(alt=...), so no Vega description is set here.
    return chart.configure_axis(labelFontSize=13, titleFontSize=13).configure_legend(
        labelFontSize=13, titleFontSize=13, orient="bottom", labelLimit=300
    )


DASHES = [[1, 0], [5, 3], [2, 2], [8, 3, 2, 3], [1, 4], [12, 4]]  # solid first


def axis_title(title: str, width: int = 32) -> list[str] | str:
    """A vertical axis title in lines of at most ``width`` characters, so it is never cut off at the chart's
    height ("Rate per 1,000 residents a year", "(the month's count × 12)"): every word is printed."""
    lines = textwrap.wrap(title, width)
    return lines if len(lines) > 1 else title


def trend(
    df: pd.DataFrame, *, value: str, series: str | None, title: str, description: str, colours: AreaColours | None = None
) -> alt.Chart:
    """Monthly line chart; months without data (value NaN) show as gaps, not zeros.

    Each area in its colour (``colours``: the page's; without it the rule, the frame's first area the
    chosen one); one area alone (``series`` None) has no legend."""
    data = df.copy()
    data["month_date"] = pd.to_datetime(data["month"] + "-01")
    field = series or ("area_name" if "area_name" in data else None)
    palette = _colours_of(data, colours, name=field) if field else None
    if series:
        enc_colour = alt.Color(f"{series}:N", title=None, scale=palette.scale(data[series]), legend=alt.Legend(orient="bottom"))
    elif field:
        enc_colour = alt.Color(f"{field}:N", title=None, scale=palette.scale(data[field]), legend=None)
    else:
        enc_colour = alt.value(CHOSEN_COLOUR)
    tooltip = [alt.Tooltip("month_date:T", title="Month", format="%B %Y"), alt.Tooltip(f"{value}:Q", title=title, format=",.2f")]
    if series:
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title="Area"))
    base = alt.Chart(data).encode(
        x=alt.X("month_date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month", labelOverlap=True)),
        y=alt.Y(f"{value}:Q", title=axis_title(title), scale=alt.Scale(zero=True), axis=alt.Axis(titleLimit=600)),
        color=enc_colour,
        tooltip=tooltip,
    )
    if series:  # the chosen area solid, then the county, then the others, dashed in turn
        present = set(data[series].astype(str))
        role = {CHOSEN_COLOUR: 0, COUNTY_COLOUR: 1}
        order = sorted((n for n in palette.names if n in present), key=lambda n: role.get(palette[n], 2))
        order = order or list(dict.fromkeys(data[series]))
        dashes = alt.Scale(domain=order, range=[DASHES[i % len(DASHES)] for i in range(len(order))])
        base = base.encode(strokeDash=alt.StrokeDash(f"{series}:N", scale=dashes, legend=None))
    chart = base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=50)
    return _style(alt.layer(chart).properties(height=300), description)


RATE_ROW = 46  # px per row of a rates chart: the name on its own line, then the bar


def rates(
    df: pd.DataFrame,
    *,
    label: str,
    title: str,
    description: str,
    highlight: str | None = None,
    colours: AreaColours | None = None,
) -> alt.Chart:
    """Rates per 1,000 as bars with their 95% interval, one row per label.

    Each row's name is written above its bar, from the left edge, not in an axis column beside the
    bars: a long name ("Cleveland Police area", "All crime (excluding anti-social behaviour)") is
    never cut off or dropped, and at phone width the bars keep the whole width.  The height is a
    step per row (Streamlit fits the width to the card; a fixed height would be the whole chart's,
    axis included, and squeeze the rows until Vega drops overlapping labels).

    Each bar is in its area's colour (the frame's ``area_name``): ``colours`` is the page's assignment;
    without it the rule is applied to the frame's areas, ``highlight`` (a name or code) or else the
    first area being the chosen one.  A key beside the chart says which colour is which area where
    the rows are not areas."""
    data = df.copy()
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
            alt.Color("area_name:N", scale=_colours_of(data, colours, highlight).scale(data["area_name"]), legend=None)
            if "area_name" in data
            else alt.value(CHOSEN_COLOUR)
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


def ranked_bars(
    df: pd.DataFrame, *, label: str, value: str, title: str, description: str, colours: AreaColours | None = None
) -> alt.Chart:
    """Bars ranked by ``value`` (one area's crime types): in the area's colour (``colours``, else the rule)."""
    data = df.copy()
    colour = (
        alt.Color("area_name:N", scale=_colours_of(data, colours).scale(data["area_name"]), legend=None)
        if "area_name" in data
        else alt.value(CHOSEN_COLOUR)
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            color=colour,
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


# The map is fitted to the narrowest card it is drawn in, a phone's (at 375 px the card is about 310 px wide),
# so the whole of what it shows is on every screen; its height is fitted to what it shows at that width
# (``Deck.height``), so the card has no empty band above and below.  deck.gl draws the world 512 px wide at
# zoom 0.
CARD_WIDTH_PX = 300
MAP_HEIGHT_PX = (220, 520)  # the least and most a map's card is given
_PAD_PX = 10  # kept clear around the shown areas


def _coords(geometry: dict) -> np.ndarray:
    """Every (lon, lat) vertex of a GeoJSON Polygon or MultiPolygon."""
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [r for poly in geometry["coordinates"] for r in poly]
    return np.concatenate([np.asarray(r, dtype=float)[:, :2] for r in rings])


def _bounds(geometries: list[dict], margin: float = 0.0) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the geometries, widened by ``margin`` degrees."""
    pts = np.concatenate([_coords(g) for g in geometries])
    (west, south), (east, north) = pts.min(axis=0), pts.max(axis=0)
    return west - margin, south - margin, east + margin, north + margin


def _merc_y(lat: float | np.ndarray) -> float | np.ndarray:
    """Web mercator y in the units of longitude degrees (north up)."""
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def _merc_lat(y: float | np.ndarray) -> float | np.ndarray:
    """The latitude of a web mercator y (``_merc_y``'s inverse)."""
    return np.degrees(2 * np.arctan(np.exp(np.radians(y))) - np.pi / 2)


def fit_zoom(bounds: tuple[float, float, float, float], width_px: float, height_px: float) -> float:
    """The deck.gl zoom at which ``bounds`` fill a ``width_px`` by ``height_px`` card, less ``_PAD_PX`` all round."""
    west, south, east, north = bounds
    span_x = max(east - west, 1e-5)
    span_y = max(float(_merc_y(north) - _merc_y(south)), 1e-5)
    per_degree = min((width_px - 2 * _PAD_PX) / span_x, (height_px - 2 * _PAD_PX) / span_y)  # px per degree
    return float(np.log2(per_degree * 360 / 512))


def map_height(bounds: tuple[float, float, float, float], width_px: float = CARD_WIDTH_PX) -> int:
    """The card height that holds ``bounds`` at the zoom fitting them to ``width_px``, within ``MAP_HEIGHT_PX``."""
    west, south, east, north = bounds
    ratio = float(_merc_y(north) - _merc_y(south)) / max(east - west, 1e-5)
    return int(np.clip(round((width_px - 2 * _PAD_PX) * ratio + 2 * _PAD_PX), *MAP_HEIGHT_PX))


def _view(geometries: list[dict], width_px: float = CARD_WIDTH_PX, height_px: float | None = None) -> pdk.ViewState:
    """Centred on the areas, zoomed so they fill a card ``width_px`` wide and ``height_px`` high (by default
    the height ``map_height`` gives them)."""
    if not geometries:
        return pdk.ViewState(longitude=-1.75, latitude=54.68, zoom=7.5, pitch=0)
    bounds = _bounds(geometries)
    zoom = fit_zoom(bounds, width_px, height_px or map_height(bounds, width_px))
    west, south, east, north = bounds
    middle = float(_merc_lat((_merc_y(south) + _merc_y(north)) / 2))
    return pdk.ViewState(longitude=(west + east) / 2, latitude=middle, zoom=round(float(np.clip(zoom, 5, 16)), 2), pitch=0)


def _screen_box(view: pdk.ViewState, width_px: float, height_px: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the card in the labels' screen units (pixels at the view's zoom)."""
    scale = 512 * 2**view.zoom / 360
    cx, cy = view.longitude * scale, -_merc_y(view.latitude) * scale
    return cx - width_px / 2, cy - height_px / 2, cx + width_px / 2, cy + height_px / 2


def neighbours(geometries: dict[str, dict], chosen: dict) -> list[str]:
    """The codes of the areas that touch or overlap ``chosen`` (a GeoJSON geometry), itself among them."""
    from shapely.geometry import shape

    around = shape(chosen).buffer(0.002)
    return [code for code, g in geometries.items() if shape(g).intersects(around)]


# Outline widths in screen pixels.  pydeck turns every plain string argument into a JavaScript
# expression, so constant strings such as unit names must be quoted: PIXELS is the literal "pixels".
_THIN, _WIDE = 1, 4
PIXELS = "'pixels'"


def _areas_layer(features: list[dict], layer_id: str, **style) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id=layer_id,
        **{"stroked": True, "filled": True, "line_width_units": PIXELS, **style},
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


def no_basemap(setting: str | None) -> bool:
    """Whether the basemap setting is "none" (the default): the maps draw no background map."""
    return (setting or "none").strip().lower() in ("", "none")


def basemap_words(setting: str | None) -> str:
    """The basemap in a sentence, for the About page."""
    value = (setting or "none").strip()
    if value.lower() in ("", "none"):
        return (
            f"The maps have no background map: they draw the {codes.AREA_WORD} outline and the names of towns and villages "
            "(GeoNames) from the data this site holds, so your browser asks no other website for anything."
        )
    if value.lower() == "carto":
        return (
            "The maps are drawn over CARTO's light basemap (© OpenStreetMap contributors, © CARTO): your browser "
            "fetches its tiles from basemaps.cartocdn.com, a third party."
        )
    host = urlsplit(value.replace("{", "").replace("}", "")).netloc or "a server set by the site's operator"
    return f"The maps are drawn over a basemap from the site operator's own tile server ({host})."


# Town labels: at the county's scale only places of at least this many people (GeoNames' figure) are named,
# so the county's towns come first and a hamlet never takes their place; zoomed in to an area, any place.
LABEL_POPULATION = 2000


def _label_sizes(population: pd.Series) -> np.ndarray:
    pop = population.clip(lower=500).astype(float)
    return np.interp(np.log10(pop), [np.log10(500), np.log10(50000)], [10, 14]).round(1)


TOWN_POPULATION = 15000  # no name is written over the dot of a town this large (the county's main towns)
# Where a name goes beside its dot, in the order tried: right, left, above, below (text anchor, baseline, offset).
LABEL_PLACES = (("start", "center", [6, 0]), ("end", "center", [-6, 0]), ("middle", "bottom", [0, -5]), ("middle", "top", [0, 5]))


def _overlaps(box: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _label_box(x: float, y: float, length: float, size: float, anchor: str, baseline: str) -> tuple[float, float, float, float]:
    """The screen box of a name of ``length`` px set at the dot (x, y) as ``anchor`` and ``baseline`` say."""
    x0 = {"start": x + 4, "end": x - 4 - length, "middle": x - length / 2}[anchor]
    y0 = {"center": y - size * 0.65, "bottom": y - 5 - size * 1.2, "top": y + 5}[baseline]
    return x0, y0, x0 + length, y0 + size * 1.2 if baseline != "center" else y + size * 0.65


def place_labels(
    places: pd.DataFrame, view: pdk.ViewState, *, width_px: float = CARD_WIDTH_PX, height_px: float, limit: int = 30
) -> pd.DataFrame:
    """The places to name on a map opening at ``view`` in a ``width_px`` by ``height_px`` card: larger places
    first (GeoNames populations rank them; they are not statistics), each name beside its dot (right, else
    left, above or below) where it overlaps no name already placed, covers no town's dot and stays inside the
    card; a name that fits nowhere is left out (never cut at the card's edge).
    Columns: name, longitude, latitude, size, anchor, baseline, offset."""
    data = places.sort_values(["population", "name"], ascending=[False, True], kind="stable")
    if view.zoom < 10:  # the county or a large part of it: its towns, not its hamlets
        data = data[data["population"] >= LABEL_POPULATION]
    left, top, right, bottom = _screen_box(view, width_px, height_px)
    scale = 512 * 2**view.zoom / 360
    px, py = data["longitude"].to_numpy() * scale, -_merc_y(data["latitude"].to_numpy()) * scale
    inside = (left < px) & (px < right) & (top < py) & (py < bottom)
    data, px, py = data[inside].assign(size=_label_sizes(data["population"][inside])), px[inside], py[inside]
    big = (data["population"] >= TOWN_POPULATION).to_numpy()
    towns = [(x - 3, y - 3, x + 3, y + 3) for x, y in zip(px[big], py[big], strict=True)]
    boxes: list[tuple[float, float, float, float]] = []
    rows, chosen = [], []
    for i, (idx, name, size) in enumerate(zip(data.index, data["name"], data["size"], strict=True)):
        length = 4 + len(name) * size * 0.52
        for anchor, baseline, offset in LABEL_PLACES:
            box = _label_box(px[i], py[i], length, size, anchor, baseline)
            fits = left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom
            if fits and not _overlaps(box, boxes + towns):
                boxes += [box, (px[i] - 4, py[i] - 4, px[i] + 4, py[i] + 4)]
                rows.append(idx)
                chosen.append((anchor, baseline, offset))
                break
        if len(rows) >= limit:
            break
    out = data.loc[rows, ["name", "longitude", "latitude", "size"]]
    return out.assign(anchor=[c[0] for c in chosen], baseline=[c[1] for c in chosen], offset=[c[2] for c in chosen])


def labels_layer(places: pd.DataFrame | None, view: pdk.ViewState, *, height_px: float, limit: int = 30) -> list[pdk.Layer]:
    """Town and village names (``place_labels``), larger for larger places, with a dot at each place."""
    if places is None or places.empty:
        return []
    data = place_labels(places, view, height_px=height_px, limit=limit)
    dots = pdk.Layer(
        "ScatterplotLayer",
        data=data[["longitude", "latitude"]],
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
        get_text_anchor="anchor",
        get_alignment_baseline="baseline",
        get_pixel_offset="offset",
        font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'",
        font_weight=600,
        font_settings={"sdf": True},
        outline_width=3,
        outline_color=[255, 255, 255, 230],
        pickable=False,
    )
    return [dots, text]


def outline_layer(geo: pd.DataFrame, layer_id: str = "county-outline") -> pdk.Layer | None:
    """The county's outline (from the boundaries the build holds), drawn over the areas in the county's colour."""
    if geo is None or geo.empty:
        return None
    features = [{"type": "Feature", "geometry": json.loads(g), "properties": {}} for g in geo["geojson"]]
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id=layer_id,
        stroked=True,
        filled=False,
        get_line_color=_hex_rgb(COUNTY_COLOUR) + [255],
        get_line_width=2.5,
        line_width_units=PIXELS,
        pickable=False,
    )


def _area_features(data: pd.DataFrame, edges: list[float], selected: str | None) -> list[dict]:
    """One GeoJSON feature per area: its fill by rate class (grey where withheld) and its tooltip's figures."""
    colours = _palette(len(edges) - 1)
    features = []
    for (_, row), c in zip(data.iterrows(), classify(data["rate"], edges), strict=True):
        shown = not pd.isna(row["rate"])
        chosen = row["area_code"] == selected
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
                    "shade": colours[int(c)] if shown else NOT_SHOWN,  # the Vega-Lite map's fill (shaded_map)
                    "fill": (_hex_rgb(colours[int(c)]) if shown else _hex_rgb(NOT_SHOWN)) + [215],
                    "line": _hex_rgb(CHOSEN_COLOUR) + [255] if chosen else [61, 61, 61, 200],
                    "width": _WIDE if chosen else _THIN,
                },
            }
        )
    return features


def _chosen_layers(geometry: dict) -> list[pdk.Layer]:
    """The chosen area's outline, on top of everything: white edging, then its colour (its shade shows inside)."""
    feature = [{"type": "Feature", "geometry": geometry, "properties": {}}]
    return [
        _areas_layer(feature, layer_id, filled=False, get_line_color=colour, get_line_width=width, pickable=False)
        for layer_id, colour, width in (
            ("chosen-edge", [255, 255, 255, 255], _WIDE + 4),
            ("chosen", _hex_rgb(CHOSEN_COLOUR) + [255], _WIDE),
        )
    ]


def _chosen_geometry(features: list[dict], selected: str | None, chosen_geo: pd.DataFrame | None) -> dict | None:
    """The chosen area's boundary: its feature on the map, else its own (an area board on a map of neighbourhoods)."""
    for f in features:
        if f["properties"]["area_code"] == selected:
            return f["geometry"]
    if selected and chosen_geo is not None and selected in set(chosen_geo["area_code"]):
        return json.loads(chosen_geo.loc[chosen_geo["area_code"] == selected, "geojson"].iloc[0])
    return None


def _fitted(
    features: list[dict], selected: str | None, chosen_geo: pd.DataFrame | None
) -> tuple[dict | None, int, pdk.ViewState]:
    """The chosen area's boundary (or None), and the card's height and the view that fit the chosen area and its
    neighbours (else every area) to a phone's card (``_view``, ``map_height``)."""
    chosen = _chosen_geometry(features, selected, chosen_geo)
    shown = [f["geometry"] for f in features]
    if chosen is not None:
        around = set(neighbours({f["properties"]["area_code"]: f["geometry"] for f in features}, chosen))
        shown = [chosen] + [f["geometry"] for f in features if f["properties"]["area_code"] in around]
    height = map_height(_bounds(shown)) if shown else MAP_HEIGHT_PX[1]
    return chosen, height, _view(shown, height_px=height)


def choropleth(
    rates: pd.DataFrame,
    geo: pd.DataFrame,
    *,
    edges: list[float],
    rate_label: str,
    selected: str | None = None,
    chosen_geo: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    county: pd.DataFrame | None = None,
    basemap_setting: str | None = None,
) -> pdk.Deck:
    """Areas filled by rate class, with the county outline and place names (``places``) on top.

    ``rates`` is figure data (``crime.frame``): area_code, area_name, count_shown (text: a withheld
    count reads "fewer than 5"), rate, lower, upper (empty where withheld).  An area whose rate is
    withheld is drawn in a neutral grey and its tooltip says "not shown".  The ``selected`` area is
    outlined in the chosen area's colour (dark blue, edged in white so it shows on the darkest class),
    the county in its own (orange); its boundary comes from ``chosen_geo`` when it is not one of the map's
    areas (an area board on a map of neighbourhoods).  The map opens on the chosen area and its neighbours,
    else on every area, fitted to a phone's card (``_view``, ``card_height``)."""
    features = _area_features(rates.merge(geo, on="area_code", how="inner"), edges, selected)
    layers = [
        _areas_layer(
            features,
            "areas",
            pickable=True,
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.width",
            auto_highlight=True,
            highlight_color=[11, 12, 12, 70],  # the area under the pointer darkened (no area's colour)
        )
    ]
    edge = outline_layer(county)
    if edge is not None:
        layers.append(edge)
    chosen, height, view = _fitted(features, selected, chosen_geo)
    if chosen is not None:
        layers += _chosen_layers(chosen)
    if points is not None and len(points):
        layers.append(points_layer(points))
    layers += labels_layer(places, view, height_px=height)
    deck = CompactDeck(
        layers=layers,
        initial_view_state=view,
        **basemap(basemap_setting),
        tooltip={
            "html": "<b>{name}</b><br/>Count: {count}<br/>" + rate_label + ": {rate}<br/>95% interval: {interval}",
            "style": {"backgroundColor": "#12436D", "color": "white", "fontSize": "14px"},
        },
    )
    deck.card_height = height
    return deck


# --- The same map drawn by Vega-Lite (issue 18: Explore settles with About) -------------------------
# deck.gl's script is 3 MB: a page that draws its map with Vega-Lite (already loaded for its charts)
# settles sooner.  ``shaded_map`` draws what ``choropleth`` draws, but for the points and a basemap.

_ALIGN = {"start": "left", "end": "right", "middle": "center"}
_BASELINE = {"center": "middle", "bottom": "bottom", "top": "top"}
_LABEL_FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
_SHOWN = ("area_code", "name", "count", "rate", "interval", "shade")  # what an area's shape carries (its tooltip's)


def _around_view(view: pdk.ViewState, height: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a box around what a map opening at ``view`` can show: a card three
    times a phone's width (wider than any card of the page) and half as high again, so what lies outside it is
    never seen."""
    left, top, right, bottom = _screen_box(view, 3 * CARD_WIDTH_PX, 1.5 * height)
    scale = 512 * 2**view.zoom / 360
    return left / scale, float(_merc_lat(-bottom / scale)), right / scale, float(_merc_lat(-top / scale))


def _cut(geometry: dict, box: tuple[float, float, float, float]) -> dict | None:
    """The geometry cut to ``box`` (whose edges are out of sight); None when it lies wholly outside it."""
    from shapely.geometry import box as make_box
    from shapely.geometry import mapping, shape

    west, south, east, north = _bounds([geometry])
    if east < box[0] or west > box[2] or north < box[1] or south > box[3]:
        return None
    if west >= box[0] and east <= box[2] and south >= box[1] and north <= box[3]:
        return geometry
    return mapping(shape(geometry).intersection(make_box(*box)))


def _geo_rows(geometries: list[dict], tolerance: float, props: list[dict] | None = None, **extra) -> list[dict]:
    """GeoJSON features for Vega-Lite: the geometries simplified to ``tolerance`` degrees, each with its
    ``props`` and ``extra`` beside the geometry (GeoJSON's foreign members: a tooltip and a selection name
    them plainly)."""
    props = props or [{}] * len(geometries)
    return [
        {"type": "Feature", "geometry": _simplified(g, tolerance, digits=5), **p, **extra}
        for g, p in zip(geometries, props, strict=True)
    ]


def _vega_labels(places: pd.DataFrame | None, view: pdk.ViewState, height: int) -> list[alt.Chart]:
    """The place names of ``place_labels`` (each beside its dot, white-edged) and their dots.  Vega-Lite
    draws them non-interactive (no selection or tooltip of their own): a click on a name reaches the area
    under it."""
    if places is None or places.empty:
        return []
    data = place_labels(places, view, height_px=height)
    data = pd.DataFrame(
        {
            "name": data["name"],
            "longitude": data["longitude"],
            "latitude": data["latitude"],
            "size": data["size"],
            "align": data["anchor"].map(_ALIGN),
            "baseline": data["baseline"].map(_BASELINE),
            "dx": [o[0] for o in data["offset"]],
            "dy": [o[1] for o in data["offset"]],
        }
    )
    at = alt.Chart(data).encode(longitude="longitude:Q", latitude="latitude:Q")
    text = {
        "align": alt.ExprRef("datum.align"),
        "baseline": alt.ExprRef("datum.baseline"),
        "dx": alt.ExprRef("datum.dx"),
        "dy": alt.ExprRef("datum.dy"),
        "font": _LABEL_FONT,
        "fontWeight": 600,
        "aria": False,
    }
    size = alt.Size("size:Q", scale=None)
    return [
        at.mark_circle(size=28, color="#0B0C0C", stroke="#FFFFFF", strokeWidth=1, opacity=1, aria=False),
        at.mark_text(**text, color="#FFFFFF", stroke="#FFFFFF", strokeWidth=3, strokeOpacity=0.9).encode(
            text="name:N", size=size
        ),
        at.mark_text(**text, color="#0B0C0C").encode(text="name:N", size=size),
    ]


def shaded_map(
    rates: pd.DataFrame,
    geo: pd.DataFrame,
    *,
    edges: list[float],
    rate_label: str,
    selected: str | None = None,
    selected_name: str | None = None,
    chosen_geo: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    county: pd.DataFrame | None = None,
    county_name: str = "",
) -> alt.LayerChart:
    """``choropleth`` as a Vega-Lite chart: the same shades, outlines, fitted view and place names, its
    height ``map_height``'s and its width the card's.  A click on an area selects it: the selection
    ``pick`` holds its ``area_code``.  The chosen area's and the county's outlines carry ``area_name``
    and their colour (``line``), as every chart of the page does."""
    features = _area_features(rates.merge(geo, on="area_code", how="inner"), edges, selected)
    chosen, height, view = _fitted(features, selected, chosen_geo)
    box = _around_view(view, height)  # what lies beyond it is never seen: left out (a small area's map is 5 x lighter)
    kept = [(g, f["properties"]) for f in features if (g := _cut(f["geometry"], box)) is not None]
    tolerance = 0.5 * 360 / (512 * 2**view.zoom)  # half a pixel at the map's scale: no finer detail can show
    pick = alt.selection_point(name="pick", fields=["area_code"], on="click", clear=False)
    tooltip = [
        alt.Tooltip("name:N", title="Area"),
        alt.Tooltip("count:N", title="Count"),
        alt.Tooltip("rate:N", title=rate_label),
        alt.Tooltip("interval:N", title="95% interval"),
    ]
    layers = [
        alt.Chart(alt.Data(values=_geo_rows([g for g, _ in kept], tolerance, [{k: p[k] for k in _SHOWN} for _, p in kept])))
        .mark_geoshape(
            stroke=DARK_GREY, strokeWidth=0.6, strokeOpacity=0.8, fillOpacity=0.85, clip=True, cursor="pointer", aria=False
        )
        .encode(fill=alt.Fill("shade:N", scale=None), tooltip=tooltip)
        .add_params(pick)
    ]
    if county is not None and len(county):
        edge = [g for g in (_cut(json.loads(text), box) for text in county["geojson"]) if g is not None]
        layers.append(_outline(_geo_rows(edge, tolerance, area_name=county_name, line=COUNTY_COLOUR), 2.5))
    if chosen is not None:
        rows = _geo_rows([chosen], tolerance, area_code=selected, area_name=selected_name or selected, line=CHOSEN_COLOUR)
        layers += [_outline(rows, _WIDE + 4, "#FFFFFF"), _outline(rows, _WIDE)]
    layers += _vega_labels(places, view, height)
    projection = {
        "type": "mercator",
        "scale": 512 * 2**view.zoom / (2 * np.pi),  # deck.gl's zoom: the world 512 px wide at zoom 0
        "center": [view.longitude, view.latitude],
        "translate": alt.ExprRef("[width / 2, height / 2]"),
    }
    # No padding: the drawing is exactly the card's ``height`` that the view and the names were fitted to.
    chart = alt.layer(*layers).project(**projection).properties(width="container", height=height, padding=0)
    return chart.configure_view(stroke=None)


def _outline(rows: list[dict], width: float, colour: str | None = None) -> alt.Chart:
    """Outlines of ``rows`` (GeoJSON features with ``line``, their colour), or all in ``colour``.  No fill at
    all (not Vega-Lite's transparent one), so a click inside an outline reaches the area under it."""
    mark = {"filled": False, "fill": None, "strokeWidth": width, "clip": True, "aria": False}
    chart = alt.Chart(alt.Data(values=rows))
    if colour:
        return chart.mark_geoshape(**mark, stroke=colour)
    return chart.mark_geoshape(**mark).encode(stroke=alt.Stroke("line:N", scale=None))


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
    height = map_height(_bounds(geoms)) if geoms else MAP_HEIGHT_PX[1]
    view = _view(geoms, height_px=height)
    layers += labels_layer(places, view, height_px=height)
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        height=height,
        **basemap(basemap_setting),
        tooltip={"html": "<b>{name}</b><br/>{count}"},
    )


PUBLISHED_AREAS = 5  # at most this many areas drawn in a published chart (the county, the nation and a few comparators)


def _published_areas(data: pd.DataFrame, unit: str) -> AreaColours:
    """The areas a published chart draws, each in its colour: those with a colour of their own (the partnership's
    area first, then the standing comparators and the national figure), at most ``PUBLISHED_AREAS``; the other
    councils of a published table (grey context) are left to its table.  A national count beside local
    counts would flatten them to a line along zero, so a chart of counts draws the nation only when it has
    no local area.  A chart of other areas only (a force's, a nation's) draws its first few, each in a colour
    of its own."""
    first = data.assign(_county=data["area_name"] != codes.COUNTY_NAME).sort_values(["_county", "area_name"], kind="stable")
    areas = frame_areas(first)
    local = [(c, n) for c, n in areas if c not in NATIONAL]
    if local and any(w in unit.lower() for w in ("count", "number")):
        areas = local
    named = [(c, n) for c, n in areas if _role_colour(c, n, None)]
    return area_colours((named or areas)[:PUBLISHED_AREAS], compared=not named)


def published_drawn(df: pd.DataFrame, unit: str) -> int:
    """How many of a published chart frame's figures ``published_lines`` draws (the rest are in its table)."""
    named = df if "area_name" in df else df.assign(area_name=df["line"])
    named = named.assign(area_name=named["area_name"].astype(str))
    return int(named["area_name"].isin(_published_areas(named, unit).names).sum())


def published_lines(df: pd.DataFrame, *, unit: str, description: str) -> alt.Chart:
    """Published figures over time: one slot per period on the axis (its label as published, in the order
    the periods end), a line joining only points of one series, area and kind of period (``joined``);
    every other point is a separate mark.  A missing value (empty) is a gap in its line, never a zero.

    The areas drawn are the partnership's area (orange), the standing comparators (their own colours) and the
    national figure (black), by the one rule (``area_colours``); the key lists exactly those.  Where an
    area has several lines (series or kinds of period) they differ by dash and point shape, with their
    own key.  The height is the plot's: the keys add to it, never squeeze it.

    Columns: line (its label), area_code, area_name, period_end (first day of the last month), period
    (as published), value, value_text, joined.
    """
    data = df.copy()
    data["period_end"] = pd.to_datetime(data["period_end"])
    if "area_name" not in data:  # a frame of lines alone: each line its own area
        data["area_name"] = data["line"]
    data["area_name"] = data["area_name"].astype(str)
    colours = _published_areas(data, unit)
    areas = colours.names
    data = data[data["area_name"].isin(areas)]
    data = data.assign(value=pd.to_numeric(data["value"], errors="coerce"), what=_what(data))
    several = data.groupby("area_name")["line"].nunique().max() > 1
    # The county last, so it is drawn on top of the others.
    data = data.assign(_top=data["area_name"] == codes.COUNTY_NAME).sort_values("_top", kind="stable").drop(columns="_top")
    periods = list(dict.fromkeys(data.sort_values(["period_end", "period"], kind="stable")["period"].astype(str)))
    tooltip = [
        alt.Tooltip("line:N", title="Figure"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("value_text:N", title=unit),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title=None, sort=periods, axis=_period_axis(periods)),
        y=alt.Y("value:Q", title=axis_title(unit), scale=alt.Scale(zero=True), axis=alt.Axis(titleLimit=600)),
        # One area: its name is in the card's words, no key for it (a second key beside the lines' would be cut off).
        color=alt.Color("area_name:N", title=None, scale=colours.scale(areas), legend=_key(areas) if len(areas) > 1 else None),
        tooltip=tooltip,
    )
    joined = base.transform_filter("datum.joined").mark_line(strokeWidth=2.5, invalid="break-paths-filter-domains")
    joined = joined.encode(detail="line:N")
    points = base.transform_filter("isValid(datum.value)").mark_point(filled=True, size=60, opacity=1)
    if several:
        whats = list(dict.fromkeys(data["what"]))
        dashes = alt.Scale(domain=whats, range=[DASHES[i % len(DASHES)] for i in range(len(whats))])
        joined = joined.encode(strokeDash=alt.StrokeDash("what:N", title=None, scale=dashes, legend=_key(whats)))
        points = points.encode(shape=alt.Shape("what:N", title=None, scale=alt.Scale(domain=whats), legend=_key(whats)))
    chart = alt.layer(joined, points).properties(height=180, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return _style(chart, description)


def _key(labels) -> alt.Legend:
    """A key under the chart, two to a row (one where a name is long), so it fits a phone's card."""
    return alt.Legend(orient="bottom", columns=1 if max(len(str(x)) for x in labels) > 20 else 2, labelLimit=600)


def _period_axis(periods: list[str]) -> alt.Axis:
    """One label per period, level when the labels are short ('2019', '2018/19'), slanted when they are long;
    Vega leaves out labels that would overlap (every other one, evenly) rather than print them on each other."""
    longest = max((len(p) for p in periods), default=0)
    return alt.Axis(labelAngle=0 if longest <= 9 else -35, labelOverlap=True, labelLimit=180, labelPadding=4)


def _what(data: pd.DataFrame) -> list[str]:
    """Each point's line without its area, for the dash key: its series where the chart has several, its
    kind of period where its area and series have several ('Recorded hate crimes (financial year)')."""
    if "series" not in data:
        return [str(x) for x in data["line"]]
    several_series = data["series"].nunique() > 1
    kinds = data.groupby(["area_name", "series"])["period_kind"].transform("nunique") if "period_kind" in data else None
    out = []
    for i, (series, line) in enumerate(zip(data["series"], data["line"], strict=True)):
        kind = str(data["period_kind"].iloc[i]) if kinds is not None and kinds.iloc[i] > 1 else ""
        what = str(series) if several_series else ""
        what = f"{what} ({kind})" if what and kind else (what or kind or str(line))
        out.append(what)
    return out


# --- What happened next, who is most affected, the long view (issue 12) ---------------------------------


def outcome_shares(df: pd.DataFrame, *, title: str, description: str, colours: AreaColours | None = None) -> alt.Chart:
    """Share of crimes by outcome group, one bar per area within each group, with 95% intervals.

    Columns: outcome, area_name, share, lower, upper (0-1; None where withheld: no bar is drawn).
    Each area in its colour (``colours``, else the rule with the first area the chosen one)."""
    data = df.dropna(subset=["share"]).copy()
    areas = list(dict.fromkeys(df["area_name"]))
    order = list(dict.fromkeys(df["outcome"]))
    colour = alt.Color(
        "area_name:N",
        title=None,
        scale=_colours_of(df, colours).scale(areas),
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


def still_open_by_month(df: pd.DataFrame, *, title: str, description: str, colours: AreaColours | None = None) -> alt.Chart:
    """Share of each month's crimes whose case was still open, with its 95% interval (columns: month,
    still_open_share, lower, upper, and area_name: the bars in the area's colour, ``colours`` or the rule)."""
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
    colour = (
        alt.Color("area_name:N", scale=_colours_of(data, colours).scale(data["area_name"]), legend=None)
        if "area_name" in data
        else alt.value(CHOSEN_COLOUR)
    )
    bars = base.mark_bar(width={"band": 0.7}).encode(
        y=alt.Y("still_open_share:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=True)), color=colour
    )
    rules = base.mark_rule(color=DARK_GREY, strokeWidth=1.5).encode(y="lower:Q", y2="upper:Q")
    return _style(alt.layer(bars, rules).properties(height=260), description)


def decile_rates(df: pd.DataFrame, *, title: str, description: str, colours: AreaColours | None = None) -> alt.Chart:
    """Rates by IMD decile (1 = most deprived) with 95% intervals; one bar per area within a decile.

    Columns: imd_decile, area_name, rate, lower, upper (None where withheld).  Each area in its colour
    (``colours``, else the rule with the first area the chosen one)."""
    data = df.dropna(subset=["rate"]).copy()
    areas = list(dict.fromkeys(df["area_name"]))
    colour = alt.Color(
        "area_name:N",
        title=None,
        scale=_colours_of(df, colours).scale(areas),
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


def _long_view_code(label: str) -> str | None:
    """The code of a long view's area from its label ("Cleveland force area", "England and Wales (...)")."""
    if label.startswith("England"):
        return codes.ENGLAND_AND_WALES
    forces = {home.short_force(n): c for c, n in home.current().forces}
    return forces.get(label.split(" force area")[0])


def long_view_lines(
    df: pd.DataFrame, *, title: str, description: str, baseline: tuple[str, str], baseline_label: str
) -> alt.Chart:
    """Rolling 12-month counts over time, one panel per area (each its own scale, its line in the area's
    colour: the force areas as on every page, England and Wales black), the baseline years shaded.

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
            .mark_rect(color=NOT_SHOWN, opacity=0.3)  # grey: no area's colour
            .encode(x=alt.X("start:T"), x2="end:T", tooltip=[alt.Tooltip("what:N", title="Shaded")])
        )
        colour = area_colours([(_long_view_code(area), area)])[area]
        line = alt.Chart(rows).mark_line(color=colour, strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=25))
        line = line.encode(
            x=x, y=alt.Y("count:Q", title=title, scale=alt.Scale(zero=True), axis=alt.Axis(format="~s")), tooltip=tooltip
        )
        # A long name (a force area with its authorities in brackets) would widen the chart: wrap it.
        heading = alt.TitleParams(text=textwrap.wrap(area, 30), anchor="start")
        return alt.layer(shade, line).properties(title=heading, height=170, width=230)

    # One panel a row, each narrow enough for a phone (at 375 px the card leaves about 260 px for a chart).
    chart = alt.vconcat(*[panel(a) for a in areas]).configure_title(fontSize=13, anchor="start")
    return _style(chart, description)


# --- The area profile (issue 10, item 5): trends by crime type and a small locator map ----------------


def _simplified(geojson: str | dict, tolerance: float, digits: int | None = None) -> dict:
    """A GeoJSON geometry (text or parsed) simplified for a small picture (a county-wide map needs no
    metre-level detail), its coordinates rounded to ``digits`` decimals if given."""
    import shapely
    from shapely.geometry import mapping, shape

    geom = json.loads(geojson) if isinstance(geojson, str) else geojson
    if not tolerance and digits is None:
        return geom
    out = shape(geom).simplify(tolerance, preserve_topology=True) if tolerance else shape(geom)
    if digits is not None:
        out = shapely.transform(out, lambda xy: np.round(xy, digits))
    return mapping(out)


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
    colour: str = CHOSEN_COLOUR,
) -> alt.LayerChart:
    """A small static map: the chosen area (in ``colour``, its colour on the page: dark blue, or orange
    for the county itself) among other areas (``context``, grey) inside the county's outline (orange),
    with the largest towns named; ``ring`` circles the chosen area in its colour (a small area is a dot
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
    layers.append(alt.Chart(alt.Data(values=features(chosen))).mark_geoshape(fill=colour, stroke=colour, strokeWidth=1))
    if county is not None and len(county):
        layers.append(
            alt.Chart(alt.Data(values=features(county))).mark_geoshape(filled=False, stroke=COUNTY_COLOUR, strokeWidth=1.5)
        )
    if ring and "label_lon" in chosen and len(chosen):
        spot = chosen[["label_lon", "label_lat"]].head(1)
        layers.append(
            alt.Chart(spot)
            .mark_circle(size=500, filled=False, stroke=colour, strokeWidth=2.5, opacity=1)
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


# --- At a glance: the spine chart ---------------------------------------------------------------------

SPINE_ROW = 40  # px per indicator: its name and value on one line, the bar beneath
# The marker's colour and shape by how the chosen area stands beside the figure it is compared with
# (the rest of the county for an area of it); the county itself is orange, as everywhere.
SPINE_MARKS = {
    "higher": (DARK_PINK, "triangle-up"),
    "similar": (CHOSEN_COLOUR, "circle"),
    "lower": (TURQUOISE, "triangle-down"),
    "not compared": (CONTEXT_COLOUR, "diamond"),
    "the county": (COUNTY_COLOUR, "square"),
    "no range (see the table)": (NOT_SHOWN, "stroke"),
}
SPINE_RANGE = "#DEE0E2"  # the comparators' range: a light band the markers sit on


def spine(df: pd.DataFrame, *, description: str) -> alt.Chart:
    """At a glance as a spine chart (after OHID Fingertips): one row per indicator, each on its own scale.

    ``df`` has one row per indicator (``indicator_cards.spine_frame``): ``label`` (the name and value),
    ``detail`` (period and unit), and positions from 0 to 1: ``low`` to ``high`` the range of the areas
    it is set beside (a grey band), ``benchmark`` the figure it is compared with (a black line at the
    centre), ``position`` the chosen area (a marker coloured and shaped by ``significance``).  A row
    without a value (a published figure) keeps its name and says so."""
    data = df.copy()
    order = list(data["indicator"])
    # The whole area's marker is named as the partnership calls it ("the county", "the area").
    spine_marks = {(codes.THE_AREA if s == "the county" else s): m for s, m in SPINE_MARKS.items()}
    data["significance"] = data["significance"].replace("the county", codes.THE_AREA)
    present = [s for s in spine_marks if s in set(data["significance"])]
    y = alt.Y("indicator:N", title=None, sort=order, axis=alt.Axis(labels=False, ticks=False, domain=False))
    x = alt.X("position:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=None)
    tooltip = [
        alt.Tooltip("label:N", title="Indicator"),
        alt.Tooltip("detail:N", title="Period and unit"),
        alt.Tooltip("range:N", title="Range of the areas beside it"),
        alt.Tooltip("compared_with:N", title="Centre line"),
        alt.Tooltip("significance:N", title="Result"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    unit = alt.Scale(domain=[0, 1])
    band = (
        # The marks carry no ARIA roles of their own: the chart is named by its text alternative and the
        # table view says the same row by row; a layer with no rows (a page whose figures have no range or
        # no position) would otherwise leave an unnamed empty graphic.
        base.mark_bar(height=14, yOffset=10, color=SPINE_RANGE, aria=False)
        .encode(x=alt.X("low:Q", scale=unit, axis=None), x2="high:Q")
        .transform_filter("isValid(datum.low) && isValid(datum.high)")
    )
    centre = base.mark_tick(color="#0B0C0C", thickness=2, size=22, yOffset=10, aria=False).encode(
        x=alt.X("benchmark:Q", scale=alt.Scale(domain=[0, 1]), axis=None)
    )
    marks = base.mark_point(filled=True, size=150, yOffset=10, opacity=1, stroke="#0B0C0C", strokeWidth=0.8, aria=False).encode(
        x=x,
        color=alt.Color(
            "significance:N",
            title="Chosen area",
            scale=alt.Scale(domain=present, range=[spine_marks[s][0] for s in present]),
        ),
        shape=alt.Shape(
            "significance:N", title="Chosen area", scale=alt.Scale(domain=present, range=[spine_marks[s][1] for s in present])
        ),
    )
    names = base.mark_text(align="left", baseline="bottom", dy=-4, fontSize=13, color="#0B0C0C", aria=False).encode(
        x=alt.value(0), text="label:N"
    )
    chart = alt.layer(band, centre, marks, names).properties(height=alt.Step(SPINE_ROW))
    return _style(chart, description)
