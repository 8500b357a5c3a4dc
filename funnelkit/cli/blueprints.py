"""`blueprints list | show | validate`: the bundled standard funnels and your own files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from funnelkit.cli.common import emit, get_state

if TYPE_CHECKING:
    from funnelkit.blueprint.schema import Blueprint

group = typer.Typer(help="Bundled blueprints (the articles' standard funnels) and validation.")


@group.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List the bundled blueprints."""
    from funnelkit.blueprint.library import list_bundled

    state = get_state(ctx)
    lines = []
    for info in list_bundled(state.lang):
        lines.append(f"{info.name:20} {info.title}")
        lines.append(f"{'':20} {len(info.funnels)} funnels: {', '.join(info.funnels)}")
        lines.append(f"{'':20} {info.tunnels} tunnels")
    emit(state, "\n".join(lines), None)


@group.command("show")
def show_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Bundled name, e.g. 000 or 003-three-linked")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write it here")
    ] = None,
) -> None:
    """Print a bundled blueprint's YAML (copy it, adapt it, plan it)."""
    from funnelkit.blueprint.library import bundled_text

    _, text = bundled_text(name)
    emit(get_state(ctx), text, output)


@group.command("validate")
def validate_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Blueprint file to check")],
) -> None:
    """Check a blueprint: format, references, tunnels, then its stage names by funnel role."""
    from funnelkit.blueprint import load_blueprint

    state = get_state(ctx)
    bp = load_blueprint(file)
    notes = name_notes(bp)
    lines = [f"{file}: valid ({len(bp.funnels)} funnels, {len(bp.tunnels)} tunnels)"]
    lines += [f"  note: {n}" for n in notes]
    emit(state, "\n".join(lines), None)


def name_notes(bp: Blueprint) -> list[str]:
    """The audit's structure and name rules on the blueprint, read with its funnel roles.

    A stage that carries a manager's task is judged as «name — task», the form article
    001 recommends; rules that need deals or history are skipped (no data yet).
    """
    try:
        from funnelkit.audit import AuditSettings, run_audit
    except ImportError:  # the audit ships separately; validation still stands
        return []
    from funnelkit.blueprint.preview import preview_snapshot
    from funnelkit.model import RoleSource

    settings = AuditSettings(
        funnel_roles={f.key: f.role for f in bp.funnels if not f.absent},
        role_source=RoleSource.BLUEPRINT,
    )
    result = run_audit(preview_snapshot(bp), settings)
    return [f"{f.code} {f.severity}: {f.text()}" for f in result.findings]


def register(app: typer.Typer) -> None:
    """Add the `blueprints` group."""
    app.add_typer(group, name="blueprints")
