"""About the data: sources and licences, coverage (including the gaps), the area model, methods, accessibility."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sdp_dash import charts
from sdp_dash.config import codes, manifest, partnership, settings
from sdp_dash.domain import home, words
from sdp_dash.web import cache, cards, data, frame
from sdp_dash.web.escape import link, md, safe_url


@dataclass(frozen=True)
class _Content:
    """The page's tables and words from the warehouse, built once per warehouse generation (cached)."""

    built: str
    police_table: pd.DataFrame
    attribution: str
    references: str  # markdown list
    coverage_text: str  # markdown
    coverage_table: pd.DataFrame
    evidence_table: pd.DataFrame
    areas_text: str  # markdown: the partnership's area model
    statement: str  # the accessibility statement (markdown)


def _content(_con) -> _Content:
    police = data.police_sources_by_force()
    force_names = {f.slug: f.name for f in manifest.load().forces}
    police_table = pd.DataFrame(
        {
            "Source": [f"Street-level crime and anti-social behaviour, {force_names.get(f, f)}" for f in police["force"]],
            "Publisher": police["publisher"],
            "Months loaded": [words.months_words(list(m)) for m in police["months"]],
            "Files": police["files"],
            "Licence": police["licence"],
        }
    )
    src = data.sources()
    references = "\n".join(
        f"- **{link(r.title, r.page if safe_url(r.page) else r.url)}** — {md(r.publisher)}. Licence: {md(r.licence)}. "
        f"_{md(r.attribution)}_"
        for r in src[src["kind"] != "police"].itertuples()
    )
    cov = data.coverage()
    cov_wide = cov.assign(force=cov["force"].map(lambda f: force_names.get(f, f))).pivot_table(
        index="month", columns="force", values="status", aggfunc="first"
    )
    cov_wide = cov_wide.map(lambda s: "loaded" if s == "present" else "missing")
    cov_wide.index = [words.month_words(m) for m in cov_wide.index]
    missing = sorted(set(cov[cov["status"] == "missing"]["month"]))
    coverage_text = (
        f"The police.uk files loaded run from {words.month_words(cov['month'].min())} to {words.month_words(cov['month'].max())}. "
        + (f"There is no data for **{words.months_words(missing)}**. " if missing else "")
        + "A change against a year earlier is only shown for months that are covered in both years, and the page says which months it compares."
    )
    ev = data.aap_evidence()
    evidence = pd.DataFrame(
        {
            "Area board": ev["aap_name"],
            "Electoral division (2013-2025)": ev["division_name"],
            "Confidence": ev["confidence"],
            "Evidence": ev["evidence"],
        }
    )
    statement = settings.PROJECT_ROOT / "docs" / "accessibility.md"
    return _Content(
        built=data.built_at()[:16].replace("T", " at "),
        police_table=police_table,
        attribution=str(police["attribution"].iloc[0]) if len(police) else "",
        references=references,
        coverage_text=coverage_text,
        coverage_table=cov_wide.reset_index(names="Month"),
        evidence_table=evidence,
        areas_text=areas_text(),
        statement=statement_words(statement.read_text(encoding="utf-8"))
        if statement.exists()
        else "The accessibility statement is being written.",
    )


content = cache.cached(_content, max_entries=2)

