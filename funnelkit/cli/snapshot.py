"""`funnelkit snapshot export`: a snapshot as plain Parquet for other tools."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from funnelkit.cli.common import get_state

group = typer.Typer(help="Work with saved snapshots.")


class ExportFormat(StrEnum):
    """Export formats (interface.md: `snapshot export`)."""

    PARQUET_DIR = "parquet-dir"


@group.command("export")
def export(
    ctx: typer.Context,
    snapshot: Annotated[Path, typer.Argument(help="The snapshot file")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to create")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="Dataset layout")
    ] = ExportFormat.PARQUET_DIR,
) -> None:
    """Write a snapshot as a Parquet dataset: one folder per table (DuckDB, Polars, Spark)."""
    from funnelkit.store import export_snapshot, load_snapshot

    state = get_state(ctx)
    counts = export_snapshot(load_snapshot(snapshot), output)
    state.say(
        f"{format.value}: {output} ({counts['deals']:,} deals, "
        f"{counts['transitions']:,} history rows)"
    )


def register(app: typer.Typer) -> None:
    """Add the `snapshot` group."""
    app.add_typer(group, name="snapshot")
