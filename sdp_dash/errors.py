"""The one error type the pipeline raises for bad input: it names the file and the problem."""

from __future__ import annotations

import re
from pathlib import Path

MAX_PROBLEM = 300  # characters: a problem names what is wrong, it never reproduces a file
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _clean(text: str, limit: int) -> str:
    text = " ".join(_CONTROL.sub(" ", str(text)).split())  # always one line, no control or bidi characters
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object, limit: int = 40) -> str:
    """A value from a file, quoted for an error message: short, one line, printable."""
    return repr(_clean(str(value), limit))


class SourceError(Exception):
    """A source file (or download) is unusable. ``str()`` is one line: '<file>: <problem>'."""

    def __init__(self, path: str | Path, problem: str):
        self.path = _clean(str(path), 400)
        self.problem = _clean(problem, MAX_PROBLEM)
        super().__init__(f"{self.path}: {self.problem}")
