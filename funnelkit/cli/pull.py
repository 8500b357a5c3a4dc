"""`funnelkit pull`: read a live portal into a snapshot file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from funnelkit.cli.common import get_state, open_connector


def parse_day(value: str | None, flag: str) -> int | None:
    """A --since date (YYYY-MM-DD or ISO-8601) as epoch seconds."""
    if value is None:
        return None
    from funnelkit.errors import InputError
    from funnelkit.model.timeutil import parse_iso

    try:
        return parse_iso(value)
    except ValueError:
        raise InputError(
            f"{flag} {value!r}: not a date", hint="use YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def pull(
    ctx: typer.Context,
    portal: Annotated[str, typer.Option("--portal", help="Portal NAME from funnelkit.yaml")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Snapshot file [default: <portal>.snapshot.zip]"),
    ] = None,
    since_snapshot: Annotated[
        Path | None,
        typer.Option("--since-snapshot", help="Incremental: fetch only what changed since"),
    ] = None,
    funnel: Annotated[
        list[str] | None, typer.Option("--funnel", help="Only this funnel id (repeatable)")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="History and tasks from this date on")
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Skip stage history")] = False,
    no_tasks: Annotated[bool, typer.Option("--no-tasks", help="Skip tasks and activities")] = False,
) -> None:
    """Read a portal (funnels, stages, deals, history, tasks, users, contacts) into a snapshot."""
    from funnelkit.connectors.base import PullScope
    from funnelkit.store import load_snapshot, save_snapshot

    state = get_state(ctx)
    scope = PullScope(
        funnels=tuple(funnel or ()),
        since=parse_day(since, "--since"),
        history=not no_history,
        tasks=not no_tasks,
    )
    target = output or Path(f"{portal}.snapshot.zip")
    old = load_snapshot(since_snapshot) if since_snapshot else None
    connector = open_connector(state, portal)
    try:
        progress = state.progress()
        snapshot = (
            connector.pull_incremental(old, progress)
            if old is not None
            else connector.pull(scope, progress)
        )
    finally:
        connector.close()
    save_snapshot(snapshot, target)
    counts = snapshot.counts()
    state.say(
        f"saved {target}: {len(snapshot.structure.funnels)} funnels, {counts['deals']:,} deals, "
        f"{counts['transitions']:,} history rows, {counts['activities']:,} tasks/activities"
    )


def register(app: typer.Typer) -> None:
    """Add `pull`."""
    app.command("pull")(pull)
