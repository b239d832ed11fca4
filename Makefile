# brief: build the yearly progress letter. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help report test test-fast bench lab lint catalog clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

report: $(STAMP) ## Build the example letter for the latest year into outputs/
	$(BIN)/brief build

test: $(STAMP) ## Run all tests (notebooks and LibreOffice included)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the quick tests only (no notebooks, no LibreOffice)
	$(BIN)/python -m pytest -m 'not slow'

bench: $(STAMP) ## Time brief against the naive pipeline (minutes); writes benchmarks/results.json
	$(BIN)/python benchmarks/run.py

lab: $(STAMP) ## Open the notebooks in JupyterLab on the project's own kernel
	$(BIN)/jupyter lab notebooks/

catalog: $(STAMP) ## Bring the Dutch message catalog up to date with the code; list what to translate
	$(BIN)/python tools/catalog.py

lint: $(STAMP) ## Check code style with ruff
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

clean: ## Remove the environment and all generated outputs
	rm -rf $(VENV) outputs
