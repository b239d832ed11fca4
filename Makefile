# brief: build the yearly progress letter. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv installs the exact versions of uv.lock. A private copy, pinned, so every machine and the
# lock agree on it; `make UV=uv ...` uses one of your own instead.
UV_VERSION := 0.13.9
UV ?= .uv/bin/uv
UV_OWN := $(filter .uv/bin/uv,$(UV))
export UV_PYTHON ?= $(PYTHON)

.DEFAULT_GOAL := help
.PHONY: help report test test-fast bench lab lint catalog lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.uv/bin/uv:
	@echo "Installing uv $(UV_VERSION) into .uv/"
	@$(PYTHON) -m venv .uv
	@.uv/bin/python -m pip install -qq --disable-pip-version-check --root-user-action=ignore "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml uv.lock | $(UV_OWN)
	@echo "Installing brief with the versions of uv.lock into $(VENV)/ (a few minutes, once)"
	@# With its bytecode, as pip installs: otherwise every process of a build compiles what it
	@# imports anew (seconds) wherever Python may not write it (PYTHONDONTWRITEBYTECODE, a
	@# read-only install).
	@$(UV) sync --locked --all-extras --quiet --compile-bytecode
	@touch $(STAMP)

report: $(STAMP) ## Build the example letter for the latest year into outputs/
	@$(BIN)/brief build

test: $(STAMP) ## Run all tests (notebooks and LibreOffice included)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the quick tests only (no notebooks, no LibreOffice)
	$(BIN)/python -m pytest -m 'not slow'

bench: $(STAMP) ## Time brief against the naive pipeline (minutes); writes benchmarks/results.json
	$(BIN)/python benchmarks/run.py

lab: $(STAMP) ## Open the notebooks in JupyterLab on the project's own kernel
	$(BIN)/jupyter lab notebooks/

lock: | $(UV_OWN) ## After changing dependencies in pyproject.toml: update uv.lock and environment.yml
	$(UV) lock
	$(PYTHON) tools/lock.py

catalog: $(STAMP) ## Bring the Dutch message catalog up to date with the code; list what to translate
	$(BIN)/python tools/catalog.py

lint: $(STAMP) ## Check code style with ruff
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

clean: ## Remove the environment and all generated outputs
	rm -rf $(VENV) .uv outputs
