"""``ckan odpo samples ...``: samples of the uploaded tables of non-open datasets."""

from __future__ import annotations

import click
import ckan.plugins.toolkit as tk

from . import resources as sample_resources


@click.group(name="samples", short_help="Samples of non-open datasets.")
def samples() -> None:
    """Samples of the uploaded tables (CSV, TSV, XLSX, JSON) of non-open datasets."""


@samples.command("generate")
@click.option(
    "--dataset", "dataset_ids", multiple=True, metavar="ID", help="A dataset (id or name); repeatable."
)
@click.option(
    "--all", "all_datasets", is_flag=True, help="Every dataset of the registered, restricted and paid tiers."
)
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=None,
    help="Data rows per sample [default: odpo.samples.rows].",
)
@click.option("--force", is_flag=True, help="Make generated samples again even when they are up to date.")
@click.pass_context
def generate(
    ctx: click.Context, dataset_ids: tuple[str, ...], all_datasets: bool, rows: int | None, force: bool
) -> None:
    """Make the missing samples of uploaded tables; samples the providers
    uploaded themselves are never replaced."""
    if bool(dataset_ids) == all_datasets:
        raise click.UsageError("give --dataset ID (one or more) or --all")
    with ctx.meta["flask_app"].test_request_context():
        targets = list(dataset_ids) or sample_resources.non_open_dataset_ids()
        outcomes: list[sample_resources.SampleOutcome] = []
        missing: list[str] = []
        stderr = click.get_text_stream("stderr")
        with click.progressbar(targets, label="samples", file=stderr) as bar:
            for dataset_id in bar:
                try:
                    dataset_outcomes = sample_resources.refresh_dataset_samples(dataset_id, rows, force)
                except tk.ObjectNotFound:
                    click.echo(f"\n{dataset_id}: no such dataset", err=True)
                    missing.append(dataset_id)
                    continue
                for outcome in dataset_outcomes:
                    if outcome.status == sample_resources.FAILED:
                        click.echo(f"\n{dataset_id} / {outcome.resource_id}: {outcome.reason}", err=True)
                outcomes += dataset_outcomes
    summary = sample_resources.outcomes_summary(outcomes)
    click.secho(
        f"datasets: {len(targets)}; samples created: {summary['created']}, "
        f"refreshed: {summary['refreshed']}, kept: {summary['kept']}, "
        f"skipped: {summary['skipped']}, failed: {summary['failed']}",
        fg="red" if summary["failed"] or missing else "green",
    )
    if missing:
        ctx.exit(1)


@samples.command("demo")
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Upload made-up sample tables to the samples of the demo catalogue
    (``ckan odpo demo load``), whose links point at a host that serves nothing."""
    from . import demo as demo_samples

    with ctx.meta["flask_app"].test_request_context():
        targets = list(demo_samples.demo_samples())
        stderr = click.get_text_stream("stderr")
        with click.progressbar(targets, label="demo samples", file=stderr) as bar:
            for dataset, sample in bar:
                demo_samples.upload_demo_sample(dataset, sample)
    click.secho(f"demo samples uploaded: {len(targets)}", fg="green")
