"""The area profile document: one print-ready HTML file (A4) an officer can attach to an email.

It holds the key indicators with their 95% intervals and the words comparing them with the county,
the trend and crime-type charts and a small map as SVG pictures (the same Altair charts the pages
draw, rendered offline by vl-convert), what is not published for the area (said once), the notes,
the sources and the licence text, and the link to the view.  No Streamlit here: the Explore page
builds it on request through ``data.profile_document``.
"""

from __future__ import annotations

import base64

import pandas as pd
import vl_convert

from sdp_dash import charts, warehouse
from sdp_dash.config import codes
from sdp_dash.domain import crime, words
from sdp_dash.domain import profile as domain_profile
from sdp_dash.domain.figure import RATE_UNIT
from sdp_dash.warehouse import Con
from sdp_dash.web.escape import html

CHART_WIDTH = 600  # px: A4 less 15 mm margins is about 680 CSS px
LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: data.police.uk; Office for National Statistics; MHCLG."
)
OS_NOTICE = "Boundaries: Office for National Statistics; contains OS data © Crown copyright and database right 2025."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SOURCES = (
    (
        "data.police.uk street-level crime and anti-social behaviour files (Durham Constabulary, Cleveland Police, "
        "Northumbria Police)",
        "https://data.police.uk/data/",
        "Open Government Licence v3.0",
    ),
    (
        "Census 2021 usual residents by small area (Office for National Statistics)",
        "https://www.ons.gov.uk/census",
        "Open Government Licence v3.0",
    ),
    (
        "English Indices of Deprivation 2019 (MHCLG)",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "Open Government Licence v3.0",
    ),
    (
        "Small area, neighbourhood and electoral division boundaries (ONS Open Geography Portal; contains OS data © Crown "
        "copyright and database right)",
        "https://geoportal.statistics.gov.uk/",
        "Open Government Licence v3.0",
    ),
    ("Town names on the map: GeoNames", "https://www.geonames.org/", "Creative Commons Attribution 4.0"),
)

CSS = """
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "Source Sans Pro", Arial, Helvetica, sans-serif; color: #0b0c0c; font-size: 10.5pt; line-height: 1.35;
       max-width: 180mm; margin: 0 auto; }
h1 { color: #12436D; font-size: 20pt; margin: 0 0 2mm; }
h2 { color: #12436D; font-size: 13pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2mm; }
.lede { font-size: 11.5pt; }
.note { color: #3d3d3d; font-size: 9.5pt; }
.top { display: flex; gap: 5mm; align-items: flex-start; }
.top > div { flex: 1; }
figure { margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 9.5pt; color: #3d3d3d; margin-top: 1mm; }
.map { flex: 0 0 54mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; font-size: 9.5pt; break-inside: avoid; page-break-inside: avoid; }
caption { font-weight: bold; text-align: left; padding-bottom: 1mm; }
th, td { border: 1px solid #b1b4b6; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
thead th { background: #f3f2f1; }
h2 + figure, h2 + table { break-before: avoid; }
.page-break { break-before: page; page-break-before: always; }
.box { border-left: 4px solid #12436D; background: #f3f2f1; padding: 2mm 3mm; margin: 0 0 3mm; break-inside: avoid; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
li { margin-bottom: 1mm; }
a { color: #12436D; word-break: break-all; }
section.small { font-size: 8.5pt; }
section.small h2 { font-size: 12pt; margin-top: 3mm; }
.key ul { list-style: none; padding: 0; margin: 0 0 2mm; display: flex; flex-wrap: wrap; gap: 1mm 4mm; }
.key li { display: flex; align-items: center; gap: 1.5mm; margin: 0; }
.key .swatch { display: inline-block; width: 6mm; height: 3.5mm; border: 1px solid #3d3d3d;
               -webkit-print-color-adjust: exact; print-color-adjust: exact; }
footer { font-size: 9pt; color: #3d3d3d; border-top: 1px solid #b1b4b6; padding-top: 2mm; margin-top: 4mm; }
@media screen { body { margin: 10mm auto; } }
"""


def svg(chart) -> str:
    """An Altair chart as an SVG picture (Vega-Lite rendered offline by vl-convert)."""
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def _picture(svg_text: str, alt: str, caption: str = "", css_class: str = "") -> str:
    data = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    cap = f"<figcaption>{html(caption)}</figcaption>" if caption else ""
    cls = f" class='{css_class}'" if css_class else ""
    return f"<figure{cls}><img src='data:image/svg+xml;base64,{data}' alt='{html(alt)}'>{cap}</figure>"


