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

# The worker runs beside the web server. Both go to the background so that `wait` can be
# interrupted: Ctrl-C (SIGINT to the whole group) or SIGTERM to make (which passes it to this
# shell) runs the trap, and whenever the server ends, for any reason, the worker is stopped.
run: install translations
	$(BIN)/storefront db upgrade
	$(BIN)/storefront demo-data --if-empty
	@trap 'kill $$server $$worker 2>/dev/null' INT TERM; \
	$(BIN)/storefront worker & worker=$$!; \
	$(BIN)/storefront run --host 127.0.0.1 --port $(PORT) & server=$$!; \
	wait $$server; status=$$?; \
	kill $$server $$worker 2>/dev/null; wait; exit $$status

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
	rm -rf instance/storefront.db instance/jobs.db instance/media test-artifacts
