"""One typed report document for every format, built from the audit result and the snapshot.

This is the only place where an audit's findings meet the report's language: messages,
rule texts and metric definitions are rendered in `lang` here, and every renderer reads
the resulting `AuditReport` and nothing else.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from funnelkit import __version__
from funnelkit.metrics import DEFINITIONS, PortalMetrics
from funnelkit.model import Snapshot
from funnelkit.model.timeutil import iso
from funnelkit.report.catalog import gettext
from funnelkit.report.phrases import metric_definition, skip_reason, value
from funnelkit.report.rows import FindingList, FindingRows
from funnelkit.report.schema import (
    REPORT_SCHEMA,
    AuditReport,
    CompareOut,
    Definition,
    MoneyOut,
    PortalOut,
    RoleOut,
    RuleRun,
    ScoreOut,
    Summary,
    SuppressionNoteOut,
    severity_rank,
)
from funnelkit.report.summary import actions, group_findings, managers, scorecards
from funnelkit.report.tally import tally, worst_first

if TYPE_CHECKING:
    from funnelkit.audit.findings import AuditResult, Finding, SuppressionNote
    from funnelkit.audit.registry import Registry


def rule_texts(lang: str, registry: Registry | None = None) -> dict[str, dict[str, str]]:
    """Title, rationale and remedy of every rule in `lang` (English source, catalog texts)."""
    from funnelkit.audit.registry import default_registry

    out: dict[str, dict[str, str]] = {}
    for rule in registry or default_registry():
        m = rule.meta
        out[m.code] = {
            field: gettext(getattr(m, field).en, lang, f"{m.code}.{field}")
            for field in ("title", "rationale", "remedy")
        }
    return out


def message(f: Finding, lang: str) -> str:
    """A finding's message in `lang`: the rule's template filled with translated evidence."""
    return FindingRows(lang, {}).message(f)


def _note(n: SuppressionNote) -> SuppressionNoteOut:
    return SuppressionNoteOut(entry=n.entry, rule=n.rule, reason=n.reason, expires=n.expires)


def build_report(
    result: AuditResult,
    snapshot: Snapshot,
    metrics: PortalMetrics | None,
    lang: str,
    generated_at: int,
    *,
    portal_name: str = "",
    compare: CompareOut | None = None,
    registry: Registry | None = None,
) -> AuditReport:
    """The whole report (`funnelkit.audit/1`) in `lang`."""
    was_enabled = gc.isenabled()
    gc.disable()  # a row or more per finding, none in a cycle: GC passes would walk the heap
    try:
        return _build(result, snapshot, metrics, lang, generated_at, portal_name, compare, registry)
    finally:
        if was_enabled:
            gc.enable()


def _build(
    result: AuditResult,
    snapshot: Snapshot,
    metrics: PortalMetrics | None,
    lang: str,
    generated_at: int,
    portal_name: str,
    compare: CompareOut | None,
    registry: Registry | None,
) -> AuditReport:
    rows = FindingRows(lang, rule_texts(lang, registry))
    findings = FindingList(result.findings, rows)
    counted = tally(result.findings, snapshot)
    counts = worst_first(counted.by_severity)
    fail_on = result.fail_on.value
    manifest, portal = snapshot.manifest, snapshot.structure.portal
    stake = counted.stake()
    score = counted.score()
    groups = group_findings(counted, rows, stake)
    outcomes = result.outcomes
    return AuditReport(
        schema=REPORT_SCHEMA,
        funnelkit_version=__version__,
        lang=lang,
        generated_at=iso(generated_at),
        now=iso(result.now),
        clock=gettext(result.clock, lang, "clock"),
        now_source=result.now_source,
        portal=PortalOut(
            vendor=manifest.vendor.value,
            domain=manifest.domain,
            name=portal_name or portal.name or manifest.domain,
            currency=portal.currency,
            pulled_at=iso(manifest.pulled_at),
        ),
        summary=Summary(
            findings=len(findings),
            by_severity=counts,
            failing=sum(n for s, n in counts.items() if severity_rank(s) >= severity_rank(fail_on)),
            fail_on=fail_on,
            exit_code=result.exit_code,
            rules_run=sum(1 for o in outcomes if o.status == "ran"),
            rules_skipped=sum(1 for o in outcomes if o.status == "skipped"),
            suppressed=len(result.suppressed),
            baseline_filtered=result.baseline_filtered,
        ),
        score=ScoreOut(
            value=score.value,
            hygiene=score.hygiene,
            setup=score.setup,
            open_deals=score.open_deals,
            affected_deals=score.affected_deals,
            deductions=score.deductions,
        ),
        money_at_stake=MoneyOut(by_currency=stake.total),
        actions=actions(groups),
        scorecards=scorecards(counted, metrics, snapshot, stake),
        managers=managers(counted, snapshot, stake),
        groups=groups,
        findings=findings,
        rules=[
            RuleRun(
                code=o.code,
                name=o.name,
                status=o.status,
                reason=skip_reason(o.reason, lang),
                findings=o.findings,
            )
            for o in outcomes
        ],
        suppressed=[rows.suppressed(s.finding, s.reason, s.entry) for s in result.suppressed],
        unused_suppressions=[_note(n) for n in result.unused_suppressions],
        expired_suppressions=[_note(n) for n in result.expired_suppressions],
        roles=[
            RoleOut(
                funnel_id=r.funnel_id,
                funnel_name=r.funnel_name,
                role=r.role.value,
                source=r.source.value,
                reason=value("reason", r.reason, lang),
            )
            for r in result.roles
        ],
        metrics=metrics,
        definitions={
            key: Definition(name=name, definition=text)
            for key in DEFINITIONS
            for name, text in [metric_definition(key, lang)]
        },
        compare=compare,
    )
