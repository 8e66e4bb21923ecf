# Two commands do all the set-up on a fresh machine (Python 3.11+ and make are all they need):
#   make run   — a virtual environment, demo data on the embedded SQLite store, the service on :8000
#   make test  — a virtual environment, ruff, strict mypy and the whole test suite (SQLite and PostgreSQL,
#                and the console's browser tests in Debian's chromium)
#   make test-fast — the rule tests alone, on the in-memory store: feedback on a rule in seconds

VENV    ?= .venv
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000
INSTALLED := $(VENV)/.installed
CHROMIUM  := /usr/bin/chromium

.PHONY: run test test-fast lint lock browser clean

# The development environment is exactly requirements-dev.lock; memberflow itself is installed
# editable on top of it, without resolving anything again.
$(INSTALLED): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# After changing the dependencies in pyproject.toml: pin the development environment again.
lock: $(INSTALLED)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--no-header --quiet -o requirements-dev.lock

run: $(INSTALLED)
	$(VENV)/bin/memberflow demo-data
	$(VENV)/bin/memberflow serve --host $(HOST) --port $(PORT)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

# The console's browser tests drive Debian's chromium through Playwright, with the CJK fonts its
# pages are drawn in; Playwright itself downloads no browser (never `playwright install`).
browser:
	@if [ ! -x $(CHROMIUM) ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-noto-cjk; \
	fi

# The tests that restart PostgreSQL run alone, after the others: no test may lose its server.
test: lint browser
	$(VENV)/bin/pytest -n auto --dist worksteal -m "not restarts_database"
	$(VENV)/bin/pytest -m restarts_database

test-fast: $(INSTALLED)
	$(VENV)/bin/pytest tests/rules --store memory

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache .hypothesis
