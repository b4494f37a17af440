# Tandem: `make demo` to try it, `make test` to check it. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
export UV_LINK_MODE ?= copy

.PHONY: help install install-python install-node install-browser demo demo-data serve test test-fast lint format

help:
	@echo "make demo   install everything, build the synthetic demo city on SQLite and serve it"
	@echo "make test   install everything and run the whole suite on PostgreSQL"
	@echo "make lint   ruff and mypy"

install: install-python install-node

install-python:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet

install-node:
	@if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

install-browser:
	@scripts/install-chromium

demo: install demo-data serve

demo-data:
	@mkdir -p var
	rm -f var/tandem.sqlite3
	TANDEM_MODE=demo $(UV) run tandem migrate --verbosity 0
	TANDEM_MODE=demo $(UV) run tandem demo

serve:
	@TANDEM_MODE=demo $(UV) run tandem demo --sign-ins
	@echo "Serving the demo at http://127.0.0.1:8000 (Ctrl+C to stop)"
	TANDEM_MODE=demo $(UV) run tandem runserver 127.0.0.1:8000 --noreload

test: install install-browser
	$(UV) run pytest -n auto --dist loadfile

test-fast: install
	$(UV) run pytest -m "not browser"

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	TANDEM_MODE=test $(UV) run mypy .

format: install-python
	$(UV) run ruff format .
	$(UV) run ruff check --fix .
