"""The harmonised licence register of ODPO.

Municipal and government sites publish the same licence under many names
(``CC-BY-4.0``, ``cc-by-40-intl``, 「クリエイティブ・コモンズ 表示（CC BY）」,
「政府標準利用規約（第2.0版）準拠」, ...). ODPO stores one canonical id per
licence, and every dataset page shows the same plain-language summary, flags
and citation example (出典の記載例) for it. The data lives in
``register.yaml`` next to this module; :mod:`.ckan_list` turns it into the
licence list CKAN reads, :mod:`.normaliser` maps raw strings to its ids.

Canonical ids
    ASCII, lower case, ``<licence>-<version>[-<jurisdiction>]``; never renamed,
    because datasets store them as ``license_id``.

    ``cc0-1.0``           CC0 1.0 Universal public domain dedication
    ``cc-by-4.0``         Creative Commons Attribution 4.0 International
    ``cc-by-sa-4.0``      ... Attribution-ShareAlike 4.0
    ``cc-by-nc-4.0``      ... Attribution-NonCommercial 4.0
    ``cc-by-nd-4.0``      ... Attribution-NoDerivatives 4.0
    ``cc-by-nc-sa-4.0``   ... Attribution-NonCommercial-ShareAlike 4.0
    ``cc-by-nc-nd-4.0``   ... Attribution-NonCommercial-NoDerivatives 4.0
    ``cc-by-2.1-jp``      Creative Commons Attribution 2.1 Japan (older port)
    ``pdl-1.0``           公共データ利用規約（第1.0版）, Public Data License 1.0
                          (Digital Agency, 2024)
    ``gsl-2.0``           政府標準利用規約（第2.0版）, Government of Japan
                          Standard Terms of Use 2.0 (2015)
    ``gsl-1.0``           政府標準利用規約（第1.0版） (2014, superseded; still
                          found on older datasets, BODIK's ``japanese-10``)
    ``odbl-1.0``          Open Data Commons Open Database License 1.0
    ``municipal-custom``  a municipality's own terms of use (利用規約); the
                          dataset names and links the actual terms
    ``odpo-restricted``   ODPO's terms for restricted data (限定公開): use
                          only for the purpose agreed, no redistribution
    ``odpo-paid``         ODPO's terms for paid data (有償): use only under the
                          contract, no redistribution

Flags (:class:`LicenceFlags`) answer, for anyone who accepts the terms and
without a separate agreement:

    ``cc_by_4_compatible``   may the data be used under the conditions of
                             CC BY 4.0 (the terms say so, or ask for less)?
    ``attribution_required`` must the source be credited?
    ``commercial_use``       may it be used for profit?
    ``redistribution``       may copies be passed on to third parties?
    ``derivative_works``     may edited or derived data be published?
    ``share_alike``          must published derived data keep the same terms?

``None`` means the provider's own terms decide (``municipal-custom``).
"""
from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REGISTER_PATH = Path(__file__).with_name("register.yaml")

#: Placeholders a citation template may use.
CITATION_PLACEHOLDERS = frozenset(
    {"provider", "title", "url", "licence_title", "licence_short_name", "licence_url"}
)

OD_CONFORMANCE_VALUES = frozenset({"approved", "rejected", "not reviewed"})

#: YAML folds a multi-line text with spaces; Japanese sentences take none.
_JAPANESE_LINE_BREAK = re.compile(r"(?<=[。、）」])\s+")


class RegisterError(ValueError):
    """``register.yaml`` is malformed."""


@dataclass(frozen=True)
class LicenceFlags:
    """What the terms allow or require; ``None``: the provider's terms decide."""

    cc_by_4_compatible: bool | None
    attribution_required: bool | None
    commercial_use: bool | None
    redistribution: bool | None
    derivative_works: bool | None
    share_alike: bool | None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))

    def as_dict(self) -> dict[str, bool | None]:
        return {name: getattr(self, name) for name in self.names()}


