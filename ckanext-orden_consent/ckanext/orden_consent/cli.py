"""``ckan orden-consent ...`` commands (``tk.blanket.cli``: ``__all__``)."""
from __future__ import annotations

import sys

import click

__all__ = ["orden_consent"]


@click.group("orden-consent", short_help="Consent ledger and terms of ORDEN")
def orden_consent() -> None:
    """Consent management: verify and export the ledger, seed the terms."""


@orden_consent.command("verify")
def verify() -> None:
    """Check the ledger's hash chain and the terms' content hashes.

    Exit code 0 when intact; 1 with the first broken link otherwise.
    """
    from ckanext.orden_consent.logic.action import verification_report

    report = verification_report()
    if report["ok"]:
        click.echo(f"ledger intact: {report['records']} records, head {report['head_hash']}")
        return
    if report["broken_position"] is not None:
        click.echo(f"ledger BROKEN at record {report['broken_position']}: {report['problem']}", err=True)
        click.echo(f"records verified before it: {report['records']}", err=True)
    for version_id in report["altered_terms_versions"]:
        click.echo(f"terms version {version_id} was altered: its text does not match its hash", err=True)
    sys.exit(1)


@orden_consent.command("export")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--user", "user_ref", default=None, help="only this user's records (id or name)")
@click.option("--dataset", "dataset_ref", default=None, help="only this dataset's records")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export(output_format: str, user_ref: str | None, dataset_ref: str | None, output) -> None:  # noqa: ANN001
    """Export ledger records for an audit (CSV or JSON with the chain head)."""
    import ckan.model as model

    from ckanext.orden_consent import ledger

    user_id = dataset_id = None
    if user_ref:
        user = model.User.get(user_ref)
        if user is None:
            raise click.UsageError(f"no such user: {user_ref}")
        user_id = user.id
    if dataset_ref:
        package = model.Package.get(dataset_ref)
        if package is None:
            raise click.UsageError(f"no such dataset: {dataset_ref}")
        dataset_id = package.id
    rows = ledger.export_rows(ledger.events(user_id=user_id, dataset_id=dataset_id))
    if output_format == "csv":
        output.write(ledger.as_csv(rows))
    else:
        output.write(ledger.as_json(rows, ledger.verify()) + "\n")
    click.echo(f"{len(rows)} records exported", err=True)


@orden_consent.command("seed")
def seed() -> None:
    """Register the default platform terms, privacy policy and restricted/paid
    data terms (Japanese proposals for ORDEN governance). Idempotent."""
    from ckanext.orden_consent.seed import seed_default_terms

    for line in seed_default_terms():
        click.echo(line)
