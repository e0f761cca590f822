# Lieta — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app webapp
MIGRATIONS := webapp/migrations
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: install translations translations-update migrate seed deploy-bundled run serve chromium document-libs test test-postgres lint bench diagrams clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build output, not source: made from the .po files every time.
translations: install
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations -D messages >/dev/null

# After changing user-facing text: refresh the template and both catalogues, then translate.
translations-update: install
	$(BIN)/pybabel extract -F webapp/babel.cfg -k _l -k N_ --no-location --project=Lieta -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching

migrate: translations
	$(FLASK) db upgrade -d $(MIGRATIONS)

seed: migrate
	$(FLASK) users seed-demo
	$(FLASK) resources seed-demo

# The message catalogue first: a model is refused if it throws or catches an undeclared message.
deploy-bundled: seed
	$(FLASK) messages catalogue load bpmn/messages.json
	$(FLASK) processes deploy bpmn forms

# Fresh clone → .venv → install → migrate → demo users → bundled processes → serve with the scheduler.
run: deploy-bundled serve

serve:
	LIETA_SCHEDULER=1 $(BIN)/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) \
		--access-logfile - 'webapp:create_app()'

# The browser tests drive Debian's Chromium (Playwright's own download does not work here):
# LIETA_CHROMIUM, else /usr/lib/chromium/chromium, else installed now when run as root (as CI is).
CHROMIUM ?= $(or $(LIETA_CHROMIUM),/usr/lib/chromium/chromium)
chromium:
	@test -x "$(CHROMIUM)" || { [ "$$(id -u)" = 0 ] && apt-get install -y --no-install-recommends chromium >/dev/null \
		|| { apt-get update -qq && apt-get install -y --no-install-recommends chromium >/dev/null; }; } || \
		echo "no Chromium at $(CHROMIUM): the browser tests will fail (apt-get install chromium as root, or set LIETA_CHROMIUM)"

# WeasyPrint (PDF documents) needs Pango and HarfBuzz's subsetter; the decisions and the register's PDFs
# (evidence list, QR labels) use the DejaVu fonts (every Latvian letter). Installed now when missing and run as root (as CI is), like chromium.
DOCUMENT_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
document-libs:
	@dpkg -s $(DOCUMENT_PACKAGES) >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y --no-install-recommends $(DOCUMENT_PACKAGES) >/dev/null \
		|| { apt-get update -qq && apt-get install -y --no-install-recommends $(DOCUMENT_PACKAGES) >/dev/null; }; }; } || \
		echo "missing $(DOCUMENT_PACKAGES): the document tests will fail (apt-get install them as root)"

test: translations chromium document-libs
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

# The second CI pass: every test that touches the database, on PostgreSQL.
test-postgres: translations document-libs
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "db or postgres_only"

lint: install
	$(BIN)/ruff check .

bench: translations
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/http.py
	$(BIN)/python bench/timers.py
	$(BIN)/python bench/sandbox.py
	$(BIN)/python bench/solvers.py
	$(BIN)/python bench/webapp.py
	$(BIN)/python bench/anonymise.py

# The SVG of every bundled process, drawn from its BPMN diagram data (a test keeps them current).
diagrams: install
	$(BIN)/python docs/bpmn_svg.py --all bpmn docs/processes

clean:
	rm -rf $(VENV) instance .pytest_cache
