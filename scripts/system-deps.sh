#!/usr/bin/env bash
# Install the Debian packages ODPO needs, when running as root and only those
# missing. Runs unattended (no stdin) and keeps the packages' own system
# services (the default PostgreSQL cluster, the system Redis) from starting:
# ODPO runs its own servers on other ports.
#
# Not root: nothing is installed; the tools are expected to be present.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(postgresql-15 postgresql-contrib redis-server libpq-dev libmagic1 build-essential chromium)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# The virtualenv module (Debian splits it out of the system Python).
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    PACKAGES+=(python3-venv)
fi

if ! is_root; then
    missing_tools=()
    for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/psql"; do
        [[ -x $tool ]] || missing_tools+=("$tool")
    done
    command -v redis-server >/dev/null || missing_tools+=(redis-server)
    command -v "$PYTHON" >/dev/null || missing_tools+=("$PYTHON")
    if ((${#missing_tools[@]})); then
        die "not root, so nothing is installed, and these are missing: ${missing_tools[*]}
       (Debian: sudo apt-get install ${PACKAGES[*]})"
    fi
    exit 0
fi

command -v dpkg-query >/dev/null || die "not a Debian system: install ${PACKAGES[*]} by hand"

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

say "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# Forbid package scripts to start services while we install (policy-rc.d
# answering 101 is Debian's documented switch); remove it afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from ODPO scripts/system-deps.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
fi
cleanup() { if ((created_policy)); then rm -f "$policy"; fi; }
trap cleanup EXIT

apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt-get update -q </dev/null
apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null
say "Debian packages installed"
