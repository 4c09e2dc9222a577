# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they call.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test bench-smoke install assets translations catalogues system mutation clean

run: install ## Install everything and run the app on http://127.0.0.1:5000 with the sample data
	@echo "Staff sign-in: create an account first with  $(BIN)/flask --app app users create you@example.org --role admin"
	SESSION_COOKIE_SECURE=false $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# One worker per core (pytest-xdist), a test file to a worker: the PostgreSQL tests, which share one database,
# are all in tests/directory/test_postgres.py.
test: install system ## Install everything (Chromium and Redis included) and run the whole test suite
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Every benchmark on a small directory: each still runs end to end and its own checks hold (the page weight's
# 60 KB, no errors under load). Their full numbers come from the full sizes, on a quiet machine (bench/README.md).
bench-smoke: install ## Run every benchmark on a small size (CI; throughput needs Debian's wrk)
	$(BIN)/python bench/search_benchmark.py --sizes 1000 --queries 20 > /dev/null
	$(BIN)/python bench/location_api_benchmark.py --sizes 1000 --api-size 1000 --queries 20 > /dev/null
	$(BIN)/python bench/staff_benchmark.py --sizes sample --count 3 > /dev/null
	$(BIN)/python bench/coverage_benchmark.py --sizes sample --count 3 > /dev/null
	$(BIN)/python bench/reindex_benchmark.py --size 500 > /dev/null
	$(BIN)/python bench/page_weight.py > /dev/null
	$(BIN)/python bench/throughput.py --smoke > /dev/null

mutation: install ## Mutation testing of the modules victims depend on (MODULES="wording rules" for some)
	$(BIN)/pip install --quiet -e '.[mutation]'
	$(BIN)/python tools/mutation.py --floor 90 $(MODULES)

install: $(VENV)/.installed assets translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	npm run --silent build

translations: $(VENV)/.installed ## Compile the public site's catalogues (data/translations/*/LC_MESSAGES)
	BIN=$(BIN) tools/catalogues.sh compile

catalogues: $(VENV)/.installed ## After changing a public page's words: extract them and add them to every catalogue
	BIN=$(BIN) tools/catalogues.sh update

# Browser tests drive Debian's Chromium and the shared-throttling test starts a redis-server:
# install them when they are missing.
system:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -z "$$missing" ] || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; }

clean:
	rm -rf $(VENV) node_modules static/build instance data/translations/*/LC_MESSAGES/*.mo
