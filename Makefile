# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export ADAPTEST_DATA_DIR ?= $(CURDIR)/data

.PHONY: install run test test-sqlite test-postgres lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	ADAPTEST_DEBUG=$${ADAPTEST_DEBUG:-true} PORT=$(PORT) $(BIN)/adaptest serve

# The suite runs twice: everything on SQLite, then the database-backed tests on PostgreSQL.
test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	ADAPTEST_TEST_DATABASE=postgres $(BIN)/pytest -m "not browser" tests/web

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data test-artifacts .pytest_cache .mypy_cache .ruff_cache
