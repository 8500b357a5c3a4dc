"""The `funnelkit` command line: thin commands over the library, one module per group."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from funnelkit import __version__
from funnelkit.cli import commands
from funnelkit.cli.common import AppState, Lang, run_main
from funnelkit.cli.shell import RootGroup
from funnelkit.errors import EXIT_CODES

EXIT_CODES_HELP = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES) + "."

app = typer.Typer(
    name="funnelkit",
    cls=RootGroup,
    help="Audit and provision sales funnels on Bitrix24 and amoCRM/Kommo portals.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"funnelkit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="Config file [default: funnelkit.yaml here or in a parent, else pyproject.toml]",
        ),
    ] = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="Language of reports and messages")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress, no chatter")] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="Plain output (also NO_COLOR)")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Tracebacks for internal errors")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version"),
    ] = False,
) -> None:
    ctx.obj = AppState(
        config_path=config, lang_flag=lang, quiet=quiet, no_color=no_color, debug=debug
    )


commands.register_all(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app and maps errors to exit codes."""
    sys.exit(run_main(app, argv))
