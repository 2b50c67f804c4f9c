#!/usr/bin/env bash
# Translations of ckanext-odpo (gettext domain ckanext-odpo, English msgids,
# Japanese shipped in ckanext-odpo/ckanext/odpo/i18n/ja/LC_MESSAGES/):
#
#   scripts/i18n.sh            extract, update and compile (the usual run)
#   scripts/i18n.sh extract    code and templates -> i18n/ckanext-odpo.pot
#   scripts/i18n.sh update     merge the .pot into each language's .po
#   scripts/i18n.sh compile    each .po -> its .mo (both are committed)
#
# After `update`, translate the new entries (empty msgstr) of the .po, then
# run `compile`. What is extracted is set in ckanext-odpo/babel.cfg.
# Uses pybabel of the virtualenv (ODPO_VENV, default .venv/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOMAIN=ckanext-odpo
PACKAGE_DIR="$ODPO_ROOT/ckanext-odpo/ckanext/odpo"
I18N_DIR="$PACKAGE_DIR/i18n"
POT="$I18N_DIR/$DOMAIN.pot"
LOCALES=(ja)
WIDTH=100

PYBABEL="$VENV_DIR/bin/pybabel"
[[ -x "$PYBABEL" ]] || die "no pybabel at $PYBABEL: run 'make venv' first"

extract() {
    say "extracting messages to ${POT#"$ODPO_ROOT"/}"
    # Run inside the package so the references read helpers.py:50, not a long path.
    (cd "$PACKAGE_DIR" && "$PYBABEL" -q extract -F ../../babel.cfg -o "$POT" \
        --project "$DOMAIN" --version 0.1.0 --copyright-holder ODPO --width "$WIDTH" .)
}

update() {
    local locale po
    for locale in "${LOCALES[@]}"; do
        po="$I18N_DIR/$locale/LC_MESSAGES/$DOMAIN.po"
        if [[ -f "$po" ]]; then
            say "updating ${po#"$ODPO_ROOT"/}"
            "$PYBABEL" -q update -D "$DOMAIN" -i "$POT" -d "$I18N_DIR" -l "$locale" \
                --no-fuzzy-matching --ignore-obsolete --width "$WIDTH"
        else
            say "creating ${po#"$ODPO_ROOT"/}"
            "$PYBABEL" -q init -D "$DOMAIN" -i "$POT" -d "$I18N_DIR" -l "$locale" \
                --width "$WIDTH"
        fi
    done
}

compile() {
    local locale
    for locale in "${LOCALES[@]}"; do
        say "compiling $locale"
        "$PYBABEL" compile -D "$DOMAIN" -d "$I18N_DIR" -l "$locale" --statistics
    done
}

case "${1:-all}" in
    extract) extract ;;
    update) update ;;
    compile) compile ;;
    all) extract; update; compile ;;
    *) die "usage: scripts/i18n.sh [extract|update|compile]" ;;
esac
