"""Every warehouse and domain call the pages make, as typed cached functions (see ``cache.cached``)."""

from __future__ import annotations

from sdp_dash import warehouse
from sdp_dash.domain import crime, places
from sdp_dash.web.cache import cached, pure

# Warehouse facts
present_months = cached(warehouse.present_months)
built_at = cached(warehouse.built_at)
area = cached(warehouse.area)
areas = cached(warehouse.areas)
geometry = cached(warehouse.geometry, max_entries=20)
deprivation_for_area = cached(warehouse.deprivation_for_area)
incident_points = cached(warehouse.incident_points, max_entries=50)
sources = cached(warehouse.sources)
aap_evidence = cached(warehouse.aap_evidence)
coverage = cached(warehouse.coverage)
police_sources_by_force = cached(warehouse.police_sources_by_force)
source = cached(warehouse.source)

# police.uk figures
measures = cached(crime.measures)
figure = cached(crime.figure)
key_figures = cached(crime.key_figures)
type_figures = cached(crime.type_figures)
area_figures = cached(crime.area_figures, max_entries=24)  # up to 330 figures each
monthly_figures = cached(crime.monthly_figures)
trend_figures = cached(crime.trend_figures)
force_figures = cached(crime.force_figures)
change = cached(crime.change)
against_county = cached(crime.against_county)
period = cached(crime.period)
deprivation_summary = cached(crime.deprivation_summary)
area_method = cached(places.area_method)
search_examples = cached(places.search_examples)

# Tables and chart data of some figures: pure functions of the (frozen) figures, built once.
# The frames are shared: a caller that needs another column makes its own copy.
table = pure(crime.table)
frame = pure(crime.frame)
trend_frame = pure(crime.trend_frame)
trend_table = pure(crime.trend_table)


def _search_index(con):
    return places.search_index(
        warehouse.find_areas(con), warehouse.aap_evidence(con), warehouse.places(con), warehouse.lsoa_parents(con)
    )


search_index = cached(_search_index, max_entries=2)


def _area_options(_con) -> dict[str, str]:
    """Area code -> name with its kind, for pickers (never a code alone)."""
    idx = search_index()
    found = idx[idx["kind"].isin(["county", "aap", "division_2025", "division_2013", "msoa", "lsoa"])]
    found = found.sort_values("order", kind="stable").drop_duplicates("area_code")
    return dict(zip(found["area_code"], found["label"], strict=True))


area_options = cached(_area_options, max_entries=2)

# Priority pages: each indicator's card and the "at a glance" rows, built once per indicator, area and period
from sdp_dash.domain import indicator_cards  # noqa: E402

police_card = cached(indicator_cards.police_card)
published_card = cached(indicator_cards.published_card)
glance = cached(indicator_cards.glance)


# Find your area: the search itself is never cached (a postcode is personal: it is not kept anywhere)
towns = cached(warehouse.places)


def find(query: str) -> places.Finding:
    """What the 'Find your area' box found for a query (postcode, sector, district or name)."""
    from sdp_dash.web import connection

    return places.find(connection.cursor(), search_index(), query)


def _published_chart(con, indicator_id: str) -> tuple[dict, str, int]:
    """A published indicator's chart (spec, unit, points drawn), built once: the unit most of its figures have."""
    from sdp_dash import charts
    from sdp_dash.domain import published
    from sdp_dash.web.cache import vega_spec

    figs = list(indicator_cards.published_card(con, indicator_id).figures)
    unit = max({f.unit for f in figs}, key=lambda u: sum(f.unit == u for f in figs))
    df = published.chart_frame([f for f in figs if f.unit == unit])
    return vega_spec(charts.published_lines(df, unit=unit, description=indicator_id)), unit, charts.published_drawn(df, unit)


published_chart = cached(_published_chart)


# What happened next, who is most affected, the long view (issue 12; pages/analyses.py)
from sdp_dash.domain import inequality, long_view, outcomes  # noqa: E402

outcomes_for = cached(outcomes.outcomes)
by_decile = cached(inequality.by_decile)
key_ratios = cached(inequality.key_ratios)
long_view_for = cached(long_view.long_view)


# The area profile document (issue 10, item 5; pages/explore.py): built on request, once per view
from sdp_dash.web import profile as _profile  # noqa: E402

profile_document = cached(_profile.document, max_entries=8)
profile_pdf = cached(_profile.pdf, max_entries=8)  # the same, printed by chromium (issue 18, item 10)
