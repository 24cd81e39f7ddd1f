"""House rules kept by a tool: no function in the product's code (sdp_dash/, pages/) is longer than
MAX_LINES lines (from its ``def`` line to its last line, decorators not counted).  The complexity
ceiling is ruff's C901 (pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 60


def long_functions(folders: list[Path], root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    """'path:line name (n lines)' for every function or method longer than ``limit`` lines."""
    out = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > limit:
                        out.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({lines} lines)")
    return out


def test_no_product_function_is_longer_than_60_lines():
    offenders = long_functions([ROOT / "sdp_dash", ROOT / "pages"])
    assert not offenders, f"functions over {MAX_LINES} lines (split them):\n" + "\n".join(offenders)


def test_the_rule_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "m.py").write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}\n", encoding="utf-8")
    assert long_functions([tmp_path], root=tmp_path) == [f"m.py:5 long ({MAX_LINES + 1} lines)"]
