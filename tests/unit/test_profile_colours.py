"""One colour per area in the printable area profile (issue 17, part 5): its key, every SVG chart (each
mark the picture draws and each legend entry) and the map give an area one colour, the pages' colours
(``charts.area_colours``: the area dark blue, County Durham orange)."""

from __future__ import annotations

import base64
import html
import re

import pandas as pd
import pytest

from sdp_dash import charts
from sdp_dash import warehouse as wh
from sdp_dash.config import codes
from sdp_dash.web import profile as document
from sdp_dash.web.escape import html as escape
from tests.support.colours import Drawn, chart_colours, key_colours

# A mark of a rendered chart names its datum in its aria-label ("...; area_name: East Durham AAP; ...").
_MARK = re.compile(r'<path aria-label="([^"]*)"([^>]*)>')
_PAINT = re.compile(r'\b(stroke|fill)="(#[0-9A-Fa-f]{6})"')
_LEGEND = re.compile(
    r'role-legend-symbol"[^>]*><path ([^>]*)/></g><g class="mark-text role-legend-label"[^>]*><text [^>]*>([^<]*)</text>'
)


@pytest.fixture(scope="module")
def period(con):
    months = wh.present_months(con)
    return months[-12] if len(months) >= 12 else months[0], months[-1]


@pytest.fixture(scope="module")
def names(con) -> set[str]:
    return {str(n) for (n,) in con.execute("select area_name from areas").fetchall()}


def _profile(con, code: str, period, monkeypatch) -> tuple[str, list[dict]]:
    """The document, and the Vega-Lite spec of each picture in it (in order)."""
    specs: list[dict] = []
    real = document.svg

    def svg(chart) -> str:
        specs.append(chart.to_dict(validate=False))
        return real(chart)

    monkeypatch.setattr(document, "svg", svg)
    con = wh.Remembering(con)  # the disclosure pattern of the period is worked out once, as on the app's cursor
    return document.document(con, code, *period, "all_crime", "https://example.org/x", ("A caveat.",)), specs


def _pictures(doc: str) -> list[str]:
    found = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*">', doc)
    return [base64.b64decode(d).decode("utf-8") for d in found]


def _svg_colours(where: str, svg: str) -> Drawn:
    """Each rendered mark naming an area, and each legend entry naming one, with its colour."""
    drawn = Drawn()
    for label, attrs in _MARK.findall(svg):
        area = re.search(r"(?:^|; )area_name: ([^;]*)", html.unescape(label))
        paint = dict(_PAINT.findall(attrs))
        colour = paint.get("stroke") or paint.get("fill")  # a line's colour is its stroke; a bar's or point's its fill
        if area and colour:
            drawn.add(f"{where} mark", area.group(1), colour)
    for attrs, label in _LEGEND.findall(svg):
        paint = dict(_PAINT.findall(attrs))
        colour = paint.get("stroke") or paint.get("fill")
        if colour:
            drawn.add(f"{where} legend", html.unescape(label), colour)
    return drawn


def _everything(doc: str, specs: list[dict], names: set[str]) -> Drawn:
    drawn = key_colours("key", doc, names)
    for i, spec in enumerate(specs):
        datasets = {k: pd.DataFrame(v) for k, v in (spec.get("datasets") or {}).items()}
        drawn.extend(chart_colours(f"spec {i}", spec, datasets, names))
    for i, svg in enumerate(_pictures(doc)):
        drawn.extend(_svg_colours(f"picture {i}", svg))
    return drawn


def test_an_area_profile_draws_the_area_and_the_county_in_one_colour_each(con, period, names, monkeypatch):
    board = str(wh.areas(con, "aap")["area_code"].iloc[0])
    name = str(wh.area(con, board)["area_name"])
    doc, specs = _profile(con, board, period, monkeypatch)
    drawn = _everything(doc, specs, names)
    assert not drawn.problems, drawn.problems
    assert not drawn.clashes(), drawn.clashes()
    assert drawn.colour_of(name) == charts.CHOSEN_COLOUR
    assert drawn.colour_of(codes.COUNTY_NAME) == charts.COUNTY_COLOUR
    places = {w.split()[0] for w, a, _ in drawn.records if a == name}
    assert {"key", "spec", "picture"} <= places, places  # the key, the charts' specs and the rendered pictures
    assert sum(1 for w, a, _ in drawn.records if a == name and w.endswith("legend")) >= 1  # a chart's own legend agrees
    # The key says the colours in words too; the map fills the area in its colour inside the county's orange boundary.
    assert f"{escape(name)} (dark blue)" in doc and f"{codes.COUNTY_NAME} (orange)" in doc
    locator = _pictures(doc)[0]
    assert f'fill="{charts.CHOSEN_COLOUR}"' in locator and f'stroke="{charts.COUNTY_COLOUR}"' in locator


def test_the_county_profile_draws_the_county_orange(con, period, names, monkeypatch):
    doc, specs = _profile(con, codes.COUNTY, period, monkeypatch)
    drawn = _everything(doc, specs, names)
    assert not drawn.problems and not drawn.clashes(), (drawn.problems, drawn.clashes())
    assert {a for _, a, _ in drawn.records} == {codes.COUNTY_NAME}
    assert drawn.colour_of(codes.COUNTY_NAME) == charts.COUNTY_COLOUR
    assert f'fill="{charts.COUNTY_COLOUR}"' in _pictures(doc)[0]
