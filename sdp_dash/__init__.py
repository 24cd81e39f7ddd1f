"""A community safety partnership's dashboard: open data -> one DuckDB warehouse -> Streamlit pages."""

__version__ = "0.1.0"
