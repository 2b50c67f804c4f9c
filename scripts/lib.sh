# shellcheck shell=bash disable=SC2034  # settings used by the scripts sourcing this file
# Shared settings and helpers for the provisioning scripts. Sourced, not run.
#
# Everything lives inside the repository: the virtualenv in .venv/, and the
# PostgreSQL cluster, Redis data, rendered config, secrets, pid files and logs
# in .state/ (both git-ignored). Ports are loopback-only and can be changed
# through the environment (the Makefile passes its variables on).

ODPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${ODPO_STATE_DIR:-$ODPO_ROOT/.state}"
VENV_DIR="${ODPO_VENV:-$ODPO_ROOT/.venv}"
PYTHON="${ODPO_PYTHON:-python3}"

PG_PORT="${ODPO_PG_PORT:-54329}"
REDIS_PORT="${ODPO_REDIS_PORT:-63799}"
WEB_HOST="${ODPO_WEB_HOST:-127.0.0.1}"
WEB_PORT="${ODPO_WEB_PORT:-5000}"

DB_USER=odpo
DB_PASSWORD=odpo
DB_RUN=odpo
DB_TEST=odpo_test

CKAN_INI="$STATE_DIR/ckan.ini"
PID_DIR="$STATE_DIR/pids"
LOG_DIR="$STATE_DIR/logs"
CKAN="$VENV_DIR/bin/ckan"

# PostgreSQL server binaries: Debian's postgresql-15 unless told otherwise.
if [[ -z "${ODPO_PG_BIN:-}" ]]; then
    ODPO_PG_BIN=/usr/lib/postgresql/15/bin
    if [[ ! -x $ODPO_PG_BIN/pg_ctl ]]; then
        # any other installed major version, newest first
        while IFS= read -r candidate; do
            if [[ -x $candidate/pg_ctl ]]; then ODPO_PG_BIN=$candidate; break; fi
        done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
    fi
    if [[ ! -x $ODPO_PG_BIN/pg_ctl ]] && command -v pg_ctl >/dev/null 2>&1; then
        ODPO_PG_BIN="$(dirname "$(command -v pg_ctl)")"
    fi
fi
PG_BIN="$ODPO_PG_BIN"

is_root() { [[ "$(id -u)" == 0 ]]; }

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mWARNING: %s\033[0m\n' "$*" >&2; }
die()  { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Plain output when not on a terminal (CI logs).
if [[ ! -t 1 || -n "${CI:-}" ]]; then
    say()  { printf '==> %s\n' "$*"; }
    warn() { printf 'WARNING: %s\n' "$*" >&2; }
    die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
fi

# pid_alive FILE [WORD]: true when FILE holds the pid of a running process
# (whose command line contains WORD, when given: pid files can go stale).
pid_alive() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(cat "$1" 2>/dev/null)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ -z "${2:-}" ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# running PID: true while PID runs (a zombie waiting to be reaped does not).
running() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ ${stat:0:1} != Z ]]
}

# kill_tree PIDFILE WORD: stop a process we started (and its process group when
# it leads one, as the ones started with setsid do), TERM first, KILL after 10 s.
kill_tree() {
    local file=$1 word=$2 pid target stat
    if pid_alive "$file" "$word"; then
        pid="$(cat "$file")"
        target=$pid
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || stat=""
        stat="${stat##*) }"                      # state ppid pgrp ...
        [[ "$(echo "$stat" | cut -d' ' -f3)" == "$pid" ]] && target="-$pid"
        kill -TERM -- "$target" 2>/dev/null || true
        for _ in $(seq 1 100); do
            running "$pid" || break
            sleep 0.1
        done
        if running "$pid"; then kill -KILL -- "$target" 2>/dev/null || true; fi
    fi
    rm -f "$file"
}

# port_busy PORT: true when something listens on 127.0.0.1:PORT.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_state_dirs() {
    mkdir -p "$STATE_DIR" "$PID_DIR" "$LOG_DIR" "$STATE_DIR/redis" \
        "$STATE_DIR/storage" "$STATE_DIR/cache"
    chmod 755 "$STATE_DIR"
}

require_venv() {
    [[ -x "$CKAN" ]] || die "no virtualenv at $VENV_DIR: run 'make venv' first"
}
