#!/usr/bin/env bash
# `make stop`: stop everything `make run` / `make test` started: the web
# server, the background workers, Redis and PostgreSQL. Only processes found
# through our own pid files and data directory are touched.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -d "$STATE_DIR" ]] || exit 0
for name in web jobs-worker harvest-gather harvest-fetch; do
    if pid_alive "$PID_DIR/$name.pid" "$CKAN_INI"; then
        say "stopping $name (pid $(cat "$PID_DIR/$name.pid"))"
    fi
    kill_tree "$PID_DIR/$name.pid" "$CKAN_INI"
done
bash "$(dirname "${BASH_SOURCE[0]}")/services.sh" stop
