"""About the data: sources and licences, coverage (including the gaps), the area model, methods, accessibility."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdp_dash import ui
from sdp_dash.config import settings
from sdp_dash.domain import words

state = ui.view_state()
st.title("About the data")
st.markdown(
    "Where the figures come from, which months are covered, how areas are built and how the statistics are "
    f"worked out. Warehouse built {ui.md_escape(ui.q('built_at')[:16].replace('T', ' at '))} (UTC)."
)

st.header("Sources", anchor=False)
st.markdown("All the data is open data, published under the licences below.")
police = ui.q("police_sources_by_force")
force_names = ui.force_names()
police_table = pd.DataFrame(
    {
        "Source": [f"Street-level crime and anti-social behaviour, {force_names.get(f, f)}" for f in police["force"]],
        "Publisher": police["publisher"],
        "Months loaded": [words.months_words(list(m)) for m in police["months"]],
        "Files": police["files"],
        "Licence": police["licence"],
    }
)
st.subheader("Police recorded crime (data.police.uk)", anchor=False)
st.table(police_table, hide_index=True)
if len(police):
    st.caption(f"Attribution: {police['attribution'].iloc[0]}")
st.markdown("Source files: [data.police.uk/data](https://data.police.uk/data/). " + ui.CAVEAT_POINTS + " " + ui.CAVEAT_FORCE)

st.subheader("Reference data", anchor=False)
src = ui.q("sources")
ref = src[src["kind"] != "police"]
for r in ref.itertuples():
    link = r.page if isinstance(r.page, str) and r.page.startswith("http") else (r.url if isinstance(r.url, str) else "")
    title = f"[{ui.md_escape(r.title)}]({link})" if link.startswith("http") else ui.md_escape(r.title)
    st.markdown(
        f"- **{title}** — {ui.md_escape(r.publisher)}. Licence: {ui.md_escape(r.licence)}. _{ui.md_escape(r.attribution)}_"
    )

st.header("Coverage by month", anchor=False)
cov = ui.q("coverage")
cov_wide = cov.assign(force=cov["force"].map(lambda f: force_names.get(f, f))).pivot_table(
    index="month", columns="force", values="status", aggfunc="first"
)
cov_wide = cov_wide.map(lambda s: "loaded" if s == "present" else "missing")
cov_wide.index = [words.month_words(m) for m in cov_wide.index]
missing = sorted(set(cov[cov["status"] == "missing"]["month"]))
st.markdown(
    f"The police.uk files loaded run from {words.month_words(cov['month'].min())} to {words.month_words(cov['month'].max())}. "
    + (f"There is no data for **{words.months_words(missing)}**. " if missing else "")
    + "A change against a year earlier is only shown for months that are covered in both years, and the page says which months it compares."
)
with st.expander("Months loaded for each police force", icon=":material/table:"):
    st.table(cov_wide.reset_index(names="Month"), hide_index=True)

st.header("Areas", anchor=False)
st.markdown(
    """
- **County Durham** is the unitary authority E06000047. Partnership figures use County Durham's small areas only:
  Durham Constabulary also covers Darlington, which has its own partnership.
- **Small areas (LSOAs, 2021)** are the building block: police.uk gives each crime's small area, and Census 2021
  gives each small area's residents. **Neighbourhoods (MSOAs)** use the House of Commons Library's names.
- **Electoral divisions** (63 from 2013 to May 2025; 51 since) do not follow small-area boundaries, so each small
  area is assigned to the division that holds its population-weighted centre.
- **Area boards**: the 14 Area Action Partnerships (2009 to 2025) have no published boundary. Each is built here
  as an **approximate best fit** from electoral divisions, using the council's "where we cover" lists; the evidence
  and our confidence for each division are listed below.
- The **12 Local Networks** that replaced the Area Action Partnerships in April 2025 are not available yet: their
  lists of divisions were not published in a form we could use.
- **Boundaries** are the Office for National Statistics' generalised clipped boundaries (2021 small areas and neighbourhoods; division boundaries from their own ONS files). The **background map**
  under them is CARTO's Positron style drawn from OpenStreetMap data (© CARTO, © OpenStreetMap contributors);
  your browser fetches it from CARTO. If it cannot load, the areas, their colours and the tables still show.
"""
)
ev = ui.q("aap_evidence")
with st.expander("How each electoral division was assigned to an area board", icon=":material/table:"):
    st.table(
        pd.DataFrame(
            {
                "Area board": ev["aap_name"],
                "Electoral division (2013-2025)": ev["division_name"],
                "Confidence": ev["confidence"],
                "Evidence": ev["evidence"],
            }
        ),
        hide_index=True,
    )

st.header("Methods", anchor=False)
st.markdown(
    """
- **Rates** are per 1,000 usual residents (Census 2021), for the months in the period that have data.
- **95% intervals** show the range the underlying rate is likely to be in: exact Poisson intervals for counts under 10,
  Byar's method otherwise (the public-health convention).
- **Higher, similar or lower** than another area (or the county) means the two 95% intervals do not overlap
  (higher or lower) or overlap (similar). Where there is no interval, the page says "not compared".
- **Change on a year earlier** compares the same months in both years, only where both are fully covered. Whether a
  change is "bigger than chance would explain" comes from an exact two-sided test (the count in one year, given the
  total of both, follows a binomial distribution with probability one half if nothing changed), at the 5% level.
- **Small numbers**: for violence and sexual offences and robbery, counts of 1 to 4 in an area are shown as
  "fewer than 5" and their rates are not shown; these categories are never shown as points on a map.
- **Recorded crime** reflects how often people report crime and how the police record it, as well as how much
  crime there is.
"""
)

st.header("Accessibility", anchor=False)
statement = settings.PROJECT_ROOT / "docs" / "accessibility.md"
st.markdown(statement.read_text(encoding="utf-8") if statement.exists() else "The accessibility statement is being written.")
