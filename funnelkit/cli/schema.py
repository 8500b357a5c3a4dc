"""`funnelkit schema NAME`: the JSON Schema of every file funnelkit reads or writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class SchemaName(StrEnum):
    """The documented file formats."""

    SNAPSHOT = "snapshot"
    BLUEPRINT = "blueprint"
    CONFIG = "config"
    REPORT = "report"
    PLAN = "plan"
    EMULATOR_FIXTURE = "emulator-fixture"


def _snapshot() -> dict[str, Any]:
    from funnelkit.store.schema import snapshot_schema

    return snapshot_schema()


def _config() -> dict[str, Any]:
    from funnelkit.config import FileConfig

    schema = FileConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "funnelkit.yaml"
    return schema


def _blueprint() -> dict[str, Any]:
    from funnelkit.blueprint.schema import blueprint_schema

    return blueprint_schema()


def _report() -> dict[str, Any]:
    from funnelkit.report.schema import report_schema

    return report_schema()


def _plan() -> dict[str, Any]:
    from funnelkit.blueprint.plan import plan_schema

    return plan_schema()


def _fixture() -> dict[str, Any]:
    from funnelkit.emulator.fixture.load import fixture_schema

    return fixture_schema()


_BUILDERS: dict[SchemaName, Callable[[], dict[str, Any]]] = {
    SchemaName.SNAPSHOT: _snapshot,
    SchemaName.BLUEPRINT: _blueprint,
    SchemaName.CONFIG: _config,
    SchemaName.REPORT: _report,
    SchemaName.PLAN: _plan,
    SchemaName.EMULATOR_FIXTURE: _fixture,
}


def schema(
    ctx: typer.Context,
    name: Annotated[SchemaName, typer.Argument(help="Which file format")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write it here")
    ] = None,
) -> None:
    """Print the JSON Schema of a file format."""
    from funnelkit.cli.common import emit, get_state

    document = _BUILDERS[name]()
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
    emit(get_state(ctx), text, output)


def register(app: typer.Typer) -> None:
    """Add `schema`."""
    app.command("schema")(schema)
