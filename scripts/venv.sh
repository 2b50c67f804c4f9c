#!/usr/bin/env bash
# Create .venv/ and install the pinned stack (requirements.txt) plus our own
# packages (`-e .`). Skipped when nothing changed: the stamp in .state/ is keyed
# on requirements.txt, setup.py and which package folders exist (an editable
# install maps the top-level packages it finds when it is made, so a new
# extension folder needs a new install).
#
# The installer is uv (pinned below, itself installed from PyPI into the
# venv), which resolves and installs the stack several times faster than pip.
# ODPO_INSTALLER=pip falls back to plain pip.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

UV_VERSION=0.13.9
INSTALLER="${ODPO_INSTALLER:-uv}"

cd "$ODPO_ROOT"
mkdir -p "$STATE_DIR"

install_key() {
    {
        cat requirements.txt setup.py
        find . -maxdepth 4 \( -path ./.venv -o -path ./.state -o -path ./.git \) -prune \
            -o -name __init__.py -print | sort
        echo "installer=$INSTALLER"
        "$VENV_DIR/bin/python" -c 'import sys; print(sys.version)' 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
}

stamp="$STATE_DIR/venv.stamp"
if [[ -x "$VENV_DIR/bin/ckan" && -f $stamp && "$(cat "$stamp")" == "$(install_key)" ]]; then
    exit 0
fi

if [[ ! -x "$VENV_DIR/bin/python" ]]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "$PYTHON is older than 3.10 (set ODPO_PYTHON to a newer one)"
    say "creating virtualenv in ${VENV_DIR#"$ODPO_ROOT"/}/ with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV_DIR"
fi

say "installing the pinned stack (requirements.txt) and our packages (-e .)"
start=$SECONDS
if [[ $INSTALLER == uv ]]; then
    if [[ "$("$VENV_DIR/bin/uv" --version 2>/dev/null)" != "uv $UV_VERSION" ]]; then
        "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
    fi
    UV_LINK_MODE=copy "$VENV_DIR/bin/uv" pip install -q --python "$VENV_DIR/bin/python" \
        --reinstall-package ckanext-odpo -r requirements.txt -e .
else
    # pip rebuilds an editable requirement on every install
    "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check --no-compile \
        -r requirements.txt -e .
fi
say "installed in $((SECONDS - start)) s"

install_key >"$stamp"
