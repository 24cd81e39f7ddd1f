"""The six priority pages (placeholder: a colleague generates their content from the indicator catalogue)."""

from __future__ import annotations

import streamlit as st

from sdp_dash import ui

TITLES = {
    "being_safe": "Being safe and feeling safe",
    "victims": "Victims and vulnerable people",
    "prevent": "Prevent",
    "reoffending": "Reducing reoffending",
    "alcohol_drugs": "Alcohol and substance misuse",
    "cyber": "Cyber-enabled crime",
}


def render(priority_id: str) -> None:
    state = ui.view_state()
    ui.page_header(TITLES.get(priority_id, "Partnership priority"), state)
    st.info("The indicators for this priority are being added.", icon=":material/construction:")
