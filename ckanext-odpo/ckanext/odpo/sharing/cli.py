"""``ckan odpo sharing ...``: pull a partner's change feed, manage partners."""
from __future__ import annotations

import click


@click.group(short_help="Sharing with partner prefectures.")
def sharing() -> None:
    """Sharing with partner prefectures (change feed, partners)."""


@sharing.command("pull")
@click.argument("source_url")
@click.option("--token", envvar="ODPO_PARTNER_TOKEN", required=True,
              help="This site's partner token at the source (or ODPO_PARTNER_TOKEN).")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Changes per page.")
@click.pass_context
def pull(ctx: click.Context, source_url: str, token: str, limit: int) -> None:
    """Bring this catalogue up to date with SOURCE_URL's change feed.

    Creates, updates and deletes local copies; resumes from the cursor kept
    from the last pull.
    """
    from ckanext.odpo.sharing.client import PullError, PullReport
    from ckanext.odpo.sharing.client import pull as pull_changes

    stderr = click.get_text_stream("stderr")

    def progress(changes: int, report: PullReport) -> None:
        click.echo(
            f"page {report.pages}: {changes} changes; created {report.created}, updated "
            f"{report.updated}, deleted {report.deleted} (cursor {report.cursor or '-'})", file=stderr,
        )

    with ctx.meta["flask_app"].test_request_context():
        try:
            report = pull_changes(source_url, token, limit=limit, on_progress=progress)
        except PullError as error:
            raise click.ClickException(str(error)) from None
    for message in report.errors:
        click.secho(f"not applied: {message}", fg="yellow", err=True)
    click.secho(
        f"{source_url}: created {report.created}, updated {report.updated}, deleted {report.deleted}, "
        f"unchanged {report.unchanged}; cursor {report.cursor or '-'}",
        fg="green" if not report.errors else "yellow",
    )
    if report.errors:
        ctx.exit(1)


@sharing.command("partner-add")
@click.argument("name")
@click.argument("title")
@click.option("--valid-days", type=click.IntRange(1), default=None, help="Days until the token expires.")
@click.pass_context
def partner_add(ctx: click.Context, name: str, title: str, valid_days: int | None) -> None:
    """Register partner NAME (display name TITLE) and print its token once."""
    import ckan.plugins.toolkit as tk

    with ctx.meta["flask_app"].test_request_context():
        try:
            result = tk.get_action("odpo_sharing_partner_create")(
                {"ignore_auth": True}, {"name": name, "title": title, "valid_days": valid_days})
        except tk.ValidationError as error:
            raise click.ClickException(str(error.error_dict)) from None
    click.echo(result["token"])


@sharing.command("render-dcat")
@click.pass_context
def render_dcat(ctx: click.Context) -> None:
    """Render and store the DCAT description of every public dataset that
    changed since it was last rendered (so /sharing/catalog.ttl answers fast
    from the first request, e.g. after a bulk import)."""
    from ckanext.odpo.sharing import catalogue

    with ctx.meta["flask_app"].test_request_context():
        rows = catalogue.public_datasets()
        stored = catalogue.stored_fragments([row.id for row in rows])
        stale = [row.id for row in rows
                 if stored.get(row.id, ("", ""))[0]
                 != catalogue.fragment_key(row.metadata_modified, row.owner_org)]
        batch = catalogue.RENDER_BATCH
        with click.progressbar(length=len(stale), label="DCAT descriptions",
                               file=click.get_text_stream("stderr")) as bar:
            for start in range(0, len(stale), batch):
                catalogue.render_and_store(stale[start:start + batch])
                bar.update(len(stale[start:start + batch]))
    click.secho(f"{len(stale)} rendered, {len(rows) - len(stale)} already current", fg="green")
