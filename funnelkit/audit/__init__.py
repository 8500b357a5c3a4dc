"""The audit: a pure function of (snapshot, settings, now) → AuditResult."""

from __future__ import annotations

import fnmatch
import gc
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import (
    AuditResult,
    Finding,
    RoleInfo,
    RuleOutcome,
    Severity,
    Subject,
)
from funnelkit.audit.registry import Registry, default_registry
from funnelkit.audit.rule import Rule, needs
from funnelkit.audit.settings import AuditSettings, CompiledRule, Where, compile_rules
from funnelkit.audit.suppress import SuppressionEntry, apply_suppressions
from funnelkit.model import DataSet, FunnelKind, FunnelRole, RoleSource, Snapshot
from funnelkit.model.phrase import Phrase
from funnelkit.model.timeutil import iso

REPORT_SCHEMA = "funnelkit.audit/1"

__all__ = [
    "REPORT_SCHEMA",
    "AuditResult",
    "AuditSettings",
    "Finding",
    "RuleOutcome",
    "Severity",
    "Subject",
    "audit_clock",
    "result_to_dict",
    "run_audit",
]


def _funnel_ids(snapshot: Snapshot) -> dict[str, str]:
    out = {f.name: f.id for f in snapshot.structure.funnels}
    out.update({f.id: f.id for f in snapshot.structure.funnels})
    return out


