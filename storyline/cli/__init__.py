"""The ``storyline`` command line: thin commands over library calls.

Each module here adds its commands to :data:`app` in ``register(app)``.
"""

from __future__ import annotations

import logging

import typer

app = typer.Typer(
    name="storyline",
    help="Multilingual news into events and storylines: ingest, analyse, search, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output (-vv for debug)."),
) -> None:
    """Multilingual news into events and storylines."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _register() -> None:
    from storyline.cli import core, entities, evaluate, events, serve

    for module in (core, entities, evaluate, events, serve):
        module.register(app)


_register()