@dataclass(frozen=True)
class Licence:
    """One entry of the register."""

    id: str
    title: str
    title_en: str
    short_name: str
    url: str
    alternative_urls: tuple[str, ...]
    family: str
    od_conformance: str
    flags: LicenceFlags
    summary_ja: str
    citation_template_ja: str
    modified_citation_template_ja: str
    aliases: tuple[str, ...]
    inferred_aliases: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        """Whether CKAN reports datasets under this licence as open."""
        return self.od_conformance == "approved"

    @property
    def is_defined_by_odpo(self) -> bool:
        """ODPO's own entries, whose URL is a page of the portal itself."""
        return self.url.startswith("/")

    def citation(self, provider: str, title: str, url: str, *, modified: bool = False) -> str:
        """The citation example (出典の記載例) for one dataset.

        Args:
            provider: who publishes the data, e.g. 「大阪府」.
            title: the dataset's title.
            url: the dataset's page.
            modified: the citation for edited data (「…を加工して作成」).
        """
        template = self.modified_citation_template_ja if modified else self.citation_template_ja
        return template.format_map(
            {
                "provider": provider,
                "title": title,
                "url": url,
                "licence_title": self.title,
                "licence_short_name": self.short_name,
                "licence_url": self.url,
            }
        )


class LicenceRegister(Mapping[str, Licence]):
    """The licences by id, in the order of ``register.yaml``."""

    def __init__(self, licences: list[Licence]) -> None:
        self._licences = {licence.id: licence for licence in licences}
        if len(self._licences) != len(licences):
            raise RegisterError("licence ids must be unique")

    def __getitem__(self, licence_id: str) -> Licence:
        return self._licences[licence_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._licences)

    def __len__(self) -> int:
        return len(self._licences)

    def licences(self) -> list[Licence]:
        return list(self._licences.values())


def load_register(path: Path | None = None) -> LicenceRegister:
    """The register in ``path`` (default: the packaged ``register.yaml``)."""
    if path is None:
        return _default_register()
    return _read_register(path)


@lru_cache(maxsize=1)
def _default_register() -> LicenceRegister:
    return _read_register(REGISTER_PATH)


def _read_register(path: Path) -> LicenceRegister:
    with path.open(encoding="utf-8") as register_file:
        document = yaml.safe_load(register_file)
    entries = document.get("licences") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RegisterError(f"{path}: expected a non-empty list under 'licences'")
    return LicenceRegister([licence_from_entry(entry) for entry in entries])


def licence_from_entry(entry: Mapping[str, Any]) -> Licence:
    """Build and check one :class:`Licence` from its YAML mapping."""
    licence_id = _text(entry, "id")
    licence = Licence(
        id=licence_id,
        title=_text(entry, "title"),
        title_en=_text(entry, "title_en"),
        short_name=_text(entry, "short_name"),
        url=_text(entry, "url"),
        alternative_urls=_texts(entry, "alternative_urls"),
        family=_text(entry, "family"),
        od_conformance=_text(entry, "od_conformance"),
        flags=_flags(licence_id, entry.get("flags")),
        summary_ja=_text(entry, "summary_ja"),
        citation_template_ja=_template(entry, "citation_template_ja"),
        modified_citation_template_ja=_template(entry, "modified_citation_template_ja"),
        aliases=_texts(entry, "aliases"),
        inferred_aliases=_texts(entry, "inferred_aliases"),
    )
    if licence.od_conformance not in OD_CONFORMANCE_VALUES:
        raise RegisterError(f"{licence_id}: od_conformance {licence.od_conformance!r}")
    return licence


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegisterError(f"{entry.get('id', '?')}: '{key}' must be a non-empty string")
    if key == "summary_ja":
        return _JAPANESE_LINE_BREAK.sub("", " ".join(value.split()))
    return value.strip()


def _texts(entry: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise RegisterError(f"{entry.get('id', '?')}: '{key}' must be a list of strings")
    return tuple(values)


def _template(entry: Mapping[str, Any], key: str) -> str:
    template = _text(entry, key)
    used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    unknown = used - CITATION_PLACEHOLDERS
    if unknown:
        raise RegisterError(f"{entry.get('id')}: unknown placeholders {sorted(unknown)} in {key}")
    return template


def _flags(licence_id: str, raw_flags: object) -> LicenceFlags:
    if not isinstance(raw_flags, dict) or set(raw_flags) != set(LicenceFlags.names()):
        raise RegisterError(f"{licence_id}: flags must be exactly {LicenceFlags.names()}")
    for name, value in raw_flags.items():
        if value is not None and not isinstance(value, bool):
            raise RegisterError(f"{licence_id}: flag {name} must be true, false or null")
    return LicenceFlags(**raw_flags)
