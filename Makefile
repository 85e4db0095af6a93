# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export ADAPTEST_DATA_DIR ?= $(CURDIR)/data

.PHONY: install run test test-sqlite test-postgres lint bench bench-http clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	PORT=$(PORT) $(BIN)/adaptest serve  # debug pages only with ADAPTEST_DEBUG=true make run

# The suite runs twice: everything on SQLite, and every database-backed test again on PostgreSQL
# (ADAPTEST_TEST_POSTGRES_URL picks the server; without one reachable those tests skip, except in CI).
# The two runs share nothing (an in-memory SQLite database; their own PostgreSQL test database), so they
# run side by side, one per core; --output-sync prints each run's report whole when it ends. The `slow`
# simulations (calibration from 500 takers, practice targeting for 300 learners, 1000 adaptive attempts
# against enemy sets; all under tests/web) test numbers that do not depend on the database, so they run
# once, in the PostgreSQL run: the SQLite run also holds every browser test and was the longer of the two
# (14.8 min against 8 on 2026-12-06). Every service they call is tested on both databases.
POSTGRES_URL ?= $(or $(ADAPTEST_TEST_POSTGRES_URL),postgresql://postgres@127.0.0.1:5432/test)

test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -m "not postgres and not slow"

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

# The JSON API under load on gunicorn + PostgreSQL (drops and recreates BENCH_HTTP_DATABASE_URL, default
# database adaptest_bench), then kill -9 mid-run; about 8 min, BENCH_HTTP_SMOKE=1 for under 2 min.
# Flags: make bench-http BENCH_HTTP_ARGS="--workers 2". See docs/benchmarks.md.
bench-http: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.bench_http $(BENCH_HTTP_ARGS)

clean:
	rm -rf $(VENV) data test-artifacts .pytest_cache .mypy_cache .ruff_cache
