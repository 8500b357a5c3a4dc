"""Plan a funnel's own changes: create it (with its statuses where the vendor wants them
in the same call), or rename it — only when the blueprint declares the rename.

Functions of the planning context and one matched funnel, returning a `Planned`.
"""

from __future__ import annotations

from funnelkit.blueprint.context import FunnelMatch, PlanContext, Planned, desired_order
from funnelkit.blueprint.matching import kind_on
from funnelkit.blueprint.renames import deals_label, rename_refusal
from funnelkit.blueprint.schema import FunnelSpec, StageSpec
from funnelkit.blueprint.vendorrules import nearest_colour
from funnelkit.model import CreateFunnel, FunnelKind, NewStage, RenameFunnel, Semantics


def plan_funnel(ctx: PlanContext, m: FunnelMatch) -> Planned:
    """A funnel's own changes: create it, or rename it (only when declared)."""
    out = Planned()
    spec, name = m.spec, ctx.name(m.spec)
    if m.funnel is None:
        return _create_funnel(ctx, m)
    if m.funnel.kind is FunnelKind.LEAD and ctx.profile.lead_funnel_singleton:
        return out  # bitrix24.md §6.1: leads are not a category; their funnel has no name
    if m.funnel.name == name:
        return out
    count = ctx.count(m.funnel.id, None)
    refusal = rename_refusal(spec, m.funnel_how, m.funnel.name, name, count)
    if refusal is not None:
        out.refusals.append(refusal)
        return out
    out.touched[(spec.key, "update")] += 1
    out.changes.append(
        RenameFunnel(
            funnel_key=spec.key,
            funnel_id=m.funnel.id,
            name=name,
            old_name=m.funnel.name,
            deal_count=count,
            summary=f"rename funnel «{m.funnel.name}» → «{name}»{deals_label(count)}",
        )
    )
    return out


def _create_funnel(ctx: PlanContext, m: FunnelMatch) -> Planned:
    out = Planned()
    spec, name, profile = m.spec, ctx.name(m.spec), ctx.profile
    if spec.process is not None and not profile.smart_processes:
        out.warnings.append(
            f"funnel {spec.key!r}: {profile.label} has no smart processes; it becomes an "
            "ordinary pipeline"
        )
    elif spec.process is not None and not process_takes_funnels(ctx, m.spec.key):
        out.warnings.append(_no_process(ctx, m))
        return out
    if spec.kind is FunnelKind.LEAD and profile.lead_funnel_singleton:
        out.warnings.append(
            f"funnel {spec.key!r}: the portal shows no lead funnel; {profile.label} cannot "
            "create one over REST (turn leads on in CRM settings, then plan again)"
        )
        return out
    if spec.kind is FunnelKind.LEAD:
        out.warnings.append(
            f"funnel {spec.key!r}: {profile.label} has no lead entity; it becomes an ordinary "
            "pipeline"
        )
    stages: tuple[NewStage, ...] = ()
    closing: dict[str, str | None] = {}
    closing_keys: dict[str, str] = {}
    if profile.funnel_created_with_stages and profile.fixed_closing_ids:
        # amocrm.md §5.2: statuses go with the pipeline; the closing ones are named only now.
        order = [s for s in desired_order(spec) if s.semantics is Semantics.PROCESS]
        stages = tuple(_new_stage(ctx, s, i) for i, s in enumerate(order))
        live = [s for s in spec.stages if not s.leaving]
        won, lost = profile.fixed_closing_ids
        for sem, field_name, vendor_id in (
            (Semantics.SUCCESS, "won_name", won),
            (Semantics.FAILURE, "lost_name", lost),
        ):
            found = next((s for s in live if s.semantics is sem), None)
            closing[field_name] = ctx.name(found) if found is not None else None
            if found is not None:
                closing_keys[vendor_id] = found.key
    out.changes.append(
        CreateFunnel(
            funnel_key=spec.key,
            name=name,
            sort=(m.pos + 1) * 10,
            funnel_kind=kind_on(profile, spec),
            entity_type_id=ctx.process_types.get(spec.key),
            stages=stages,
            won_name=closing.get("won_name"),
            lost_name=closing.get("lost_name"),
            closing_stage_keys=closing_keys,
            summary=f"create funnel «{name}»{_of_process(ctx, spec)}",
        )
    )
    return out


def _of_process(ctx: PlanContext, spec: FunnelSpec) -> str:
    if spec.process is None or not ctx.profile.smart_processes:
        return ""
    return f" in smart process «{spec.process.title}»"


def process_takes_funnels(ctx: PlanContext, key: str) -> bool:
    """The portal has the smart process of spa funnel `key`, with funnels switched on
    (bitrix24.md §12: crm.category.add needs `isCategoriesEnabled`)."""
    kind = ctx.process_types.get(key)
    process = next(
        (p for p in ctx.snapshot.structure.smart_processes if p.entity_type_id == kind), None
    )
    return process is not None and process.categories_enabled


def _no_process(ctx: PlanContext, m: FunnelMatch) -> str:
    """Why a smart-process funnel cannot be created: funnelkit never creates the process."""
    title = m.spec.process.title if m.spec.process else m.spec.key
    if m.spec.key in ctx.process_types:
        return (
            f"funnel {m.spec.key!r}: the smart process «{title}» has funnels switched off; "
            "switch them on in its settings in Bitrix24, then plan again"
        )
    return (
        f"funnel {m.spec.key!r}: the portal has no smart process «{title}» (or several by that "
        "name); create it in Bitrix24 (CRM → Smart processes), then plan again"
    )


def _new_stage(ctx: PlanContext, s: StageSpec, index: int) -> NewStage:
    return NewStage(
        key=s.key,
        name=ctx.name(s),
        sort=(index + 1) * 10,
        semantics=s.semantics,
        color=nearest_colour(s.colour, ctx.limits.color_palette) if s.colour else None,
    )
