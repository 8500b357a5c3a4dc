"""The command groups, registered in the order `--help` lists them."""

from __future__ import annotations

import importlib

import typer

from funnelkit.cli.common import not_available

# group module → the commands it adds; a module still missing is registered as
# "not available yet" so --help shows the whole interface and never lies about it.
_MODULES: dict[str, tuple[str, ...]] = {
    "pull": ("pull",),
    "audit": ("audit",),
    "plan": ("plan", "apply", "drift", "export"),
    "rules": ("rules",),
    "blueprints": ("blueprints",),
    "schema": ("schema",),
    "emulator": ("emulator",),
    "demo": ("demo",),
}


def _placeholder(app: typer.Typer, name: str) -> None:
    def command(ctx: typer.Context) -> None:
        not_available(name)

    app.command(
        name,
        help="(not available yet)",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(command)


def register_all(app: typer.Typer) -> None:
    """Attach every command group to the app."""
    for module_name, names in _MODULES.items():
        try:
            module = importlib.import_module(f"funnelkit.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"funnelkit.cli.{module_name}":
                raise
            for name in names:
                _placeholder(app, name)
            continue
        module.register(app)
