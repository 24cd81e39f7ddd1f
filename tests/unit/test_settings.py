from pathlib import Path

from sdp_dash.config import settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text()
    for s in settings.SETTINGS:
        assert f"`{s.name}`" in text, s.name


def test_relative_paths_are_taken_from_the_project(monkeypatch):
    monkeypatch.setenv("SDP_WAREHOUSE", "data/x.duckdb")
    assert settings.path("SDP_WAREHOUSE") == settings.PROJECT_ROOT / "data" / "x.duckdb"
    monkeypatch.setenv("SDP_MIRROR", "")
    assert settings.source_root() == settings.path("SDP_DOWNLOADS")
