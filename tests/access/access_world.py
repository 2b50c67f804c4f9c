"""The world of the access tests: a catalogue with one dataset per tier and the
nine kinds of users of the access matrix, built once per module.

CKAN's ``with_plugins``/``clean_db`` run per test; the matrix has hundreds of
cells that only read, so :func:`access_world` loads the plugins, resets the
database and builds the catalogue once for the module, and tears it all down
after.
"""
from __future__ import annotations

import datetime
import importlib.util
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations odpo_access activity dcat image_view"
TIERS = ("open", "registered", "restricted", "paid")
USERS = ("anonymous", "registered", "pending", "approved", "expired", "revoked", "other_member",
         "provider", "sysadmin")
PRICE_PLAN = {"name": "月額API利用", "price_jpy": 50000, "period": "monthly", "delivery": "api"}


READ_ROLE, READ_PASSWORD = "odpo_datastore_ro", "odpo_datastore_ro"
SECRET_ROW = "UPSTREAM-PROBE-ROW-42"


def datastore_urls() -> tuple[str, str] | None:
    """Create the DataStore database (``<test database>_datastore``) and its
    read-only role as ``ckan datastore set-permissions`` documents; their
    write and read URLs, or ``None`` when the database user is no superuser."""
    from ckan.common import config
    from ckanext.datastore.cli import permissions_sql

    main = make_url(config["sqlalchemy.url"])
    write = main.set(database=f"{main.database}_datastore")
    read = write.set(username=READ_ROLE, password=READ_PASSWORD)
    engine = sa.create_engine(main, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
            return None
        if not connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READ_ROLE}).scalar():
            connection.execute(sa.text(f"CREATE ROLE {READ_ROLE} LOGIN"))
        connection.execute(sa.text(f"ALTER ROLE {READ_ROLE} LOGIN PASSWORD '{READ_PASSWORD}'"))
        if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                  {"d": write.database}).scalar():
            connection.execute(sa.text(f'CREATE DATABASE "{write.database}" OWNER "{main.username}"'))
    engine.dispose()
    datastore_engine = sa.create_engine(write, isolation_level="AUTOCOMMIT")
    with datastore_engine.connect() as connection:
        script = permissions_sql(main.database, write.database, main.username, main.username, READ_ROLE)
        # a psql script: its "\\connect" line is this very connection; the script
        # has "%" of its own, so it runs as it is, without parameters
        script = "\n".join(line for line in script.splitlines() if not line.startswith("\\connect"))
        connection.connection.cursor().execute(script)
    datastore_engine.dispose()
    return write.render_as_string(hide_password=False), read.render_as_string(hide_password=False)


def secret_url(tier: str) -> str:
    return f"https://secret.example.jp/{tier}/full-data-{tier}.csv"


def sample_url(tier: str) -> str:
    return f"https://samples.example.jp/{tier}/sample-{tier}.csv"


def uploaded_content(tier: str) -> bytes:
    return f"id,value\n1,UPLOADED-SECRET-ROW-{tier}\n".encode()


def dataset_fields(tier: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": f"access-{tier}",
        "title": f"アクセス区分 {tier}",
        "access_tier": tier,
        "license_id": {"open": "cc-by-4.0", "registered": "pdl-1.0", "restricted": "odpo-restricted",
                       "paid": "odpo-paid"}[tier],
        "resources": [
            {"name": f"full-{tier}", "url": secret_url(tier), "format": "CSV"},
            {"name": f"sample-{tier}", "url": sample_url(tier), "format": "CSV", "is_sample": True,
             "sample_of": f"full-{tier}"},
        ],
    }
    if tier in ("restricted", "paid"):
        fields["secondary_distribution"] = "prohibited"
    if tier == "paid":
        fields["price_plans"] = [PRICE_PLAN]
    return fields


@dataclass
class AccessWorld:
    app: Any
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    datastore: bool = False
    #: the configuration the world was built with (CKAN's pytest plugin
    #: restores its start-up configuration before every test)
    config: dict[str, Any] = field(default_factory=dict)

    def restore_config(self) -> None:
        from ckan.common import config

        config.update(self.config)

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": self.tokens[user]} if user in self.tokens else {}

    def get(self, user: str, url: str, **kwargs: Any) -> Any:
        return self.app.get(url, headers=self.headers(user), **kwargs)


def call(action: str, acting_user: str | None = None, **data: Any) -> Any:
    from ckan.tests.helpers import call_action

    context = {"user": acting_user} if acting_user else {}
    return call_action(action, context=context, **data)


def make_user(name: str, sysadmin: bool = False) -> dict[str, Any]:
    from ckan.tests import factories

    return (factories.Sysadmin if sysadmin else factories.User)(name=name, email=f"{name}@example.jp")


