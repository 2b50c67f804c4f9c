"""``ckan odpo-access ...`` commands (registered by ``OdpoAccessPlugin``)."""
from __future__ import annotations

import io
from typing import Any

import click

import ckan.plugins.toolkit as tk
from ckan import model

DEMO_PASSWORD = "odpo-demo-2026"
DEMO_ORGANIZATION = "odpo-demo-provider"
DEMO_DATASET = "odpo-demo-restricted-traffic"
DEMO_RESOURCE = "区間速度（CSV）"
DEMO_CSV = "時刻,区間,平均速度km_h\n2026-04-01T08:00,大阪市北区,23.5\n2026-04-01T08:15,大阪市北区,21.0\n"


def get_commands() -> list[click.Command]:
    return [odpo_access]


@click.group(name="odpo-access", short_help="ODPO access tiers: expired grants, demo data.")
def odpo_access() -> None:
    """ODPO access tiers (requests, grants, contracts)."""


def _user(name: str, fullname: str) -> dict[str, Any]:
    site = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    existing = model.User.get(name)
    if existing is not None:
        return tk.get_action("user_show")(site, {"id": name})
    return tk.get_action("user_create")(site, {"name": name, "fullname": fullname, "email": f"{name}@example.jp",
                                               "password": DEMO_PASSWORD})


@odpo_access.command("expire")
@click.pass_context
def expire(ctx: click.Context) -> None:
    """Tell the consent ledger of grants whose access period is over (cron)."""
    with ctx.meta["flask_app"].test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        result = tk.get_action("odpo_grant_expire")({"user": site_user}, {})
    for grant in result["ended"]:
        click.echo(f"ended: grant {grant['id']} of user {grant['user_id']} on dataset "
                   f"{grant['package_id']}, expired {grant['expires_at']}")
    click.secho(f"{result['count']} expired grant(s) ended", fg="green")


@odpo_access.command("demo")
@click.option("--with-pending-request/--no-pending-request", default=True, show_default=True,
              help="Also file a pending request of the demo user, for the provider's dashboard.")
@click.pass_context
def demo(ctx: click.Context, with_pending_request: bool) -> None:
    """Demo users, a provider organisation and a restricted dataset with a file.

    Users (password ``odpo-demo-2026``): ``demo-provider`` (editor of the
    provider) and ``demo-user``. Existing objects are kept.
    """
    from werkzeug.datastructures import FileStorage

    with ctx.meta["flask_app"].test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        site = {"user": site_user, "ignore_auth": True}
        steps = ("users", "organisation", "dataset", "request")
        with click.progressbar(steps, label="access demo", file=click.get_text_stream("stderr")) as bar:
            for step in bar:
                if step == "users":
                    provider = _user("demo-provider", "提供者 担当")
                    requester = _user("demo-user", "利用者 太郎")
                elif step == "organisation" and model.Group.get(DEMO_ORGANIZATION) is None:
                    tk.get_action("organization_create")(site, {
                        "name": DEMO_ORGANIZATION, "title": "デモ交通データ株式会社", "provider_type": "company",
                        "users": [{"name": provider["name"], "capacity": "editor"}]})
                elif step == "dataset" and model.Package.get(DEMO_DATASET) is None:
                    dataset = tk.get_action("package_create")(site, {
                        "name": DEMO_DATASET, "title": "プローブ交通データ（限定公開・デモ）",
                        "owner_org": DEMO_ORGANIZATION, "access_tier": "restricted",
                        "license_id": "odpo-restricted", "secondary_distribution": "prohibited",
                        "notes": "提供者の承認を受けた利用者だけが利用できるデモデータです。"})
                    tk.get_action("resource_create")(site, {
                        "package_id": dataset["id"], "name": DEMO_RESOURCE, "format": "CSV", "url": "speed.csv",
                        "upload": FileStorage(io.BytesIO(DEMO_CSV.encode("utf-8")), filename="speed.csv")})
                elif step == "request" and with_pending_request:
                    try:
                        tk.get_action("odpo_access_request_create")(
                            {"user": requester["name"]},
                            {"package_id": DEMO_DATASET, "purpose": "通勤時間帯の渋滞分析",
                             "intended_use": "社内の配送計画", "terms_accepted": True})
                    except tk.ValidationError:
                        pass  # already requested or granted
    click.secho(f"access demo ready: dataset {DEMO_DATASET}, users demo-provider / demo-user "
                f"(password {DEMO_PASSWORD})", fg="green")
