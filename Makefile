# Two commands do all the set-up on a fresh machine (Python 3.11+ and make are all they need):
#   make run   — a virtual environment, demo data on the embedded SQLite store, the service on :8000
#   make test  — a virtual environment, ruff, strict mypy and the whole test suite (SQLite and PostgreSQL)

VENV    ?= .venv
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: run test lint clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

run: $(INSTALLED)
	$(VENV)/bin/memberflow demo-data
	$(VENV)/bin/memberflow serve --host $(HOST) --port $(PORT)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

test: lint
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache .hypothesis
