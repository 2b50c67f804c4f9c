"""``ckan odpo ...`` commands, registered through ``IClick`` by ``OdpoPlugin``."""
from __future__ import annotations

import time

import click
from ckanext.odpo.demo import DEFAULT_SEED, build_catalogue_plan
from ckanext.odpo.samples import cli as samples_cli
from ckanext.odpo.sharing.cli import sharing
from ckanext.odpo_harvesters.cli import harvest as harvest_commands


def get_commands() -> list[click.Command]:
    return [odpo]


@click.group(name="odpo", short_help="ODPO catalogue tools.")
def odpo() -> None:
    """ODPO catalogue tools."""


odpo.add_command(harvest_commands)


@odpo.group()
def demo() -> None:
    """The demo catalogue, shaped like the published ODPO catalogue."""


@demo.command("load")
@click.option(
    "--scale",
    type=click.FloatRange(0, 1, min_open=True),
    default=1.0,
    show_default=True,
    help="Size relative to the published catalogue (105 organisations, 749 datasets).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.pass_context
def load(ctx: click.Context, scale: float, seed: int) -> None:
    """Create the demo organisations and datasets; existing ones are kept."""
    from ckanext.odpo.demo.loader import CatalogueLoader

    plan = build_catalogue_plan(scale=scale, seed=seed)
    started = time.monotonic()
    # Dictizing checks the current user's role, which needs a request context.
    with ctx.meta["flask_app"].test_request_context():
        loader = CatalogueLoader()
        steps = len(plan.organisations) + len(plan.datasets)
        stderr = click.get_text_stream("stderr")
        with click.progressbar(length=steps, label="demo catalogue", file=stderr) as bar:
            report = loader.load(plan, on_progress=bar.update)
    elapsed = time.monotonic() - started
    click.secho(
        f"organisations: {report.organisations_created} created, "
        f"{report.organisations_existing} already there; "
        f"datasets: {report.datasets_created} created, "
        f"{report.datasets_existing} already there ({elapsed:.1f} s)",
        fg="green",
    )


odpo.add_command(sharing)
odpo.add_command(samples_cli.samples)
