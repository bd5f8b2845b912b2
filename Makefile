# Paper Archive: every task, from a fresh clone. `make site` builds, `make test` tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: deps browser test test-fast site docs serve lint bench audit clean

## deps: create .venv and install the pinned dependencies (skipped when up to date)
deps: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

## browser: make sure a Chromium for the browser tests is installed
browser: deps
	PY=$(PY) scripts/ensure-chromium.sh

## axe: axe-core (pinned in audit/axe), which the test suite's accessibility checks run in Chromium
AXE := audit/axe/node_modules/.installed
$(AXE): audit/axe/package.json audit/axe/package-lock.json
	scripts/ensure-node.sh
	npm ci --prefix audit/axe --no-audit --no-fund --loglevel=error
	touch $@

## test: the whole test suite (unit, golden, mkdocs build, real browser)
test: deps browser $(AXE)
	$(PY) -m pytest

## test-fast: the suite without the browser tests and the site builds (markers browser, slow), for quick iterations
test-fast: deps
	$(PY) -m pytest -m "not browser and not slow"

## docs: generate the Markdown pages into docs/ from dumps/
docs: deps
	$(PY) -m generator build

## site: generate, then build with mkdocs --strict; site/ (a link to the build in .site/) changes only on success
site: deps
	$(PY) -m generator site

## serve: preview the site at http://127.0.0.1:8000/ (rebuilds on changes)
serve: docs
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

## lint: ruff, and mypy --strict on generator/ (settings in pyproject.toml)
lint: deps
	$(PY) -m ruff check generator tests bench overrides audit
	$(PY) -m ruff format --check generator tests bench overrides audit
	$(PY) -m mypy

## bench: the benchmarks (see bench/README.md)
bench: deps
	$(PY) bench/bench_parse.py

## audit: Lighthouse, axe-core and html-validate (pinned, in audit/) on a small and a large archive
## in Chromium; prints a table, fails when a target is missed (a few minutes: not part of make test)
AUDIT_TOOLS := audit/node_modules/.installed
$(AUDIT_TOOLS): audit/package.json audit/package-lock.json
	scripts/ensure-node.sh
	npm ci --prefix audit --no-audit --no-fund --loglevel=error
	touch $@

audit: deps browser $(AXE) $(AUDIT_TOOLS)
	$(PY) audit/audit.py

clean:
	rm -rf site .site .pytest_cache .ruff_cache audit/out
