#!/usr/bin/env bash
# The project-local PostgreSQL cluster and Redis server.
#
#   scripts/services.sh start    create (first time) and start both; idempotent
#   scripts/services.sh stop     stop both (only ours, found by pid / data dir)
#   scripts/services.sh status
#
# PostgreSQL: cluster in .state/pg, socket in .state/pg-socket, listening on
# 127.0.0.1:$ODPO_PG_PORT (54329) with password (scram) auth over TCP; role
# odpo/odpo (superuser: tests create extensions), databases odpo and odpo_test.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` system user and its commands run through runuser.
#
# Redis: 127.0.0.1:$ODPO_REDIS_PORT (63799), no persistence, data dir
# .state/redis; db 0 serves `make run`, db 1 the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_PID="$PID_DIR/redis.pid"

# ---------------------------------------------------------------- PostgreSQL

# As root, the cluster is owned by `postgres`, which must be able to reach
# .state/. When the checkout sits where it cannot (a private home folder),
# the cluster goes to /var/tmp/odpo-<hash> and .state/pg links to it.
pg_locate() {
    PG_BASE="$STATE_DIR"
    if is_root && ! runuser -u postgres -- test -x "$STATE_DIR" 2>/dev/null; then
        PG_BASE="/var/tmp/odpo-$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)"
    fi
    PG_DATA="$PG_BASE/pg"
    PG_SOCKET="$PG_BASE/pg-socket"
    PG_LOG="$LOG_DIR/postgresql.log"
    [[ $PG_BASE == "$STATE_DIR" ]] || PG_LOG="$PG_BASE/postgresql.log"
    # unix socket paths are limited to 107 bytes
    if ((${#PG_SOCKET} > 90)); then
        PG_SOCKET="/tmp/odpo-pg-$(printf '%s' "$PG_BASE" | sha256sum | cut -c1-12)"
    fi
}

as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_running() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

psql_admin() {
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" \
        -U postgres -d postgres "$@"
}

pg_init() {
    [[ -x $PG_BIN/initdb ]] || die "PostgreSQL server binaries not found in $PG_BIN (set ODPO_PG_BIN)"
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then return; fi
    say "creating the PostgreSQL cluster in ${PG_DATA}"
    mkdir -p "$PG_DATA" "$PG_SOCKET"
    chmod 700 "$PG_DATA" "$PG_SOCKET"
    touch "$PG_LOG"
    if is_root; then chown postgres:postgres "$PG_DATA" "$PG_SOCKET" "$PG_LOG"; fi
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1 \
        || { cat "$LOG_DIR/initdb.log" >&2; die "initdb failed"; }
    # A throwaway development cluster: favour speed over crash safety.
    as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<'EOF'

# --- ODPO development cluster (scripts/services.sh) ---
# port, listen_addresses and unix_socket_directories come from pg_ctl -o
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
log_min_duration_statement = -1
EOF
    if [[ $PG_BASE != "$STATE_DIR" ]]; then
        ln -sfn "$PG_DATA" "$STATE_DIR/pg"
    fi
}

pg_start() {
    pg_locate
    pg_init
    mkdir -p "$PG_SOCKET"
    if is_root; then chown postgres:postgres "$PG_SOCKET"; fi
    if pg_running; then
        say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        if port_busy "$PG_PORT"; then
            die "127.0.0.1:$PG_PORT is taken by another program (set ODPO_PG_PORT)"
        fi
        say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s \
            -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_SOCKET" \
            || { tail -n 30 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
    fi
    [[ $PG_LOG == "$LOG_DIR/postgresql.log" ]] || ln -sfn "$PG_LOG" "$LOG_DIR/postgresql.log"
    pg_provision
}

pg_provision() {
    local db
    if [[ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]]; then
        psql_admin -c "CREATE ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$DB_PASSWORD'"
    fi
    for db in "$DB_RUN" "$DB_TEST"; do
        if [[ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
            psql_admin -c "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
        fi
    done
    # the application path: TCP + password, as CKAN connects
    PGPASSWORD="$DB_PASSWORD" "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" \
        -d "$DB_TEST" -tAc 'SELECT 1' >/dev/null \
        || die "cannot log in as $DB_USER on 127.0.0.1:$PG_PORT"
}

pg_stop() {
    pg_locate
    if pg_running; then
        say "stopping PostgreSQL (127.0.0.1:$PG_PORT)"
        as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s
    fi
}

# --------------------------------------------------------------------- Redis

redis_start() {
    command -v redis-server >/dev/null || die "redis-server not found"
    if pid_alive "$REDIS_PID" redis-server; then
        say "Redis already running on 127.0.0.1:$REDIS_PORT"
        return
    fi
    if port_busy "$REDIS_PORT"; then
        die "127.0.0.1:$REDIS_PORT is taken by another program (set ODPO_REDIS_PORT)"
    fi
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    rm -f "$REDIS_PID"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
        --dir "$STATE_DIR/redis" --daemonize yes --pidfile "$REDIS_PID" \
        --logfile "$LOG_DIR/redis.log" --save '' --appendonly no </dev/null
    for _ in $(seq 1 50); do
        if [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] \
            && pid_alive "$REDIS_PID" redis-server; then
            return
        fi
        sleep 0.1
    done
    tail -n 20 "$LOG_DIR/redis.log" >&2 || true
    die "Redis did not start (log: $LOG_DIR/redis.log)"
}

redis_stop() {
    if pid_alive "$REDIS_PID" redis-server; then
        say "stopping Redis (127.0.0.1:$REDIS_PORT)"
        local pid
        pid="$(cat "$REDIS_PID")"
        kill -TERM "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$REDIS_PID"
}

# ---------------------------------------------------------------------------

ensure_state_dirs
case "${1:-start}" in
start)
    pg_start
    redis_start
    ;;
stop)
    redis_stop
    pg_stop
    ;;
status)
    pg_locate
    if pg_running; then echo "PostgreSQL: running on 127.0.0.1:$PG_PORT ($PG_DATA)"; else echo "PostgreSQL: stopped"; fi
    if pid_alive "$REDIS_PID" redis-server; then echo "Redis:      running on 127.0.0.1:$REDIS_PORT"; else echo "Redis:      stopped"; fi
    ;;
*)
    die "usage: $0 start|stop|status"
    ;;
esac
