"""The one error type the pipeline raises for bad input: it names the file and the problem."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A source file (or download) is unusable. ``str()`` is one line: '<file>: <problem>'."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())  # always one line
        super().__init__(f"{self.path}: {self.problem}")
