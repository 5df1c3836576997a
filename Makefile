# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS ?= -q --disable-pip-version-check

.PHONY: serve test bench mimic ansible image conformance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e '.[test]'
	touch $@ $(VENV)/.installed-run

# `make serve PORT=9000 HOST=0.0.0.0`: only values given on make's command line become flags, so
# without them FAKENOVA_PORT / FAKENOVA_HOST and a config file still apply (default 127.0.0.1:8774),
# and a PORT or HOST that happens to be in the environment is not taken for one.
SERVE_FLAGS = $(if $(filter command line,$(origin HOST)),--host $(HOST)) \
	$(if $(filter command line,$(origin PORT)),--port $(PORT))

serve: $(VENV)/.installed-run
	$(BIN)/fakenova serve $(strip $(SERVE_FLAGS))

# `make image [IMAGE=fakenova:latest] [BASE_IMAGE=...]`: the Docker image to keep, installed from
# wheels built here with the venv's Python; no Docker Hub needed (see scripts/docker-image.sh).
IMAGE ?= fakenova:latest

image: $(VENV)/.installed-run
	$(if $(BASE_IMAGE),BASE_IMAGE=$(BASE_IMAGE)) VENV=$(abspath $(VENV)) scripts/docker-image.sh $(IMAGE)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The "over the wire" rows use wrk (Debian: apt-get install wrk) and compare with mimic 2.2.0 when
# `make mimic` has put it in its own venv (it pins an old attrs, so it stays out of .venv); without
# either, those rows say so.
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

MIMIC_VENV := .venv-mimic

mimic: $(MIMIC_VENV)/.installed

$(MIMIC_VENV)/.installed:
	$(PYTHON) -m venv $(MIMIC_VENV)
	$(MIMIC_VENV)/bin/pip install $(PIP_FLAGS) mimic==2.2.0 attrs==23.2.0
	touch $@

# Ansible with the openstack.cloud collection for tests/test_ansible.py, in a venv of its own: the
# collection wants openstacksdk < 4.15, older than the suite's. Without it that test skips.
ANSIBLE_VENV := .venv-ansible

ansible: $(ANSIBLE_VENV)/.installed

$(ANSIBLE_VENV)/.installed:
	$(PYTHON) -m venv $(ANSIBLE_VENV)
	$(ANSIBLE_VENV)/bin/pip install $(PIP_FLAGS) ansible 'openstacksdk<4.15'
	touch $@

# Tempest's own API tests against a fakenova the runner starts (README: "Conformance").
# CONFORMANCE_ARGS: packages to run, --check-floors (CI), --concurrency N.
conformance: $(VENV)/.installed-test
	$(BIN)/python conformance/run.py $(CONFORMANCE_ARGS)

clean:
	rm -rf $(VENV) $(MIMIC_VENV) build *.egg-info
