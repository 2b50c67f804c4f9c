"""The consent ledger: hash-chained, verifiable; an UPDATE or DELETE done
directly in SQL is found by ``ckan orden-consent verify`` (exit code 1 and
the first broken link); exports for audits."""
from __future__ import annotations

import csv
import io
import json

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from consent_support import PLUGINS, give_dataset_consent, give_platform_consent

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def five_records(seeded_terms, restricted_dataset, user):
    """Ledger records 1-5: two users' platform consents and one dataset consent."""
    give_platform_consent(user, seeded_terms)
    give_platform_consent(factories.User(), seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    return user


def run_sql(statement: str, **params) -> None:
    model.Session.execute(sa.text(statement), params)
    model.Session.commit()


def test_intact_ledger_verifies(cli, ckan_config, five_records):
    from ckanext.orden_consent.cli import orden_consent

    result = cli.invoke(orden_consent, ["verify"])
    assert result.exit_code == 0, result.output
    assert "ledger intact: 5 records" in result.output


def test_records_link_to_their_predecessor(five_records):
    from ckanext.orden_consent import ledger

    records = ledger.events()
    assert [r.position for r in records] == [1, 2, 3, 4, 5]
    assert records[0].previous_hash == ledger.GENESIS_HASH
    for before, after in zip(records, records[1:]):
        assert after.previous_hash == before.record_hash


def test_update_in_sql_is_detected(cli, five_records):
    from ckanext.orden_consent.cli import orden_consent

    # someone moves the date of the third record
    run_sql("UPDATE orden_consent_event SET created_at = created_at - interval '30 days' "
            "WHERE position = 3")
    result = cli.invoke(orden_consent, ["verify"])
    assert result.exit_code == 1
    assert "BROKEN at record 3" in result.output
    assert "altered" in result.output


def test_update_with_recomputed_hash_breaks_the_next_link(cli, five_records):
    from ckanext.orden_consent import ledger
    from ckanext.orden_consent.cli import orden_consent

    record = ledger.events()[1]
    forged = {**record.as_dict(), "user_id": "someone-else"}
    forged["created_at"] = record.created_at
    run_sql("UPDATE orden_consent_event SET user_id = 'someone-else', record_hash = :hash "
            "WHERE position = 2", hash=ledger.record_hash(forged))
    result = cli.invoke(orden_consent, ["verify"])
    assert result.exit_code == 1
    assert "BROKEN at record 3: record 3 does not link to record 2" in result.output


def test_delete_in_sql_is_detected(cli, five_records):
    from ckanext.orden_consent.cli import orden_consent

    run_sql("DELETE FROM orden_consent_event WHERE position = 4")
    result = cli.invoke(orden_consent, ["verify"])
    assert result.exit_code == 1
    assert "BROKEN at record 5: record 4 is missing" in result.output


def test_altered_terms_text_is_detected(cli, five_records, seeded_terms):
    from ckanext.orden_consent.cli import orden_consent

    run_sql("UPDATE orden_consent_terms_version SET body = body || '（追記）' WHERE id = :id",
            id=seeded_terms["data_terms:restricted"]["id"])
    result = cli.invoke(orden_consent, ["verify"])
    assert result.exit_code == 1
    assert f"terms version {seeded_terms['data_terms:restricted']['id']} was altered" in result.output


def test_verify_action_is_for_sysadmins(five_records):
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_ledger_verify")({"user": five_records["name"]}, {})
    sysadmin = factories.Sysadmin()
    report = tk.get_action("orden_consent_ledger_verify")({"user": sysadmin["name"]}, {})
    assert report["ok"] is True and report["records"] == 5


def test_cli_export_json_carries_chain_head(cli, five_records):
    from ckanext.orden_consent.cli import orden_consent

    result = cli.invoke(orden_consent, ["export", "--format", "json", "--user", five_records["name"]])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout.split("\n3 records exported")[0])
    assert [r["scope"].split(":")[0] for r in document["records"]] == [
        "platform_terms", "privacy_policy", "dataset"]
    assert document["chain"]["records"] == 5 and document["chain"]["ok"] is True


def test_user_exports_own_consents(app, five_records):
    from consent_support import as_browser

    browser = as_browser(five_records)
    reply = app.get("/user/consents/export.csv", headers=browser)
    rows = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert [row["event_type"] for row in rows] == ["consent_given"] * 3
    assert {row["user_id"] for row in rows} == {five_records["id"]}
    assert all(len(row["record_hash"]) == 64 for row in rows)
    document = json.loads(app.get("/user/consents/export.json", headers=browser).body)
    assert len(document["records"]) == 3


def test_event_list_shows_users_only_their_own(five_records, restricted_dataset, provider):
    own = tk.get_action("orden_consent_event_list")({"user": five_records["name"]}, {})
    assert len(own) == 3
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_event_list")({"user": five_records["name"]}, {"all": True})
    provider_view = tk.get_action("orden_consent_event_list")(
        {"user": provider["user"]["name"]}, {"dataset_id": restricted_dataset["id"]})
    assert [r["event_type"] for r in provider_view] == ["consent_given"]
