#!/usr/bin/env bash
# `make test`: run our test suite and CKAN core's search suites against the
# project-local PostgreSQL (database odpo_test) and Redis (db 1), with
# test.ini. Expects the virtualenv and the services to be up (the Makefile
# runs scripts/venv.sh and scripts/services.sh first).
#
#   1. tests/                      our suite
#   2. tests/ckan_core/SUITES.txt   CKAN's own tests, run from the installed ckan
#                                   package with --pyargs: one pytest argument
#                                   per line (a module or node id such as
#                                   ckan.tests.logic.action.test_get::TestPackageSearch,
#                                   or an option such as -k...), # comments
# Both always run; the command fails when either fails. Extra pytest
# arguments: ODPO_PYTEST_ARGS (e.g. ODPO_PYTEST_ARGS='-x -k search').
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$ODPO_ROOT"
require_venv
ensure_state_dirs
PY="$VENV_DIR/bin/python"

# test.ini names the default ports; follow the ones actually in use.
export CKAN_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_TEST"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"

common=(--ckan-ini test.ini -rfE)
if [[ -n "${CI:-}" ]]; then common+=(--color=no --tb=short); fi
# shellcheck disable=SC2206  # word splitting of the extra arguments is wanted
extra=(${ODPO_PYTEST_ARGS:-})

say "preparing the test database ($DB_TEST): core and plugin migrations"
"$CKAN" -c test.ini db upgrade >"$LOG_DIR/test-db.log" 2>&1 \
    || { cat "$LOG_DIR/test-db.log" >&2; die "db upgrade on $DB_TEST failed"; }

failed=()

# 1. our suite -------------------------------------------------------------
say "our suite: pytest tests/"
status=5
if [[ -d tests ]]; then
    set +e
    "$PY" -m pytest "${common[@]}" tests -q "${extra[@]}"
    status=$?
    set -e
fi
if ((status == 5)); then
    # pytest: "no tests collected"; fine only while tests/ has no test files
    if find tests \( -name 'test_*.py' -o -name '*_test.py' \) 2>/dev/null | grep -q .; then
        failed+=("our suite (collected no tests)")
    else
        warn "tests/ has no test files yet"
    fi
elif ((status != 0)); then
    failed+=("our suite (pytest exit $status)")
fi

# 2. CKAN core suites --------------------------------------------------------
suites_file=tests/ckan_core/SUITES.txt
if [[ -f $suites_file ]]; then
    mapfile -t suites < <(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$suites_file" | grep -v '^$')
    if ((${#suites[@]})); then
        say "CKAN core suites from $suites_file: ${#suites[@]} node id(s)"
        set +e
        # odpo_core_seed: the factories' random data seeded per test
        PYTHONPATH="tests/ckan_core${PYTHONPATH:+:$PYTHONPATH}" \
            "$PY" -m pytest "${common[@]}" -p no:cacheprovider -p odpo_core_seed -q "${extra[@]}" \
            --pyargs "${suites[@]}"
        status=$?
        set -e
        ((status == 0)) || failed+=("CKAN core suites (pytest exit $status)")
    else
        warn "$suites_file lists no suites"
    fi
else
    say "no $suites_file: CKAN core suites skipped"
fi

if ((${#failed[@]})); then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
say "all test runs passed"
