"""The command groups, registered in the order `--help` lists them.

Each module imports only typer at the top; what a command needs is imported when it
runs, so `funnelkit --help` stays fast.
"""

from __future__ import annotations

import typer

from funnelkit.cli import (
    audit,
    blueprints,
    demo,
    emulator,
    fleet,
    plan,
    pull,
    rules,
    schema,
    score,
    snapshot,
)


def register_all(app: typer.Typer) -> None:
    """Attach every command group to the app."""
    for module in (
        pull,
        audit,
        fleet,
        plan,
        rules,
        blueprints,
        schema,
        snapshot,
        score,
        emulator,
        demo,
    ):
        module.register(app)