_RATE = "per 1,000 residents a year"
# Every column of every CSV download (and of the command line's export): what it means and its unit.
# tests/app/test_tidy_downloads.py checks that every column of every download is listed here.
_COLUMNS = [
    (
        "Every police.uk file",
        "area_code",
        "The area's code (ONS code, or the dashboard's code for an area board or division)",
        "text",
    ),
    ("Every police.uk file", "area_name", "The area's name", "text"),
    ("Every police.uk file", "measure_id", "The measure's code, e.g. all_crime, robbery", "text"),
    ("Every police.uk file", "measure", "The measure's name", "text"),
    ("Every police.uk file", "period_from", "First month of the period", "YYYY-MM"),
    ("Every police.uk file", "period_to", "Last month of the period", "YYYY-MM"),
    ("Every police.uk file", "months_with_data", "How many months of the period have police.uk data", "months"),
    (
        "Every police.uk file",
        "count",
        "Crimes or incidents recorded in the months with data; empty when withheld or no data",
        "number",
    ),
    ("Every police.uk file", "residents", "Usual residents of the area (Census 2021)", "people"),
    ("Every police.uk file", "rate", f"The count {_RATE}, annualised when the period is not 12 months with data", _RATE),
    ("Every police.uk file", "lower", "Lower limit of the rate's 95% interval", _RATE),
    ("Every police.uk file", "upper", "Upper limit of the rate's 95% interval", _RATE),
    ("Every police.uk file", "unit", "The unit of rate, lower and upper (or of the file's value)", "text"),
    (
        "Every police.uk file",
        "status",
        "shown; fewer than 5 (a count of 1 to 4 of violence and sexual offences or robbery, with its rate, is withheld); "
        "withheld (withheld so that a small number beside it cannot be worked out); no data (no police.uk file for "
        "the months)",
        "text",
    ),
    ("Every police.uk file", "note", "What a reader must know: months annualised or missing, an approximate area", "text"),
    ("Map and trend files", "count_shown", "The count as the page says it (the map's tooltip): words where withheld", "text"),
    ("What happened next", "outcome_group, outcome", "The group of police.uk outcomes (its code and name)", "text"),
    ("What happened next", "crimes", "Crimes recorded in the area and period (or month); empty when withheld", "number"),
    (
        "What happened next",
        "share",
        "Share of the crimes recorded with this latest outcome; lower and upper are its 95% interval",
        "0 to 1",
    ),
    (
        "What happened next",
        "month, still_open_share",
        "A month, and the share of its crimes still open when the data were published",
        "YYYY-MM; 0 to 1",
    ),
    (
        "What happened next",
        "compared_with_rest_of_county, compared_with_rest_of_force_area",
        "higher, similar or lower than the rest of the partnership's area or force area (95% intervals), or why not compared",
        "text",
    ),
    (
        "Deprivation",
        "imd_decile",
        "National decile of the Index of Multiple Deprivation 2019 (1 = most deprived 10% in England)",
        "1 to 10",
    ),
    ("Deprivation", "small_areas", "Small areas (LSOAs) of the area in the decile", "number"),
    ("Deprivation", "most_deprived_decile, least_deprived_decile", "The deciles whose rates are compared", "1 to 10"),
    ("Deprivation", "rate_most_deprived, rate_least_deprived", "The rates in those deciles", _RATE),
    (
        "Deprivation",
        "ratio",
        "Rate in the most deprived decile divided by the rate in the least (lower and upper: 95% interval)",
        "ratio",
    ),
    ("Priority pages", "months_compared, months_a_year_earlier", "The months set side by side (separated by spaces)", "YYYY-MM"),
    ("Priority pages", "count_in_months_compared, count_a_year_earlier", "Counts in those months; empty when withheld", "number"),
    ("Priority pages", "change_percent", "Change on a year earlier", "%"),
    (
        "Published indicators",
        "area_level, indicator_id, series_id, series",
        "Kind of area, the dashboard's indicator, and the published series",
        "text",
    ),
    ("Published indicators", "period", "The period as published (period_from and period_to when it is stated)", "text"),
    ("Published indicators", "value", "The published value (empty when not given)", "unit"),
    ("Published indicators", "quality, source, source_url", "The figure's quality, and the page it was taken from", "text"),
    ("Long view", "source", "The source's id in the warehouse (ONS recorded crime by police force area)", "text"),
]
DICTIONARY = pd.DataFrame(_COLUMNS, columns=["Files", "Column", "Meaning", "Unit"])


def dictionary_columns() -> set[str]:
    """Every column name the data dictionary describes."""
    return {c.strip() for names in DICTIONARY["Column"] for c in names.split(",")}


