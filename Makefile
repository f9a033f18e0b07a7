# `make run` and `make test` each set up .venv on first use (uv when present, pip otherwise)
# and reinstall only when pyproject.toml changes. Byte-code is compiled at install time (pip does
# that by default, uv on request), so the first start does not pay for it.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format migration cluster cluster-stop cluster-status

$(STAMP): pyproject.toml
	@if command -v uv >/dev/null 2>&1; then \
		uv venv -q --allow-existing $(VENV) && uv pip install -q --compile-bytecode --python $(PY) -e '.[dev]'; \
	else \
		python3 -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e '.[dev]'; \
	fi
	@touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

# pytest exits 5 when it collected no test: make passes that on, so an empty run fails.
# Tests run on every core (pytest-xdist; most of them wait on servers and browsers) and report
# branch coverage of services/, models/ and ui/ (files fully covered are left out of the table).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n auto --cov

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# make migration DB=local MSG="add x"  (autogenerates a revision from the models)
migration: $(STAMP)
	$(PY) -m services.db revision $(DB) "$(MSG)"

# Two `--role online` instances on the local PostgreSQL, Redis and HAProxy on 127.0.0.1:8100
# (deploy/cluster.py; state, logs and the shared secret in ./cluster/).
cluster: $(STAMP)
	$(PY) deploy/cluster.py start

cluster-status: $(STAMP)
	$(PY) deploy/cluster.py status

cluster-stop: $(STAMP)
	$(PY) deploy/cluster.py stop
