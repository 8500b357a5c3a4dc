"""`funnelkit audit`: rules and metrics over a snapshot, in every report format."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from funnelkit.cli.common import AppState, emit, get_state, read_snapshot

if TYPE_CHECKING:
    from funnelkit.audit import AuditResult, AuditSettings
    from funnelkit.audit.suppress import SuppressionEntry
    from funnelkit.model import Snapshot
    from funnelkit.report import AuditReport


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
    formats = ", ".join(Format)
    for value in values or []:
        fmt, sep, file = value.partition("=")
        if not sep or not file:
            raise InputError(
                f"--report {value!r}: expected FORMAT=FILE (formats: {formats})",
                hint="e.g. --report html=audit.html",
            )
        if fmt not in Format.__members__.values():
            raise InputError(
                f"--report {value!r}: unknown format {fmt!r} (allowed: {formats})",
                hint="e.g. --report html=audit.html",
            )
        out.append((fmt, Path(file)))
    return out


def audit_document(
    state: AppState,
    snap: Snapshot,
    settings: AuditSettings,
    entries: list[SuppressionEntry],
    baseline: set[str] | None,
    *,
    now: int | None = None,
    portal_name: str = "",
    old: Snapshot | None = None,
) -> tuple[AuditResult, AuditReport]:
    """Run the audit and the metrics (and the comparison with `old`), and build the report.

    `now` is the audit's clock; None means the snapshot's as-of time, so last month's
    snapshot audited today still gives last month's findings.
    """
    from funnelkit.audit import audit_clock, run_audit
    from funnelkit.metrics import compute_metrics
    from funnelkit.report import build_report

    probabilities = {
        (f, s): p for f, stages in settings.stage_probabilities.items() for s, p in stages.items()
    }
    # Metrics first: their visit tables are large while they are made and gone after, and
    # the findings stay until the report is written, so the two peaks do not stack.
    metrics = compute_metrics(snap, audit_clock(snap, now), probabilities)
    result = run_audit(snap, settings, now, suppressions=entries, baseline=baseline)
    snap.forget_derived()
    compare = None
    if old is not None:
        from funnelkit.report.compare import compare_snapshots

        old_result = run_audit(old, settings, suppressions=entries, baseline=baseline)
        old_metrics = compute_metrics(old, old_result.now, probabilities)
        compare = compare_snapshots(old, old_result, old_metrics, snap, result, metrics)
    report = build_report(
        result,
        snap,
        metrics,
        state.lang,
        int(time.time()),
        portal_name=portal_name,
        compare=compare,
    )
    return result, report


class FailOn(StrEnum):
    """Severities, lowest first (interface.md)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


def audit(
    ctx: typer.Context,
    portal: Annotated[
        str | None, typer.Option(metavar="NAME", help="Pull this portal live")
    ] = None,
    snapshot: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Audit a saved snapshot")
    ] = None,
    format: Annotated[Format | None, typer.Option("--format", help="Report format")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write the report here")
    ] = None,
    report: Annotated[
        list[str] | None,
        typer.Option("--report", metavar="FMT=FILE", help="Another output, repeatable"),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(metavar="CODE[,CODE]", help="Only these rules (replaces the config's)"),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(metavar="CODE[,CODE]", help="Not these rules")
    ] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option(metavar="CODE[,CODE]", help="Add these rules")
    ] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option(help="Exit 1 at this severity or above [default: high]")
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 whatever was found (errors still fail)")
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule")
    ] = False,
    status: Annotated[
        str | None, typer.Option(metavar="fail", help="`fail`: only failing findings")
    ] = None,
    ignore_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Suppressions file")
    ] = None,
    no_suppressions: Annotated[
        bool, typer.Option("--no-suppressions", help="Show suppressed findings too")
    ] = False,
    baseline: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Report only findings not in it")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Freeze today's findings; exits 0")
    ] = None,
    blueprint: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Stage SLAs, probabilities, roles")
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option("--compare", metavar="FILE", help="Since last visit: an older snapshot"),
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Every finding in text, markdown and HTML")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            metavar="DATETIME",
            help="The audit's clock [default: the snapshot's as-of time]",
        ),
    ] = None,
) -> None:
    """Check a portal against the rules and show its funnel metrics."""
    from funnelkit.audit.suppress import read_baseline
    from funnelkit.audit.suppress import write_baseline as freeze
    from funnelkit.cli.audit_inputs import audit_settings, suppressions
    from funnelkit.cli.emulator import parse_as_of
    from funnelkit.errors import InputError
    from funnelkit.report import only_failing, render_pieces

    state = get_state(ctx)
    if status not in (None, "fail"):
        raise InputError(f"--status {status!r}: only `fail` is supported")
    extra = parse_reports(report)
    config = state.config  # read first: a broken config is reported before any pull
    clock = parse_as_of(now, "--now")
    snap = read_snapshot(state, portal, snapshot)
    overrides = {
        "select": select,
        "ignore": ignore,
        "extend_select": extend_select,
        "fail_on": fail_on.value if fail_on else None,
    }
    settings = audit_settings(state, overrides, blueprint, snap)
    known = read_baseline(baseline) if baseline else None
    old = None
    if compare is not None:
        from funnelkit.store import load_snapshot

        old = load_snapshot(compare)
    result, doc = audit_document(
        state,
        snap,
        settings,
        suppressions(ignore_file, no_suppressions),
        known,
        portal_name=portal_title(state, portal, snap),
        old=old,
        now=clock,
    )
    if write_baseline:
        freeze(write_baseline, result.findings)
        state.say(f"baseline of {len(result.findings)} findings written to {write_baseline}")
    doc.config = str(config.path) if config.path else None
    if status == "fail":
        doc = only_failing(doc)
    chosen = (format.value if format else None) or state.config.file.report.format
    emit(state, render_pieces(doc, chosen, statistics=statistics, details=details), output)
    for fmt, path in extra:
        emit(state, render_pieces(doc, fmt, statistics=statistics, details=details), path)
    # --write-baseline: the findings are now the accepted state, so the run succeeded.
    if result.exit_code and not exit_zero and not write_baseline:
        raise typer.Exit(result.exit_code)


def portal_title(state: AppState, portal: str | None, snap: Snapshot) -> str:
    """The portal as the config names it: `--portal NAME`, else the config entry whose URL
    is the snapshot's domain, else the portal's own name or domain."""
    if portal:
        return portal
    domain = snap.manifest.domain
    for name, settings in getattr(state.config.file, "portals", {}).items():
        if domain and domain in str(getattr(settings, "url", "")):
            return str(name)
    return snap.structure.portal.name or domain


def register(app: typer.Typer) -> None:
    """Add `audit`."""
    app.command("audit")(audit)
