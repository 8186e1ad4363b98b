# zflar: two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-fast serve bench bench-deps lint typecheck venv system-deps services migrate demo clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

# Distribution tools the tests check against (GNU cpio, compress, shellcheck, dash, Chromium, sshd).
system-deps:
	bash scripts/install-system-deps

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py zflar_demo

run: demo
	bash scripts/run-dev $(HOST) $(PORT)

test: venv system-deps
	bash scripts/run-tests

# The edit-run loop: the pure packages' tests only (no database, broker or browser), on every core.
test-fast: venv
	$(BIN)/pytest -q -m "not backend and not fuzz" -n auto

serve: venv
	bash scripts/serve

# Load generator and archive references for `make bench` (wrk, GNU cpio, md5sum).
bench-deps:
	bash scripts/install-bench-deps

# Every benchmark beside its reference; prints a table and rewrites docs/benchmarks.md.
# BENCH_QUICK=1 for small sizes.  Needs PostgreSQL and Redis on 127.0.0.1, like CI.
bench: venv system-deps bench-deps
	$(BIN)/python bench/run.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

clean:
	rm -rf var/celery var/zflar.sqlite3 var/uploads var/archives var/hosts
