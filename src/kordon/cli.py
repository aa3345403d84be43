"""The ``kordon`` command line: a thin layer that mounts each area's commands."""

from __future__ import annotations

import typer

from kordon import __version__
from kordon.lists.cli import app as lists_app
from kordon.trade.cli import app as trade_app
from kordon.screening import cli as screening_cli
from kordon import demo

app = typer.Typer(
    name="kordon",
    help="Sanctions screening and circumvention detection.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(lists_app, name="lists", help="Load, update and compare sanctions lists.")
app.add_typer(trade_app, name="trade", help="Find roundabout trade in customs statistics.")
screening_cli.register(app)
demo.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kordon {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """kordon holds the line on sanctions."""


if __name__ == "__main__":  # pragma: no cover
    app()
