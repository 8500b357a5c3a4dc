"""`plan`, `apply`, `drift`, `export`: blueprints against a live portal or a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from funnelkit.cli.common import AppState, confirm, emit, get_state, open_connector
from funnelkit.errors import ApplyError, ConfigError, InputError
from funnelkit.fileio import write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterator

    from funnelkit.blueprint.drift import DriftIgnore
    from funnelkit.blueprint.plan import Plan
    from funnelkit.blueprint.schema import Blueprint
    from funnelkit.connectors.base import Connector
    from funnelkit.model import Snapshot, Thresholds


class PlanFormat(StrEnum):
    """Renderings of a plan."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


class DriftFormat(StrEnum):
    """Renderings of a drift report."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


BlueprintArg = Annotated[str, typer.Argument(help="Blueprint file, or a bundled name (e.g. 000)")]
PortalOpt = Annotated[str | None, typer.Option("--portal", help="Portal NAME from funnelkit.yaml")]
SnapshotOpt = Annotated[Path | None, typer.Option("--snapshot", help="A saved snapshot")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE")]


def load_any(name: str) -> Blueprint:
    """A blueprint file, or a bundled one by name (`000`, `000-six-funnels`)."""
    from funnelkit.blueprint import load_blueprint
    from funnelkit.blueprint.library import bundled_files, load_bundled

    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return load_blueprint(path)
    stems = {f.removesuffix(".yaml") for f in bundled_files()}
    stems |= {f.split("-")[0] for f in bundled_files()}
    if name in stems:
        return load_bundled(name)
    return load_blueprint(path)


def state_directory(state: AppState) -> Path:
    """Where apply state is kept: `.funnelkit/state/` beside the config in use."""
    from funnelkit.blueprint.state import state_dir

    return state_dir(state.config.path)


@contextmanager
def portal_view(
    state: AppState, portal: str | None, snapshot: Path | None
) -> Iterator[tuple[Snapshot, Connector | None]]:
    """The portal's structure (live: structure only; deals are counted on demand)."""
    if (portal is None) == (snapshot is None):
        raise InputError(
            "give exactly one of --portal NAME or --snapshot FILE",
            hint="--portal reads the live portal from funnelkit.yaml; --snapshot a saved one",
        )
    if snapshot is not None:
        from funnelkit.store import load_snapshot

        yield load_snapshot(snapshot), None
        return
    assert portal is not None
    connector = open_connector(state, portal)
    try:
        yield connector.pull_structure(), connector
    finally:
        connector.close()


def _plan(
    bp: Blueprint,
    directory: Path,
    snap: Snapshot,
    connector: Connector | None,
    limits: Thresholds | None = None,
) -> Plan:
    from funnelkit.blueprint.planner import PlanOptions, plan
    from funnelkit.blueprint.state import portal_ids

    ids = portal_ids(directory, snap, bp.name)
    counter = connector.count_deals if connector is not None else None
    return plan(snap, bp, options=PlanOptions(ids=ids, count_deals=counter, thresholds=limits))


def _limits(state: AppState, portal: str | None) -> Thresholds | None:
    """The portal's own thresholds from funnelkit.yaml, when planning against a live portal."""
    return state.config.portal(portal).thresholds if portal is not None else None


def render_plan(result: Plan, fmt: PlanFormat, lang: str = "en") -> str:
    """A plan in the asked format."""
    from funnelkit.report import plan_text as render

    if fmt is PlanFormat.JSON:
        return result.to_json()
    if fmt is PlanFormat.MARKDOWN:
        return render.plan_markdown(result, lang)
    if fmt is PlanFormat.HTML:
        from funnelkit.report.plan_html import plan_to_html

        return plan_to_html(result, lang)
    return render.plan_text(result, lang)


