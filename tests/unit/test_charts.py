"""Map decks as the browser receives them (pydeck JSON), without a browser."""

from __future__ import annotations

import json
import math

import pandas as pd
import vl_convert

from sdp_dash import charts

SQUARE = {"type": "Polygon", "coordinates": [[[-2.0, 54.5], [-1.5, 54.5], [-1.5, 54.8], [-2.0, 54.8], [-2.0, 54.5]]]}
SMALL = {"type": "MultiPolygon", "coordinates": [[[[-1.60, 54.70], [-1.58, 54.70], [-1.58, 54.71], [-1.60, 54.70]]]]}


def _deck(selected: str | None = None) -> dict:
    geo = pd.DataFrame({"area_code": ["A", "B"], "geojson": [json.dumps(SQUARE), json.dumps(SMALL)]})
    rates = pd.DataFrame(
        {
            "area_code": ["A", "B"],
            "area_name": ["Big", "Small"],
            "count_shown": ["10", "fewer than 5"],
            "rate": [1.0, 9.0],
            "lower": [0.5, 2.0],
            "upper": [2.0, 20.0],
        }
    )
    deck = charts.choropleth(rates, geo, edges=[0.0, 5.0, 10.0], rate_label="Rate", selected=selected)
    return json.loads(deck.to_json())


def test_unit_names_reach_deckgl_as_strings_not_expressions():
    layer = _deck()["layers"][0]
    assert layer["lineWidthUnits"] == "pixels"
    assert layer["getLineWidth"] == "@@=properties.width"  # a per-feature accessor is an expression


def test_view_fits_all_areas_or_the_selected_one():
    whole = _deck()["initialViewState"]
    assert -2.0 < whole["longitude"] < -1.5 and 54.5 < whole["latitude"] < 54.8
    assert 6 <= whole["zoom"] <= 15
    small = _deck(selected="B")
    assert small["initialViewState"]["zoom"] == whole["zoom"], "B lies inside A, its neighbour: the view holds both"
    assert {"chosen-edge", "chosen"} <= {layer["id"] for layer in small["layers"]}


def _row(x0: float, y0: float, size: float = 0.1) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]}


def _inside(view, height: float, geometry: dict) -> bool:
    left, top, right, bottom = charts._screen_box(view, charts.CARD_WIDTH_PX, height)
    scale = 512 * 2**view.zoom / 360
    pts = charts._coords(geometry)
    x, y = pts[:, 0] * scale, -charts._merc_y(pts[:, 1]) * scale
    return bool((x >= left - 1).all() and (x <= right + 1).all() and (y >= top - 1).all() and (y <= bottom + 1).all())


def test_zoom_fits_the_bounds_to_the_cards_width_and_height():
    bounds = (-2.4, 54.45, -1.2, 54.95)  # about County Durham
    for width, height in ((300, 230), (800, 480), (300, 600)):
        zoom = charts.fit_zoom(bounds, width, height)
        per_degree = 512 * 2**zoom / 360
        w = (bounds[2] - bounds[0]) * per_degree
        h = (charts._merc_y(bounds[3]) - charts._merc_y(bounds[1])) * per_degree
        assert w <= width - 2 * charts._PAD_PX + 0.01 and h <= height - 2 * charts._PAD_PX + 0.01
        # one side fills the card (less its padding): no large empty margin
        assert max(w / (width - 2 * charts._PAD_PX), h / (height - 2 * charts._PAD_PX)) > 0.999
    # the card's height hugs the county at a phone's width, and the whole of it shows there
    height = charts.map_height(bounds)
    assert charts.MAP_HEIGHT_PX[0] <= height < 300
    view = charts._view([_row(-2.4, 54.45, 0.5), _row(-1.7, 54.45, 0.5)], height_px=height)
    assert _inside(view, height, _row(-2.4, 54.45, 0.5)) and _inside(view, height, _row(-1.7, 54.45, 0.5))


THREE = {"A": _row(-1.6, 54.7), "B": _row(-1.5, 54.7), "C": _row(-2.4, 54.5)}  # B touches A; C is far off


