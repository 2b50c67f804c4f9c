"""The sysadmins' page of partner prefectures and their sync status."""
from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from sharing_support import SHARING_PLUGINS, dataset, organisation

import ckan.plugins.toolkit as tk

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SHARING_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_sharing", "clean_index"),
]


def test_sysadmin_adds_a_partner_and_sees_its_sync_status(app: Any) -> None:
    from ckan.tests import factories

    sysadmin = factories.SysadminWithToken()
    headers = {"Authorization": sysadmin["token"]}
    empty = BeautifulSoup(app.get("/ckan-admin/sharing", headers=headers).body, "html.parser")
    assert "No partner prefecture yet." in empty.get_text()

    reply = app.post("/ckan-admin/sharing", headers=headers,
                     data={"name": "hyogo", "title": "兵庫県", "valid_days": "30"})
    page = BeautifulSoup(reply.body, "html.parser")
    token = page.select_one(".odpo-sharing-token code").get_text()
    assert len(token) > 30

    dataset(organisation(), "272051_synced")
    app.get("/api/3/action/odpo_sharing_changes", headers={"X-ODPO-Partner-Token": token})
    page = BeautifulSoup(app.get("/ckan-admin/sharing", headers=headers).body, "html.parser")
    row = page.select_one('tr[data-partner="hyogo"]')
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    assert cells[0].startswith("兵庫県")
    assert cells[5] == "1" and cells[6] == "1"  # one pull, one change served
    assert cells[4]  # the partner's cursor
    assert token not in page.get_text()  # the token is shown only once

    again = BeautifulSoup(app.post("/ckan-admin/sharing", headers=headers,
                                   data={"name": "hyogo", "title": "兵庫県"}).body, "html.parser")
    assert "already exists" in again.get_text()


def test_only_sysadmins_see_partners(app: Any) -> None:
    from ckan.tests import factories

    user = factories.UserWithToken()
    app.get("/ckan-admin/sharing", headers={"Authorization": user["token"]}, status=403)
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("odpo_sharing_partner_list")({"user": user["name"], "ignore_auth": False}, {})
