# Two commands on a fresh clone: `make build` and `make test`. Everything else is a helper.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin

export DUCKDB_PATH ?= warehouse/analytics.duckdb
export RAW_DATA_DIR ?= data/raw
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help env build test lint format unit docs report sample bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	touch $@

env: $(VENV)/.synced ## create or update the virtual environment from uv.lock

build: env ## build and test the warehouse into a copy, then publish it to $DUCKDB_PATH
	$(BIN)/analytics-build $(DBT_ARGS)

lint: env ## ruff and SQLFluff (SQLFluff compiles against an in-memory target)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models tests analyses snapshots

format: env ## apply ruff and SQLFluff fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models tests analyses snapshots

test: lint ## every check: lint, then pytest (which drives the real dbt on generated data)
	$(BIN)/pytest

report: env ## HTML report with charts (output/report.html, output/charts/) and the report CSV files
	$(BIN)/analytics-report html --output-dir output
	$(BIN)/analytics-report trades

sample: env ## regenerate the sample data that ships in data/raw
	$(BIN)/generate-data sample --out data/raw

bench: env ## retail benchmark vs DuckDB SQL, pandas, Polars, Dask (BENCH_ARGS="--rows 10000000")
	$(UV) sync --locked --group bench --python $(PYTHON)
	$(BIN)/python benchmarks/retail/run.py $(BENCH_ARGS)

docs: env ## generate and serve the dbt docs on http://localhost:8080
	$(BIN)/dbt docs generate
	$(BIN)/dbt docs serve --port 8080

clean: ## remove build output (keeps the environment)
	rm -rf target logs output warehouse/*.duckdb warehouse/*.wal