def plan_cmd(
    ctx: typer.Context,
    blueprint: BlueprintArg,
    portal: PortalOpt = None,
    snapshot: SnapshotOpt = None,
    save_plan: Annotated[Path | None, typer.Option("--save-plan", help="Save for apply")] = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when changes")] = False,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="Output format")] = PlanFormat.TEXT,
    output: OutputOpt = None,
) -> None:
    """Show what apply would change (a dry run; nothing is written)."""
    state = get_state(ctx)
    bp = load_any(blueprint)
    with portal_view(state, portal, snapshot) as (snap, connector):
        result = _plan(bp, state_directory(state), snap, connector, _limits(state, portal))
    source = blueprint if not Path(blueprint).exists() else str(Path(blueprint).resolve())
    result = result.model_copy(update={"source": source})
    if save_plan is not None:
        result.save(save_plan)
        state.say(f"saved plan to {save_plan}")
    emit(state, render_plan(result, fmt, state.lang), output)
    if exit_code and result.has_changes:
        raise typer.Exit(1)


def apply_cmd(
    ctx: typer.Context,
    portal: Annotated[str, typer.Option("--portal", help="Portal NAME from funnelkit.yaml")],
    blueprint: Annotated[
        str | None, typer.Argument(help="Blueprint file or bundled name (or give --plan)")
    ] = None,
    plan_file: Annotated[Path | None, typer.Option("--plan", help="The reviewed plan")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False,
    force: Annotated[bool, typer.Option("--force", help="Allow unsafe changes")] = False,
) -> None:
    """Make the portal match the blueprint: shows the plan, asks, applies in a safe order."""
    from funnelkit.blueprint.plan import check_binding, load_plan
    from funnelkit.blueprint.state import portal_key, state_path
    from funnelkit.report import plan_text as render

    state = get_state(ctx)
    reviewed = load_plan(plan_file) if plan_file is not None else None
    blueprint = blueprint or (reviewed.source if reviewed is not None else None)
    if blueprint is None:
        raise InputError(
            "apply needs a BLUEPRINT or --plan FILE",
            hint="funnelkit plan BLUEPRINT --portal NAME --save-plan plan.json; then apply",
        )
    bp = load_any(blueprint)
    directory = state_directory(state)
    with portal_view(state, portal, None) as (snap, connector):
        assert connector is not None
        result = _plan(bp, directory, snap, connector, _limits(state, portal))
        if reviewed is not None:
            check_binding(reviewed, result)
        state.err.print(render.plan_text(result, state.lang), markup=False, end="")
        if not result.has_changes:
            state.say("nothing to apply")
            return
        result.raise_if_unsafe(force)
        confirm(state, f"Apply {len(result.changes)} changes to {result.domain}?", yes)
        state_file = state_path(directory, portal_key(snap))
        done = _run(state, result, connector, (state_file, snap), bp.name)
    state.say(f"applied {len(done)} changes; state saved to {state_file}")
    pending = [m for m in result.manual if m.status != "verified"]
    if pending:
        state.say(f"{len(pending)} manual step(s) remain (see the plan above)")


def _run(
    state: AppState,
    result: Plan,
    connector: Connector,
    where: tuple[Path, Snapshot],
    blueprint: str,
) -> list[str]:
    """Apply, saving every id learnt after each change (a killed apply keeps what it made)."""
    from funnelkit.blueprint.applier import apply_plan
    from funnelkit.blueprint.state import load_state, portal_key, save_state

    state_file, snap = where
    stored = load_state(state_file)
    stored.portal = portal_key(snap)
    # Ids the portal no longer has are dropped, not carried on to claim something new.
    ids = stored.blueprints[blueprint] = stored.ids(blueprint).verified(snap)

    def checkpoint() -> None:
        save_state(stored, state_file)

    try:
        return apply_plan(result, connector, ids, _progress(state), checkpoint)
    except ApplyError as exc:
        _report_failure(state, exc)
        raise
    finally:
        checkpoint()


def _progress(state: AppState) -> Callable[[int, int, object], None]:
    def show(index: int, total: int, change: object) -> None:
        state.say(f"[{index + 1}/{total}] {getattr(change, 'summary', '')}")

    return show


def _report_failure(state: AppState, exc: ApplyError) -> None:
    lines = [f"done ({len(exc.done)}):", *[f"  ✓ {s}" for s in exc.done]]
    lines += [f"failed ({len(exc.failed)}):", *[f"  ✗ {s}" for s in exc.failed]]
    lines += [f"remaining ({len(exc.remaining)}):", *[f"  · {s}" for s in exc.remaining]]
    state.err.print("\n".join(lines), markup=False)


def drift_cmd(
    ctx: typer.Context,
    blueprint: BlueprintArg,
    portal: PortalOpt = None,
    snapshot: SnapshotOpt = None,
    ignore_file: Annotated[
        Path | None, typer.Option("--ignore-file", help="Accepted drift")
    ] = None,
    fmt: Annotated[DriftFormat, typer.Option("--format", help="Output format")] = DriftFormat.TEXT,
    output: OutputOpt = None,
    fail_on_unmanaged: Annotated[
        bool,
        typer.Option("--fail-on-unmanaged", help="Portal objects no blueprint declares are drift"),
    ] = False,
) -> None:
    """Read-only comparison for CI: exit 0 in sync, 1 drifted (unmanaged: listed only)."""
    from funnelkit.blueprint.drift import drift_from_plan
    from funnelkit.report import plan_text as render

    state = get_state(ctx)
    bp = load_any(blueprint)
    ignores = _drift_ignores(ignore_file)
    with portal_view(state, portal, snapshot) as (snap, connector):
        found = _plan(bp, state_directory(state), snap, connector, _limits(state, portal))
    strict = fail_on_unmanaged or state.config.file.drift.fail_on_unmanaged
    report = drift_from_plan(found, ignores, fail_on_unmanaged=strict)
    if fmt is DriftFormat.JSON:
        text = report.to_json()
    elif fmt is DriftFormat.MARKDOWN:
        text = render.drift_markdown(report, state.lang)
    else:
        text = render.drift_text(report, state.lang)
    emit(state, text, output)
    if not report.in_sync:
        raise typer.Exit(1)


def _drift_ignores(path: Path | None) -> list[DriftIgnore]:
    from funnelkit.blueprint.drift import parse_drift_ignores
    from funnelkit.yamlio import load_yaml

    if path is None:
        path = Path("funnelkit-ignore.yaml")
        if not path.exists():
            return []
    doc = load_yaml(path, ConfigError)
    if doc.data is not None and not isinstance(doc.data, dict):
        raise ConfigError(f"{path}: expected a mapping with `findings:` and/or `drift:`")
    return parse_drift_ignores((doc.data or {}).get("drift"), str(path))


def export_cmd(
    ctx: typer.Context,
    portal: PortalOpt = None,
    snapshot: SnapshotOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory")] = None,
    split: Annotated[bool, typer.Option("--split", help="One file per funnel")] = False,
) -> None:
    """Write the portal's funnels as a blueprint (with their `id:`s), even a messy portal."""
    from funnelkit.blueprint.export import export_blueprint, split_blueprint
    from funnelkit.yamlio import dump_yaml

    state = get_state(ctx)
    with portal_view(state, portal, snapshot) as (snap, _):
        name = portal or (snapshot.stem if snapshot else "exported")
        data = export_blueprint(snap, name)
    if output is None:
        if split:
            raise InputError("--split writes one file per funnel: give -o DIR")
        emit(state, dump_yaml(data), None)
        return
    output.mkdir(parents=True, exist_ok=True)
    parts = split_blueprint(data) if split else [(f"{data['name']}.yaml", data)]
    for file_name, part in parts:
        write_atomic(output / file_name, dump_yaml(part))
    state.say(f"exported {len(data['funnels'])} funnel(s) to {output}")


def register(app: typer.Typer) -> None:
    """Add plan, apply, drift and export."""
    app.command("plan")(plan_cmd)
    app.command("apply")(apply_cmd)
    app.command("drift")(drift_cmd)
    app.command("export")(export_cmd)
