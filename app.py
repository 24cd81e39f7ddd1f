"""Safe Durham community safety dashboard: page config, the shared frame, and routing only."""

from __future__ import annotations

import streamlit as st

from sdp_dash import ui
from sdp_dash.config import catalogue

st.set_page_config(page_title="Safe Durham dashboard", page_icon="🛡️", layout="wide")

pages = {
    "Dashboard": [
        # The default page is served at "/" but cannot also answer "/overview"; a hidden twin does, so
        # a typed or older /overview link opens the Overview rather than a "Page not found" dialog.
        st.Page("pages/overview.py", title="Overview", url_path="home", default=True, icon=":material/home:"),
        st.Page("pages/overview.py", title="Overview", url_path="overview", visibility="hidden"),
        st.Page("pages/explore.py", title="Explore an area", url_path="explore", icon=":material/map:"),
        st.Page("pages/compare.py", title="Compare areas", url_path="compare", icon=":material/compare_arrows:"),
    ],
    # One page per strategic priority, in the plan's order, from data/indicators.toml.
    "Partnership priorities": [
        st.Page(f"pages/{p.url_path}.py", title=p.menu_title, url_path=p.url_path) for p in catalogue.priorities()
    ],
    "About": [st.Page("pages/about.py", title="About the data", url_path="about", icon=":material/info:")],
}

page = st.navigation(pages)
ui.frame()
page.run()
