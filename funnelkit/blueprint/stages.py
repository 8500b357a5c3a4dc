"""Plan one funnel's stages: creates, renames, colours, semantics changes, order, removals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnelkit.blueprint.context import desired_order
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
from funnelkit.model import Binding, Change, ChangeOp, Semantics, Stage

if TYPE_CHECKING:
    from funnelkit.blueprint.context import FunnelMatch, PlanContext


def stage_ref(m: FunnelMatch, stage: Stage) -> tuple[str | None, Binding | None]:
    """(stage id, binding): a new funnel's default stages are found again by code."""
    if m.virtual:
        return None, Binding(reuse_code=code_of(stage.id))
    return stage.id, None


def plan_stages(p: PlanContext, m: FunnelMatch) -> None:
    """Every stage change of one (existing or new) funnel."""
    if p.profile.funnel_created_with_stages and m.virtual:
        return  # the pipeline is created with all its statuses at once
    order = desired_order(m.spec)
    taken = {code_of(s.id) for s in m.stages}
    created: dict[str, int] = {}
    recreated: set[str] = set()
    last_sort, run = 0, 0
    for index, spec in enumerate(order):
        stage = m.matched.get(spec.key)
        changed = stage is not None and _semantics_changed(p, spec, stage)
        if changed and stage and _change_semantics(p, m, spec, stage, index, taken):
            recreated.add(spec.key)
            stage = None
        if stage is None:
            if spec.key not in recreated and not _creatable(p, m, spec):
                continue
            run += 1
            # amocrm.md §5.2: the server renumbers sorts on every write, so a new status is
            # sent to the end (before 142) and lands after the ones created before it.
            sort = 9000 + index if p.profile.renumbers_sorts else last_sort + run
            created[spec.key] = sort
            if spec.key not in recreated:
                _create(p, m, spec, index, sort, taken)
            continue
        last_sort, run = stage.sort, 0
        _update(p, m, spec, stage, index)
    for i, spec in enumerate(m.spec.stages):
        if spec.leaving and spec.key in m.matched:
            remove_stage(p, m, spec, m.matched[spec.key], len(order) + i)
    _leftovers(p, m)
    _reorder(p, m, order, created)


def _semantics_changed(p: PlanContext, spec: StageSpec, stage: Stage) -> bool:
    return spec.semantics is not stage.semantics and not p.limits.semantics_mutable


def _creatable(p: PlanContext, m: FunnelMatch, spec: StageSpec) -> bool:
    if p.profile.fixed_closing_ids and spec.semantics is not Semantics.PROCESS:
        p.warnings.append(
            f"stage {m.spec.key}/{spec.key}: amoCRM has one won (142) and one lost (143) status "
            "per pipeline; declare further reasons as loss_reasons"
        )
        return False
    if spec.semantics is Semantics.SUCCESS:
        # bitrix24.md §6.3: a funnel has exactly one success stage; the portal's stays its own.
        claimed = {s.id for s in m.matched.values()}
        own = next(
            (s for s in m.stages if s.semantics is Semantics.SUCCESS and s.id not in claimed),
            None,
        )
        if own is not None:
            p.warnings.append(
                f"stage {m.spec.key}/{spec.key}: the funnel keeps its success stage «{own.name}» "
                f"(one per funnel); declare `renamed_from: {own.name}` to make it "
                f"«{p.name(spec)}»"
            )
            return False
    return True


def _fields(
    p: PlanContext, m: FunnelMatch, spec: StageSpec, sort: int, code: str | None
) -> dict[str, object]:
    fields: dict[str, object] = {
        "name": p.name(spec),
        "sort": sort,
        "semantics": spec.semantics.value,
    }
    if spec.colour:
        fields["color"] = nearest_colour(spec.colour, p.limits.color_palette)
    if code is not None:
        fields["code"] = code
    return fields


def _create(
    p: PlanContext, m: FunnelMatch, spec: StageSpec, index: int, sort: int, taken: set[str]
) -> None:
    code = None
    if p.profile.stage_codes:
        code = stage_code(spec.key, m.funnel_id, p.limits, taken)
        taken.add(code)
    p.add(
        Change(
            op=ChangeOp.CREATE_STAGE,
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            stage_key=spec.key,
            fields=_fields(p, m, spec, sort, code),
            summary=f"create stage «{p.name(spec)}» in «{p.name(m.spec)}»",
        ),
        (m.pos, index + 1),
    )


def _update(p: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage, index: int) -> None:
    fields: dict[str, object] = {}
    before: dict[str, object] = {}
    name = p.name(spec)
    count: int | None = 0
    if stage.name != name and not is_fixed_stage(p.vendor, stage):
        count = 0 if m.virtual else p.count(stage.funnel_id, stage.id)
        refusal = rename_refusal(spec, m.how.get(spec.key), stage.name, name, count)
        if refusal is not None:
            p.refusals.append(refusal)
            return
        fields["name"], before["name"] = name, stage.name
    elif stage.name != name:
        fields["name"], before["name"] = name, stage.name
    if spec.colour:
        colour = nearest_colour(spec.colour, p.limits.color_palette)
        if (stage.color or "").lower() != colour:
            fields["color"], before["color"] = colour, stage.color
    if not fields:
        return
    if is_fixed_stage(p.vendor, stage):
        p.warnings.append(
            f"stage {m.spec.key}/{spec.key}: amoCRM names and colours its won/lost status only "
            f"when the pipeline is created; «{stage.name}» stays as it is"
        )
        return
    stage_id, binding = stage_ref(m, stage)
    # Finishing a funnel an interrupted apply created is not a change to the client's portal.
    unfinished = m.owned and stage.id not in p.options.ids.stages.values()
    if not m.virtual and not unfinished:
        p.touched[(m.spec.key, "stage-update")] += 1
    what = (
        f"rename stage «{stage.name}» → «{name}»{deals_label(count)}"
        if "name" in fields
        else f"recolour «{name}»"
    )
    p.add(
        Change(
            op=ChangeOp.UPDATE_STAGE,
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            stage_key=spec.key,
            stage_id=stage_id,
            fields=fields,
            binding=binding,
            before=before,
            deal_count=count if "name" in fields else None,
            summary=f"{what} in «{p.name(m.spec)}»",
        ),
        (m.pos, index + 1),
    )


