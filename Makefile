# make run: set up .venv and start the dashboard on the shipped data.
# make test: set up what the tests need and run them all.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
STREAMLIT_FLAGS := --server.headless true --server.address 127.0.0.1 --server.port $(PORT) \
	--browser.gatherUsageStats false --server.enableStaticServing true

.PHONY: run test validate docs bench clean

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

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

validate: $(VENV)/.app-installed
	$(BIN)/python -m components.validate data

docs: $(VENV)/.app-installed
	$(BIN)/python -m components.datadocs

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .cache artifacts
