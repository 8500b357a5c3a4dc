"""What the APIs cannot write: tunnels (and, where needed, loss reasons) as manual steps.

Neither vendor exposes tunnels over REST (bitrix24.md §11.1, amocrm.md §12.2), so a
tunnel becomes a checklist item; a later plan verifies it from the data where it can:
a move tunnel by funnel-change history, a copy tunnel by a new deal for the same
contact in the target funnel.
"""

from __future__ import annotations

from funnelkit.blueprint.checks import tunnel_sources, tunnel_target
from funnelkit.blueprint.context import PlanContext, Planned
from funnelkit.blueprint.matching import norm
from funnelkit.blueprint.plan import ManualStep, Unmanaged
from funnelkit.blueprint.schema import TunnelSpec
from funnelkit.model import (
    CreateLossReason,
    DataSet,
    DeleteLossReason,
    LossReason,
    Snapshot,
    TunnelMode,
)

Ends = tuple[str | None, list[str | None], str | None, str | None]


def plan_tunnels(ctx: PlanContext) -> list[ManualStep]:
    """One manual step per blueprint tunnel, with its verification status."""
    return [_tunnel_step(ctx, tunnel) for tunnel in ctx.bp.tunnels]


def _label(ctx: PlanContext, ref: str | None) -> tuple[str, str]:
    if ref is None:
        return "?", "?"
    fkey, _, skey = ref.partition("/")
    funnel = ctx.bp.funnel(fkey)
    if funnel is None:
        return fkey, skey
    stage = funnel.stage(skey) if skey else None
    return ctx.name(funnel), ctx.name(stage) if stage else "(first stage)"


def _tunnel_step(ctx: PlanContext, tunnel: TunnelSpec) -> ManualStep:
    sources = tunnel_sources(ctx.bp, tunnel)
    target = tunnel_target(ctx.bp, tunnel)
    from_funnel, from_stage = _label(ctx, sources[0] if sources else None)
    to_funnel, to_stage = _label(ctx, target)
    verb = "copy" if tunnel.mode is TunnelMode.COPY else "move"
    title = f"tunnel ({verb}): «{from_funnel}» / «{from_stage}» ⇒ «{to_funnel}» / «{to_stage}»"
    if ctx.profile.tunnel_editor == "sales-tunnels":
        steps = [
            "Bitrix24 has no REST method for tunnels (bitrix24.md §11.1): set it up by hand.",
            f"CRM → Deals → funnel «{from_funnel}» → Sales tunnels («Туннели продаж»).",
            f"Drag a tunnel from stage «{from_stage}» to funnel «{to_funnel}», stage «{to_stage}».",
            f"Set the tunnel to {'copy the deal' if verb == 'copy' else 'move the deal'}.",
        ]
    else:
        steps = [
            "amoCRM's Digital Pipeline cannot be written over the API (amocrm.md §12.2).",
            f"Leads → pipeline «{from_funnel}» → Automate («Цифровая воронка»).",
            f"On stage «{from_stage}» add the action «Change stage» («Сменить этап») → "
            f"pipeline «{to_funnel}», stage «{to_stage}».",
        ]
        if verb == "copy":
            steps[-1] = (
                f"On stage «{from_stage}» add an action creating a lead for the same contact in "
                f"«{to_funnel}» / «{to_stage}» (no copy action is documented; unverified: a "
                "Salesbot or widget may be needed)."
            )
    if tunnel.note:
        steps.append(f"Note: {tunnel.note}")
    status, evidence = verify_tunnel(ctx.snapshot, _ends(ctx, sources, target), tunnel.mode)
    return ManualStep(
        kind="tunnel", title=title, steps=tuple(steps), status=status, evidence=evidence
    )


def _ends(ctx: PlanContext, sources: list[str], target: str | None) -> Ends:
    def ids(ref: str) -> tuple[str | None, str | None]:
        fkey, _, skey = ref.partition("/")
        m = ctx.matches.get(fkey)
        if m is None or m.virtual or m.funnel is None:
            return None, None
        stage = m.matched.get(skey)
        return m.funnel.id, stage.id if stage else None

    from_funnel = ids(sources[0])[0] if sources else None
    to_funnel, to_stage = ids(target) if target else (None, None)
    return from_funnel, [ids(s)[1] for s in sources], to_funnel, to_stage


