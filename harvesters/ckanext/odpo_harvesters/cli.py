"""``ckan odpo harvest ...``: harvest figures for operators (registered on
the ``odpo`` command group of ckanext-odpo)."""
from __future__ import annotations

import click


@click.group(name="harvest", short_help="ODPO harvest sources: report.")
def harvest() -> None:
    """ODPO harvest sources."""


@harvest.command("report")
@click.option("--source", "source_id", default=None, help="Only this source (id or name).")
def report(source_id: str | None) -> None:
    """Per-source status, counts, errors and unmapped licences."""
    from ckanext.harvest.model import HarvestSource

    from .report import all_reports, report_lines, source_report

    if source_id:
        source = HarvestSource.get(source_id) or HarvestSource.get(source_id, attr="url")
        if source is None:
            raise click.ClickException(f"no harvest source {source_id!r}")
        reports = [source_report(source)]
    else:
        reports = all_reports()
    if not reports:
        click.echo("no active harvest sources")
        return
    for position, source_figures in enumerate(reports):
        if position:
            click.echo("")
        for line in report_lines(source_figures):
            click.echo(line)
