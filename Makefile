# The README's two commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= --durations=10

.PHONY: demo test bench lint venv venv-images clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

## Optional image models (nudenet's exposed-body detector, RapidOCR). Installed without their dependencies
## because both declare opencv-python, which would replace the opencv-contrib build that the QR decoder needs.
## nudenet's wheel carries an AGPL-3.0 licence text: the `image` detector is off by default (docs/drainage.md).
IMAGE_MODELS := nudenet==3.4.2 rapidocr-onnxruntime==1.4.4 pyclipper==1.4.0 shapely==2.2.0 six==1.17.0
venv-images: venv
	$(BIN)/python -m pip install -q --no-deps $(IMAGE_MODELS)

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