def render() -> None:
    c = content()
    st.title("About the data")
    st.markdown(
        "Where the figures come from, which months are covered, how areas are built and how the statistics are "
        f"worked out. Warehouse built {md(c.built)} (UTC)."
    )
    _sources(c)
    _coverage_and_areas(c)
    _methods()
    _dictionary()
    st.header("Accessibility", anchor=False)
    st.markdown(c.statement)


def _sources(c) -> None:
    st.header("Sources", anchor=False)
    st.markdown("All the data is open data, published under the licences below.")
    st.subheader("Police recorded crime (data.police.uk)", anchor=False)
    st.table(c.police_table, hide_index=True)
    if c.attribution:
        st.caption(f"Attribution: {c.attribution}")
    st.markdown(
        "Source files: [data.police.uk/data](https://data.police.uk/data/). " + cards.CAVEAT_POINTS + " " + cards.CAVEAT_FORCE
    )

    st.subheader("Reference data", anchor=False)
    st.markdown(c.references)


def _coverage_and_areas(c) -> None:
    st.header("Coverage by month", anchor=False)
    st.markdown(c.coverage_text)
    with st.expander("Months loaded for each police force", icon=":material/table:"):
        st.table(c.coverage_table, hide_index=True)

    st.header("Areas", anchor=False)
    st.markdown(c.areas_text)
    st.markdown(
        f"**Background map.** {md(charts.basemap_words(settings.get('SDP_BASEMAP')))} The site's operator chooses this "
        "(none, CARTO, or their own tile server); with none, nothing about your visit reaches another website. "
        "Whatever the background, the areas, their colours, the place names and the tables still show."
    )
    if not c.evidence_table.empty:
        with st.expander("How each electoral division was assigned to an area board", icon=":material/table:"):
            st.table(c.evidence_table, hide_index=True)


def _methods() -> None:
    st.header("Methods", anchor=False)
    st.markdown(
        """
    - **Rates** are per 1,000 usual residents (Census 2021) **a year**. A period of 12 months that all have data gives
      the plain 12-month rate. Any other period (a custom length, or one with months missing) is **annualised** from the
      months that have data (their count times 12, divided by the number of those months), and every such figure says so,
      e.g. "annualised from 9 of 12 months". Monthly trend points are each month's count times 12, on the same scale.
    - **95% intervals** show the range the underlying rate is likely to be in: exact Poisson intervals for counts under 10,
      Byar's method otherwise (the public-health convention).
    - **Higher, similar or lower** than another area means the two 95% intervals do not overlap (higher or lower) or
      overlap (similar). An area is never compared with an area that holds it: an area of THE_AREA is compared with
      the rest of THE_AREA (THE_AREA without it), and THE_AREA is shown beside it for context. Where there is no
      interval, the page says "not compared".
    - **Change on a year earlier** compares the same months in both years, only where both are fully covered. Whether a
      change is "bigger than chance would explain" comes from an exact two-sided test (the count in one year, given the
      total of both, follows a binomial distribution with probability one half if nothing changed), at the 5% level.
    - **Small numbers**: for violence and sexual offences and robbery, counts of 1 to 4 in an area are shown as
      "fewer than 5" and their rates are not shown; these categories are never shown as points on a map.
    - **Figures withheld so small numbers cannot be worked out.** Figures add up: the crime types make all crime,
      small areas make their neighbourhood, months make the period, deciles make the whole. So when one figure is
      withheld, at least one other figure in each such sum is withheld too ("withheld"), so that no small number can
      be found by addition or subtraction from what is shown, on any page, download or data export for the same
      period. The rule picks the figure to withhold the same way every time: another of the two sensitive types
      before any other type, a type before a total, a month before a whole period, a small area before a larger
      one, then the smallest number. Headline totals are kept wherever a type can be withheld instead.
    - **What this does not do.** Periods can be chosen freely, so the figures of two overlapping periods can still be
      subtracted from each other; and police.uk itself publishes every crime at street level, month by month. The rule
      keeps small numbers of these crimes off this site's pages; it does not make them secret.
    - **Recorded crime** reflects how often people report crime and how the police record it, as well as how much
      crime there is.
    """.replace("THE_AREA", codes.THE_AREA)
    )


