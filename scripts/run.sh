#!/usr/bin/env bash
# `make run`: prepare the development site and serve it in the foreground.
#
# Expects the virtualenv and the services (PostgreSQL, Redis) to be up: the
# Makefile runs scripts/venv.sh and scripts/services.sh first. Then:
#   1. renders config/development.ini.in into .state/ckan.ini
#   2. creates (first run) or upgrades the database, plugin migrations included
#   3. makes sure the sysadmin `admin` exists (password in .state/admin-password)
#   4. loads the demo catalogue when the database has no datasets
#   5. starts the background workers: CKAN jobs, harvest gather and fetch
#   6. serves the portal on http://$ODPO_WEB_HOST:$ODPO_WEB_PORT until Ctrl-C,
#      rebuilding the search index meanwhile when it is empty but datasets exist
# Ctrl-C (or `make stop`) stops the web server and the workers; PostgreSQL and
# Redis keep running until `make stop`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$ODPO_ROOT"
require_venv
ensure_state_dirs
started_at="${ODPO_STARTED_AT:-$(date +%s)}"
PY="$VENV_DIR/bin/python"
ckan() { "$CKAN" -c "$CKAN_INI" "$@"; }

WEB_PID="$PID_DIR/web.pid"
WORKERS=(jobs-worker harvest-gather harvest-fetch)
declare -A WORKER_CMD=(
    [jobs-worker]="jobs worker"
    [harvest-gather]="harvester gather-consumer"
    [harvest-fetch]="harvester fetch-consumer"
)

if pid_alive "$WEB_PID" "$CKAN_INI"; then
    die "the portal is already being served (pid $(cat "$WEB_PID")); 'make stop' stops it"
fi
if port_busy "$WEB_PORT"; then
    die "$WEB_HOST:$WEB_PORT is taken by another program (set ODPO_WEB_PORT)"
fi

# 1. configuration -----------------------------------------------------------
"$PY" scripts/render_config.py config/development.ini.in "$CKAN_INI"

# 2. database ----------------------------------------------------------------
has_schema="$(PGPASSWORD="$DB_PASSWORD" "$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" \
    -U "$DB_USER" -d "$DB_RUN" -tAc "SELECT to_regclass('public.package') IS NOT NULL")"
if [[ $has_schema == t ]]; then
    say "upgrading the database (core and plugin migrations)"
    ckan db upgrade >"$LOG_DIR/db.log" 2>&1 || { cat "$LOG_DIR/db.log" >&2; die "db upgrade failed"; }
else
    say "initialising the database (core and plugin migrations)"
    ckan db init >"$LOG_DIR/db.log" 2>&1 || { cat "$LOG_DIR/db.log" >&2; die "db init failed"; }
fi

# 3. sysadmin, and the state of the catalogue ---------------------------------
site_state() {
    "$PY" scripts/site_setup.py "$CKAN_INI" "$STATE_DIR/admin-password" 2>"$LOG_DIR/site_setup.log" \
        || { cat "$LOG_DIR/site_setup.log" >&2; die "site set-up failed"; }
}
declare -A site=()
read_state() {
    local out line
    out="$(site_state)" || return 1
    site=()
    while IFS= read -r line; do site[${line%%=*}]="${line#*=}"; done <<<"$out"
}
say "checking the sysadmin and the catalogue"
read_state
grep -h '^created\|^reset' "$LOG_DIR/site_setup.log" || true

# terms of use and privacy policy for the consent steps (idempotent) -----------
say "registering the platform terms (ckan orden-consent seed)"
ckan orden-consent seed >"$LOG_DIR/consent-seed.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/consent-seed.log" >&2; die "'ckan orden-consent seed' failed"; }

