"""Compare a blueprint with a portal snapshot and plan the changes, vendor rules included.

The planner orchestrates: it matches every blueprint funnel to the portal, then asks
funnel planning (funnels.py), stage planning (stages.py), removals (removals.py) and tunnels /
loss reasons (tunnels.py) for what they find. Each of those is a function of the
read-only `PlanContext` (context.py) that returns its changes; the planner joins them,
checks the thresholds and puts the changes in the one apply order of model/changes.py
(phase, then the funnel's place in the blueprint, then the order they were found in).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from funnelkit.blueprint.context import (
    DealCounter,
    FunnelMatch,
    PlanContext,
    Planned,
    PlanOptions,
    desired_order,
)
from funnelkit.blueprint.funnels import plan_funnel, process_takes_funnels
from funnelkit.blueprint.matching import (
    kind_on,
    match_funnels_how,
    match_stages_how,
    norm,
    process_types,
)
from funnelkit.blueprint.plan import Plan, Unmanaged
from funnelkit.blueprint.profile import profile_for
from funnelkit.blueprint.removals import remove_funnel
from funnelkit.blueprint.schema import Blueprint, FunnelSpec
from funnelkit.blueprint.stages import plan_stages
from funnelkit.blueprint.state import portal_key
from funnelkit.blueprint.tunnels import plan_loss_reasons, plan_tunnels
from funnelkit.blueprint.vendorrules import (
    is_reusable_default,
    is_vendor_stage,
    virtual_defaults,
)
from funnelkit.model import (
    Change,
    Funnel,
    FunnelKind,
    Snapshot,
    Stage,
    VendorLimits,
)

# Loss reasons belong to no funnel: they come after every funnel within their phase.
_AFTER_FUNNELS = 10_000


def plan(
    snapshot: Snapshot,
    blueprint: Blueprint,
    limits: VendorLimits | None = None,
    options: PlanOptions | None = None,
) -> Plan:
    """The ordered changes that make the portal match the blueprint (never touching the rest)."""
    limits = limits or snapshot.manifest.limits
    ctx = PlanContext(
        snapshot=snapshot,
        bp=blueprint,
        limits=limits,
        options=options or PlanOptions(),
        profile=profile_for(snapshot.manifest.vendor, limits),
    )
    key = portal_key(snapshot)
    types = process_types(blueprint, snapshot.structure.smart_processes, key)
    ctx = replace(ctx, process_types=types)
    ctx = replace(ctx, matches=_match_all(ctx))
    found = Planned()
    placed: list[tuple[int, Change]] = []

    def take(step: Planned, pos: int) -> None:
        placed.extend((pos, change) for change in step.changes)
        found.join(replace(step, changes=[]))

    for spec in blueprint.funnels:
        m = ctx.matches.get(spec.key)
        if m is None:
            continue
        if spec.absent:
            if m.funnel is not None:
                take(remove_funnel(ctx, m), m.pos)
            continue
        take(plan_funnel(ctx, m), m.pos)
        if not _uncreatable(ctx, m):
            take(plan_stages(ctx, m), m.pos)
    found.unmanaged += _unmanaged_funnels(ctx)
    take(plan_loss_reasons(ctx), _AFTER_FUNNELS)
    found.manual += plan_tunnels(ctx)
    # A stable sort: within one phase and funnel, changes keep the order they were found in.
    ordered = [c for _, c in sorted(placed, key=lambda item: (item[1].phase, item[0]))]
    return Plan(
        blueprint=blueprint.name,
        vendor=snapshot.manifest.vendor,
        domain=snapshot.manifest.domain,
        changes=tuple(ordered),
        warnings=tuple(dict.fromkeys(found.warnings)),
        manual=tuple(found.manual),
        unmanaged=tuple(found.unmanaged),
        refusals=tuple(found.refusals),
        threshold_problems=tuple(_thresholds(ctx, found.touched)),
        matched={**_matched_ids(ctx), **found.matched},
    ).with_checksum()


# ----------------------------------------------------------------------- matching
def _match_all(ctx: PlanContext) -> dict[str, FunnelMatch]:
    structure, profile = ctx.snapshot.structure, ctx.profile
    key = portal_key(ctx.snapshot)
    ids = ctx.options.ids
    processes = structure.smart_processes
    funnels = match_funnels_how(ctx.bp, structure.funnels, ids, profile, key, processes)
    out: dict[str, FunnelMatch] = {}
    for pos, spec in enumerate(ctx.bp.funnels):
        found = funnels.get(spec.key)
        funnel = found.obj if found is not None else None
        if funnel is None:
            if spec.absent:
                continue
            stages = virtual_defaults(profile, f"new-{spec.key}", spec.kind)
            if spec.kind is FunnelKind.LEAD and profile.lead_funnel_singleton:
                stages = []  # bitrix24.md §6.1: a lead funnel cannot be created (see below)
            virtual, owned = True, False
        else:
            stages = [s for s in structure.stages_of(funnel.id) if not is_vendor_stage(profile, s)]
            virtual, owned = False, spec.key in ids.created
        fresh = funnel is not None and _looks_fresh(ctx, spec, funnel, stages)
        ours = virtual or owned or fresh
        found_stages = match_stages_how(ctx.bp, spec, stages, ids, profile, ours, key)
        out[spec.key] = FunnelMatch(
            spec=spec,
            pos=pos,
            funnel=funnel,
            stages=tuple(stages),
            matched={k: v.obj for k, v in found_stages.items()},
            virtual=virtual,
            owned=owned,
            how={k: v.how for k, v in found_stages.items()},
            funnel_how=found.how if found is not None else None,
            fresh=fresh,
        )
    return out


def _looks_fresh(ctx: PlanContext, spec: FunnelSpec, funnel: Funnel, stages: list[Stage]) -> bool:
    """A deal-less funnel whose only stages beside the blueprint's are empty vendor defaults.

    That is what a funnel we created looks like when an apply was killed before it could
    record the funnel as ours: finish its set-up as for a new one (reuse the defaults).
    No deal can change meaning: there is none in the whole funnel.
    """
    if spec.main or not ctx.profile.stage_codes or funnel.is_default:
        return False
    if ctx.count(funnel.id, None) != 0:
        return False
    declared = {norm(n) for s in spec.stages for n in (*s.names.all(), *s.renamed_from)}
    others = [s for s in stages if norm(s.name) not in declared and not s.system]
    return bool(others) and all(
        is_reusable_default(ctx.profile, spec.kind, s) and not ctx.count(s.funnel_id, s.id)
        for s in others
    )


def _matched_ids(ctx: PlanContext) -> dict[str, str]:
    """`funnel` / `funnel/stage` → vendor id for everything found in the portal."""
    out: dict[str, str] = {}
    for key, m in ctx.matches.items():
        if m.virtual or m.funnel is None:
            continue
        out[key] = m.funnel.id
        for skey, stage in m.matched.items():
            out[f"{key}/{skey}"] = stage.id
    return out


def _uncreatable(ctx: PlanContext, m: FunnelMatch) -> bool:
    """A missing funnel the plan cannot create: the lead funnel (bitrix24.md §6.1), or one of
    a smart process the portal lacks (funnels.py warns about both)."""
    if m.funnel is not None:
        return False
    if kind_on(ctx.profile, m.spec) is FunnelKind.SPA:
        return not process_takes_funnels(ctx, m.spec.key)
    return m.spec.kind is FunnelKind.LEAD and ctx.profile.lead_funnel_singleton


def _unmanaged_funnels(ctx: PlanContext) -> list[Unmanaged]:
    claimed = {m.funnel.id for m in ctx.matches.values() if m.funnel is not None}
    return [
        Unmanaged(kind="funnel", id=f.id, name=f.name)
        for f in ctx.snapshot.structure.funnels
        if f.id not in claimed
    ]


# --------------------------------------------------------------------- thresholds
def _thresholds(ctx: PlanContext, touched: Counter[tuple[str, str]]) -> list[str]:
    """octoDNS-style share checks: per funnel over its stages, then over all funnels."""
    problems: list[str] = []
    for m in ctx.matches.values():
        if m.virtual or m.funnel is None:
            continue
        limits = m.spec.thresholds or ctx.options.thresholds or ctx.bp.thresholds
        existing = len(m.stages)
        if existing < limits.min_objects:
            continue
        for kind, pct in (("update", limits.update_pct), ("delete", limits.delete_pct)):
            done = touched[(m.spec.key, f"stage-{kind}")]
            if done / existing > pct:
                problems.append(
                    f"funnel «{m.funnel.name}»: {done} of {existing} stages would be "
                    f"{kind}d (more than {pct:.0%})"
                )
    limits = ctx.options.thresholds or ctx.bp.thresholds
    existing = len(ctx.snapshot.structure.funnels)
    if existing >= limits.min_objects:
        for kind, pct in (("update", limits.update_pct), ("delete", limits.delete_pct)):
            done = sum(n for (_, k), n in touched.items() if k == kind)
            if done / existing > pct:
                problems.append(
                    f"{done} of {existing} funnels would be {kind}d (more than {pct:.0%})"
                )
    return problems


__all__ = ["DealCounter", "FunnelMatch", "PlanOptions", "desired_order", "plan"]
