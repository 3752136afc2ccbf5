# Every target creates the virtual environment it needs, so `make run` and
# `make test` work on a fresh checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA ?= $(abspath ../shared/data)
SAMPLE_NOTE := $(SHARED_DATA)/mtsamples_therapy/notes/PT_physical-therapy-ankle-sprain_1612.txt
export EA_SHARED_DATA := $(SHARED_DATA)

.PHONY: venv run serve test test-fast lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

venv: $(BIN)/.installed

# Analyze a sample PT evaluation, then start the server on its embedded defaults.
run: venv
	$(BIN)/electroanalyzer analyze "$(SAMPLE_NOTE)"
	$(BIN)/electroanalyzer serve --prepare

serve: venv
	$(BIN)/electroanalyzer serve --prepare

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: venv lint
	$(BIN)/pytest -n 2 --dist loadfile

test-fast: venv
	$(BIN)/pytest -n 2 --dist loadfile -m "not e2e and not slow"

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
