"""Constants shared by the tests of what users see (imported by name: pytest
puts this folder on ``sys.path``)."""
from __future__ import annotations

from pathlib import Path

#: Size of the demo catalogue the tests load (a few organisations, ~20 datasets).
DEMO_SCALE = 0.03

_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
#: ODPO's plugins, with ckanext-scheming and ODPO's schemas when present.
UI_PLUGINS = "odpo_search odpo" + (
    " scheming_datasets scheming_organizations" if (_SCHEMAS / "dataset.yaml").is_file() else ""
)

#: The Japanese badge texts of the access tiers and freshness statuses.
TIER_BADGES = {
    "open": "公開",
    "registered": "登録ユーザー限定",
    "restricted": "限定公開",
    "paid": "有償",
}
FRESHNESS_BADGES = {
    "fresh": "最新",
    "due": "更新時期",
    "stale": "更新遅れ",
    "irregular": "不定期",
    "unknown": "更新状況不明",
}
