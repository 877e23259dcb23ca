# umkm_geo: the README's two commands are `make maps` and `make test`.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CONFIG ?= configs/blitar.toml
STAMP  := $(VENV)/.installed-stamp

.PHONY: help install maps validate test lint format bench browser clean

help:
	@echo "make maps   - write the Blitar atlas (or CONFIG=your.toml) to outputs/"
	@echo "make test   - run the test suite (installs everything first)"
	@echo "make lint   - ruff check, format check, import contracts, mypy ratchet"
	@echo "make bench  - print the benchmark figures"

$(STAMP): pyproject.toml constraints.txt setup.py src/umkm_geo/stats/_crand.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

maps: $(STAMP)
	$(VENV)/bin/umkm-geo maps --config $(CONFIG)

validate: $(STAMP)
	$(VENV)/bin/umkm-geo validate --config $(CONFIG)

# Headless Chromium for the browser tests (Debian package; needs root for apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

# `make test` runs `make lint`'s checks first, then the suite.
test: $(STAMP) browser lint
	$(PY) -m pytest -n 2 --dist loadfile

# ruff, the import contracts in pyproject.toml ([tool.importlinter]) and the mypy ratchet
# (scripts/mypy_ratchet.py: no more errors than scripts/mypy_baseline.txt allows).
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/mypy_ratchet.py

format: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks scripts

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf outputs/maps outputs/tables outputs/run.json outputs/report.html build
