# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test install install-test browser-tools lint serve worker bench clean
WORKERS ?= 2
BLOCKING_THREADS ?= 4
# Requests a server process holds at once, waiting bodies included (granian: 512 by default).
BACKPRESSURE ?= 2048

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate, load the default content, start the worker and serve on http://127.0.0.1:$(PORT)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_default_content
	@echo
	@echo "  Site:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/  (create an account with: $(BIN)/python manage.py createsuperuser)"
	@echo "  Stop with Ctrl+C."
	@echo
	@# Ctrl+C stops the server; then the worker is stopped by its own id and waited for
	@# (not `kill 0`, which also killed make and printed errors).
	@$(BIN)/python manage.py worker & worker=$$!; \
	stop_worker() { kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null; }; \
	trap 'stop_worker; exit 0' INT TERM; \
	$(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT); status=$$?; \
	stop_worker; exit $$status

## make serve: the production server (set SECRET_KEY, ALLOWED_HOSTS, SITE_URL... first; see README and deploy/).
## Bodies are read before a request takes one of the BLOCKING_THREADS (core/server.py); a killed worker is respawned.
serve: install
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 SERVER_THREADS=$(BLOCKING_THREADS) $(BIN)/granian --interface asgi --host $${HOST:-127.0.0.1} --port $(PORT) \
	  --workers $(WORKERS) --backpressure $(BACKPRESSURE) --respawn-failed-workers --respawn-interval 1 --no-ws config.asgi:application

## make worker: the background worker (emails, counts, purge), for production
worker: install
	DEBUG=0 $(BIN)/python manage.py worker

## make bench: the viral-load benchmarks, SQLite then PostgreSQL (bench/README.md; about 30 minutes)
bench: install-test
	$(BIN)/python -m bench $(BENCH_ARGS)

## make test: install what the tests need and run the whole suite (each skipped test prints why and how to fix it)
test: install-test browser-tools
	DEBUG=0 $(BIN)/python -m pytest
	$(BIN)/ruff check .

# The browser test's axe-core, from npm into ./node_modules when npm is there.
# Chromium and wrk come from Debian and need root: their tests say so when skipped.
browser-tools:
	@if [ -f node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null; then \
	  echo "Installing axe-core for the browser test (npm, into ./node_modules)"; \
	  npm install --prefix . --no-save --no-audit --no-fund --silent axe-core@4 \
	    || echo "axe-core could not be installed: the browser test will be skipped"; \
	else echo "npm is not installed: the browser test will be skipped (apt-get install npm, then make test)"; fi

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .test-db.sqlite3*
