# zflar: two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# uv, bootstrapped from the lock with pip (hashes checked) into .uv/; it installs everything else.
UV_DIR := .uv
UV := $(UV_DIR)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1
# The interpreter is $(PY) from this machine; uv never downloads one.
export UV_PYTHON_DOWNLOADS := never
# --compile-bytecode: the .pyc files are written once here; every later process start reads them.
UV_FLAGS := --quiet --python $(BIN)/python --require-hashes --compile-bytecode

.PHONY: run test test-fast serve bench bench-deps lint typecheck venv venv-runtime system-deps services \
	migrate demo lock clean

$(UV): $(LOCK)
	rm -rf $(UV_DIR)
	$(PY) scripts/lock_subset.py tools $(LOCK) >$(LOCK).tools
	$(PY) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
		--require-hashes --no-deps --target $(UV_DIR) -r $(LOCK).tools
	rm -f $(LOCK).tools
	touch $@

$(BIN)/python: | $(UV)
	$(UV) venv --quiet --python $(PY) $(VENV)

# The runtime set only ([project].dependencies): what the server and the workers import.
$(BIN)/.runtime: $(LOCK) | $(UV) $(BIN)/python
	$(PY) scripts/lock_subset.py runtime $(LOCK) >$(VENV)/runtime.txt
	$(UV) pip install $(UV_FLAGS) --no-deps -r $(VENV)/runtime.txt
	$(UV) pip check --quiet --python $(BIN)/python
	touch $@

# Everything in the lock but uv: the runtime set, tests, linters, type checkers, benchmarks.
$(BIN)/.installed: $(LOCK) | $(UV) $(BIN)/python
	$(PY) scripts/lock_subset.py all $(LOCK) >$(VENV)/all.txt
	$(UV) pip sync $(UV_FLAGS) $(VENV)/all.txt
	$(UV) pip check --quiet --python $(BIN)/python
	touch $@ $(BIN)/.runtime

venv-runtime: $(BIN)/.runtime

venv: $(BIN)/.installed

# Re-resolve requirements.lock after editing the dependencies in pyproject.toml (keeps every other pin;
# `make lock UPGRADE=--upgrade` moves everything to the newest allowed versions). Needs the network.
lock: $(UV)
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(UV) pip compile --quiet pyproject.toml --group dev --group tools \
		--universal --generate-hashes $(UPGRADE) -o $(LOCK)

# Distribution tools the tests check against (GNU cpio, compress, shellcheck, dash, Chromium, sshd).
system-deps:
	bash scripts/install-system-deps

migrate: venv-runtime
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

serve: venv-runtime
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
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

clean:
	rm -rf var/celery var/zflar.sqlite3 var/uploads var/archives var/hosts