def _semantics_refusal(p: PlanContext, spec: StageSpec, stage: Stage) -> str | None:
    if Semantics.SUCCESS in (spec.semantics, stage.semantics):
        return "a funnel keeps exactly one success stage; rename it instead"
    if p.profile.fixed_closing_ids or stage.system:
        return "the vendor cannot change or remove this stage"  # amocrm.md §5.1: 142/143
    return None


def _change_semantics(
    p: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage, index: int, taken: set[str]
) -> bool:
    """SEMANTICS is fixed once created (bitrix24.md §6.3): create → move deals → delete."""
    what = f"stage «{stage.name}» changes from {stage.semantics} to {spec.semantics}"
    refusal = _semantics_refusal(p, spec, stage)
    if refusal is not None:
        p.refusals.append(f"{what}: {refusal}")
        return False
    code = stage_code(f"{spec.key}-{spec.semantics.value[0]}", m.funnel_id, p.limits, taken)
    taken.add(code)
    count = p.count(stage.funnel_id, stage.id) if not m.virtual else 0
    moving = "an unknown number of" if count is None else str(count)
    reason = f"{what} (recreated; {moving} deals move)"
    base = {"funnel_key": m.spec.key, "funnel_id": m.funnel_id, "stage_key": spec.key}
    summary = f"create stage «{p.name(spec)}» ({spec.semantics}) in «{p.name(m.spec)}»"
    fields = _fields(p, m, spec, stage.sort, code)
    p.add(
        Change(op=ChangeOp.CREATE_STAGE, **base, fields=fields, summary=summary), (m.pos, index + 1)
    )
    if count != 0:
        move_deals(p, m, stage, count, reason, spec.key, index + 1)
    p.add(
        Change(
            op=ChangeOp.DELETE_STAGE,
            **base,
            stage_id=stage.id,
            binding=Binding(replaces_old=True),
            deal_count=count,
            unsafe_reason=reason,
            summary=f"delete the old «{stage.name}» ({stage.semantics})",
        ),
        (m.pos, index + 1),
    )
    return True


def _leftovers(p: PlanContext, m: FunnelMatch) -> None:
    """Undeclared stages: a new funnel's spare defaults go; a portal's own are only reported."""
    claimed = {s.id for s in m.matched.values()}
    left = [s for s in m.stages if s.id not in claimed and not is_fixed_stage(p.vendor, s)]

    def unused_default(stage: Stage) -> bool:
        return is_reusable_default(p.vendor, m.spec.kind, stage) and (
            p.count(stage.funnel_id, stage.id) == 0
        )

    # A funnel we created keeps its spare defaults only until we clean them up; one an
    # interrupted apply created before it could record it looks fresh (see PlanContext).
    ours = m.virtual or m.owned or m.fresh
    for stage in left:
        spare = m.virtual or (ours and unused_default(stage))
        if spare:
            if stage.system:
                continue
            stage_id, binding = stage_ref(m, stage)
            p.add(
                Change(
                    op=ChangeOp.DELETE_STAGE,
                    funnel_key=m.spec.key,
                    funnel_id=m.funnel_id,
                    stage_id=stage_id,
                    binding=binding,
                    deal_count=0,
                    summary=f"delete the unused default stage {code_of(stage.id)} "
                    f"of the new «{p.name(m.spec)}»",
                ),
                (m.pos, 1000 + stage.sort),
            )
            continue
        funnel_name = m.funnel.name if m.funnel else None
        p.unmanaged.append(
            Unmanaged(
                kind="stage",
                id=stage.id,
                name=stage.name,
                funnel_id=stage.funnel_id,
                funnel_name=funnel_name,
            )
        )


def _reorder(
    p: PlanContext, m: FunnelMatch, order: list[StageSpec], created: dict[str, int]
) -> None:
    """Compare the order of managed stages, never their sort numbers."""
    rows: list[tuple[int, int, str]] = []
    for spec in order:
        stage = m.matched.get(spec.key)
        if spec.key in created:
            rows.append((created[spec.key], 1, spec.key))
        elif stage is not None and not is_fixed_stage(p.vendor, stage):
            rows.append((stage.sort, 0, spec.key))
    predicted = [key for _, _, key in sorted(rows, key=lambda r: (r[0], r[1]))]
    wanted = [s.key for s in order if s.key in set(predicted)]
    if predicted == wanted:
        return
    ids: list[str | None] = []
    for key in wanted:
        stage = m.matched.get(key)
        ids.append(None if key in created or stage is None or m.virtual else stage.id)
    reuse = [
        None if key in created or m.matched.get(key) is None else code_of(m.matched[key].id)
        for key in wanted
    ]
    fields: dict[str, object] = {"order": ids}
    binding = Binding(order_keys=tuple(wanted), order_reuse=tuple(reuse) if m.virtual else ())
    p.add(
        Change(
            op=ChangeOp.REORDER_STAGES,
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            fields=fields,
            binding=binding,
            summary=f"reorder the stages of «{p.name(m.spec)}»",
        ),
        (m.pos, 0),
    )
