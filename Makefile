# The README's commands. `make demo` runs the app on SQLite with Celery eager; `make test` runs the suite
# (on PostgreSQL when DATABASE_URL is set, with the Redis/Celery tests when REDIS_URL is set).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the demo's documents and e-mails print (their verification URL and QR code): the server
# the newcomer opens. 0.0.0.0 listens everywhere; this machine reaches it at 127.0.0.1.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
DEMO_ENV := DEBUG=1 SITE_URL=$(SITE_URL)
PYTEST_ARGS ?=
# Both cores (pytest-xdist): each worker has its own test database and its own Redis database.
PYTEST_WORKERS ?= -n 2

.PHONY: setup system venv messages node demo run test lint lock site-url

setup: system venv messages node

# axe-core (accessibility checks in the browser tests), pinned in package-lock.json, from the npm registry.
node: node_modules/.installed

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

system:
	@bash scripts/install_system_packages.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $@

venv: $(VENV)/.installed

messages: venv
	@DEBUG=1 $(BIN)/python manage.py compilemessages -v0 --ignore=.venv
	@DEBUG=1 $(BIN)/python manage.py collectstatic --noinput -v0

demo: setup
	$(DEMO_ENV) $(BIN)/python manage.py migrate -v0
	$(DEMO_ENV) $(BIN)/python manage.py setup_data -v0
	$(DEMO_ENV) $(BIN)/python manage.py loaddata -v0 border_communes nghean_units criteria_nghean_2022 criteria_qd28_2025 legal_bases
	$(DEMO_ENV) $(BIN)/python manage.py demo_setup
	@echo ""
	@echo "  Mở $(SITE_URL)/ và đăng nhập bằng một tài khoản ở trên."
	@echo ""
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The address the demo prints on its documents, for HOST and PORT as given (the tests read it).
site-url:
	@echo $(SITE_URL)

test: setup
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy

# Re-pin the whole dependency tree after changing pyproject.toml.
lock:
	rm -rf /tmp/nghean-lock && $(PYTHON) -m venv /tmp/nghean-lock
	/tmp/nghean-lock/bin/pip install -q ".[dev]"
	/tmp/nghean-lock/bin/pip freeze --exclude nghean-dfc > requirements.lock