def _dictionary() -> None:
    st.header("The downloads: a data dictionary", anchor=False)
    st.markdown(
        "Every chart and table can be downloaded as a CSV file, and the command line's `export` writes the same "
        "columns. Each file is data, not a picture of a table: one row per figure, numbers written plainly (no "
        "thousands separators, so 48409 rather than 48,409), each number in a column of its own, and an **empty** "
        "cell where a number is withheld or there is no data, with the `status` column saying why. Every police.uk "
        "file has the same columns; other files have those that apply to them, and the columns listed under them."
    )
    st.table(DICTIONARY, hide_index=True)


# Streamlit runs a file of pages/ on its own when a fresh server process's very first request is for that
# address (its old pages-folder routing): the file then runs the whole app, which opens this address.
if __name__ == "__main__":
    from pages import site

    site.run()


_AUTHORITY_KINDS = {"E06": "unitary authority", "E08": "metropolitan borough", "E09": "London borough", "W06": "principal area"}


def statement_words(text: str) -> str:
    """The accessibility statement in the partnership's words: its {dashboard}, {partnership}, {the_area} and
    {contact} (the partnership's file in data/partnerships/, else the partnership's council)."""
    p = partnership.active()
    contact = partnership.own_words("contact") or f"{p.name}'s council"
    title = p.title if p.title.lower().startswith("the ") else f"the {p.title}"
    fields = {"dashboard": frame.dashboard_title(), "partnership": title[4:], "the_area": p.the_area, "contact": contact}
    for key, value in fields.items():
        text = text.replace("{" + key + "}", value)
    return text


def areas_text() -> str:
    """The area model in words (markdown): the partnership's authority and police force, its small areas and
    neighbourhoods, its electoral areas, and the local area sets only its file lists (area boards)."""
    p, h = partnership.active(), home.current()
    kind = _AUTHORITY_KINDS.get(p.code[:3], "local authority")
    others = [n for _, n in h.neighbours]
    shared = (
        f" {h.force_name(h.force_code)} also covers {home.joined(others)}, which "
        + ("has its own partnership." if len(others) == 1 else "each have their own partnership.")
        if others
        else ""
    )
    ward, short = p.ward[:1].upper() + p.ward[1:], p.ward.split()[-1]  # "Electoral division", "division"
    now = len(data.areas("division_2025"))
    then = len(data.areas("division_2013")) if "division_2013" in p.area_sets else 0
    counted = f"{then} from 2013 to May 2025; {now} since" if then else f"{now} since May 2025"
    lines = [
        f"- **{p.name}** is the {kind} {p.code}. Partnership figures use {p.name}'s small areas only:{shared}",
        "- **Small areas (LSOAs, 2021)** are the building block: police.uk gives each crime's small area, and Census 2021 "
        "gives each small area's residents. **Neighbourhoods (MSOAs)** use the House of Commons Library's names.",
        f"- **{ward}s** ({counted}) do not follow small-area boundaries, so each small area is assigned to the "
        f"{short} that holds its population-weighted centre: {short} figures are **approximate**.",
    ]
    if "aap" in p.area_sets:
        lines += AREA_BOARDS
    lines.append(
        "- **Boundaries** are the Office for National Statistics' generalised clipped boundaries (2021 small areas and "
        f"neighbourhoods; {short} boundaries from their own ONS files)."
    )
    return "\n".join(lines)


AREA_BOARDS = [  # the area boards: only where the partnership's file lists them (area_sets)
    "- **Area boards**: the 14 Area Action Partnerships (2009 to 2025) have no published boundary. Each is built here "
    'as an **approximate best fit**: divisions are assigned to boards using the council\'s "where we cover" lists, and '
    "each small area goes to the board of its division, except the small areas of divisions that are split between "
    "boards, which go to the board of the settlement they cover. The evidence and our confidence for each division are "
    "listed below.",
    "- The **12 Local Networks** that replaced the Area Action Partnerships in April 2025 are not available yet: their "
    "lists of divisions were not published in a form we could use.",
]
