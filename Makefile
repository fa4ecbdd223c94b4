# The two commands of the README: `make demo` (the main job on the bundled example) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A second environment with Polyaxon v2 (polyaxon + haupt sandbox, about 700 MB) for the v2 tests that need
# polyaxon importable and for the end-to-end tests against a real `haupt sandbox` on 127.0.0.1.
VENV_V2 := .venv-v2
STAMP_V2 := $(VENV_V2)/.installed
PIP := python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test test-core test-v2 venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP) --upgrade pip
	$(BIN)/$(PIP) -e '.[test]'
	touch $(STAMP)

$(STAMP_V2): pyproject.toml
	$(PYTHON) -m venv $(VENV_V2)
	$(VENV_V2)/bin/$(PIP) --upgrade pip
	$(VENV_V2)/bin/$(PIP) -e '.[test,v2,e2e-v2]'
	touch $(STAMP_V2)

# The whole suite: everything in .venv (with the v2 end-to-end tests driving .venv-v2's haupt), then the
# v2 tests again inside .venv-v2 where polyaxon itself is importable.
test: test-core test-v2

test-core: $(STAMP) $(STAMP_V2)
	PLX_E2E_HAUPT="$(CURDIR)/$(VENV_V2)/bin/haupt" $(BIN)/python -m pytest

test-v2: $(STAMP_V2)
	$(VENV_V2)/bin/python -m pytest tests/v2 -p no:cacheprovider

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

clean:
	rm -rf $(VENV) $(VENV_V2) demo-out .pytest_cache