# 4. demo catalogue ------------------------------------------------------------
# demo_step DESCRIPTION LOG-NAME COMMAND...: one more step of the demo, logged
demo_step() {
    local what=$1 log="$LOG_DIR/$2.log"
    shift 2
    say "demo: $what (ckan $*)"
    if ckan "$@" >"$log" 2>&1; then
        tail -n 1 "$log"
    else
        tail -n 30 "$log" >&2
        warn "'ckan $*' failed (log: .state/logs/${log##*/})"
    fi
}
recheck=0
if [[ ${site[datasets]:-0} == 0 ]]; then
    say "the catalogue is empty: loading the demo catalogue (ckan odpo demo load)"
    set +e
    ckan odpo demo load >"$LOG_DIR/demo-load.log" 2>&1
    status=$?
    set -e
    if ((status == 0)); then
        tail -n 1 "$LOG_DIR/demo-load.log"
        demo_step "sample tables of the demo's non-open datasets" demo-samples odpo samples demo
        demo_step "demo provider, user and access request" demo-access odpo-access demo
        demo_step "DCAT descriptions of the catalogue, stored ahead" demo-dcat odpo sharing render-dcat
        recheck=1
    elif ((status == 2)) && grep -q "No such command" "$LOG_DIR/demo-load.log"; then
        warn "the 'ckan odpo demo' command is not available yet: serving an empty catalogue"
    else
        tail -n 30 "$LOG_DIR/demo-load.log" >&2
        warn "'ckan odpo demo load' failed (log: .state/logs/demo-load.log)"
        recheck=1
    fi
fi

# 5 and 6. background workers and the web server ----------------------------------
stopping=0
stop_all() {
    ((stopping)) && return
    stopping=1
    trap - INT TERM
    echo
    say "stopping the web server and the workers"
    kill_tree "$WEB_PID" "$CKAN_INI"
    local name
    for name in "${WORKERS[@]}"; do kill_tree "$PID_DIR/$name.pid" "$CKAN_INI"; done
    say "web server and workers stopped ('make stop' also stops PostgreSQL and Redis)"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for name in "${WORKERS[@]}"; do
    if pid_alive "$PID_DIR/$name.pid" "$CKAN_INI"; then
        say "worker $name already running"
        continue
    fi
    # shellcheck disable=SC2086  # the command words are split on purpose
    setsid "$CKAN" -c "$CKAN_INI" ${WORKER_CMD[$name]} </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! >"$PID_DIR/$name.pid"
done
say "workers started: ${WORKERS[*]} (logs in .state/logs/)"

run_opts=(--host "$WEB_HOST" --port "$WEB_PORT")
[[ ${ODPO_RELOAD:-0} == 1 ]] || run_opts+=(--disable-reloader)
say "starting the web server"
setsid "$CKAN" -c "$CKAN_INI" run "${run_opts[@]}" </dev/null > >(tee -a "$LOG_DIR/web.log") 2>&1 &
web=$!
echo "$web" >"$WEB_PID"

# search index, while the web server boots ----------------------------------------
((recheck)) && read_state
if [[ ${site[indexed]:--1} == -1 ]]; then
    warn "the search backend does not answer: ${site[search_error]:-unknown error}"
elif [[ ${site[indexed]} == 0 && ${site[datasets]:-0} != 0 ]]; then
    say "the search index is empty: rebuilding it for ${site[datasets]} datasets"
    ckan search-index rebuild >"$LOG_DIR/search-index.log" 2>&1 \
        || { tail -n 30 "$LOG_DIR/search-index.log" >&2; warn "search-index rebuild failed"; }
fi

url="http://$WEB_HOST:$WEB_PORT"
ready=0
for _ in $(seq 1 240); do
    kill -0 "$web" 2>/dev/null || die "the web server exited (log: .state/logs/web.log)"
    if "$PY" - "$url/api/3/action/status_show" <<'EOF' 2>/dev/null; then ready=1; break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=5).read()
EOF
    sleep 0.5
done
((ready)) || warn "the web server does not answer yet (log: .state/logs/web.log)"

cat <<EOF

  ODPO 大阪オープンデータプラットフォーム is being served at

      $url/

  sysadmin login:  admin / $(cat "$STATE_DIR/admin-password")
  ready after $(($(date +%s) - started_at)) s; logs in .state/logs/; Ctrl-C stops the web
  server and the workers, 'make stop' stops everything.

EOF

wait "$web" || true
