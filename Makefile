# The README's two commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= --durations=10

.PHONY: demo test bench lint venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

## Install, create/migrate the SQLite database, load the demo data and serve on http://127.0.0.1:8000
demo: venv
	$(BIN)/qinglang demo

## Install dev dependencies and run the whole test suite (unit, integration on SQLite and PostgreSQL, e2e)
test: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) tests

## Print benchmark figures as JSON (not a test: nothing here gates CI)
bench: venv
	$(BIN)/python -m bench

lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) build *.egg-info
