"""Safe Durham community safety dashboard: page config, the shared frame, and routing only."""

from __future__ import annotations

import importlib

import streamlit as st

from sdp_dash import ui

st.set_page_config(page_title="Safe Durham dashboard", page_icon=":material/shield:", layout="wide")


def _priority(priority_id: str, title: str, url_path: str) -> st.Page:
    def render() -> None:
        importlib.import_module("pages.priority").render(priority_id)

    render.__name__ = f"priority_{priority_id}"
    return st.Page(render, title=title, url_path=url_path)


pages = {
    "Dashboard": [
        st.Page("pages/overview.py", title="Overview", url_path="overview", default=True, icon=":material/home:"),
        st.Page("pages/explore.py", title="Explore an area", url_path="explore", icon=":material/map:"),
        st.Page("pages/compare.py", title="Compare areas", url_path="compare", icon=":material/compare_arrows:"),
    ],
    "Partnership priorities": [
        _priority("being_safe", "Being safe and feeling safe", "being-safe"),
        _priority("victims", "Victims and vulnerable people", "victims"),
        _priority("prevent", "Prevent", "prevent"),
        _priority("reoffending", "Reducing reoffending", "reoffending"),
        _priority("alcohol_drugs", "Alcohol and substance misuse", "alcohol-and-drugs"),
        _priority("cyber", "Cyber-enabled crime", "cyber-crime"),
    ],
    "About": [st.Page("pages/about.py", title="About the data", url_path="about", icon=":material/info:")],
}

page = st.navigation(pages)
ui.frame()
page.run()
