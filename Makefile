.PHONY: run test bench install translations lint format clean

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/storefront i18n compile

run: install translations
	$(BIN)/storefront db upgrade
	$(BIN)/storefront demo-data --if-empty
	$(BIN)/storefront run --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on SQLite; then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install translations lint
	env -u TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); \
	fi

bench: install translations
	$(PY) -m benchmarks.run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf instance/storefront.db instance/media test-artifacts
