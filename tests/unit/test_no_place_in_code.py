"""No place is written into the product's code (issue 20): the partnership is a setting, and what is known
about a place lives in data/ (its partnership file, the manifest, the catalogue) and the warehouse built
from it.  The product's code, pages, scripts and templates name no area code of a local authority, ward,
small area, region or police force, no "Durham" (County Durham, Safe Durham, Durham Constabulary) and no
"Darlington", and no file there is named after a place.  Codes and names are allowed in data/ and tests/.

The scanner is itself tested on a planted file, so a scan that finds nothing is a scan that would have
found something.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where the product's code is: every Python file of the package, the pages, the entry point, the scripts,
# and the templates the package renders.
SCANNED = (
    ("sdp_dash", "**/*.py"),
    ("sdp_dash", "**/templates/*"),
    ("pages", "*.py"),
    (".", "app.py"),
    ("scripts", "*.py"),
)
# ONS/GSS codes of places: small areas (E01), neighbourhoods (E02), wards (E05), local authorities
# (E06-E09, W06), counties (E10), regions (E12) and police force areas (E23).  National codes (England
# E92000001, England and Wales K04000001, Great Britain K03000001) name no place a partnership is in.
PLACE_CODE = re.compile(r"(?<![A-Za-z0-9])(?:E0[1256789]|E1[02]|E23|W0[1256])\d{6}(?![0-9])")
PLACE_WORDS = re.compile(r"durham|darlington", re.IGNORECASE)
PLACE_FILE = re.compile(r"county_durham|durham|darlington", re.IGNORECASE)
# The one place the code may name a place: the setting's documented default (County Durham, so that
# `make run` stays County Durham).  Exact lines, each with the reason; anything else on those files counts.
ALLOWED = {
    ("sdp_dash/config/settings.py", '"E06000047",'): "SDP_PARTNERSHIP's default value",
}


def product_files(root: Path = ROOT) -> list[Path]:
    files: set[Path] = set()
    for folder, pattern in SCANNED:
        files |= {p for p in (root / folder).glob(pattern) if p.is_file() and "__pycache__" not in p.parts}
    return sorted(files)


def findings(files: list[Path], root: Path = ROOT) -> list[str]:
    """Each place named in the files: 'path:line: what' (a code, a place's name, or a file named after one)."""
    out = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        if PLACE_FILE.search(path.name):
            out.append(f"{rel}: the file is named after a place")
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if (rel, line.strip()) in ALLOWED:
                continue
            for m in (*PLACE_CODE.finditer(line), *PLACE_WORDS.finditer(line)):
                out.append(f"{rel}:{n}: {m.group(0)!r} in {line.strip()[:100]!r}")
    return out


def test_the_scan_covers_the_product():
    files = {p.relative_to(ROOT).as_posix() for p in product_files()}
    expected = ("app.py", "pages/overview.py", "sdp_dash/charts.py", "sdp_dash/web/templates/profile.html.j2")
    assert set(expected) <= files
    assert "sdp_dash/config/codes.py" in files and "sdp_dash/pipeline/build.py" in files
    assert not any(f.startswith(("data/", "tests/")) for f in files)


def test_no_place_is_named_in_the_product_code():
    found = findings(product_files())
    assert not found, "places named in the code (move them to data/ or read them from the warehouse):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("planted", "name"),
    [
        ('NAME = "County Durham"\n', "words.py"),
        ("# the Safe Durham Partnership's plan\n", "words.py"),
        ('FORCE = "E23000008"\n', "words.py"),
        ('AREA = "E06000002"  # another partnership\n', "words.py"),
        ("{% if x %}Darlington{% endif %}\n", "page.html.j2"),
        ("x = 1\n", "county_durham.py"),
    ],
)
def test_the_scan_finds_a_planted_place(tmp_path, planted, name):
    folder = tmp_path / "sdp_dash" / ("web/templates" if name.endswith(".j2") else "domain")
    folder.mkdir(parents=True)
    (folder / name).write_text(planted, encoding="utf-8")
    (tmp_path / "sdp_dash" / "clean.py").write_text('ENGLAND = "E92000001"\nTHE_AREA = "the county"\n', encoding="utf-8")
    files = product_files(tmp_path)
    assert len(files) == 2
    found = findings(files, tmp_path)
    assert len(found) == 1 and name in found[0], found


def test_the_one_allowed_line_is_allowed_only_where_it_is(tmp_path):
    for rel in ("sdp_dash/config/settings.py", "sdp_dash/config/other.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text('    "E06000047",\n', encoding="utf-8")
    found = findings(product_files(tmp_path), tmp_path)
    assert [f.split(":")[0] for f in found] == ["sdp_dash/config/other.py"]
