"""The partner change feed: order, tombstones, cursors, tokens, rate limit."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sharing_support import SHARING_PLUGINS, dataset, organisation

import ckan.plugins.toolkit as tk

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SHARING_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_sharing", "clean_index"),
]
HEADER = "X-ODPO-Partner-Token"


def new_partner(name: str = "hyogo", **fields: Any) -> str:
    result = tk.get_action("odpo_sharing_partner_create")(
        {"ignore_auth": True}, {"name": name, "title": "兵庫県", **fields})
    return result["token"]


def pull(app: Any, token: str, cursor: str = "", limit: int = 100, status: int = 200) -> dict[str, Any]:
    response = app.get("/api/3/action/odpo_sharing_changes", query_string={"cursor": cursor, "limit": limit},
                       headers={HEADER: token} if token else {}, status=status)
    return response.json


def pull_all(app: Any, token: str, cursor: str = "", limit: int = 100) -> tuple[list[dict[str, Any]], str]:
    changes: list[dict[str, Any]] = []
    while True:
        page = pull(app, token, cursor, limit)["result"]
        changes += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return changes, cursor


def test_feed_lists_creations_updates_and_tombstones(app: Any) -> None:
    token = new_partner()
    org = organisation()
    kept = dataset(org, "272051_kept", title_en="Kept")
    deleted = dataset(org, "272051_deleted")
    private = dataset(org, "272051_made-private")
    unshared = dataset(org, "272051_unshared")
    restricted = dataset(org, "272051_restricted", tier="restricted")
    changes, cursor = pull_all(app, token)
    assert [c["dataset_name"] for c in changes] == [
        "272051_kept", "272051_deleted", "272051_made-private", "272051_unshared", "272051_restricted"]
    assert {c["change"] for c in changes} == {"created"}
    shared_restricted = next(c["dataset"] for c in changes if c["dataset_id"] == restricted["id"])
    assert [r["name"] for r in shared_restricted["resources"]] == ["サンプル"]
    assert "data.csv" not in str(shared_restricted)

    site = {"ignore_auth": True, "user": ""}
    tk.get_action("package_patch")(site, {"id": kept["id"], "title": "吹田市 改題"})
    tk.get_action("package_delete")(site, {"id": deleted["id"]})
    tk.get_action("package_patch")(site, {"id": private["id"], "private": True})
    tk.get_action("package_patch")(site, {"id": unshared["id"], "share_with_partners": False})
    later, cursor_after = pull_all(app, token, cursor)
    by_name = {c["dataset_name"]: c for c in later}
    assert by_name["272051_kept"]["change"] == "updated"
    assert by_name["272051_kept"]["dataset"]["title"] == "吹田市 改題"
    assert by_name["272051_deleted"]["change"] == "deleted"
    assert by_name["272051_made-private"]["change"] == "unshared"
    assert by_name["272051_unshared"]["change"] == "unshared"
    for name in ("272051_deleted", "272051_made-private", "272051_unshared"):
        assert by_name[name]["dataset"] is None
    assert pull(app, token, cursor_after)["result"]["changes"] == []


def test_withdrawn_dataset_is_a_withdrawal_tombstone(app: Any) -> None:
    token = new_partner()
    withdrawn = dataset(organisation(), "272051_withdrawn")
    _changes, cursor = pull_all(app, token)
    from ckan import model

    package = model.Package.get(withdrawn["id"])
    package.extras = {**package.extras, "withdrawn_at": "2026-11-22T00:00:00", "withdrawal_reason": "gone"}
    package.state = "deleted"
    from ckanext.odpo.sharing import feed

    feed.record_change(package.id)
    model.Session.commit()
    later, _ = pull_all(app, token, cursor)
    assert [(c["dataset_name"], c["change"], c["dataset"]) for c in later] == [
        ("272051_withdrawn", "withdrawn", None)]


def test_pages_are_stable_and_the_cursor_is_reusable(app: Any) -> None:
    token = new_partner()
    org = organisation()
    for number in range(7):
        dataset(org, f"272051_paged-{number}")
    small_pages, final = pull_all(app, token, limit=3)
    assert [c["dataset_name"] for c in small_pages] == [f"272051_paged-{n}" for n in range(7)]
    again, again_final = pull_all(app, token, limit=100)
    assert again == small_pages and again_final == final
    middle = small_pages[2]["cursor"]
    rest, _ = pull_all(app, token, middle, limit=2)
    assert [c["dataset_name"] for c in rest] == [f"272051_paged-{n}" for n in range(3, 7)]


def test_a_late_commit_is_never_skipped() -> None:
    """Row ids follow inserts, not commits: the feed must wait for the
    earlier transaction instead of moving its cursor past its row."""
    from ckan import model
    from ckanext.odpo.sharing import feed

    engine = model.meta.engine
    first, second = engine.connect(), engine.connect()
    insert = sa.text("INSERT INTO odpo_sharing_change (dataset_id, dataset_name, change_type)"
                     " VALUES (:id, :id, 'deleted')")
    try:
        first_tx = first.begin()
        first.execute(insert, {"id": "early-but-slow"})  # gets the smaller row id
        with second.begin():
            second.execute(insert, {"id": "late-but-quick"})
        page = feed.changes_page("", 100)
        model.Session.commit()
        seen = [c["dataset_id"] for c in page["changes"]]
        assert seen == []  # the quick row waits for the slow transaction
        first_tx.commit()
        page_after = feed.changes_page(page["next_cursor"], 100)
        model.Session.commit()
        assert [c["dataset_id"] for c in page_after["changes"]] == ["early-but-slow", "late-but-quick"]
    finally:
        first.close()
        second.close()


def test_rolled_back_changes_never_appear() -> None:
    from ckan import model
    from ckanext.odpo.sharing import feed

    with model.meta.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(sa.text("INSERT INTO odpo_sharing_change (dataset_id, dataset_name, change_type)"
                                   " VALUES ('ghost', 'ghost', 'deleted')"))
        transaction.rollback()
    assert feed.changes_page("", 100)["changes"] == []


def test_bad_missing_and_expired_tokens_get_clear_403s(app: Any) -> None:
    token = new_partner()
    missing = pull(app, "", status=403)
    assert HEADER in missing["error"]["message"]
    wrong = pull(app, token + "x", status=403)
    assert "not valid" in wrong["error"]["message"]
    tk.get_action("odpo_sharing_partner_update")({"ignore_auth": True}, {"id": "hyogo", "active": False})
    assert "suspended" in pull(app, token, status=403)["error"]["message"]
    tk.get_action("odpo_sharing_partner_update")({"ignore_auth": True}, {"id": "hyogo", "active": True})
    from ckan import model
    from ckanext.odpo.sharing.model import partner_table

    model.Session.execute(partner_table.update().values(token_expires_at=sa.text("now() - interval '1 day'")))
    model.Session.commit()
    assert "expired" in pull(app, token, status=403)["error"]["message"]
    fresh = tk.get_action("odpo_sharing_partner_token_reset")({"ignore_auth": True}, {"id": "hyogo",
                                                                                      "valid_days": 30})
    assert pull(app, fresh["token"])["success"] is True
    assert "not valid" in pull(app, token, status=403)["error"]["message"]


@pytest.mark.ckan_config("odpo.sharing.partner_rate_limit", "3")
def test_rate_limit_per_partner_and_every_pull_logged(app: Any) -> None:
    from ckan.lib.redis import connect_to_redis

    for key in connect_to_redis().scan_iter("odpo_sharing:rate:*"):
        connect_to_redis().delete(key)
    first, second = new_partner("hyogo"), new_partner("kyoto")
    dataset(organisation(), "272051_logged")
    for _ in range(3):
        pull(app, first)
    refused = pull(app, first, status=403)["error"]["message"]
    assert "Too many requests" in refused
    assert pull(app, second)["success"] is True  # the limit is per partner
    partners = {p["name"]: p for p in tk.get_action("odpo_sharing_partner_list")({"ignore_auth": True}, {})}
    assert partners["hyogo"]["pull_count"] == 3
    assert partners["hyogo"]["changes_served"] == 3
    assert partners["kyoto"]["pull_count"] == 1
    assert partners["hyogo"]["last_cursor"]
    from ckanext.odpo.sharing.partners import recent_pulls

    assert len(recent_pulls(partners["hyogo"]["id"])) == 3


def test_bad_cursor_is_a_validation_error(app: Any) -> None:
    token = new_partner()
    reply = pull(app, token, cursor="not-a-cursor", status=409)
    assert "cursor" in str(reply["error"])
