# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS ?= -q --disable-pip-version-check

.PHONY: serve test bench conformance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e '.[test]'
	touch $@ $(VENV)/.installed-run

serve: $(VENV)/.installed-run
	$(BIN)/fakenova serve --host 127.0.0.1 --port 8774

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

# Tempest's own API tests against a fakenova the runner starts (README: "Conformance").
# CONFORMANCE_ARGS: packages to run, --check-floors (CI), --concurrency N.
conformance: $(VENV)/.installed-test
	$(BIN)/python conformance/run.py $(CONFORMANCE_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
