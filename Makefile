# ODPO - Open Data Platform in Osaka (CKAN 2.12 + our extensions).
#
#   make run     install, provision and serve the portal on http://127.0.0.1:5000
#   make test    install, provision and run the test suites
#
# Everything is local to this checkout: .venv/ (Python) and .state/ (database
# cluster, Redis, rendered config, secrets, pids, logs). As root, missing
# Debian packages are installed first. The scripts doing the work are in
# scripts/; `make help` lists the other targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:

# Loopback ports and locations; override on the command line, e.g.
#   make run ODPO_WEB_PORT=5001
export ODPO_PG_PORT ?= 54329
export ODPO_REDIS_PORT ?= 63799
export ODPO_WEB_HOST ?= 127.0.0.1
export ODPO_WEB_PORT ?= 5000
# Python used to create .venv/ (3.10 or newer)
export ODPO_PYTHON ?= python3
# 1: restart the web server when code changes (slower, watches many files)
export ODPO_RELOAD ?= 0
# extra pytest arguments for `make test`, e.g. ODPO_PYTEST_ARGS='-x -k search'
export ODPO_PYTEST_ARGS ?=

.PHONY: help run test services system-deps venv stop status distclean i18n

help:
	@echo "make run        serve the portal on http://$(ODPO_WEB_HOST):$(ODPO_WEB_PORT) (Ctrl-C stops it)"
	@echo "make test       run our tests and CKAN's search suites"
	@echo "make services   provision and start PostgreSQL ($(ODPO_PG_PORT)) and Redis ($(ODPO_REDIS_PORT)) only"
	@echo "make venv       create .venv/ and install the pinned stack"
	@echo "make status     show what is running"
	@echo "make stop       stop the web server, workers, Redis and PostgreSQL"
	@echo "make distclean  stop, then delete .state/ (all local data) and .venv/"
	@echo "make i18n       extract, update and compile the Japanese translations"

# time origin for the "ready after N s" line of `make run`
run: export ODPO_STARTED_AT := $(shell date +%s)
run: venv services
	@bash scripts/run.sh

test: venv services
	@bash scripts/test.sh

services: system-deps
	@bash scripts/services.sh start

venv: system-deps
	@bash scripts/venv.sh

system-deps:
	@bash scripts/system-deps.sh

i18n: venv
	@bash scripts/i18n.sh

status:
	@bash scripts/services.sh status
	@for f in .state/pids/{web,jobs-worker,harvest-gather,harvest-fetch}.pid; do \
		name=$$(basename $$f .pid); \
		if [ -s $$f ] && kill -0 $$(cat $$f) 2>/dev/null; then \
			printf '%-16s running (pid %s)\n' "$$name:" "$$(cat $$f)"; \
		else printf '%-16s stopped\n' "$$name:"; fi; \
	done

stop:
	@bash scripts/stop.sh

distclean: stop
	@if [ -L .state/pg ]; then rm -rf "$$(dirname "$$(readlink .state/pg)")"; fi
	rm -rf .state .venv
