"""The layout the README describes is the tree: every product module is in a layer of the import
contract and has its line in the README; no private Streamlit module is used anywhere."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["sdp_dash", "pages"]


def modules() -> list[str]:
    out = []
    for top in PRODUCT:
        for f in sorted((ROOT / top).rglob("*.py")):
            rel = f.relative_to(ROOT)
            if f.name == "__init__.py" and f.stat().st_size == 0:
                continue
            out.append(rel.as_posix())
    return out


def test_every_top_level_module_is_in_a_layer():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    tops = {
        f"sdp_dash.{p.stem}"
        for p in (ROOT / "sdp_dash").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert tops <= named, f"modules outside every layer: {sorted(tops - named)}"


def test_readme_layout_has_a_line_per_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1]
    missing = [m for m in modules() if m not in layout and not m.endswith("__init__.py")]
    assert not missing, f"README layout misses {missing}"
    listed = set(re.findall(r"((?:sdp_dash|pages)/[\w/]+\.py)", layout))
    gone = sorted(m for m in listed if not (ROOT / m).exists())
    assert not gone, f"README layout lists modules that do not exist: {gone}"


def test_no_private_streamlit_modules():
    private = re.compile(
        r"streamlit\.(runtime|web|elements|proto|dataframe_util|delta_generator)|_page_hash|_registered_pages|PagesManager|ScriptRunContext"
    )
    found = []
    # bench/ speaks Streamlit's websocket protocol (its protobuf messages) and profiles its internals on purpose;
    # the product and its tests use public APIs only.
    for top in ("sdp_dash", "pages", "tests", "app.py"):
        for f in (ROOT / top).rglob("*.py") if (ROOT / top).is_dir() else [ROOT / top]:
            if f.name == "test_layout.py":
                continue
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                if private.search(line):
                    found.append(f"{f.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not found, "\n".join(found)
