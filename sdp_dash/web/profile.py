"""The area profile document: two A4 pages an area-board member can print or attach to an email, as
HTML (``document``, from the Jinja2 template ``templates/profile.html.j2``) and as PDF (``pdf``, that
HTML printed by chromium: ``sdp_dash.web.pdf``).

Page one: who, when and from what source; the headline figures against the county with the change on
last year (the same months a year earlier, named); a small map and the trend of the chosen measure;
what is not published for the area (said once).  Page two: every police.uk category the same way,
deprivation, the notes, the sources and the licence, and the link to the view.  Every figure comes
from a ``Figure`` (withheld and small counts are words, never numbers); the template escapes every
value.  No Streamlit here: the Explore page builds it on request through ``data.profile_pdf``.
"""

from __future__ import annotations

import base64

import jinja2
import vl_convert
from markupsafe import Markup

from sdp_dash import charts, warehouse
from sdp_dash.config import codes
from sdp_dash.domain import crime, home, words
from sdp_dash.domain import profile as domain_profile
from sdp_dash.domain.figure import POLICE_SOURCE, RATE_UNIT
from sdp_dash.warehouse import Con
from sdp_dash.web import pdf as pdf_render
from sdp_dash.web.escape import clean

CHART_WIDTH = 560  # px: A4 less 13 mm margins is about 695 CSS px; the chart's axis title and legend need the rest
LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: data.police.uk; Office for National Statistics; MHCLG."
)
OS_NOTICE = "Boundaries: Office for National Statistics; contains OS data © Crown copyright and database right 2025."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def sources() -> tuple[tuple[str, str, str], ...]:
    """(title, address, licence) of each source the profile draws on: the police forces' files read, the
    partnership's electoral areas by their noun."""
    police = (home.police_files(), "https://data.police.uk/data/", "Open Government Licence v3.0")
    boundaries = SOURCES[2][0].replace("electoral division", codes.WARD)
    return (police, *SOURCES[:2], (boundaries, *SOURCES[2][1:]), *SOURCES[3:])


SOURCES = (  # after the police.uk files (``sources``)
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


def _clean(value: object) -> object:
    """Every value the template prints is cleaned of control and bidi characters, then escaped (autoescape)."""
    return value if isinstance(value, Markup) or not isinstance(value, str) else clean(value)


TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("sdp_dash.web", "templates"),
    autoescape=True,
    finalize=_clean,
    undefined=jinja2.StrictUndefined,  # a name the template uses and the code does not give is an error, not ""
    trim_blocks=True,
    lstrip_blocks=True,
)


def svg(chart) -> str:
    """An Altair chart as an SVG picture (Vega-Lite rendered offline by vl-convert)."""
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def _picture(svg_text: str, alt: str, caption: str = "", css_class: str = "") -> dict:
    data = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    return {"src": f"data:image/svg+xml;base64,{data}", "alt": alt, "caption": caption, "css_class": css_class}


def _rows(p: domain_profile.Profile, rows: tuple[crime.AgainstCounty, ...]) -> list[dict]:
    """The rows whose area figure is shown (withheld ones are said once, in 'Not published for this area');
    every number is the figure's own text, so a withheld or small count never appears."""
    out = []
    for r in rows:
        if not r.area.available:
            continue
        change = p.changes.get(r.area.measure_id, domain_profile.YearChange("no comparison", False))
        out.append(
            {
                "name": r.area.measure,
                "count": r.area.count_text,
                "rate": r.area.rate_text,
                "interval": r.area.interval_text,
                "county": r.county.rate_text if r.county.available else "not shown",
                "against": _cmp_word(r.comparison),
                "change": change.text,
                "significant": change.significant,
            }
        )
    return out


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
            bits.append(f"{_join(names)} {'was' if len(names) == 1 else 'were'} {verb} the rest of {codes.THE_AREA}'s")
    return f"In {p.area_name}, {'; '.join(bits)}." if bits else ""


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def colours(p: domain_profile.Profile) -> charts.AreaColours:
    """The profile's one colour per area (``charts.area_colours``): the area dark blue, the partnership's orange;
    every chart, the map and the key use it."""
    return charts.area_colours(dict.fromkeys([(p.area_code, p.area_name), (codes.COUNTY, codes.COUNTY_NAME)]), p.area_code)


def _key(palette: charts.AreaColours) -> list[dict]:
    """The key to the areas' colours, as the pages draw it (a swatch and the name, the colour in words)."""
    return [{"name": name, "colour": colour, "words": charts.COLOUR_WORDS.get(colour, "grey")} for colour, name in palette.key()]


