# newsarchive: `make run` serves the demo archive, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The site's own address: links in mails, canonical links, and the address pages are cached at.
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test test-postgres faults lint format browser-deps serve-production bench bench-deps clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --editable '.[dev]'
	touch $@

# Development server on the demo archive (SQLite under var/ unless DATABASE_URL says otherwise).
run: install
	mkdir -p var/static
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install lint browser-deps
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The same suite on PostgreSQL, in a throwaway database (pytest-django creates test_<name>).
PG_URL ?= postgres://postgres@127.0.0.1:5432/newsarchive
test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

# The site under load while PostgreSQL restarts and Redis stops and comes back (tests/faults.py):
# no response without its security headers, no accepted comment lost, recovery without a
# restart. It restarts this machine's PostgreSQL cluster: CI runs it last.
faults: install
	$(BIN)/python tests/faults.py

# The browser tests drive Debian's Chromium through Playwright (which never downloads a browser).
browser-deps:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Production-like serving, for looking at the site as readers get it (DEBUG off, hashed static).
serve-production: install
	DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	SECRET_KEY=local-production-preview ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 \
	  SITE_URL=$(SITE_URL) \
	  $(BIN)/gunicorn newsarchive.wsgi --bind 127.0.0.1:$(PORT) --workers 2

# Throughput, latency, queries and bytes per page at 1,000 and 100,000 entries, against the
# ceiling of this machine (PostgreSQL, Redis and wrk; see bench/README.md). Under 15 minutes.
# BENCH_ARGS=--million adds a million entries; BENCH_ARGS="--sizes 1000 --repeats 1" is quick.
# BENCH_ARGS=--mixed instead runs a compressed hour of reads and writes at 100,000 entries
# (bench/mixed.py: page-cache hit ratio, share of the ceiling, p99).
BENCH_ARGS ?=
bench: install bench-deps
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# wrk, the load generator, from Debian's packages.
bench-deps:
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk for the benchmarks"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

clean:
	rm -rf $(VENV) var/static
