"""`funnelkit fleet`: pull and audit every portal of the config at once, and sum them up."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from funnelkit.cli.common import AppState, get_state

if TYPE_CHECKING:
    from funnelkit.audit import AuditResult, AuditSettings
    from funnelkit.fleet import FleetPortal
    from funnelkit.model import Snapshot
    from funnelkit.report.schema import AuditReport


class FleetFormat(StrEnum):
    """Formats of the summary printed on stdout (the files are written in all of them)."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


def chosen_portals(state: AppState, names: list[str] | None) -> list[FleetPortal]:
    """`--portal` as given (each checked against the config), else every configured portal."""
    from funnelkit.errors import ConfigError
    from funnelkit.fleet import FleetPortal

    config = state.config
    wanted = list(dict.fromkeys(names)) if names else sorted(config.portals)
    if not wanted:
        raise ConfigError(
            "no portals to audit: the config defines none",
            hint="add portals under `portals:` in funnelkit.yaml, or pass --config FILE",
        )
    return [FleetPortal(name, config.portal(name).vendor.value) for name in wanted]


def fleet_settings(state: AppState, overrides: dict[str, Any]) -> AuditSettings:
    """The config's `audit:` section with the flags on top, checked once before any pull."""
    from funnelkit.audit.settings import settings_from_data

    config = state.config
    data = dict(config.file.audit)
    data.update({k: v for k, v in overrides.items() if v})
    return settings_from_data(data, config.doc.where if config.doc else None)


def fleet(
    ctx: typer.Context,
    portal: Annotated[
        list[str] | None, typer.Option("--portal", help="Only this portal (repeatable)")
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder of snapshots, reports and history")
    ] = Path("funnelkit-fleet"),
    format: Annotated[
        FleetFormat, typer.Option("--format", help="Summary printed on stdout")
    ] = FleetFormat.TEXT,
    select: Annotated[list[str] | None, typer.Option(help="Only these rules")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Not these rules")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(help="Add rules")] = None,
    fail_on: Annotated[str | None, typer.Option(help="Exit 1 at this severity anywhere")] = None,
    ignore_file: Annotated[Path | None, typer.Option(help="Suppressions file")] = None,
) -> None:
    """Pull every portal concurrently, audit each, and write one summary with trend."""
    from funnelkit.cli.audit import audit_document
    from funnelkit.cli.audit_inputs import suppressions
    from funnelkit.cli.common import emit, open_connector
    from funnelkit.fleet import Fleet, run_fleet

    state = get_state(ctx)
    portals = chosen_portals(state, portal)
    overrides = {"select": select, "ignore": ignore, "extend_select": extend_select}
    settings = fleet_settings(state, {**overrides, "fail_on": fail_on})
    entries = suppressions(ignore_file, False)
    lang = state.lang

    def audit(snapshot: Snapshot) -> tuple[AuditResult, AuditReport]:
        return audit_document(state, snapshot, settings, entries, None)

    doc = run_fleet(
        Fleet(
            out=output,
            connect=lambda name: open_connector(state, name),
            audit=audit,
            lang=lang,
            fail_on=settings.fail_on.value,
            say=state.say,
        ),
        portals,
    )
    emit(state, _summary(doc, format.value, lang), None)
    state.say(f"wrote {output / 'fleet.json'}, fleet.md, fleet.html and one folder per portal")
    if doc["exit_code"]:
        raise typer.Exit(doc["exit_code"])


def _summary(doc: dict[str, Any], fmt: str, lang: str) -> str:
    from funnelkit.report import fleet as render

    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        return render.fleet_to_markdown(doc, lang)
    if fmt == "html":
        return render.fleet_to_html(doc, lang)
    return render.fleet_to_text(doc, lang)


def register(app: typer.Typer) -> None:
    """Add `fleet`."""
    app.command("fleet")(fleet)