def _map(con: Con, p: domain_profile.Profile, palette: charts.AreaColours) -> dict:
    area = warehouse.area(con, p.area_code)
    area_type = str(area["area_type"])
    context_type = area_type if area_type in ("aap", "division_2013", "division_2025", "msoa") else "aap"
    context = warehouse.geometry(con, context_type)
    chart = charts.area_locator(
        context.iloc[0:0] if p.is_county else context,
        warehouse.area_geometry(con, p.area_code),
        warehouse.geometry(con, "county"),
        places=warehouse.places(con),
        ring=area_type in ("lsoa", "msoa"),
        width=170,
        height=170,
        colour=palette[p.area_name],
    )
    edge = palette.words(codes.COUNTY_NAME)
    if p.is_county:
        what = f"{codes.COUNTY_NAME} ({edge})"
        caption = f"{what}."
    else:
        caption = f"The area ({palette.words(p.area_name)}) in {codes.COUNTY_NAME} (its boundary {edge})."
        what = f"{p.area_name} ({palette.words(p.area_name)}) within {codes.COUNTY_NAME} (boundary {edge})"
    return _picture(svg(chart), f"Map of {what}, with the largest towns named.", caption, "map")


def _trend(p: domain_profile.Profile, palette: charts.AreaColours) -> dict:
    """The chosen measure month by month from a year before the period, the area against the county."""
    span = f"{words.month_words(p.trend_from)} to {words.month_words(p.period.end)}"
    chart = charts.trend(
        crime.trend_frame(list(p.trend)),
        value="rate",
        series="area_name",
        title=f"Rate {RATE_UNIT}",
        description="Trend",
        colours=palette,
    ).properties(width=CHART_WIDTH, height=130)
    gaps = [f.period.start for f in p.trend if f.area_code == p.area_code and f.count is None]
    county = "" if p.is_county else f" and {codes.COUNTY_NAME} ({palette.words(codes.COUNTY_NAME)})"
    return _picture(
        svg(chart),
        f"Line chart of {p.measure_label.lower()} {RATE_UNIT}, {span}, for {p.area_name} ({palette.words(p.area_name)}){county}.",
        f"Each month's count times 12, {RATE_UNIT}, {span}."
        + (f" No police.uk data for {words.months_words(gaps)} (gaps)." if gaps else ""),
    )


def _reading(p: domain_profile.Profile) -> str:
    """How to read the tables: the comparison, the change on last year and its months."""
    parts = []
    if not p.is_county:
        parts.append(
            f"Higher or lower: the 95% intervals of the area and the rest of {codes.THE_AREA} ({codes.THE_AREA} without "
            "it) do not overlap; otherwise similar."
        )
    if p.change_months:
        parts.append(
            f"Change on last year: {p.change_months} (the count in the same months a year earlier); in bold where the "
            "difference is bigger than chance would explain."
        )
    if p.change_note:
        parts.append(p.change_note)
    return " ".join(parts)


def _caption(p: domain_profile.Profile, what: str) -> str:
    change = f"; change on last year: {p.change_months}" if p.change_months else ""
    return f"{what}, {p.period.label}{change}. Source: data.police.uk; rates {RATE_UNIT}."


def context(con: Con, p: domain_profile.Profile, link: str, caveats: tuple[str, ...]) -> dict:
    """What the template shows, every value plain text (the template escapes it)."""
    palette = colours(p)
    per = p.period
    return {
        "title": f"{p.area_name}: community safety profile, {per.label}",
        "area": p.area_name,
        "kind": "" if p.is_county else p.type_label,
        "period": per.label,
        "coverage": per.coverage_note,
        "source": f"{POLICE_SOURCE} (police recorded crime, open data)",
        "unit": RATE_UNIT,
        "county": p.is_county,
        "summary": _summary(p),
        "method": p.method,
        "key": _key(palette),
        "map": _map(con, p, palette),
        "headline": _rows(p, p.against),
        "headline_caption": _caption(p, "Headline figures"),
        "reading": _reading(p),
        "not_published": p.not_published,
        "measure": p.measure_label,
        "trend": _trend(p, palette),
        "types": _rows(p, p.types_against),
        "types_caption": _caption(p, "Each police.uk category, highest rate first"),
        "deprivation": p.deprivation,
        "caveats": caveats,
        "sources": [{"title": t, "url": u, "licence": lic} for t, u, lic in sources()],
        "place": codes.COUNTY_NAME,
        "area_word": codes.AREA_WORD,
        "partnership": codes.PARTNERSHIP,
        "licence": LICENCE,
        "os_notice": OS_NOTICE,
        "ogl_url": OGL_URL,
        "link": link,
    }


def document(con: Con, code: str, start: str, end: str, measure_id: str, link: str, caveats: tuple[str, ...] = ()) -> str:
    """The profile of one area and period as one print-ready HTML file (UTF-8 text)."""
    p = domain_profile.build(con, code, start, end, measure_id)
    return TEMPLATES.get_template("profile.html.j2").render(context(con, p, link, caveats))


def pdf(con: Con, code: str, start: str, end: str, measure_id: str, link: str, caveats: tuple[str, ...] = ()) -> bytes:
    """The same profile as a PDF of A4 pages (chromium prints the HTML; ``pdf_render.PdfError`` when it cannot)."""
    return pdf_render.render(document(con, code, start, end, measure_id, link, caveats))


def file_name(code: str, start: str, end: str, extension: str = "pdf") -> str:
    return f"profile-{code}-{start}-to-{end}.{extension}"
