# merton-qa: the two commands of the README.
#   make run   – the demo on SQLite with eager tasks, at http://127.0.0.1:8000
#   make test  – the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)
#   make bench – the speed benchmarks (not part of make test; needs PostgreSQL, see README "Performance")
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= merton-demo-2026
export DEMO_PASSWORD

.PHONY: run test bench venv lint migrate demo frontend clean

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

test: venv
	$(BIN)/pytest

# Seeds a throwaway PostgreSQL database (BENCH_PG, default postgres://postgres@127.0.0.1:5432; dropped after),
# prints the table and writes it to bench-results.md. About 5 minutes on 2 cores.
bench: venv
	DEBUG=true $(BIN)/python scripts/bench.py $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check .

frontend:
	scripts/build-frontend.sh

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
