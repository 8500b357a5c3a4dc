"""Plan one funnel's stages: creates, renames, colours, semantics changes, order, removals.

`plan_stages` is a function of the planning context and one matched funnel; it returns
what it found as a `Planned` and never writes into the context.
"""

from __future__ import annotations

from funnelkit.blueprint.context import FunnelMatch, PlanContext, Planned, desired_order
from funnelkit.blueprint.plan import Unmanaged
from funnelkit.blueprint.removals import move_deals, remove_stage
from funnelkit.blueprint.renames import deals_label, rename_refusal
from funnelkit.blueprint.schema import StageSpec
from funnelkit.blueprint.vendorrules import (
    code_of,
    is_fixed_stage,
    is_reusable_default,
    nearest_colour,
    stage_code,
)
from funnelkit.model import (
    Change,
    CreateStage,
    DeleteStage,
    RenameStage,
    ReorderStages,
    Semantics,
    Stage,
    UpdateStage,
)


def stage_ref(m: FunnelMatch, stage: Stage) -> tuple[str | None, str | None]:
    """(stage id, reuse code): a new funnel's default stages are found again by code."""
    if m.virtual:
        return None, code_of(stage.id)
    return stage.id, None


def plan_stages(ctx: PlanContext, m: FunnelMatch) -> Planned:
    """Every stage change of one (existing or new) funnel, in emission order."""
    out = Planned()
    if ctx.profile.funnel_created_with_stages and m.virtual:
        return out  # the pipeline is created with all its statuses at once
    order = desired_order(m.spec)
    taken = {code_of(s.id) for s in m.stages}
    created: dict[str, int] = {}
    recreated: set[str] = set()
    last_sort, run = 0, 0
    for index, spec in enumerate(order):
        stage = m.matched.get(spec.key)
        if stage is not None and _semantics_changed(ctx, spec, stage):
            # The new stage takes the place the order check below predicts for it, never the
            # old stage's sort: a stage turned failure belongs after the success stage.
            at = 9000 + index if ctx.profile.renumbers_sorts else last_sort + run + 1
            replaced = _change_semantics(ctx, m, spec, stage, at, taken)
            out.join(replaced)
            if replaced.changes:
                recreated.add(spec.key)
                stage = None
        if stage is None:
            if spec.key not in recreated:
                why_not = _not_creatable(ctx, m, spec)
                if why_not is not None:
                    out.warnings.append(why_not)
                    continue
            run += 1
            # amocrm.md §5.2: the server renumbers sorts on every write, so a new status is
            # sent to the end (before the closing ones) and lands after those created before.
            sort = 9000 + index if ctx.profile.renumbers_sorts else last_sort + run
            created[spec.key] = sort
            if spec.key not in recreated:
                out.changes.append(_create(ctx, m, spec, sort, taken))
            continue
        last_sort, run = stage.sort, 0
        out.join(_update(ctx, m, spec, stage))
    for spec in m.spec.stages:
        if spec.leaving and spec.key in m.matched:
            out.join(remove_stage(ctx, m, spec, m.matched[spec.key]))
    out.join(_leftovers(ctx, m))
    out.changes += _reorder(ctx, m, order, created)
    return out


def _semantics_changed(ctx: PlanContext, spec: StageSpec, stage: Stage) -> bool:
    return spec.semantics is not stage.semantics and not ctx.limits.semantics_mutable


def _not_creatable(ctx: PlanContext, m: FunnelMatch, spec: StageSpec) -> str | None:
    """Why this stage cannot be created (a warning), or None when it can."""
    if ctx.profile.fixed_closing_ids and spec.semantics is not Semantics.PROCESS:
        won, lost = ctx.profile.fixed_closing_ids
        return (
            f"stage {m.spec.key}/{spec.key}: {ctx.profile.label} has one won ({won}) and one "
            f"lost ({lost}) status per pipeline; declare further reasons as loss_reasons"
        )
    if spec.semantics is Semantics.SUCCESS:
        # bitrix24.md §6.3: a funnel has exactly one success stage; the portal's stays its own.
        claimed = {s.id for s in m.matched.values()}
        own = next(
            (s for s in m.stages if s.semantics is Semantics.SUCCESS and s.id not in claimed),
            None,
        )
        if own is not None:
            return (
                f"stage {m.spec.key}/{spec.key}: the funnel keeps its success stage «{own.name}» "
                f"(one per funnel); declare `renamed_from: {own.name}` to make it "
                f"«{ctx.name(spec)}»"
            )
    return None


