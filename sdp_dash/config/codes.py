"""Area codes and constants used across the project: one place for each.

The partnership shown is a setting (SDP_PARTNERSHIP, see sdp_dash/config/partnership.py): ``COUNTY``,
``COUNTY_NAME``, ``PARTNERSHIP``, ``HOME_FORCE``, ``THE_AREA`` ("the county", "the area"), ``WHOLE`` (its
entry in lists) and ``WARD`` (its electoral areas' noun) are read from it on each use (module
``__getattr__``), so a test or a process that changes the setting sees the new partnership.  The code names
no place: a place's codes and names live in data/ and the warehouse.  Other partnerships, even those
sharing its police force, are comparators, never part of its totals.
"""

from __future__ import annotations

import re

ENGLAND = "E92000001"
ENGLAND_AND_WALES = "K04000001"
GREAT_BRITAIN = "K03000001"

# The partnership's comparators (the other authorities of its police force, the force areas) are read from
# the warehouse it was built into: sdp_dash/domain/home.py.

# Area types inside the county that a page can show, largest first.
COUNTY_TYPES = ("county", "aap", "division_2025", "division_2013", "msoa", "lsoa")
LOCAL_TYPES = ("aap", "division_2013")  # only where the partnership's file lists them (its area_sets)
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


_WORDS = {"THE_AREA": "the_area", "WHOLE": "whole", "WARD": "ward", "AREA_WORD": "area_word", "AREA_SETS": "area_sets"}


def area_types() -> tuple[str, ...]:
    """The area types the chosen partnership has, largest first (``COUNTY_TYPES`` less the local sets it lacks)."""
    from sdp_dash.config import partnership

    own = partnership.active().area_sets
    return tuple(t for t in COUNTY_TYPES if t not in LOCAL_TYPES or t in own)


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
    if name in _WORDS:
        return getattr(partnership.active(), _WORDS[name])
    raise AttributeError(name)
