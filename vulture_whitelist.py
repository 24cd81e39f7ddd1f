"""Names vulture (``make lint``: dead code) cannot see being used: called by pytest, pickle or the
standard library, never by our code.  Every line says who uses the name."""

# ruff: noqa: B018, F821

_.reducer_override  # sdp_dash/memo.py: pickle.Pickler calls it for every object it writes
pytestmark  # tests/: pytest reads a module's marks
pytest_collection_modifyitems  # tests/browser/conftest.py: a pytest hook
clear_caches  # tests/app/conftest.py: an autouse fixture (pytest calls it)
_.log_message  # tests/support/publisher.py: http.server's BaseHTTPRequestHandler calls it
__getattr__  # sdp_dash/config/codes.py: Python calls a module's __getattr__ for names it does not define (PEP 562)
