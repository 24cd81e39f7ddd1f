"""Every warehouse and domain call the pages make, as typed cached functions (see ``cache.cached``)."""

from __future__ import annotations

from sdp_dash import warehouse
from sdp_dash.domain import crime, places
from sdp_dash.web.cache import cached

# Warehouse facts
present_months = cached(warehouse.present_months)
built_at = cached(warehouse.built_at)
area = cached(warehouse.area)
areas = cached(warehouse.areas)
geometry = cached(warehouse.geometry, max_entries=20)
deprivation_for_area = cached(warehouse.deprivation_for_area)
incident_points = cached(warehouse.incident_points, max_entries=200)
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
area_figures = cached(crime.area_figures)
monthly_figures = cached(crime.monthly_figures)
force_figures = cached(crime.force_figures)
change = cached(crime.change)
against_county = cached(crime.against_county)
period = cached(crime.period)
deprivation_summary = cached(crime.deprivation_summary)
area_method = cached(places.area_method)


def _search_index(con):
    return places.search_index(warehouse.search_areas(con), warehouse.aap_evidence(con))


search_index = cached(_search_index, max_entries=2)
