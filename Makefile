# merton-qa: the two commands of the README.
#   make run   – the demo on SQLite with eager tasks, at http://127.0.0.1:8000
#   make test  – the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)
#   make bench – the speed benchmarks (not part of make test; needs PostgreSQL, see docs/performance.md)
#   make load  – the load run alone (CI runs it): 200 agency users save Section 11 answers at once against
#                gunicorn on loopback, in a throwaway PostgreSQL database; exits 1 on any error. ~2 minutes.
#   make fault – the fault test (not part of make test; CI runs it once after the tests): kills its own Redis and
#                stops its own PostgreSQL under load, checks 503s and the outbox, stops Redis past the old retry
#                window, kills the worker mid board pack (see docs/reliability.md). ~5-6 minutes, at most 15
#                (FAULT_ARGS="--timeout N"); installs redis-server/postgresql-15 when root.
#   make security – bandit (no medium or high issue) and pip-audit --strict (no known vulnerability), each in
#                   its own virtualenv (.venv-bandit, .venv-audit) so neither touches the app's dependencies.
#                   `make bandit` works offline once installed; `make audit` needs PyPI's per-release JSON API.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= merton-demo-2026
export DEMO_PASSWORD

.PHONY: run test dates bench load fault venv lint migrate demo frontend clean security bandit audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

run: venv
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	@echo
	@echo "  merton-qa demo: http://127.0.0.1:8000"
	@echo "  Sign in as any of these, password: $(DEMO_PASSWORD)"
	@echo "    manager@example.org        business unit"
	@echo "    chair@example.org          chair"
	@echo "    qa@example.org             QA subgroup member"
	@echo "    lead@police.example.org    agency lead (police)"
	@echo "    contributor@police.example.org  agency contributor (police)"
	@echo "    lead@health.example.org    agency lead (health ICB)"
	@echo "    dsl@wandlevalley.example.org  school designated safeguarding lead"
	@echo "    reviews@example.org        reviews group member"
	@echo "    training@example.org       learning and development coordinator"
	@echo "    reader@example.org         reader"
	@echo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# pytest-xdist: the suite in $(TEST_PROCESSES) processes (2 cores here); tests that share the broker or start servers of
# their own run in one of them (tests/conftest.py). TEST_PROCESSES=0 runs it in this process alone.
TEST_PROCESSES ?= 2
XDIST = -n $(TEST_PROCESSES) --dist loadgroup

test: venv
	$(BIN)/pytest $(XDIST)

# The suite but the browser tests, on SQLite, with the clock moved by faketime (apt-get install faketime) to a
# moment where dates go wrong: by default the coming Saturday at 00:30 UTC (a weekend, and before any 9:30
# session). Catches a test or rule that holds only on the day it was written. Other moments:
# make dates DATES_AT="2027-07-01 23:10:00" (UTC; a summer late evening, when UTC is still the day before).
DATES_AT ?= $(shell date -u -d 'next saturday' +%F) 00:30:00
dates: venv
	env -u DATABASE_URL -u REDIS_URL TZ=UTC faketime "$(DATES_AT)" $(BIN)/pytest $(XDIST) --ignore=tests/e2e -p no:cacheprovider -q

# Seeds a throwaway PostgreSQL database (BENCH_PG, default postgres://postgres@127.0.0.1:5432; dropped after),
# measures each list page beside a fairly configured admin changelist of the same rows (scripts/bench_admin.py) and
# each dashboard beside the admin index, then the worst inputs, the board pack and the load run; prints the table and
# writes it to bench-results.md (docs/performance.md; BENCH_ARGS="--scale 10" for ten partnerships' rows).
bench: venv
	DEBUG=true $(BIN)/python scripts/bench.py $(BENCH_ARGS)

# A throwaway database (LOAD_ARGS --db, default mqa_load_run, on BENCH_PG) made, seeded and dropped;
# --max-seconds (default 600) bounds the whole run (exit 2).
load: venv
	DEBUG=true $(BIN)/python scripts/load.py $(LOAD_ARGS)

# Its own Redis (FAULT_ARGS --redis-port, default 6390) and PostgreSQL cluster (--pg-port, default 5440) on
# 127.0.0.1, gunicorn, a Celery worker and the outbox relay; all torn down at the end, also on a timeout
# (--timeout, default 900 s) or SIGTERM. Exits 1 on a missed goal, 2 when its servers are missing and cannot be
# installed (apt-get needs root).
fault: venv
	$(BIN)/python scripts/fault.py $(FAULT_ARGS)

lint: venv
	$(BIN)/ruff check .

# --- Security scanners, each in its own virtualenv (never in the app's: see STACK.md)
BANDIT_VENV := .venv-bandit
AUDIT_VENV := .venv-audit
SCANNED_OUT := ./.venv,./$(BANDIT_VENV),./$(AUDIT_VENV),./frontend,./staticfiles,./media,./test-artifacts

$(BANDIT_VENV)/bin/bandit:
	$(PYTHON) -m venv $(BANDIT_VENV)
	$(BANDIT_VENV)/bin/pip install --quiet bandit==1.9.4

$(AUDIT_VENV)/bin/pip-audit:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1

# Fails on any medium or high severity issue. A justified false positive carries `# nosec <id>` with the
# reason in a comment just above it.
bandit: $(BANDIT_VENV)/bin/bandit
	$(BANDIT_VENV)/bin/bandit --recursive . --exclude $(SCANNED_OUT) --severity-level medium --quiet

# Audits exactly what the app's virtualenv holds (runtime and test dependencies). --strict fails when a
# package cannot be looked up, so an unreachable vulnerability database is a failure, never a pass.
audit: venv $(AUDIT_VENV)/bin/pip-audit
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > $(AUDIT_VENV)/requirements.txt
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		--requirement $(AUDIT_VENV)/requirements.txt

security: bandit audit

frontend:
	scripts/build-frontend.sh

clean:
	rm -rf $(VENV) $(BANDIT_VENV) $(AUDIT_VENV) db.sqlite3 media staticfiles