def _three_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rates (C's count withheld) and boundaries of the three areas of ``THREE``."""
    geo = pd.DataFrame({"area_code": list(THREE), "geojson": [json.dumps(g) for g in THREE.values()]})
    rates = pd.DataFrame(
        {
            "area_code": list(THREE),
            "area_name": ["Chosen", "Next door", "Far off"],
            "count_shown": ["10", "12", "fewer than 5"],
            "rate": [1.0, 2.0, None],
            "lower": [0.5, 1.0, None],
            "upper": [2.0, 3.0, None],
        }
    )
    return rates, geo


def _three_areas(selected: str, chosen_geo: pd.DataFrame | None = None) -> dict:
    rates, geo = _three_frames()
    deck = charts.choropleth(rates, geo, edges=[0.0, 2.0, 4.0], rate_label="Rate", selected=selected, chosen_geo=chosen_geo)
    return {"deck": deck, "json": json.loads(deck.to_json()), "shapes": THREE}


def test_a_chosen_area_opens_with_its_neighbours_around_it_and_its_outline_drawn():
    made = _three_areas("A")
    deck, spec, shapes = made["deck"], made["json"], made["shapes"]
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids.index("chosen") > ids.index("chosen-edge") > ids.index("areas"), "its outline on top of the shades"
    areas = spec["layers"][0]["data"]["features"]
    assert len(areas) == 3, "the surrounding areas are drawn"
    assert next(f for f in areas if f["properties"]["area_code"] == "A")["properties"]["fill"][3] > 0, "its own shade shows"
    view = deck.initial_view_state
    assert _inside(view, deck.card_height, shapes["A"]) and _inside(view, deck.card_height, shapes["B"])
    assert not _inside(view, deck.card_height, shapes["C"]), "fitted to the area and its neighbours, not the county"
    assert "cardHeight" not in spec, "the card's height is the page's, not deck.gl's"


def test_a_chosen_area_that_is_not_on_the_map_is_still_outlined():
    board = pd.DataFrame({"area_code": ["AAP"], "geojson": [json.dumps(_row(-1.6, 54.7, 0.2))]})  # holds A and B
    spec = _three_areas("AAP", chosen_geo=board)["json"]
    chosen = next(layer for layer in spec["layers"] if layer["id"] == "chosen")
    corner = chosen["data"]["features"][0]["geometry"]["coordinates"][0][2]
    assert abs(corner[0] - -1.4) < 1e-9 and abs(corner[1] - 54.9) < 1e-9, "the area board's own boundary"


def test_town_labels_are_ranked_by_population_and_never_cut_at_the_edge():
    places = pd.DataFrame(
        {
            "name": ["Lartington", "Seaham", "Durham", "Tiny", "Edgeton"],
            "longitude": [-1.9, -1.35, -1.57, -1.571, -1.2001],
            "latitude": [54.55, 54.84, 54.78, 54.781, 54.7],
            "population": [0, 22000, 48000, 600, 5000],
        }
    )
    geoms = [_row(-2.0, 54.5, 0.8)]
    height = charts.map_height(charts._bounds(geoms))
    view = charts._view(geoms, height_px=height)
    names = list(charts.place_labels(places, view, height_px=height)["name"])
    assert names[:2] == ["Durham", "Seaham"], "the largest first"
    assert "Lartington" not in names and "Tiny" not in names, "at the county's scale, towns, not hamlets"
    placed = charts.place_labels(places, view, height_px=height).set_index("name")
    assert placed.at["Edgeton", "anchor"] == "end", "at the card's right edge the name goes left of its dot, not off the card"
    close = charts._view([_row(-1.6, 54.76, 0.04)], height_px=300)
    near = charts.place_labels(places, close, height_px=300)
    assert list(near["name"]) == ["Durham", "Tiny"], "zoomed in, smaller places are named too"
    assert near["anchor"].iloc[1] != "start" or near["baseline"].iloc[1] != "center", "never on top of Durham's name"


def test_selected_area_is_outlined_more_heavily_and_tooltips_carry_figures():
    feats = {f["properties"]["area_code"]: f["properties"] for f in _deck(selected="B")["layers"][0]["data"]["features"]}
    assert feats["B"]["width"] > feats["A"]["width"]
    assert feats["B"]["rate"] == "9.0" and feats["B"]["interval"] == "2.0 to 20.0"
    assert feats["A"]["fill"] != feats["B"]["fill"]


def test_every_chart_builder_makes_a_valid_vega_lite_spec():
    """The pages skip Altair's schema validation at run time (charts.vega_lite); it is done here instead."""
    months = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03"] * 2, "rate": [1.0, 2.0, 1.5, 0.5, 0.7, 0.9]})
    months["month_label"] = months["month"]
    months["area"] = ["A"] * 3 + ["B"] * 3
    rates = pd.DataFrame({"area_name": ["A", "B"], "rate": [1.0, 2.0], "lower": [0.5, 1.5], "upper": [1.5, 2.5]})
    built = [
        charts.trend(months, value="rate", series="area", title="Rate", description="d"),
        charts.trend(months[months["area"] == "A"], value="rate", series=None, title="Rate", description="d"),
        charts.rates(rates, label="area_name", title="Rate", description="d", highlight="A"),
        charts.ranked_bars(rates, label="area_name", value="rate", title="Rate", description="d"),
    ]
    for chart in built:
        chart.to_dict(validate=True)  # raises if the spec breaks the Vega-Lite schema
        spec = charts.vega_lite(chart)
        assert "continuousWidth" not in spec.get("config", {}).get("view", {}), "the chart fills its card"
        assert spec["datasets"], "data travels inline with the spec"


def test_a_map_is_serialised_once_and_compactly():
    geo = pd.DataFrame({"area_code": ["A"], "geojson": [json.dumps(SQUARE)]})
    rates = pd.DataFrame(
        {"area_code": ["A"], "area_name": ["Big"], "count_shown": ["1"], "rate": [1.0], "lower": [0.1], "upper": [2.0]}
    )
    deck = charts.choropleth(rates, geo, edges=[0.0, 2.0], rate_label="Rate")
    first = deck.to_json()
    assert deck.to_json() is first and "\n" not in first
    assert json.loads(first)["layers"][0]["id"] == "areas"


def _published(values: list[float | None], areas: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    areas = areas or [("E06000047", "County Durham")]
    rows = []
    for code, name in areas:
        for year, value in zip(range(2015, 2015 + len(values)), values, strict=True):
            rows.append(
                {
                    "line": name,
                    "area_code": code,
                    "area_name": name,
                    "period_end": f"{year}-12-01",
                    "period": str(year),
                    "value": value,
                    "value_text": "" if value is None else f"{value}",
                    "joined": True,
                }
            )
    return pd.DataFrame(rows)


def test_published_lines_leave_a_missing_value_as_a_gap_not_zero():
    chart = charts.published_lines(_published([5.0, None, 7.0, 8.0]), unit="Rate per 100,000", description="d")
    spec = chart.to_dict(validate=True)
    rows = next(iter(spec["datasets"].values()))
    assert [r["value"] for r in rows] == [5.0, None, 7.0, 8.0], "missing is null in the chart's data, never 0"
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert line["mark"]["invalid"].startswith("break-paths"), "the line breaks at the missing year"
    assert spec["autosize"]["type"] == "fit-x", "the height is the plot's: the key never squeezes it"


def test_published_lines_have_one_axis_label_per_period_and_a_key_of_the_areas_drawn():
    others = [(f"E0800000{i}", f"Council {i}") for i in range(10)]
    named = [("E06000047", "County Durham"), ("E06000005", "Darlington"), ("E92000001", "England")]
    spec = charts.published_lines(_published([5.0, 6.0, 7.0], named + others), unit="Rate", description="d").to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["type"] == "ordinal" and x["sort"] == ["2015", "2016", "2017"], "one slot, and one label, per period"
    colour = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert colour == ["County Durham", "Darlington", "England"], "the key lists only the areas drawn"
    drawn = {r["area_name"] for r in next(iter(spec["datasets"].values()))}
    assert drawn == set(colour)


def test_trend_axis_title_is_printed_whole():
    months = pd.DataFrame({"month": ["2025-01", "2025-02"], "rate": [1.0, 2.0], "area_name": ["A", "A"]})
    title = "Rate per 1,000 residents a year (the month's count × 12)"
    spec = charts.trend(months, value="rate", series=None, title=title, description="d").to_dict()
    layer = spec["layer"][0]
    while "encoding" not in layer:
        layer = layer["layer"][0]
    y = layer["encoding"]["y"]
    assert " ".join(y["title"]) == title and all(len(line) <= 32 for line in y["title"]), "wrapped, never cut"


def test_published_counts_leave_the_national_count_out_so_local_lines_are_not_flattened():
    areas = [("E06000047", "County Durham"), ("E92000001", "England")]
    spec = charts.published_lines(_published([50.0, 60.0], areas), unit="count of deaths", description="d").to_dict()
    assert {r["area_name"] for r in next(iter(spec["datasets"].values()))} == {"County Durham"}
    rates = charts.published_lines(_published([50.0, 60.0], areas), unit="Rate per 100,000", description="d").to_dict()
    assert {r["area_name"] for r in next(iter(rates["datasets"].values()))} == {"County Durham", "England"}


def test_published_drawn_counts_only_the_areas_a_published_chart_draws():
    from sdp_dash.config import codes

    rows = []
    areas = {codes.COUNTY: codes.COUNTY_NAME, "E06000005": "Darlington", "E08000037": "Gateshead", "E06000001": "Hartlepool"}
    for code, name in areas.items():
        for year in (2019, 2020, 2021):
            rows.append(
                {
                    "line": name,
                    "area_code": code,
                    "area_name": name,
                    "period_end": f"{year}-03-01",
                    "period": str(year),
                    "value": 5.0,
                    "value_text": "5.0",
                    "joined": True,
                }
            )
    df = pd.DataFrame(rows)
    drawn = charts.published_drawn(df, "rate per 100,000")
    assert drawn == 6, "County Durham and Darlington are drawn; the other councils are left to the table"
    assert charts.published_drawn(df[df["area_code"] == codes.COUNTY], "rate per 100,000") == 3
    assert drawn < len(df)


# --- Explore's map drawn by Vega-Lite (charts.shaded_map, issue 18) ------------------------------------


def _shaded(selected: str | None, places: pd.DataFrame | None = None) -> dict:
    rates, geo = _three_frames()
    county = pd.DataFrame({"area_code": ["K"], "geojson": [json.dumps(_row(-2.5, 54.4, 1.2))]})
    chart = charts.shaded_map(
        rates,
        geo,
        edges=[0.0, 2.0, 4.0],
        rate_label="Rate",
        selected=selected,
        selected_name="Chosen",
        places=places,
        county=county,
        county_name="The County",
    )
    chart.to_dict(validate=True)  # raises if the spec breaks the Vega-Lite schema
    return charts.vega_lite(chart)


def _rows(layer: dict, spec: dict) -> list[dict]:
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_the_vega_lite_map_opens_on_the_view_and_the_height_the_deck_does():
    spec, deck = _shaded("A"), _three_areas("A")["deck"]
    view = deck.initial_view_state
    projection = spec["projection"]
    assert projection["type"] == "mercator" and projection["center"] == [view.longitude, view.latitude]
    assert abs(projection["scale"] - 512 * 2**view.zoom / (2 * math.pi)) < 1e-6, "deck.gl's zoom, in d3's scale"
    assert projection["translate"] == {"expr": "[width / 2, height / 2]"}, "centred in the card, whatever its width"
    assert spec["height"] == deck.card_height and spec["width"] == "container" and spec["padding"] == 0


def test_the_vega_lite_map_shades_every_area_and_withholds_what_the_deck_withholds():
    spec = _shaded(None)
    rows = {r["area_code"]: r for r in _rows(spec["layer"][0], spec)}
    assert set(rows) == {"A", "B", "C"} and all(r["type"] == "Feature" for r in rows.values())
    chosen = _shaded("A")
    near = {r["area_code"] for r in _rows(chosen["layer"][0], chosen)}
    assert near == {"A", "B"}, "an area far out of sight of a chosen area's map is left out of it"
    assert rows["C"]["shade"] == charts.NOT_SHOWN and rows["C"]["rate"] == "not shown" and rows["C"]["count"] == "fewer than 5"
    assert rows["A"]["shade"] != rows["B"]["shade"] and rows["B"]["rate"] == "2.0"
    assert "fill" not in rows["A"], "the deck's colour arrays stay out of the Vega-Lite map"
    ring = rows["A"]["geometry"]["coordinates"][0]
    assert all(round(v, 5) == v for xy in ring for v in xy), "coordinates rounded (about a metre)"
    assert spec["layer"][0]["encoding"]["fill"] == {"field": "shade", "scale": None, "type": "nominal"}


def test_a_click_on_the_vega_lite_map_picks_an_area_through_its_outlines():
    spec = _shaded("A")
    assert spec["params"][0]["name"] == "pick" and spec["params"][0]["select"]["fields"] == ["area_code"]
    outlines = [layer for layer in spec["layer"][1:] if layer["mark"]["type"] == "geoshape"]
    assert len(outlines) == 3, "the county's boundary, then the chosen area's white edging and outline"
    for layer in outlines:
        assert layer["mark"]["filled"] is False and layer["mark"]["fill"] is None, "no fill to catch a click"
    county, _, chosen = (_rows(layer, spec)[0] for layer in outlines)
    assert (county["area_name"], county["line"]) == ("The County", charts.COUNTY_COLOUR)
    assert (chosen["area_code"], chosen["area_name"], chosen["line"]) == ("A", "Chosen", charts.CHOSEN_COLOUR)


def test_a_click_on_a_place_name_reaches_the_area_under_it():
    places = pd.DataFrame(
        {"name": ["Aton", "Beeton"], "longitude": [-1.55, -1.45], "latitude": [54.75, 54.72], "population": [9000, 8000]}
    )
    spec = _shaded("A", places)
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(texts) == 2, "each name edged in white, then written"
    assert {r["name"] for r in _rows(texts[1], spec)} == {"Aton", "Beeton"}
    assert texts[1]["mark"]["align"] == {"expr": "datum.align"}, "each name on the side of its dot place_labels chose"
    marks = vl_convert.vegalite_to_vega(spec)["marks"]  # as the browser's Vega-Lite compiles it
    assert [m["interactive"] for m in marks if m["type"] in ("text", "symbol")] == [False] * 3, "names and dots"
    assert marks[0]["interactive"], "the areas take the click"
