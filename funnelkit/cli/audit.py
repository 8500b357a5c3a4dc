"""`funnelkit audit`: rules and metrics over a snapshot, in every report format."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from funnelkit.cli.common import AppState, emit, get_state, read_snapshot

if TYPE_CHECKING:
    from funnelkit.audit import AuditResult, AuditSettings
    from funnelkit.audit.suppress import SuppressionEntry
    from funnelkit.model import Snapshot


class Format(StrEnum):
    """Report formats (interface.md)."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"
    SARIF = "sarif"
    JUNIT = "junit"


def parse_reports(values: list[str] | None) -> list[tuple[str, Path]]:
    """`--report FMT=FILE` values, checked."""
    from funnelkit.errors import InputError

    out = []
    for value in values or []:
        fmt, sep, file = value.partition("=")
        if not sep or not file or fmt not in Format.__members__.values():
            raise InputError(
                f"--report {value!r}: expected FORMAT=FILE",
                hint=f"formats: {', '.join(Format)}; e.g. --report html=audit.html",
            )
        out.append((fmt, Path(file)))
    return out


def audit_document(
    state: AppState,
    snap: Snapshot,
    settings: AuditSettings,
    entries: list[SuppressionEntry],
    baseline: set[str] | None,
    now: int | None = None,
) -> tuple[AuditResult, dict[str, Any]]:
    """Run the audit and the metrics, and build the report document.

    `now` is the audit's clock; None means the snapshot's as-of time, so last month's
    snapshot audited today still gives last month's findings.
    """
    from funnelkit.audit import result_to_dict, run_audit
    from funnelkit.cli.audit_inputs import rule_texts
    from funnelkit.metrics import compute_metrics
    from funnelkit.report import build_document

    result = run_audit(snap, settings, now, suppressions=entries, baseline=baseline)
    probabilities = {
        (f, s): p for f, stages in settings.stage_probabilities.items() for s, p in stages.items()
    }
    metrics = compute_metrics(snap, result.now, probabilities)
    lang = state.lang
    doc = build_document(
        result_to_dict(result, lang),
        metrics,
        snap.manifest,
        snap.structure.portal,
        rule_texts(lang),
        lang,
        int(time.time()),
    )
    return result, doc


def audit(
    ctx: typer.Context,
    portal: Annotated[str | None, typer.Option(help="Pull this portal live")] = None,
    snapshot: Annotated[Path | None, typer.Option(help="Audit a saved snapshot")] = None,
    format: Annotated[Format | None, typer.Option("--format", help="Report format")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the report here")] = None,
    report: Annotated[
        list[str] | None, typer.Option("--report", help="FMT=FILE, repeatable")
    ] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these rules")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Not these rules")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(help="Add rules")] = None,
    fail_on: Annotated[str | None, typer.Option(help="Exit 1 at this severity")] = None,
    statistics: Annotated[bool, typer.Option(help="Count findings per rule")] = False,
    status: Annotated[str | None, typer.Option(help="`fail`: only failing findings")] = None,
    ignore_file: Annotated[Path | None, typer.Option(help="Suppressions file")] = None,
    no_suppressions: Annotated[bool, typer.Option(help="Show suppressed findings")] = False,
    baseline: Annotated[Path | None, typer.Option(help="Report only findings not in it")] = None,
    write_baseline: Annotated[Path | None, typer.Option(help="Freeze today's findings")] = None,
    blueprint: Annotated[Path | None, typer.Option(help="Stage SLAs, probabilities, roles")] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="The audit's clock; default the snapshot's as-of")
    ] = None,
) -> None:
    """Check a portal against the rules and show its funnel metrics."""
    from funnelkit.audit.suppress import read_baseline
    from funnelkit.audit.suppress import write_baseline as freeze
    from funnelkit.cli.audit_inputs import audit_settings, suppressions
    from funnelkit.cli.emulator import parse_as_of
    from funnelkit.errors import InputError
    from funnelkit.report import only_failing, render

    state = get_state(ctx)
    if status not in (None, "fail"):
        raise InputError(f"--status {status!r}: only `fail` is supported")
    extra = parse_reports(report)
    clock = parse_as_of(now, "--now")
    snap = read_snapshot(state, portal, snapshot)
    overrides = {
        "select": select,
        "ignore": ignore,
        "extend_select": extend_select,
        "fail_on": fail_on,
    }
    settings = audit_settings(state, overrides, blueprint, snap)
    known = read_baseline(baseline) if baseline else None
    result, doc = audit_document(
        state, snap, settings, suppressions(ignore_file, no_suppressions), known, clock
    )
    if write_baseline:
        freeze(write_baseline, result.findings)
        state.say(f"baseline of {len(result.findings)} findings written to {write_baseline}")
    lang = state.lang
    if status == "fail":
        doc = only_failing(doc)
    chosen = (format.value if format else None) or state.config.file.report.format
    if chosen == "text" and output is None:
        from funnelkit.report.text import render_text

        render_text(doc, lang, state.out, statistics)
    else:
        emit(state, render(doc, chosen, lang, statistics), output)
    for fmt, path in extra:
        emit(state, render(doc, fmt, lang, statistics), path)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add `audit`."""
    app.command("audit")(audit)