def verify_tunnel(snapshot: Snapshot, ends: Ends, mode: TunnelMode) -> tuple[str, str | None]:
    """("verified" | "pending" | "unverifiable", evidence) for one tunnel."""
    from_funnel, from_stages, to_funnel, _ = ends
    if from_funnel is None or to_funnel is None:
        return "pending", "its funnels do not exist yet"
    for known in snapshot.structure.tunnels:
        if (known.from_funnel_id, known.to_funnel_id) == (from_funnel, to_funnel) and (
            known.from_stage_id in from_stages and known.mode is mode
        ):
            return "verified", f"the portal reports this tunnel ({known.source})"
    if mode is TunnelMode.MOVE:
        if not snapshot.manifest.has(DataSet.STAGE_HISTORY):
            return "unverifiable", "stage history is not in the snapshot"
        moved = sum(
            1
            for t in snapshot.transitions
            if t.from_funnel_id == from_funnel and t.funnel_id == to_funnel
        )
        if moved:
            return "verified", f"{moved} deals moved from the source funnel to the target"
        return "pending", "no deal has moved this way yet"
    return _verify_copy(snapshot, from_funnel, from_stages, to_funnel)


def _verify_copy(
    snapshot: Snapshot, from_funnel: str, from_stages: list[str | None], to_funnel: str
) -> tuple[str, str | None]:
    if not (snapshot.manifest.has(DataSet.DEALS) and snapshot.manifest.has(DataSet.STAGE_HISTORY)):
        return "unverifiable", "deals and stage history are needed to see copies"
    stages = {s for s in from_stages if s}
    deals = {d.id: d for d in snapshot.deals}
    reached: dict[str, int] = {}
    for t in snapshot.transitions:
        deal = deals.get(t.deal_id)
        if deal is None or t.funnel_id != from_funnel or t.to_stage_id not in stages:
            continue
        for contact in deal.contact_ids:
            reached[contact] = min(reached.get(contact, t.at), t.at)
    copies = sum(
        1
        for d in snapshot.deals
        if d.funnel_id == to_funnel
        and any(c in reached and reached[c] <= d.created_at for c in d.contact_ids)
    )
    if copies:
        return "verified", f"{copies} deals appeared in the target for the same contacts"
    return "pending", "no copy for the same contact has appeared yet"


def plan_loss_reasons(ctx: PlanContext) -> Planned:
    """Loss reasons: written where the API can, else manual (amocrm.md §9)."""
    out = Planned()
    if not ctx.profile.loss_reasons:
        if ctx.bp.loss_reasons:
            out.warnings.append(
                f"{ctx.profile.label} has no loss-reason entity (bitrix24.md §13): declare the "
                "reasons as failure stages of the funnels instead"
            )
        return out
    portal = list(ctx.snapshot.structure.loss_reasons)
    claimed: set[str] = set()
    for i, spec in enumerate(ctx.bp.loss_reasons):
        wanted = {norm(n) for n in (*spec.names.all(), *spec.renamed_from)}
        known = ctx.options.ids.loss_reasons.get(spec.key)
        found = next((r for r in portal if r.id == known), None) or next(
            (r for r in portal if norm(r.name) in wanted and r.id not in claimed), None
        )
        if found is not None:
            claimed.add(found.id)
            out.matched[f"loss-reason:{spec.key}"] = found.id
        name = ctx.name(spec)
        if spec.absent and found is not None:
            out.join(_delete_reason(ctx, spec.key, found, name))
        elif not spec.absent and found is None:
            out.join(_create_reason(ctx, spec.key, name, i))
        elif found is not None and not spec.absent and found.name != name:
            out.warnings.append(
                f"loss reason «{found.name}» differs from «{name}»; rename it by hand"
            )
    if ctx.bp.loss_reasons:
        for reason in portal:
            if reason.id not in claimed:
                out.unmanaged.append(Unmanaged(kind="loss_reason", id=reason.id, name=reason.name))
    return out


def _by_hand(verb: str, name: str) -> ManualStep:
    return ManualStep(
        kind="loss_reason",
        title=f"{verb} loss reason «{name}»",
        steps=(f"Settings → Leads → loss reasons: {verb} «{name}».",),
    )


def _create_reason(ctx: PlanContext, key: str, name: str, index: int) -> Planned:
    out = Planned()
    if not ctx.limits.loss_reasons_writable:
        out.manual.append(_by_hand("create", name))
        return out
    out.changes.append(
        CreateLossReason(
            reason_key=key,
            name=name,
            sort=(index + 1) * 10,
            summary=f"create loss reason «{name}»",
        )
    )
    return out


def _delete_reason(ctx: PlanContext, key: str, found: LossReason, name: str) -> Planned:
    out = Planned()
    if not ctx.limits.loss_reasons_writable:
        out.manual.append(_by_hand("delete", name))
        return out
    out.changes.append(
        DeleteLossReason(
            reason_key=key,
            reason_id=found.id,
            name=name,
            summary=f"delete loss reason «{name}»",
        )
    )
    return out
