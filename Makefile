# One target per job; README and CI use these same commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run serve test tools lint typecheck format migrations messages clean bench

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

## make serve: production settings on this machine (PostgreSQL, Redis, DEBUG off):
## gunicorn, worker, beat and a mail sink under honcho; settings in $(SERVE_DIR)/env
SERVE_DIR ?= .serve
serve: $(VENV)/.dev
	SERVE_DIR=$(SERVE_DIR) $(BIN)/python deploy/serve.py

## make test: set up and run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: $(VENV)/.dev tools
	$(BIN)/pytest $(PYTEST_ARGS)

## make tools: the Debian programs the tests drive (chromium, age, nginx, pgbouncer)
tools:
	@tests/tools.sh

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
