"""A strategic-priority page; the file name is its address and pages/priority.py draws it from the catalogue."""

from pathlib import Path

from pages import priority

priority.render_path(Path(__file__).stem)
