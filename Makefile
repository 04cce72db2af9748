# Two commands on a fresh clone with only Python 3.11+: `make validate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: validate test test-fast test-slow lint docs figures recipes bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# datapackage.json holds the version: an editable install records it at install time (nme-data --version
# reads the distribution's metadata), so a new version means a reinstall.
$(INSTALLED): $(BIN)/python pyproject.toml datapackage.json
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(INSTALLED_TEST): $(BIN)/python pyproject.toml datapackage.json
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(INSTALLED)

validate: $(INSTALLED)
	$(BIN)/nme-data validate

# Two workers: the CI machine has 2 cores. loadgroup keeps the tests that share one artefact (a damaged
# copy and its validation, a browser, a server) in one worker; the rest are spread one by one.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadgroup

# Everything, in two phases: the main suite, then the slow tests (marker `slow`: crafted copies through
# a child CLI, fuzzing, a real browser, reference tools, a wheel in a temporary venv, the lowest pandas,
# 100,000 rows). Both phases always run; make test fails if either fails.
test: $(INSTALLED_TEST)
	@status=0; \
	$(PYTEST) -m "not slow" || status=1; \
	$(PYTEST) -m slow || status=1; \
	exit $$status

# The main suite alone, for quick iterations (make test is what CI runs)
test-fast: $(INSTALLED_TEST)
	$(PYTEST) -m "not slow"

test-slow: $(INSTALLED_TEST)
	$(PYTEST) -m slow

# ruff, then mypy --strict on src/nme_data (settings in pyproject.toml's [tool.mypy]); CI runs it (.ci/run)
lint: $(INSTALLED_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy

docs: $(INSTALLED)
	$(BIN)/python scripts/generate_docs.py

# docs/img/*.svg and the outputs shown in docs/recipes.md (matplotlib comes with the test extra)
figures: $(INSTALLED_TEST)
	$(BIN)/python scripts/make_figures.py

recipes: $(INSTALLED_TEST)
	$(BIN)/python scripts/run_recipes.py

bench: $(INSTALLED_TEST)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
