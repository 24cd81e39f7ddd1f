"""The websocket session client, for the benchmarks and the tests: it is the product's
(scripts/wsclient.py, which scripts/serve.py warms the workers with), re-exported here so that
``from bench.wsclient import Session`` keeps working.  The protocol is described there."""

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a file: the project folder, for `scripts`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.wsclient import FINISHED, MAX_MESSAGE_BYTES, MAX_MESSAGES_PER_RUN, RunResult, Session, first_load, route_cookie  # noqa: E402

__all__ = ["FINISHED", "MAX_MESSAGE_BYTES", "MAX_MESSAGES_PER_RUN", "RunResult", "Session", "first_load", "route_cookie"]

if __name__ == "__main__":  # python bench/wsclient.py PORT [PATH ...], as before
    import runpy

    runpy.run_module("scripts.wsclient", run_name="__main__")
