# One target per job; README and CI use these same commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test browser lint typecheck format migrations messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --progress-bar on -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --progress-bar on -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## make run: set up, migrate, seed the demo school and serve it on http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	DEBUG=on $(BIN)/python manage.py migrate --no-input
	DEBUG=on $(BIN)/python manage.py seed_demo
	DEBUG=on $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: set up and run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: $(VENV)/.dev browser
	$(BIN)/pytest $(PYTEST_ARGS)

## make browser: Debian's Chromium for the browser tests (`playwright install` cannot run here)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Chromium is missing: installing Debian's chromium for the browser tests."; \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  fi; \
	  command -v chromium >/dev/null 2>&1 || { \
	    echo "make test needs Chromium for the browser tests (tests/e2e), and it could not be installed here." >&2; \
	    echo "Install Debian's package as root: apt-get install chromium, so that 'chromium' is on PATH; then run make test again." >&2; \
	    exit 1; }; }
	@chromium --version 2>/dev/null

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make typecheck: mypy --strict on the policy and the services that ask it (pyproject.toml)
typecheck: $(VENV)/.dev
	DEBUG=on $(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(VENV)/.dev
	DEBUG=on $(BIN)/python manage.py makemigrations --check --dry-run

## make messages: refresh the English catalogue after changing user-facing text
messages: $(VENV)/.dev
	DEBUG=on $(BIN)/python manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	DEBUG=on $(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## make bench: seed a dedicated PostgreSQL database (BENCH_SCALE, default 0.05) and measure
BENCH_SCALE ?= 0.05
bench: $(VENV)/.dev
	$(BIN)/python -m bench.run --scale $(BENCH_SCALE)