def _table(df: pd.DataFrame, caption: str, numeric: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th scope='col'{' class=n' if c in numeric else ''}>{html(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if c in numeric else ''}>{html(v)}</td>" for c, v in zip(df.columns, row, strict=True))
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f"<table><caption>{html(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _against_table(rows, is_county: bool, caption: str, label: str = "Measure") -> str:
    """Rows whose area figure is shown (withheld ones are said once, in 'Not published for this area')."""
    shown = [r for r in rows if r.area.available]
    rate = "Rate per 1,000 a year"
    df = pd.DataFrame(
        {
            label: [r.area.measure for r in shown],
            "Count": [r.area.count_text for r in shown],
            rate: [r.area.rate_text for r in shown],
            "95% interval": [r.area.interval_text for r in shown],
        }
    )
    if not is_county:
        df["County"] = [r.county.rate_text if r.county.available else "not shown" for r in shown]
        df["Rest of county"] = [r.rest.rate_text if r.rest is not None else "" for r in shown]
        df["Against rest of county"] = [_cmp_word(r.comparison) for r in shown]
    return _table(df, caption, numeric=("Count", rate, "95% interval", "County", "Rest of county"))


def _cmp_word(comparison) -> str:
    return comparison.result if comparison.result != "not compared" else comparison.words("")


def _summary(p: domain_profile.Profile) -> str:
    if p.is_county:
        return ""
    groups: dict[str, list[str]] = {"higher": [], "similar": [], "lower": []}
    for r in p.against:
        if r.comparison.result in groups:
            groups[r.comparison.result].append(r.area.measure.lower())
    bits = []
    for result, names in groups.items():
        if names:
            verb = {"higher": "higher than", "similar": "similar to", "lower": "lower than"}[result]
            bits.append(f"{_join(names)} {'was' if len(names) == 1 else 'were'} {verb} the rest of the county's")
    if not bits:
        return ""
    text = "; ".join(bits)
    return f"<p class='lede'>In {html(p.area_name)}, {html(text)}.</p>"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def colours(p: domain_profile.Profile) -> charts.AreaColours:
    """The profile's one colour per area (``charts.area_colours``): the area dark blue, the county orange;
    every chart, the map and the key use it."""
    return charts.area_colours(dict.fromkeys([(p.area_code, p.area_name), (codes.COUNTY, codes.COUNTY_NAME)]), p.area_code)


def _key(palette: charts.AreaColours) -> str:
    """The key to the areas' colours, as the pages draw it (a swatch and the name, the colour in words)."""
    items = "".join(
        f"<li data-area='{html(name)}' data-colour='{html(colour)}'><span class='swatch' style='background:{html(colour)}'>"
        f"</span>{html(name)} ({html(charts.COLOUR_WORDS.get(colour, 'grey'))})</li>"
        for colour, name in palette.key()
    )
    return f"<div class='key'><strong>Colours in this profile:</strong><ul>{items}</ul></div>"


def _map(con: Con, p: domain_profile.Profile, palette: charts.AreaColours) -> str:
    area = warehouse.area(con, p.area_code)
    area_type = str(area["area_type"])
    county = warehouse.geometry(con, "county")
    chosen = warehouse.area_geometry(con, p.area_code)
    context_type = area_type if area_type in ("aap", "division_2013", "division_2025", "msoa") else "aap"
    context = pd.DataFrame(columns=["area_code", "geojson"]) if p.is_county else warehouse.geometry(con, context_type)
    chart = charts.area_locator(
        context,
        chosen,
        county,
        places=warehouse.places(con),
        ring=area_type in ("lsoa", "msoa"),
        width=190,
        height=190,
        colour=palette[p.area_name],
    )
    edge = palette.words(codes.COUNTY_NAME)
    if p.is_county:
        what, caption = f"County Durham ({edge})", f"County Durham ({edge})."
    else:
        caption = f"The area ({palette.words(p.area_name)}) in County Durham (its boundary {edge})."
        what = f"{p.area_name} ({palette.words(p.area_name)}) within County Durham (boundary {edge})"
    return _picture(svg(chart), f"Map of {what}, with the largest towns named.", caption, "map")


def document(con: Con, code: str, start: str, end: str, measure_id: str, link: str, caveats: tuple[str, ...] = ()) -> str:
    """The profile of one area and period as one print-ready HTML file (UTF-8 text)."""
    p = domain_profile.build(con, code, start, end, measure_id)
    palette = colours(p)
    per = p.period
    rate_title = f"Rate {RATE_UNIT}"
    trend_words = f"{words.month_words(p.trend_from)} to {words.month_words(end)}"
    parts: list[str] = []

    # Page 1: who, when, how, the key indicators and the map.
    parts.append(f"<h1>{html(p.area_name)}: community safety profile</h1>")
    kind = "" if p.is_county else f"{p.type_label}. "
    parts.append(f"<p class='note'>{html(kind)} Period: {html(per.label)}.")
    if per.coverage_note:
        parts.append(f" Rates are {html(per.coverage_note)}.")
    parts.append("</p>")
    intro = _summary(p)
    key_table = _against_table(
        p.against, p.is_county, "Key indicators" + ("" if p.is_county else ", against County Durham"), label="Indicator"
    )
    parts.append(f"<div class='top'><div>{intro}{_method_box(p)}{_key(palette)}</div>{_map(con, p, palette)}</div>")
    parts.append(key_table)
    if not p.is_county:
        parts.append(
            "<p class='note'>Higher or lower means the 95% intervals of the area and the rest of the county (the county without it) do not overlap; otherwise "
            "similar. Rates are per 1,000 residents a year (Census 2021 usual residents).</p>"
        )
    if p.not_published:
        parts.append(
            "<div class='box'><strong>Not published for this area.</strong><ul>"
            + "".join(f"<li>{html(t)}</li>" for t in p.not_published)
            + "</ul></div>"
        )

    # The trend of the chosen measure, then the crime types.
    trend_df = crime.trend_frame(list(p.trend))
    trend_chart = charts.trend(
        trend_df, value="rate", series="area_name", title=rate_title, description="Trend", colours=palette
    ).properties(width=CHART_WIDTH, height=120)
    gaps = [f.period.start for f in p.trend if f.area_code == code and f.count is None]
    parts.append(
        "<section><h2>"
        + html(p.measure_label)
        + ": month by month</h2>"
        + _picture(
            svg(trend_chart),
            f"Line chart of {p.measure_label.lower()} {RATE_UNIT}, {trend_words}, for {p.area_name} "
            + f"({palette.words(p.area_name)})"
            + ("" if p.is_county else f" and County Durham ({palette.words(codes.COUNTY_NAME)})")
            + ".",
            f"Each month's count times 12, {RATE_UNIT}, {trend_words}."
            + (f" No police.uk data for {words.months_words(gaps)} (gaps)." if gaps else ""),
        )
        + "</section>"
    )

    shown = p.shown_types
    types_chart = charts.ranked_bars(
        crime.frame(shown), label="measure", value="rate", title=rate_title, description="By type", colours=palette
    ).properties(width=CHART_WIDTH - 200, height=17 * max(len(shown), 1))
    parts.append(
        "<section class='page-break'><h2>Crime and anti-social behaviour by type</h2>"
        + _picture(
            svg(types_chart),
            f"Bar chart of the police.uk categories in {p.area_name}, ranked by rate {RATE_UNIT}: "
            + "; ".join(f"{f.measure} {f.rate_text}" for f in shown[:5])
            + ".",
            f"{per.label}; {RATE_UNIT}.",
        )
        + _against_table(
            p.types_against, p.is_county, "Each police.uk category" + ("" if p.is_county else ", against County Durham"), "Type"
        )
        + "</section>"
    )

    if p.deprivation:
        parts.append(f"<section><h2>Deprivation</h2><p>{html(p.deprivation)}</p></section>")

    order = p.trend_types
    if order:
        tt = charts.type_trends(
            crime.trend_frame(list(p.type_trend)),
            order=order,
            area=p.area_name,
            county=None if p.is_county else "County Durham",
            title=f"{RATE_UNIT} (the month's count × 12); each panel has its own scale",
            description="Trends by type",
            colours=palette,
        )
        parts.append(
            "<section><h2>Trends by crime type"
            + ("" if p.is_county else ", against the county")
            + "</h2>"
            + _picture(
                svg(tt),
                f"Small line charts, one per crime type, of the monthly rate {RATE_UNIT} in {p.area_name}"
                + (
                    ""
                    if p.is_county
                    else f" ({palette.words(p.area_name)}, solid) and County Durham ({palette.words(codes.COUNTY_NAME)}, dashed)"
                )
                + f", {trend_words}.",
                f"{trend_words}. Gaps are months with no police.uk data or, for violence and sexual offences and robbery, "
                "months with fewer than 5 recorded.",
            )
            + "</section>"
        )

    # Context, notes, sources, licence and the link.
    notes = list(caveats)
    parts.append(
        "<section class='small'><h2>Things to know</h2><ul>"
        + "".join(f"<li>{html(c)}</li>" for c in notes)
        + "</ul></section>"
        + "<section class='small'><h2>Sources and licence</h2><ul>"
        + "".join(f"<li>{html(title)}: <a href='{html(url)}'>{html(url)}</a> ({html(lic)})</li>" for title, url, lic in SOURCES)
        + "</ul>"
        + f"<p>{html(LICENCE)} {html(OS_NOTICE)} Licence: <a href='{OGL_URL}'>{OGL_URL}</a></p></section>"
    )
    parts.append(
        "<footer><p>This view on the Safe Durham Partnership dashboard: "
        f"<a href='{html(link)}'>{html(link)}</a></p>"
        f"<p>{html(p.area_name)}: community safety profile, {html(per.label)}. Police recorded crime (open data).</p></footer>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html(p.area_name)}: community safety profile, {html(per.label)}</title><style>{CSS}</style></head>"
        "<body><main>" + "".join(parts) + "</main></body></html>"
    )


def _method_box(p: domain_profile.Profile) -> str:
    if not p.method:
        return ""
    return f"<p class='note'><strong>Approximate area.</strong> {html(p.method)}</p>"


def file_name(code: str, start: str, end: str) -> str:
    return f"profile-{code}-{start}-to-{end}.html"
