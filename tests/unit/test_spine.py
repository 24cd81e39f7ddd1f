"""At a glance as a spine chart (issue 18): rows from ``indicator_cards`` (one per indicator, each on its
own scale, centred on the figure it is compared with) drawn by ``charts.spine`` as a valid Vega-Lite spec."""

from __future__ import annotations

from sdp_dash import charts
from sdp_dash.domain import indicator_cards
from sdp_dash.domain.indicator_cards import SpineRow


def _rows() -> list[SpineRow]:
    return [
        SpineRow(
            "a",
            "Burglary",
            "Durham AAP",
            "5.4 per 1,000",
            "2025",
            "per 1,000 residents a year",
            5.4,
            1.9,
            7.0,
            "the 14 area boards",
            4.2,
            "the rest of County Durham",
            "higher",
        ),
        SpineRow(
            "b",
            "Shoplifting",
            "Durham AAP",
            "3.0 per 1,000",
            "2025",
            "per 1,000 residents a year",
            3.0,
            2.0,
            9.0,
            "the 14 area boards",
            3.1,
            "the rest of County Durham",
            "similar",
        ),
        SpineRow("c", "Hate crimes", "County Durham only", "593 crimes in 9 months", "2020", "crimes"),
    ]


def test_each_row_sits_on_its_own_scale_centred_on_what_it_is_compared_with():
    rows = _rows()
    df = indicator_cards.spine_frame(rows)
    assert list(df["indicator"]) == ["Burglary", "Shoplifting", "Hate crimes"]  # one row per indicator
    assert (df["benchmark"].dropna() == 0.5).all()
    for _, r in df.dropna(subset=["position"]).iterrows():
        assert 0 <= r["low"] <= r["high"] <= 1 and 0 <= r["position"] <= 1
    assert df.loc[2, "position"] != df.loc[2, "position"]  # a published figure has no marker...
    assert df.loc[2, "label"].endswith("(County Durham only)")  # ...and stays labelled as the county's
    assert "2025" in df.loc[0, "detail"] and "per 1,000 residents a year" in df.loc[0, "detail"]
    table = indicator_cards.spine_table(rows)
    assert list(table["Indicator"]) == list(df["indicator"]) and "Range of the areas beside it" in table


def test_the_spine_is_a_valid_chart_in_the_dashboards_colours():
    chart = charts.spine(indicator_cards.spine_frame(_rows()), description="d")
    spec = chart.to_dict(validate=True)
    colours = [layer["encoding"]["color"]["scale"]["range"] for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    assert colours and set(colours[0]) <= {c for c, _shape in charts.SPINE_MARKS.values()}
    assert charts.SPINE_MARKS["the county"][0] == charts.COUNTY_COLOUR


def test_the_answer_names_the_area_the_period_and_what_it_is_compared_with():
    sentence = indicator_cards.answer(_rows(), "Durham AAP", "January to December 2025")
    assert sentence.startswith("In Durham AAP, January to December 2025, of 2 police.uk measures")
    assert "1 higher and 1 similar" in sentence and "the rest of County Durham" in sentence
    assert "1 more figure is" in sentence
