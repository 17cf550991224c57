# Set-up and everyday commands. `make example` and `make test` do all set-up on a fresh
# Debian/Ubuntu machine: system libraries (as root, or they print the apt-get line), a
# virtualenv in .venv, and briefgen installed into it in editable mode.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint needs Pango; HarfBuzz's subsetter keeps PDFs fast and byte-reproducible.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tests read PDFs with poppler and open pages in a real Chromium.
TEST_DEBS := poppler-utils chromium
BENCH_DEBS := pandoc

.PHONY: example test lint bench system-deps test-deps bench-deps clean

example: system-deps $(VENV)/.installed
	$(BIN)/briefgen build
	@echo "Open out/helsinki-summit-2018/helsinki-summit-2018.pdf (or .html, .md)."

test: system-deps test-deps $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check briefgen tests bench
	$(BIN)/mypy briefgen

bench: system-deps test-deps bench-deps $(VENV)/.installed
	$(BIN)/python bench/run.py

system-deps:
	@$(MAKE) --no-print-directory _debs DEBS="$(RUNTIME_DEBS)"

test-deps:
	@$(MAKE) --no-print-directory _debs DEBS="$(TEST_DEBS)"

bench-deps:
	@$(MAKE) --no-print-directory _debs DEBS="$(BENCH_DEBS)"

_debs:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

clean:
	rm -rf out $(VENV) .pytest_cache .ruff_cache
