.PHONY: run test bench install install-dev translations lint format lock clean

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 5000
# Absolute links (mail, receipts, QR codes) point at the port the shop is served on.
PUBLIC_URL ?= http://127.0.0.1:$(PORT)
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

$(PY):
	python3 -m venv $(VENV)

# Installs exactly what the lock files name; the project itself adds nothing to them.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# After a change to the dependencies in pyproject.toml: the runtime lock, then the dev lock
# constrained by it, so tests run on exactly the versions production installs.
lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet \
	  -o requirements.lock --custom-compile-command "make lock"
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet \
	  -c requirements.lock -o requirements-dev.lock --custom-compile-command "make lock"

translations: $(STAMP)
	$(BIN)/storefront i18n compile

# The worker runs beside the web server. Both go to the background so that `wait` can be
# interrupted: Ctrl-C (SIGINT to the whole group) or SIGTERM to make (which passes it to this
# shell) runs the trap, and whenever the server ends, for any reason, the worker is stopped.
run: install translations
	$(BIN)/storefront db upgrade
	$(BIN)/storefront demo-data --if-empty
	@export PUBLIC_URL='$(PUBLIC_URL)'; \
	trap 'kill $$server $$worker 2>/dev/null' INT TERM; \
	$(BIN)/storefront worker & worker=$$!; \
	$(BIN)/storefront run --host 127.0.0.1 --port $(PORT) & server=$$!; \
	wait $$server; status=$$?; \
	kill $$server $$worker 2>/dev/null; wait; exit $$status

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on SQLite; then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install-dev translations lint
	env -u TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); \
	fi

bench: install-dev translations
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.ledger

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf instance/storefront.db instance/jobs.db instance/media test-artifacts