def _colour(ctx: PlanContext, spec: StageSpec) -> str | None:
    return nearest_colour(spec.colour, ctx.limits.color_palette) if spec.colour else None


def _create(
    ctx: PlanContext, m: FunnelMatch, spec: StageSpec, sort: int, taken: set[str]
) -> CreateStage:
    code = None
    if ctx.profile.stage_codes:
        code = stage_code(spec.key, m.funnel_id, ctx.profile, taken, m.spec.kind)
        taken.add(code)
    return CreateStage(
        funnel_key=m.spec.key,
        funnel_id=m.funnel_id,
        stage_key=spec.key,
        name=ctx.name(spec),
        sort=sort,
        semantics=spec.semantics,
        color=_colour(ctx, spec),
        code=code,
        summary=f"create stage «{ctx.name(spec)}» in «{ctx.name(m.spec)}»",
    )


def _update(ctx: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage) -> Planned:
    """A matched stage's rename and recolour, each its own change."""
    out = Planned()
    name = ctx.name(spec)
    fixed = is_fixed_stage(ctx.profile, stage)
    count: int | None = 0
    rename = stage.name != name
    if rename and not fixed:
        count = 0 if m.virtual else ctx.count(stage.funnel_id, stage.id)
        refusal = rename_refusal(spec, m.how.get(spec.key), stage.name, name, count)
        if refusal is not None:
            out.refusals.append(refusal)
            return out
    colour = _colour(ctx, spec)
    recolour = colour is not None and (stage.color or "").lower() != colour
    if not rename and not recolour:
        return out
    if fixed:
        out.warnings.append(
            f"stage {m.spec.key}/{spec.key}: {ctx.profile.label} names and colours its won/lost "
            f"status only when the pipeline is created; «{stage.name}» stays as it is"
        )
        return out
    stage_id, reuse = stage_ref(m, stage)
    # Finishing a funnel an interrupted apply created is not a change to the client's portal.
    unfinished = m.owned and stage.id not in ctx.options.ids.stages.values()
    if not m.virtual and not unfinished:
        out.touched[(m.spec.key, "stage-update")] += 1
    where = {
        "funnel_key": m.spec.key,
        "funnel_id": m.funnel_id,
        "stage_key": spec.key,
        "stage_id": stage_id,
        "reuse_code": reuse,
    }
    if rename:
        out.changes.append(
            RenameStage(
                **where,
                name=name,
                old_name=stage.name,
                deal_count=count,
                summary=f"rename stage «{stage.name}» → «{name}»{deals_label(count)} "
                f"in «{ctx.name(m.spec)}»",
            )
        )
    if recolour and colour is not None:
        out.changes.append(
            UpdateStage(
                **where,
                color=colour,
                old_color=stage.color,
                summary=f"recolour «{name}» in «{ctx.name(m.spec)}»",
            )
        )
    return out


def _semantics_refusal(ctx: PlanContext, spec: StageSpec, stage: Stage) -> str | None:
    if Semantics.SUCCESS in (spec.semantics, stage.semantics):
        return "a funnel keeps exactly one success stage; rename it instead"
    if ctx.profile.fixed_closing_ids or stage.system:
        return "the vendor cannot change or remove this stage"  # amocrm.md §5.1
    return None


