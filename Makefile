# Two commands on a fresh machine: `make demo` and `make test`. Everything else bootstraps itself.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

.PHONY: bootstrap demo test lint bench fmt clean

bootstrap:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

demo: bootstrap
	$(RUN) zichtbaar demo

test: bootstrap
	$(RUN) pytest -q -n 2 --dist loadgroup

lint: bootstrap
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) mypy
	$(RUN) lint-imports

bench: bootstrap
	$(RUN) python bench/run.py

fmt: bootstrap
	$(RUN) ruff format src tests bench
	$(RUN) ruff check --fix src tests bench

clean:
	rm -rf zichtbaar-data .pytest_cache .mypy_cache .ruff_cache test-artifacts
