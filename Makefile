# lueckenlos: `make demo` to try it, `make test` before every commit (CI runs exactly that).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
BIN := $(VENV)/bin
# python3.11 if present, else python3 if it is 3.11 or newer; `make PYTHON=...` overrides.
PYTHON ?= $(shell if command -v python3.11 >/dev/null; then echo python3.11; \
	elif python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo python3; fi)

# Tests see neither a developer's production settings nor their database, and keep their
# files apart from the demo's.
TEST_ENV := env -u DATABASE_URL -u LUECKENLOS_ENV LUECKENLOS_DATA_DIR=$(CURDIR)/var/test
# Extra pytest options, e.g. `make test PYTEST_ARGS="-x -k portal"`.
PYTEST_ARGS ?=
# pytest exits with 5 when it collected no tests; make treats that as the failure it is.
PYTEST := $(BIN)/python -m pytest --durations=5 $(PYTEST_ARGS)
# The same folders the translation test leaves out (lueckenlos/lib/tests/test_translations.py).
MESSAGES_IGNORE := --ignore data --ignore vendor --ignore tests

.PHONY: help demo test lint format migrations-check bench bench-search messages clean test-packages

help:
	@echo "make demo      install into $(VENV) and serve the Berlin demo at http://127.0.0.1:8000"
	@echo "make test      lint, migration check, the test suite on SQLite and on PostgreSQL"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make bench     benchmarks/demo_load.py"
	@echo "make bench-search  benchmarks/search.py (100,000 offers, SQLite; takes ~15 minutes)"
	@echo "make messages  update and compile the catalogues of every language (lueckenlos/locale)"
	@echo "make clean     remove var/ and $(VENV)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "lueckenlos needs Python 3.11 or newer as python3.11 or python3" \
			"(Debian 12: apt-get install python3 python3-venv)." >&2; \
		exit 1; \
	fi
	PYTHON=$(PYTHON) scripts/system-packages venv
	$(PYTHON) -m venv $(VENV)

# The stamps make a second run quick: pip runs again only when pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/lueckenlos demo

test-packages:
	scripts/system-packages test

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(VENV)/.installed-test
	$(TEST_ENV) $(BIN)/lueckenlos makemigrations --check --dry-run

test: test-packages lint migrations-check
	@echo "== test suite on SQLite"
	$(TEST_ENV) $(PYTEST)
	@echo "== test suite on PostgreSQL (a throwaway server: lueckenlos/lib/testing/pgserver.py)"
	$(TEST_ENV) $(BIN)/python -m lueckenlos.lib.testing.pgserver -- $(PYTEST)

bench: $(VENV)/.installed
	env -u DATABASE_URL $(BIN)/python benchmarks/demo_load.py

# The portal search on 100,000 generated offers in SQLite (see benchmarks/README.md for the
# PostgreSQL run with 1,000,000 offers across 400 Kommunen, and for Lighthouse).
bench-search: $(VENV)/.installed
	env -u DATABASE_URL $(BIN)/python benchmarks/search.py

# From the package folder, so the catalogue lands in lueckenlos/locale and the scan stays out
# of $(VENV) and var/.
# Interface languages (settings.LANGUAGES). msgids are English, so English is copied by msgen.
LANGUAGES := de en tr ar uk ru

messages: $(VENV)/.installed
	cd lueckenlos && LUECKENLOS_DATA_DIR=$(CURDIR)/var \
		../$(BIN)/lueckenlos makemessages $(addprefix -l ,$(LANGUAGES)) --no-obsolete \
		$(MESSAGES_IGNORE)
	@# English from scratch each time: msgids are English, and msgmerge's fuzzy guesses are not.
	msgfilter --keep-header -i lueckenlos/locale/en/LC_MESSAGES/django.po -o var/en-empty.po sed -e d
	msgen var/en-empty.po | msgattrib --clear-fuzzy --no-obsolete -o lueckenlos/locale/en/LC_MESSAGES/django.po -
	rm var/en-empty.po
	cd lueckenlos && LUECKENLOS_DATA_DIR=$(CURDIR)/var \
		../$(BIN)/lueckenlos compilemessages $(MESSAGES_IGNORE)

clean:
	rm -rf var $(VENV) lueckenlos.egg-info
