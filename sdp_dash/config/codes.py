"""Area codes and constants used across the project: one place for each.

The partnership shown is a setting (SDP_PARTNERSHIP, see sdp_dash/config/partnership.py): ``COUNTY``,
``COUNTY_NAME``, ``PARTNERSHIP`` and ``HOME_FORCE`` are read from it on each use (module ``__getattr__``), so
a test or a process that changes the setting sees the new partnership.  Other partnerships, even those
sharing its police force, are comparators, never part of its totals.
"""

from __future__ import annotations

import re

DARLINGTON = "E06000005"  # TRANSITION (issue 20): to be replaced by the partnership's comparators
FORCES = ("E23000008", "E23000013", "E23000007")  # Durham, Cleveland, Northumbria
NORTH_EAST = "E12000001"
ENGLAND = "E92000001"
ENGLAND_AND_WALES = "K04000001"
GREAT_BRITAIN = "K03000001"
NORTH_EAST_LAS = (
    "E06000001",  # Hartlepool
    "E06000002",  # Middlesbrough
    "E06000003",  # Redcar and Cleveland
    "E06000004",  # Stockton-on-Tees
    "E06000005",  # Darlington
    "E06000047",  # County Durham
    "E06000057",  # Northumberland
    "E08000021",  # Newcastle upon Tyne
    "E08000022",  # North Tyneside
    "E08000023",  # South Tyneside
    "E08000024",  # Sunderland
    "E08000037",  # Gateshead
)


# Police force areas in the order pages show them, with the names police.uk uses.
DURHAM_FORCE, CLEVELAND_FORCE, NORTHUMBRIA_FORCE = FORCES
# Area types inside the county that a page can show, largest first.
COUNTY_TYPES = ("county", "aap", "division_2025", "division_2013", "msoa", "lsoa")
DEFAULT_MEASURE = "all_crime"

# The 14 police.uk street-level categories (13 crime types and anti-social behaviour).
CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

# The analyses' pages, in menu order (pages/site.py registers them; the browser tests and the server's
# warm-up visit every page in this order).
ANALYSIS_PAGES = ("outcomes", "deprivation", "long-view")

# Areas big enough to compare deprivation deciles within (the deprivation page shows the county's for others);
# the disclosure rule ties only these areas' deciles to their small areas.
DECILE_AREA_TYPES = ("county", "aap")


# A full UK postcode: outward code (area letters, district) and inward code (sector digit, unit letters).
# Written once: the build places postcodes with it and "Find your area" reads them with it.
POSTCODE_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
POSTCODE = re.compile(rf"^({POSTCODE_OUTWARD}) ?([0-9])([A-Z]{{2}})$")


def normalise_postcode(text: str) -> str | None:
    """A full postcode in its standard form ("DH1 1AB") from any case and spacing, else None."""
    compact = re.sub(r"\s+", "", str(text or "")).upper()
    m = POSTCODE.match(compact) if 5 <= len(compact) <= 7 else None
    return f"{m.group(1)} {m.group(2)}{m.group(3)}" if m else None


def __getattr__(name: str) -> str:
    """The chosen partnership's code, name, title and police force, read from the setting on each use."""
    from sdp_dash.config import partnership

    if name == "COUNTY":
        return partnership.code()
    if name == "COUNTY_NAME":
        return partnership.active().name
    if name == "PARTNERSHIP":
        return partnership.active().title
    if name == "HOME_FORCE":
        return partnership.active().force_code
    raise AttributeError(name)
