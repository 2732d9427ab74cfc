# make run: set up .venv and start the dashboard on the shipped data.
# make test: set up what the tests need and run them all (BROWSER_TESTS=0 leaves out the Chromium tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
# make test BROWSER_TESTS=0 leaves out the Chromium tests (CI always runs them).
BROWSER_TESTS ?= 1
CHROMIUM ?= /usr/bin/chromium
STREAMLIT_FLAGS := --server.headless true --server.address 127.0.0.1 --server.port $(PORT) \
	--browser.gatherUsageStats false --server.enableStaticServing true

.PHONY: run test system-packages browser-check validate docs bench bench-scale bench-lighthouse bench-heavy bench-readers serve-replicas site clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.app-installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.app-installed
	@echo "Open http://127.0.0.1:$(PORT) (Ctrl-C stops the dashboard)"
	$(BIN)/python -m streamlit run dashboard.py $(STREAMLIT_FLAGS)

ifeq ($(BROWSER_TESTS),0)
SYSTEM_PACKAGES := nginx postgresql
TEST_NEEDS := system-packages $(VENV)/.dev-installed
PYTEST_ARGS := --ignore=tests/browser
else
SYSTEM_PACKAGES := browser nginx postgresql
TEST_NEEDS := system-packages $(VENV)/.dev-installed node_modules/.installed
PYTEST_ARGS :=
endif

# The tests run in parallel, one pytest-xdist worker per core, at most 4 (make test TEST_WORKERS=0: one process).
# --dist loadgroup keeps a module with module-scoped set-up on one worker (tests/conftest.py).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
PYTEST_PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

test: $(TEST_NEEDS)
	$(BIN)/python -m pytest -q --durations=15 $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# What the tests need from the system (Debian's Chromium and fonts, npm, nginx, PostgreSQL), in one script that
# .ci/run uses too: as root with apt-get it installs what is missing, elsewhere it says what to install.
# Playwright's own browser download does not work here: the browser tests drive Debian's Chromium.
system-packages:
	@CHROMIUM=$(CHROMIUM) sh tools/system-packages.sh $(SYSTEM_PACKAGES)

browser-check:
	@CHROMIUM=$(CHROMIUM) sh tools/system-packages.sh browser

# axe-core for the accessibility checks, reinstalled only when package-lock.json changes.
node_modules/.installed: package-lock.json | system-packages
	@command -v npm >/dev/null || { \
		echo "npm is needed to install axe-core for the browser tests: sudo apt-get install -y npm"; \
		echo "or leave the browser tests out on purpose: make test BROWSER_TESTS=0"; \
		exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# The folder the app serves: make validate DATA_DIR=/path, else TDA_DATA_DIR, else data/.
DATA_DIR ?= $(if $(TDA_DATA_DIR),$(TDA_DATA_DIR),data)

validate: $(VENV)/.app-installed
	@echo "Checking $(abspath $(DATA_DIR))"
	$(BIN)/python -m components.validate "$(DATA_DIR)"

docs: $(VENV)/.app-installed
	@echo "Documenting $(abspath $(DATA_DIR))"
	$(BIN)/python -m components.datadocs --data-dir "$(DATA_DIR)"

# An editor for the Editor page: make editor-add EDITOR=name asks the password twice (never echoed) and writes
# its argon2id hash under [editors] in .streamlit/secrets.toml (created if missing, chmod 600).
.PHONY: editor-add
editor-add: $(VENV)/.app-installed
	@test "$(origin EDITOR)" = "command line" && test -n "$(EDITOR)" || { echo "Usage: make editor-add EDITOR=name"; exit 2; }
	@$(BIN)/python -m tools.editor_add "$(EDITOR)"

# The static site, both languages, under v/<data version>/ with latest/: make site SITE_DIR=/path (default site/).
SITE_DIR ?= site

site: $(VENV)/.app-installed
	$(BIN)/python -m tools.build_site --site-dir "$(SITE_DIR)" --data-dir "$(DATA_DIR)"

# Every benchmark, one after another (about an hour), and benchmarks/RESULTS.md with the machine, the figures and the targets.
# make bench BENCH_ARGS="--quick" (fewer runs), BENCH_ARGS="--only pages lighthouse", BENCH_ARGS="--list".
BENCH_ARGS ?=

bench: $(VENV)/.dev-installed
	@CHROMIUM=$(CHROMIUM) sh tools/system-packages.sh browser nginx postgresql
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

# A map filter change, a same-state rerun and the deck's size with 0, 100,000 and 1,000,000 extra events (AppTest,
# ratios against the shipped data in one run; about 5 min): make bench-scale [SCALE_ARGS="--sizes 0 100000 --json out.json"].
SCALE_ARGS ?=

bench-scale: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/bench_scale.py $(SCALE_ARGS)

# Lighthouse 13 (installed with npm into .cache/node/ when missing) on every page of ours and of streamlit hello,
# mobile and desktop presets, median of 3 runs (20-30 min).
bench-lighthouse: $(VENV)/.dev-installed browser-check
	$(BIN)/python benchmarks/bench_lighthouse.py

# A 200 MB events.csv with every row invalid in the running app: page times and server memory before, during and after (3-6 min).
bench-heavy: $(VENV)/.dev-installed browser-check
	$(BIN)/python benchmarks/bench_heavy.py

# Several app processes behind nginx on one address: make serve-replicas [REPLICAS=2] [PORT=8501] (Ctrl-C stops all).
REPLICAS ?= 2

serve-replicas: $(VENV)/.app-installed
	@sh tools/system-packages.sh nginx
	$(BIN)/python -m tools.replicas --replicas $(REPLICAS) --port $(PORT)

# 30 protocol-level readers and 2 Chromium readers against one process, then against the replicas (5-15 min).
bench-readers: $(VENV)/.dev-installed
	@CHROMIUM=$(CHROMIUM) sh tools/system-packages.sh browser nginx
	$(BIN)/python benchmarks/bench_readers.py --replicas $(REPLICAS)

clean:
	rm -rf $(VENV) .pytest_cache .cache artifacts node_modules
