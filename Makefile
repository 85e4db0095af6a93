# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export ADAPTEST_DATA_DIR ?= $(CURDIR)/data

.PHONY: install run test test-sqlite test-postgres lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	ADAPTEST_DEBUG=$${ADAPTEST_DEBUG:-true} PORT=$(PORT) $(BIN)/adaptest serve

# The suite runs twice: everything on SQLite, then every database-backed test again on PostgreSQL
# (ADAPTEST_TEST_POSTGRES_URL picks the server; without one reachable those tests skip, except in CI).
POSTGRES_URL ?= $(or $(ADAPTEST_TEST_POSTGRES_URL),postgresql://postgres@127.0.0.1:5432/test)

test: lint test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -m "not postgres"

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -m "not browser" tests/web

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# Side-by-side measurements against catsim and girth, in one run; results in benchmarks/results/.
bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data test-artifacts .pytest_cache .mypy_cache .ruff_cache
