"""Map decks as the browser receives them (pydeck JSON), without a browser."""

from __future__ import annotations

import json

import pandas as pd

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
    small = _deck(selected="B")["initialViewState"]
    assert small["zoom"] > whole["zoom"] + 3
    assert abs(small["longitude"] - -1.59) < 0.01


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
