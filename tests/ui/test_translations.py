"""The Japanese translations of ckanext-odpo: every message of the code and
templates is in the shipped ``.po``, translated, and the committed ``.mo`` (what
CKAN reads) says the same as the ``.po``. ``scripts/i18n.sh`` fixes all three."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "ckanext-odpo" / "ckanext" / "odpo"
BABEL_CFG = PACKAGE_DIR.parents[1] / "babel.cfg"
MESSAGES_DIR = PACKAGE_DIR / "i18n" / "ja" / "LC_MESSAGES"
PO_PATH = MESSAGES_DIR / "ckanext-odpo.po"
MO_PATH = MESSAGES_DIR / "ckanext-odpo.mo"

FIX = "run scripts/i18n.sh, translate the new entries, then scripts/i18n.sh compile"


def _po() -> Catalog:
    with PO_PATH.open("rb") as po_file:
        return read_po(po_file, locale="ja")


def _translations(catalog: Catalog) -> dict[Any, Any]:
    """msgid -> msgstr of every message (plural msgids and msgstrs as tuples)."""
    return {_strings(message.id): _strings(message.string) for message in catalog if message.id}


def _strings(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _extracted_msgids() -> set[str]:
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(PACKAGE_DIR), method_map, options_map)
    return {message if isinstance(message, str) else message[0] for *_, message, _, _ in found}


def test_every_message_is_translated_into_japanese() -> None:
    catalog = _po()
    untranslated = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(_strings(message.string)))
    ]
    assert len(catalog) > 0
    assert untranslated == [], FIX


def test_every_message_of_the_code_and_templates_is_in_the_po() -> None:
    msgids = {_strings(message.id)[0] for message in _po() if message.id}
    assert _extracted_msgids() - msgids == set(), FIX


def test_the_compiled_mo_is_in_sync_with_the_po(tmp_path: Path) -> None:
    compiled = tmp_path / "ckanext-odpo.mo"
    with compiled.open("wb") as mo_file:
        write_mo(mo_file, _po())
    with compiled.open("rb") as fresh, MO_PATH.open("rb") as committed:
        assert _translations(read_mo(committed)) == _translations(read_mo(fresh)), FIX


@pytest.mark.parametrize(
    ("msgid", "japanese"),
    [
        ("Statistics", "統計"),
        ("This field is required. Enter or choose a value.",
         "この項目は必須です。入力するか選択してください。"),
        ("Licences", "ライセンス一覧"),
    ],
)
def test_the_translation_says_what_users_have_always_read(msgid: str, japanese: str) -> None:
    assert _translations(_po())[(msgid,)] == (japanese,)