def _sla(
    snapshot: Snapshot, settings: AuditSettings, ids: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Resolve SLA keys given as names to ids (blueprints speak names, snapshots ids)."""
    out: dict[str, dict[str, float]] = {}
    for fkey, stages in settings.stage_sla_days.items():
        fid = ids.get(fkey, fkey)
        names = {s.name: s.id for s in snapshot.structure.stages if s.funnel_id == fid}
        out[fid] = {names.get(k, k): v for k, v in stages.items()}
    return out


def _run_one(c: CompiledRule, ctx: AuditContext) -> tuple[RuleOutcome, list[Finding]]:
    meta = c.rule.meta
    reason = c.rule.unmet(ctx)
    if reason is not None:
        return RuleOutcome(meta.code, meta.name, "skipped", reason), []
    found: list[Finding] = []
    spa_skip, spa_reason = _spa_gaps(c.rule, ctx)
    for f in c.rule.run(ctx, c.tuning):
        fid = f.subject.funnel_id
        if fid in c.disabled_funnels or fid in spa_skip:
            continue
        sev = c.severity_by_funnel.get(fid or "", c.severity)
        found.append(f if sev is None else replace(f, severity=sev))
    return RuleOutcome(meta.code, meta.name, "ran", spa_reason, len(found)), found


# Data a rule reads beyond what it requires to run at all: FK303 judges interactions
# (activities), FK501 sees links in cross-funnel moves (stage history).
SPA_ALSO: dict[str, set[DataSet]] = {
    "FK303": {DataSet.ACTIVITIES},
    "FK501": {DataSet.STAGE_HISTORY},
}
SPA_SKIP = "not run on smart-process funnels ({funnels}): {why}"


def _spa_gaps(rule: Rule, ctx: AuditContext) -> tuple[frozenset[str], Phrase | None]:
    """Smart-process funnels a rule cannot judge, and why: it needs data their items lack
    (Manifest.spa_data, e.g. stage history, which the vendor does not keep for them)."""
    gaps = ctx.snapshot.manifest.spa_data
    missing = [
        d for d in sorted(rule.meta.requires | SPA_ALSO.get(rule.meta.code, set())) if d in gaps
    ]
    spa = sorted(f.id for f in ctx.snapshot.structure.funnels if f.kind is FunnelKind.SPA)
    if not missing or not spa:
        return frozenset(), None
    status = gaps[missing[0]]
    why = needs(missing[0].value, status.state.value, status.reason)
    return frozenset(spa), Phrase(SPA_SKIP, "reason.spa", funnels=len(spa), why=why)


def _context(snapshot: Snapshot, settings: AuditSettings, now: int) -> AuditContext:
    """The shared context, with roles and SLAs from settings resolved to portal ids."""
    ids = _funnel_ids(snapshot)
    roles: dict[str, tuple[FunnelRole, RoleSource]] = {
        ids.get(k, k): (v, settings.role_source) for k, v in settings.funnel_roles.items()
    }
    return AuditContext(
        snapshot,
        now,
        roles=roles,
        stage_sla_days=_sla(snapshot, settings, ids),
        sla_source=settings.sla_source,
    )


def audit_clock(snapshot: Snapshot, now: int | None) -> int:
    """The moment an audit judges at: `now` when given, else the snapshot's as-of time."""
    return snapshot.manifest.pulled_at if now is None else now


def run_audit(
    snapshot: Snapshot,
    settings: AuditSettings | None = None,
    now: int | None = None,
    *,
    suppressions: Iterable[SuppressionEntry] = (),
    baseline: set[str] | None = None,
    registry: Registry | None = None,
    where: Where | None = None,
) -> AuditResult:
    """Run every selected rule over one snapshot. `now` defaults to the pull time.

    `where` maps a config location to file:line:col; by default the settings' own.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # millions of live rows make every cyclic-GC pass a full heap walk
    try:
        return _run(snapshot, settings, now, list(suppressions), baseline, registry, where)
    finally:
        if was_enabled:
            gc.enable()


def _run(
    snapshot: Snapshot,
    settings: AuditSettings | None,
    now: int | None,
    suppressions: list[SuppressionEntry],
    baseline: set[str] | None,
    registry: Registry | None,
    where: Where | None,
) -> AuditResult:
    settings = settings or AuditSettings()
    registry = registry or default_registry()
    now_source = "snapshot as-of" if now is None else "given"
    now = audit_clock(snapshot, now)
    ids = _funnel_ids(snapshot)
    if where is not None:
        compiled = compile_rules(settings, registry, ids, where)
    else:
        compiled = compile_rules(settings, registry, ids, settings.where, loc=())
    ctx = _context(snapshot, settings, now)
    outcomes: list[RuleOutcome] = []
    findings: list[Finding] = []
    for c in compiled:
        outcome, found = _run_one(c, ctx)
        outcomes.append(outcome)
        findings.extend(found)
    findings.sort(key=Finding.sort_key)
    kept, suppressed, unused, expired = apply_suppressions(
        findings, suppressions, snapshot.manifest.domain, now, registry
    )
    # An entry for a rule that did not run (not selected, or skipped) proves nothing unused.
    ran = [r for r in registry if r.meta.code in {o.code for o in outcomes if o.status == "ran"}]
    unused = [n for n in unused if _covers(n.rule, ran, registry)]
    known = baseline or set()
    result = AuditResult(
        findings=[f for f in kept if f.key not in known],
        outcomes=outcomes,
        now=now,
        fail_on=settings.fail_on,
        suppressed=suppressed,
        unused_suppressions=unused,
        expired_suppressions=expired,
        roles=sorted(ctx.roles.values(), key=lambda r: r.funnel_id),
        now_source=now_source,
    )
    result.baseline_filtered = len(kept) - len(result.findings)
    return result


def _covers(rule: str, ran: list[Rule], registry: Registry) -> bool:
    """Whether a suppression's rule (code, name or pattern) names any rule that ran."""
    exact = registry.get(rule)
    if exact is not None:
        return exact in ran
    pattern = rule.upper()
    return any(
        fnmatch.fnmatchcase(r.meta.code, pattern)
        or fnmatch.fnmatchcase(r.meta.name.upper(), pattern)
        for r in ran
    )


def _finding_dict(f: Finding) -> dict[str, Any]:
    s = f.subject
    return {
        "key": f.key,
        "code": f.code,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.text(),
        "subject": {
            "kind": s.kind,
            "id": s.id,
            "name": s.name,
            "funnel_id": s.funnel_id,
            "funnel_name": s.funnel_name,
            "stage_id": s.stage_id,
            "stage_name": s.stage_name,
        },
        "evidence": dict(sorted(f.evidence.items())),
        "related": list(f.related[:50]),
        "related_count": len(f.related),
    }


def _role_dict(r: RoleInfo) -> dict[str, str]:
    return {
        "funnel_id": r.funnel_id,
        "funnel_name": r.funnel_name,
        "role": r.role.value,
        "source": r.source.value,
        "reason": r.reason,
    }


def result_to_dict(result: AuditResult) -> dict[str, Any]:
    """A stable, JSON-ready view of a result in English (reports in other languages are the
    report's: `funnelkit.report.build_report`)."""
    counts = {s.value: 0 for s in Severity}
    for f in result.findings:
        counts[f.severity.value] += 1
    return {
        "schema": REPORT_SCHEMA,
        "lang": "en",
        "now": iso(result.now),
        "now_source": result.now_source,
        "clock": result.clock,
        "fail_on": result.fail_on.value,
        "exit_code": result.exit_code,
        "counts": counts,
        "findings": [_finding_dict(f) for f in result.findings],
        "rules": [
            {
                "code": o.code,
                "name": o.name,
                "status": o.status,
                "reason": o.reason,
                "findings": o.findings,
            }
            for o in result.outcomes
        ],
        "suppressed": [
            {**_finding_dict(s.finding), "reason": s.reason, "entry": s.entry}
            for s in result.suppressed
        ],
        "unused_suppressions": [vars_(n) for n in result.unused_suppressions],
        "expired_suppressions": [vars_(n) for n in result.expired_suppressions],
        "baseline_filtered": result.baseline_filtered,
        "roles": [_role_dict(r) for r in result.roles],
    }


def vars_(note: Any) -> dict[str, Any]:
    return {"entry": note.entry, "rule": note.rule, "reason": note.reason, "expires": note.expires}
