"""`funnelkit rules`: the rule catalogue (list, show) and the name analyser's evaluation."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from funnelkit.cli.common import get_state
from funnelkit.errors import InputError

FORMATS = ("text", "json")

rules_app = typer.Typer(
    name="rules",
    help="The audit rule catalogue.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@rules_app.command("list")
def list_rules(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Every rule: code, name, default severity and title."""
    from funnelkit.report.catalogue import catalogue, render_list

    if format not in FORMATS:
        raise InputError(f"--format {format!r}: unknown format", hint="use text or json")
    if format == "json":
        data = {"schema": "funnelkit.rules/1", "rules": catalogue()}
        _write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        _write(render_list(get_state(ctx).lang))


@rules_app.command("show")
def show_rule(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Code, alias or name: FK201, deals.stuck")],
    format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """One rule: what it finds, why, the remedy, its parameters and data needs."""
    from funnelkit.audit.registry import default_registry
    from funnelkit.report.catalogue import render_rule, rule_dict

    rule = default_registry().get(code)
    if rule is None:
        raise InputError(f"no rule {code!r}", hint="`funnelkit rules list` shows every code")
    if format not in FORMATS:
        raise InputError(f"--format {format!r}: unknown format", hint="use text or json")
    if format == "json":
        _write(json.dumps(rule_dict(rule), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        _write(render_rule(rule, get_state(ctx).lang))


def _attach_evaluate_names() -> None:
    """`rules evaluate-names` lives in rules_names.py (the names issue); attach it if present."""
    try:
        from funnelkit.cli.rules_names import evaluate_names
    except ModuleNotFoundError:  # pragma: no cover - the names CLI not built yet
        return
    rules_app.command("evaluate-names")(evaluate_names)


_attach_evaluate_names()


def register(app: typer.Typer) -> None:
    """Add the `rules` group to the app."""
    app.add_typer(rules_app, name="rules")
