# Two commands for a newcomer: `make run` serves the seeded demo, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-libs browser run test lint

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# WeasyPrint (certificate PDFs) lays text out with Pango; DejaVu covers Vietnamese and Polish names.
system-libs:
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

# The browser tests drive the system Chromium; Playwright's own browser download is not used.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# An independent verifier of the signed credentials (Digital Bazaar's JavaScript libraries), for the tests.
VERIFIER_JS := certificates/tests/js
$(VERIFIER_JS)/node_modules/.package-lock.json: $(VERIFIER_JS)/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --prefix $(VERIFIER_JS) --no-audit --no-fund --loglevel=error

# Where `make run` serves the demo (`make run ADDRESS=127.0.0.1:8080`): the demo's links, emails and PDFs say so too.
ADDRESS ?= 127.0.0.1:8000
run: export DJANGO_BASE_URL = http://$(ADDRESS)
run: install system-libs
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(ADDRESS)

test: install system-libs browser $(VERIFIER_JS)/node_modules/.package-lock.json
	$(BIN)/pytest -n auto --create-db

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
