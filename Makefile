# Two commands do all set-up on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help run test lint format superuser setup install install-dev clean audit bench chromium node axe

help:
	@echo "make run        install, migrate, load the store and serve it with worker, beat and stand-ins"
	@echo "make test       install test dependencies and run the whole suite"
	@echo "make lint       ruff (lint + format), djLint, import layers, makemigrations --check, mypy (CI runs it)"
	@echo "make superuser  create a staff account for /dashboard/"
	@echo "make audit      Lighthouse scores, LCP and bytes per page, shop served like production (bench/audit.py)"
	@echo "make bench      load-test our pages next to stock Oscar and a bare Django view"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: re-install only when a lock file changes.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

var:
	mkdir -p var/broker var/outbox var/media

setup: install var
	$(MANAGE) migrate --noinput
	$(MANAGE) store_setup
	$(MANAGE) guidance_setup

run: setup
	@echo ""
	@echo "  ReLeaf is starting on http://127.0.0.1:8000"
	@echo "  Dashboard:  http://127.0.0.1:8000/dashboard/  (create a login first: make superuser)"
	@echo "  Emails:     written to var/outbox/ (one .eml file per message; open it in a mail client)"
	@echo "  Follow-ups: queue at http://127.0.0.1:8000/admin/followups/plannedemail/, previews at /email/preview/"
	@echo "  Payments:   a local Stripe stand-in on http://127.0.0.1:12111 serves the card page (unless STRIPE_SECRET_KEY is set);"
	@echo "              test cards 4242 4242 4242 4242 pays, 4000 0000 0000 0341 is declined, 4000 0027 6000 3184 asks for 3-D Secure"
	@echo "  Processes:  web, Celery worker, Celery beat and the Stripe stand-in (see Procfile.dev); Ctrl-C stops them all"
	@echo ""
	@# -e /dev/null: honcho would load .env itself; the settings read it only with DJANGO_READ_DOT_ENV_FILE=true
	$(BIN)/honcho -e /dev/null -f Procfile.dev start

superuser: setup
	$(MANAGE) createsuperuser

test: install-dev var chromium axe
	$(BIN)/python -m pytest

# The same checks as .pre-commit-config.yaml, each stopping the run when it fails.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

# Browser tooling: Debian's chromium (never a browser download) and node packages pinned in
# package-lock.json. Quiet and idempotent; without root or apt the browser tests skip (fail in CI).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "WARNING: could not install chromium: browser tests will skip (fail under CI=true)"; \
		else echo "NOTE: /usr/bin/chromium is missing and apt-get cannot run as root here: browser tests will skip"; fi; \
	fi

node:
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) \
				|| echo "WARNING: could not install npm"; \
		else echo "NOTE: npm is missing: axe-core checks will skip (fail under CI=true)"; fi; \
	fi

axe: node
	@[ -f node_modules/axe-core/axe.min.js ] || ! command -v npm >/dev/null \
		|| npm ci --omit=dev --no-audit --no-fund --loglevel=error

audit: install var chromium node
	@[ -x node_modules/.bin/lighthouse ] || npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/audit.py

# Needs wrk (Debian's package; installed here when missing, as root). PostgreSQL + Redis when
# DATABASE_URL (and CACHE_URL) are set, else SQLite and a file cache. See bench/run.py.
bench: install-dev var
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
		|| (echo "make bench needs wrk: apt-get install wrk" && false)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var
