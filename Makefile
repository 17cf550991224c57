# Set-up and everyday commands. `make example` and `make test` do all set-up on a fresh
# Debian/Ubuntu machine: system libraries (as root, or they print the apt-get line), a
# virtualenv in .venv, and briefgen installed into it in editable mode. Versions come from the
# pip-tools locks (requirements.txt: what building needs, with the optional extras ingest, dask and
# search, so `pip install 'briefgen[ingest]' -c requirements.txt` is the locked set too;
# requirements-test.txt: plus the test tools); a changed lock or pyproject.toml rebuilds the virtualenv from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint needs Pango; HarfBuzz's subsetter keeps PDFs fast and byte-reproducible.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tests read PDFs with poppler, open pages in a real Chromium and lint the Markdown with
# markdownlint-cli2 (Node; pinned in tools/package.json, installed by `npm ci`), and convert
# the Word edition to PDF with headless LibreOffice (tests/test_word.py: one page).
TEST_DEBS := poppler-utils chromium nodejs libreoffice-writer-nogui
BENCH_DEBS := pandoc
# The page audits (make audit, tests/test_audit.py) run npm packages and the Java Nu checker.
AUDIT_DEBS := default-jre-headless

.PHONY: example test test-latest upgrade lint bench audit audit-tools system-deps test-deps bench-deps clean

# The event brief is published in two editions (README "Editions"): its first edition,
# a committed earlier version of the sheet (examples/), is built once, when out/ holds no
# edition of it yet, in a scratch project with the same layout; then the current sheets.
# Both on fixed build dates, so `make example` is deterministic, and a second run is a
# no-op ("up to date").
FIRST_EDITION := examples/helsinki-summit-2018/first-edition.yaml

example: system-deps $(VENV)/.runtime
	@test -d out/helsinki-summit-2018/editions || { \
	  scratch=$$(mktemp -d) && mkdir -p "$$scratch/seeds" && \
	  cp -R seeds/helsinki-summit-2018 "$$scratch/seeds/" && \
	  cp $(FIRST_EDITION) "$$scratch/seeds/helsinki-summit-2018/facts.yaml" && \
	  (cd "$$scratch" && "$(CURDIR)/$(BIN)/briefgen" build --today 2026-11-23 -o "$(CURDIR)/out"); \
	  status=$$?; rm -rf "$$scratch"; exit $$status; }
	$(BIN)/briefgen build --today 2026-11-24
	$(BIN)/briefgen build --today 2026-11-24 --max-marking TLP:CLEAR -o out-public
	@echo "Open out/index.html, or one of each kind: out/helsinki-summit-2018/ (an event brief),"
	@echo "out/russia-us-relations-2018/ (an issue brief), out/russia-profile-2018/ (a country profile),"
	@echo "out/nato-profile-2018/ (an organisation profile): each holds .pdf, .html, .docx, .txt and .md."
	@echo "out-public/ is the TLP:CLEAR edition: the same site without what is marked above it."

test: system-deps test-deps audit-tools $(VENV)/.test
	$(BIN)/python -m pytest

# The suite against the newest versions pyproject.toml allows, in a separate virtualenv:
# run it on purpose (before `make upgrade`) so drift is found here, not by a newcomer.
test-latest: system-deps test-deps
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/pip install -q --upgrade pip
	.venv-latest/bin/pip install -q --upgrade -e ".[test]"
	@.venv-latest/bin/python -c "import re, importlib.metadata as m; \
	  pins = re.findall(r'^([A-Za-z0-9][\w.-]*)==(\S+)', open('requirements-test.txt').read(), re.M); \
	  [print(f'not the locked version: {n} locked {v}, here {m.version(n)}') for n, v in pins if m.version(n) != v]"
	BRIEFGEN_UNLOCKED=1 .venv-latest/bin/python -m pytest

# Regenerate both locks with pip-tools, taking the newest versions pyproject.toml allows.
upgrade:
	rm -rf .venv-tools
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/pip install -q pip-tools
	PIP_CONSTRAINT= .venv-tools/bin/pip-compile -q --upgrade --strip-extras --no-emit-index-url \
	  --no-emit-find-links --extra ingest --extra search --extra dask -o requirements.txt pyproject.toml
	PIP_CONSTRAINT= .venv-tools/bin/pip-compile -q --upgrade --strip-extras --no-emit-index-url \
	  --no-emit-find-links --extra test -c requirements.txt -o requirements-test.txt pyproject.toml
	rm -rf .venv-tools

lint: $(VENV)/.test
	$(BIN)/ruff check briefgen tests bench
	$(BIN)/mypy briefgen

bench: system-deps test-deps bench-deps $(VENV)/.test
	$(BIN)/python bench/run.py

# Lighthouse (mobile, desktop), axe-core and the Nu HTML checker on the example site's pages:
# prints the scores, fails on anything under 100, any violation or any error (bench/audit.py).
audit: system-deps test-deps audit-tools $(VENV)/.test
	$(BIN)/python bench/audit.py

# The Node tools (markdownlint-cli2 and the auditors), pinned by tools/package-lock.json, into tools/node_modules (Node 20, Java 17).
audit-tools: tools/node_modules/.installed

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	@# npm: Debian packages it apart from nodejs, but NodeSource's nodejs bundles it (and
	@# conflicts with Debian's npm), so each is installed only when missing.
	@command -v npm >/dev/null || $(MAKE) --no-print-directory _debs DEBS="npm"
	@command -v java >/dev/null || $(MAKE) --no-print-directory _debs DEBS="$(AUDIT_DEBS)"
	cd tools && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

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

# .runtime: the runtime lock only (make example); .test: the test lock, which pins the same
# runtime versions (it is compiled with requirements.txt as a constraint). Either stamp, when
# a lock or pyproject.toml is newer, rebuilds the virtualenv from scratch.
$(VENV)/.runtime: requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test: requirements-test.txt requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-test.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $(VENV)/.runtime $@

clean:
	rm -rf out $(VENV) .venv-latest .venv-tools .pytest_cache .ruff_cache tools/node_modules
