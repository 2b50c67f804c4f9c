"""Harvester for bodies that publish only their 自治体標準オープンデータセット
「06 オープンデータ一覧」 CSV: one row per dataset (title, URL, licence,
update frequency, ...). UTF-8, UTF-8 with BOM and Shift_JIS/CP932 are read;
column names are matched by the standard's names and common variants."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from ckanext.harvest.model import HarvestJob

from .base import GatherFailure, Listing, OdpoHarvesterBase, SourceSettings
from .mapping import HarvestedDataset, fold_key
from .remote import RemoteError

#: ODPO field -> column names seen in 06 lists (compared after NFKC, lower case, no spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("全国地方公共団体コード", "都道府県コード又は市区町村コード", "市区町村コード", "団体コード"),
    "record_id": ("ID", "NO", "番号", "データセットID"),
    "title": ("名称", "データセット名", "データ名称", "タイトル", "データセット_タイトル", "データ名"),
    "notes": ("説明", "概要", "データセット_概要", "内容"),
    "url": ("URL", "データURL", "ダウンロードURL", "データセット_URL", "リンク", "掲載URL"),
    "format": ("ファイル形式", "データ形式", "形式", "フォーマット"),
    "licence": ("ライセンス", "利用規約", "利用条件", "データセット_ライセンス"),
    "frequency": ("更新頻度",),
    "last_update": ("最終更新日", "更新日", "データ更新日"),
    "category": ("分類", "カテゴリ", "カテゴリー", "分野"),
    "contact": ("担当部署", "問い合わせ先", "所管部署"),
    "page": ("掲載ページ", "ページURL", "詳細ページ"),
}
ENCODINGS = ("utf-8", "cp932")


def decode_csv(body: bytes, encoding: str = "") -> tuple[str, str]:
    """The text of a CSV and the encoding it was read with: the configured
    one, else UTF-8 (BOM or not), else Shift_JIS/CP932."""
    if encoding:
        try:
            return body.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as error:
            raise GatherFailure(f"the list cannot be read as {encoding}: {error}") from error
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "strict"), "utf-8-sig"
    for candidate in ENCODINGS:
        try:
            return body.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise GatherFailure("the list is neither UTF-8 nor Shift_JIS/CP932 text")


def column_positions(header: list[str]) -> dict[str, int]:
    folded = [fold_key(name) for name in header]
    positions: dict[str, int] = {}
    for field_name, names in COLUMNS.items():
        for name in names:
            if fold_key(name) in folded:
                positions[field_name] = folded.index(fold_key(name))
                break
    return positions


def read_rows(text: str) -> list[dict[str, str]]:
    """The list's rows as ``{field: value}``; :class:`GatherFailure` without
    a title column."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise GatherFailure("the list is empty")
    positions = column_positions(rows[0])
    if "title" not in positions:
        raise GatherFailure(f"no title column in the header {rows[0][:8]} "
                            f"(expected one of {', '.join(COLUMNS['title'])})")
    return [{field_name: row[position].strip() if position < len(row) else ""
             for field_name, position in positions.items()} for row in rows[1:]]


class OpendataListHarvester(OdpoHarvesterBase):
    """A 06 オープンデータ一覧 CSV at the source URL."""

    NAME = "odpo_opendata_list"
    TITLE = "06 オープンデータ一覧 CSV (ODPO)"
    DESCRIPTION = "A municipality's standard open data list (CSV): one dataset per row."

    def list_records(self, job: HarvestJob, settings: SourceSettings) -> Listing:
        body, _ = settings.client().get_bytes(job.source.url)
        if body.lstrip()[:1] == b"<":
            raise RemoteError(f"{job.source.url}: an HTML page came back instead of a CSV list")
        text, _encoding = decode_csv(body, settings.encoding)
        listing = Listing()
        for number, row in enumerate(read_rows(text), start=2):
            if not row.get("title"):
                continue
            code = settings.organisation_code or row.get("code", "")
            guid = f"{code}:{row.get('record_id') or row.get('url') or row['title']}"
            version = hashlib.sha1(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            listing.add(guid, version, {"row": row, "line": number})
        return listing

    def read_record(self, content: dict[str, Any], settings: SourceSettings) -> tuple[HarvestedDataset, Any]:
        row: dict[str, str] = content.get("row") or {}
        url = row.get("url", "")
        resources = [{"name": row.get("title", ""), "url": url, "format": row.get("format", "")}] \
            if url.startswith(("http://", "https://")) else []
        code = settings.organisation_code or row.get("code", "")
        harvested = HarvestedDataset(
            title=row.get("title", ""),
            name=f"{code}_{row.get('record_id', '')}" if code and row.get("record_id") else "",
            notes=row.get("notes", ""),
            url=row.get("page", ""),
            tags=[tag.strip() for tag in row.get("category", "").replace("、", ",").split(",") if tag.strip()],
            licence_texts=(row.get("licence") or None,),
            frequency=row.get("frequency", ""),
            contact_name=row.get("contact", ""),
            organisation_code=code,
            last_data_update=_iso_date(row.get("last_update", "")),
            resources=resources,
        )
        return harvested, None


def _iso_date(text: str) -> str:
    """``2024-04-01``, ``2024/4/1`` or ``20240401`` as an ISO date ('' otherwise)."""
    import datetime
    import re

    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", text.strip())
    if not match:
        return ""
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return ""
    return day.isoformat() if day <= datetime.date.today() else ""