def upload_resource(sysadmin: str, package_id: str, tier: str) -> dict[str, Any]:
    from werkzeug.datastructures import FileStorage

    return call("resource_create", sysadmin, package_id=package_id, name=f"upload-{tier}",
                url="uploaded.csv", format="CSV",
                upload=FileStorage(io.BytesIO(uploaded_content(tier)), filename="uploaded.csv"))


def secret_row(tier: str) -> str:
    return f"{SECRET_ROW}-{tier}"


def build_world(app: Any, datastore: bool) -> AccessWorld:
    from ckan import model
    from ckanext.odpo.access.model import AccessRequest

    world = AccessWorld(app=app, datastore=datastore)
    for name in USERS[1:]:
        world.users[name] = make_user(f"u-{name.replace('_', '-')}", sysadmin=name == "sysadmin")
    admin = world.users["sysadmin"]["name"]
    provider_org = call("organization_create", admin, name="provider-org", title="提供者",
                        provider_type="company",
                        users=[{"name": world.users["provider"]["name"], "capacity": "editor"}])
    call("organization_create", admin, name="other-org", title="他の組織", provider_type="company",
         users=[{"name": world.users["other_member"]["name"], "capacity": "admin"}])
    for tier in TIERS:
        dataset = call("package_create", admin, owner_org=provider_org["id"], **dataset_fields(tier))
        world.uploads[tier] = upload_resource(admin, dataset["id"], tier)
        if datastore:
            call("datastore_create", admin, resource_id=dataset["resources"][0]["id"], force=True,
                 fields=[{"id": "section", "type": "text"}], records=[{"section": secret_row(tier)}])
        call("resource_view_create", admin, resource_id=dataset["resources"][0]["id"], view_type="image_view",
             title="preview", image_url=secret_url(tier))
        world.datasets[tier] = call("package_show", admin, id=dataset["id"])
    for name in USERS[1:]:
        world.tokens[name] = call("api_token_create", world.users[name]["name"], user=world.users[name]["name"],
                                  name="matrix")["token"]
    provider = world.users["provider"]["name"]
    for tier in ("restricted", "paid"):
        dataset_id = world.datasets[tier]["id"]
        for name in ("pending", "approved", "expired", "revoked"):
            request = call("odpo_access_request_create", world.users[name]["name"], package_id=dataset_id,
                           purpose="交通計画の分析", intended_use="庁内資料", plan_name=PRICE_PLAN["name"],
                           terms_accepted=True)
            if name == "pending":
                continue
            call("odpo_access_request_approve", provider, id=request["id"],
                 expires_at=(datetime.date.today() + datetime.timedelta(days=30)).isoformat())
            if name == "revoked":
                call("odpo_grant_revoke", provider, id=request["id"], reason="契約違反")
            if name == "expired":
                # the grant's end has passed (as it would after 30 days)
                stored = model.Session.get(AccessRequest, request["id"])
                stored.expires_at = datetime.datetime.utcnow() - datetime.timedelta(minutes=1)
                model.Session.commit()
    return world


def _suite_conftest() -> Any:
    """tests/conftest.py (its plugin migrations), loaded by path: the name
    ``conftest`` is this folder's own."""
    spec = importlib.util.spec_from_file_location("odpo_suite_conftest", Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def access_world() -> Iterator[AccessWorld]:
    """The catalogue of the access matrix, with its plugins loaded (module scope)."""
    from ckan import plugins
    from ckan.common import config
    from ckan.lib import search
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests import helpers
    from ckanext.odpo.licences.ckan_list import licences_group_url

    urls = datastore_urls()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(config, "ckan.plugins", PLUGINS.split() + (["datastore"] if urls else []))
        if urls:
            patch.setitem(config, "ckan.datastore.write_url", urls[0])
            patch.setitem(config, "ckan.datastore.read_url", urls[1])
            patch.setitem(config, "ckan.datastore.sqlsearch.enabled", True)
        patch.setitem(config, "licenses_group_url", licences_group_url())
        patch.setitem(config, "ckan.auth.create_user_via_api", True)
        if "_license_register" in vars(__import__("ckan.model", fromlist=["Package"]).Package):
            del __import__("ckan.model", fromlist=["Package"]).Package._license_register
        plugins.load_all()
        helpers.reset_db()
        suite = _suite_conftest()
        suite.upgrade_plugin_tables()
        suite.upgrade_plugin_tables(("activity",))
        search.clear_all()
        _CONFIG_CACHE.clear()
        app = helpers._get_test_app()
        try:
            with app.flask_app.test_request_context():
                world = build_world(app, datastore=urls is not None)
            world.config = dict(config)
            yield world
        finally:
            plugins.unload_all()
            from ckan import model

            if "_license_register" in vars(model.Package):
                del model.Package._license_register
