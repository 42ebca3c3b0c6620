# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-postgres lint format bench messages clean

install: $(STAMP)

# The lock file pins every package; uv installs exactly those into .venv.
$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/uv sync --frozen --inexact --active --quiet
	touch $@

run: install
	$(BIN)/dissent demo

test: install
	DISSENT_HOME=$${DISSENT_HOME:-$(CURDIR)/var/test} $(BIN)/pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(MAKE) test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src tests bench
	$(BIN)/lint-imports --no-cache
	DISSENT_HOME=$(CURDIR)/var/lint $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

messages: install
	cd src/dissent && DISSENT_HOME=$(CURDIR)/var/messages ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --settings=dissent.settings --pythonpath=..
	cd src/dissent && DISSENT_HOME=$(CURDIR)/var/messages ../../$(BIN)/django-admin compilemessages -l zh_Hans --settings=dissent.settings --pythonpath=..

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