def _change_semantics(
    ctx: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage, sort: int, taken: set[str]
) -> Planned:
    """SEMANTICS is fixed once created (bitrix24.md §6.3): create → move deals → delete.

    No change at all (only a refusal) when the vendor cannot do it.
    """
    out = Planned()
    what = f"stage «{stage.name}» changes from {stage.semantics} to {spec.semantics}"
    refusal = _semantics_refusal(ctx, spec, stage)
    if refusal is not None:
        out.refusals.append(f"{what}: {refusal}")
        return out
    key = f"{spec.key}-{spec.semantics.value[0]}"
    code = stage_code(key, m.funnel_id, ctx.profile, taken, m.spec.kind)
    taken.add(code)
    count = ctx.count(stage.funnel_id, stage.id) if not m.virtual else 0
    moving = "an unknown number of" if count is None else str(count)
    reason = f"{what} (recreated; {moving} deals move)"
    base = {"funnel_key": m.spec.key, "funnel_id": m.funnel_id, "stage_key": spec.key}
    out.changes.append(
        CreateStage(
            **base,
            name=ctx.name(spec),
            sort=sort,
            semantics=spec.semantics,
            color=_colour(ctx, spec),
            code=code,
            summary=f"create stage «{ctx.name(spec)}» ({spec.semantics}) in «{ctx.name(m.spec)}»",
        )
    )
    if count != 0:
        out.changes.append(move_deals(ctx, m, stage, count, reason, spec.key))
    out.changes.append(
        DeleteStage(
            **base,
            stage_id=stage.id,
            replaces_old=True,
            deal_count=count,
            unsafe_reason=reason,
            summary=f"delete the old «{stage.name}» ({stage.semantics})",
        )
    )
    return out


def _leftovers(ctx: PlanContext, m: FunnelMatch) -> Planned:
    """Undeclared stages: a new funnel's spare defaults go; a portal's own are only reported."""
    out = Planned()
    claimed = {s.id for s in m.matched.values()}
    facts = ctx.profile
    left = [s for s in m.stages if s.id not in claimed and not is_fixed_stage(facts, s)]

    def unused_default(stage: Stage) -> bool:
        return is_reusable_default(facts, m.spec.kind, stage) and (
            ctx.count(stage.funnel_id, stage.id) == 0
        )

    # A funnel we created keeps its spare defaults only until we clean them up; one an
    # interrupted apply created before it could record it looks fresh (see FunnelMatch).
    ours = m.virtual or m.owned or m.fresh
    for stage in sorted(left, key=lambda s: s.sort):
        spare = m.virtual or (ours and unused_default(stage))
        if spare:
            if stage.system:
                continue
            stage_id, reuse = stage_ref(m, stage)
            out.changes.append(
                DeleteStage(
                    funnel_key=m.spec.key,
                    funnel_id=m.funnel_id,
                    stage_id=stage_id,
                    reuse_code=reuse,
                    deal_count=0,
                    summary=f"delete the unused default stage {code_of(stage.id)} "
                    f"of the new «{ctx.name(m.spec)}»",
                )
            )
            continue
        funnel_name = m.funnel.name if m.funnel else None
        out.unmanaged.append(
            Unmanaged(
                kind="stage",
                id=stage.id,
                name=stage.name,
                funnel_id=stage.funnel_id,
                funnel_name=funnel_name,
            )
        )
    return out


def _reorder(
    ctx: PlanContext, m: FunnelMatch, order: list[StageSpec], created: dict[str, int]
) -> list[Change]:
    """Compare the order of managed stages, never their sort numbers."""
    rows: list[tuple[int, int, str]] = []
    for spec in order:
        stage = m.matched.get(spec.key)
        if spec.key in created:
            rows.append((created[spec.key], 1, spec.key))
        elif stage is not None and not is_fixed_stage(ctx.profile, stage):
            rows.append((stage.sort, 0, spec.key))
    predicted = [key for _, _, key in sorted(rows, key=lambda r: (r[0], r[1]))]
    wanted = [s.key for s in order if s.key in set(predicted)]
    if predicted == wanted:
        return []
    ids: list[str | None] = []
    for key in wanted:
        stage = m.matched.get(key)
        ids.append(None if key in created or stage is None or m.virtual else stage.id)
    reuse = [
        None if key in created or m.matched.get(key) is None else code_of(m.matched[key].id)
        for key in wanted
    ]
    return [
        ReorderStages(
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            order=tuple(ids),
            stage_keys=tuple(wanted),
            reuse_codes=tuple(reuse) if m.virtual else (),
            summary=f"reorder the stages of «{ctx.name(m.spec)}»",
        )
    ]
