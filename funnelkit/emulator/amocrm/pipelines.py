"""Routes of /api/v4/leads/pipelines and their statuses (amocrm.md §5)."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.amocrm import structure as rules
from funnelkit.emulator.amocrm.context import Ctx, int_field, request_id
from funnelkit.emulator.amocrm.hal import fail, no_content, ok, total, validation
from funnelkit.emulator.amocrm.leadops import move
from funnelkit.emulator.amocrm.wire import LOST, WON, flag, is_unsorted, num, pipeline, status
from funnelkit.emulator.serving.server import Response
from funnelkit.model import Funnel, Stage


def _funnel(ctx: Ctx, raw: str) -> Funnel:
    found = ctx.state.funnels.get(raw)
    if found is None:
        raise _Missing
    return found


class _Missing(Exception):
    """A missing entity by id: amocrm.md §2 says 204, not 404."""


def _statuses(ctx: Ctx, funnel: Funnel, with_desc: bool) -> list[dict[str, Any]]:
    hide_unsorted = not flag(funnel, "is_unsorted_on", True)  # §5.6
    out = []
    for stage in ctx.state.stages_of(funnel.id):
        if hide_unsorted and is_unsorted(stage):
            continue
        out.append(_status(ctx, stage, with_desc))
    return out


def _status(ctx: Ctx, stage: Stage, with_desc: bool) -> dict[str, Any]:
    item = status(stage, ctx.base, ctx.account.id)
    if with_desc:
        item["descriptions"] = list(ctx.account.descriptions.get(stage.key, []))
    return item


def _pipeline(ctx: Ctx, funnel: Funnel) -> dict[str, Any]:
    return pipeline(funnel, _statuses(ctx, funnel, False), ctx.base, ctx.account.id)


def _with(ctx: Ctx, value: str) -> bool:
    return value in ",".join(ctx.request.query.get("with", [])).split(",")


def _ordered_funnels(ctx: Ctx) -> list[Funnel]:
    return sorted(ctx.state.funnels.values(), key=lambda f: (f.sort, num(f.id) or 0))


def list_pipelines(ctx: Ctx) -> Response:
    """GET /api/v4/leads/pipelines: not paginated, `_total_items` (§5.4)."""
    items = [_pipeline(ctx, f) for f in _ordered_funnels(ctx)]
    return total("pipelines", items, ctx.href)


def get_pipeline(ctx: Ctx) -> Response:
    """GET /api/v4/leads/pipelines/{id}."""
    try:
        return ok(_pipeline(ctx, _funnel(ctx, ctx.groups[0])))
    except _Missing:
        return no_content()


def add_pipelines(ctx: Ctx) -> Response:
    """POST /api/v4/leads/pipelines (§5.5)."""
    ctx.require_admin()
    items = ctx.batch()
    with ctx.state.lock:
        if len(ctx.state.funnels) + len(items) > rules.MAX_PIPELINES:
            raise validation([("0", "Limit", "", "No more than 50 pipelines per account.")])
        for index, item in enumerate(items):
            _check_pipeline(item, request_id(item, index))
        out = [_create(ctx, item, request_id(item, i)) for i, item in enumerate(items)]
    ctx.store.cache.clear()
    return total("pipelines", out, ctx.href)


def _check_pipeline(item: dict[str, Any], rid: str) -> None:
    problems = []
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        problems.append((rid, "NotBlank", "name", "This value should not be blank."))
    for key in ("is_main", "is_unsorted_on"):
        if not isinstance(item.get(key), bool):
            problems.append((rid, "InvalidType", key, "This value should be of type bool."))
    if isinstance(item.get("sort"), bool) or not isinstance(item.get("sort"), int):
        problems.append((rid, "InvalidType", "sort", "This value should be of type int."))
    statuses = (item.get("_embedded") or {}).get("statuses")
    ordinary = [s for s in statuses or [] if isinstance(s, dict) and s.get("id") not in (142, 143)]
    # unverified (§5.2): a pipeline without an ordinary status is treated as invalid
    if not ordinary:
        problems.append((rid, "NotBlank", "_embedded.statuses", "Add at least one status."))
    if problems:
        raise validation(problems)


def _create(ctx: Ctx, item: dict[str, Any], rid: str) -> dict[str, Any]:
    state = ctx.state
    funnel_id = str(rules.next_pipeline_id(state))
    if item["is_main"]:
        _demote_main(ctx)
    state.funnels[funnel_id] = rules.new_funnel(funnel_id, item, item["sort"])
    statuses = item["_embedded"]["statuses"]
    names = {str(s["id"]): str(s["name"]) for s in statuses if s.get("id") in (142, 143)}
    rules.system_stages(state, funnel_id, names)
    rules.spread(state, funnel_id)
    for pos, spec in enumerate(statuses):
        if spec.get("id") not in (142, 143):
            rules.add_status(state, funnel_id, spec, rid, f"_embedded.statuses.{pos}.")
    rules.renumber(state, funnel_id)
    body = _pipeline(ctx, state.funnels[funnel_id])
    return {
        **{k: v for k, v in body.items() if k != "_links" and k != "_embedded"},
        "request_id": rid,
        "_links": body["_links"],
        "_embedded": body["_embedded"],
    }


def _demote_main(ctx: Ctx) -> None:
    for fid, funnel in list(ctx.state.funnels.items()):
        if funnel.is_default:
            ctx.state.funnels[fid] = funnel.model_copy(update={"is_default": False})


def edit_pipeline(ctx: Ctx) -> Response:
    """PATCH /api/v4/leads/pipelines/{id}: at least one of the four fields (§5.2, §5.6)."""
    ctx.require_admin()
    item = ctx.body()
    if not isinstance(item, dict) or not {"name", "sort", "is_main", "is_unsorted_on"} & set(item):
        raise fail(400, "Request data can not be empty")
    with ctx.state.lock:
        try:
            funnel = _funnel(ctx, ctx.groups[0])
        except _Missing:
            return no_content()
        update: dict[str, Any] = {}
        if "name" in item:
            update["name"] = str(item["name"])
        if "sort" in item:
            update["sort"] = int_field(item, "sort", "0") or 0
        if item.get("is_main") is True:
            _demote_main(ctx)
            update["is_default"] = True
        if "is_unsorted_on" in item:
            on = "true" if item["is_unsorted_on"] else "false"
            update["extras"] = {**funnel.extras, "is_unsorted_on": on}
        if item.get("is_main") is False and funnel.is_default:
            update["is_default"] = False
        changed = funnel.model_copy(update=update)
        ctx.state.funnels[funnel.id] = changed
        if not changed.is_default and not any(f.is_default for f in ctx.state.funnels.values()):
            # unverified: an account always has a main pipeline; the next one by sort takes over
            heir = next((f for f in _ordered_funnels(ctx) if f.id != funnel.id), None)
            if heir is not None:
                ctx.state.funnels[heir.id] = heir.model_copy(update={"is_default": True})
    body = _pipeline(ctx, changed)
    body = {
        **{k: v for k, v in body.items() if k not in ("_links", "_embedded")},
        "request_id": "0",
        "_links": body["_links"],
        "_embedded": body["_embedded"],
    }
    return ok(body)


def delete_pipeline(ctx: Ctx) -> Response:
    """DELETE /api/v4/leads/pipelines/{id}: not the last one, not one with leads (§5.2)."""
    ctx.require_admin()
    with ctx.state.lock:
        funnel = ctx.state.funnels.get(ctx.groups[0])
        if funnel is None:
            return no_content()
        if len(ctx.state.funnels) <= 1:
            raise fail(400, "Нельзя удалить последнюю воронку в аккаунте")
        if any(d.funnel_id == funnel.id for d in ctx.state.deals.values()):
            raise fail(400, "Нельзя удалить воронку, в которой есть сделки")
        if funnel.is_default:
            # unverified: the main pipeline is refused too (the UI offers no delete for it)
            raise fail(400, "Нельзя удалить главную воронку")
        del ctx.state.funnels[funnel.id]
        for key in [k for k in ctx.state.stages if k[0] == funnel.id]:
            del ctx.state.stages[key]
    ctx.store.cache.clear()
    return no_content()


def list_statuses(ctx: Ctx) -> Response:
    """GET …/pipelines/{id}/statuses, `with=descriptions` (§5.7: no top-level _links)."""
    try:
        funnel = _funnel(ctx, ctx.groups[0])
    except _Missing:
        return no_content()
    return total("statuses", _statuses(ctx, funnel, _with(ctx, "descriptions")), None)


def get_status(ctx: Ctx) -> Response:
    """GET …/pipelines/{pid}/statuses/{id}."""
    stage = ctx.state.stages.get((ctx.groups[0], ctx.groups[1]))
    if stage is None:
        return no_content()
    return ok(_status(ctx, stage, _with(ctx, "descriptions")))


def add_statuses(ctx: Ctx) -> Response:
    """POST …/pipelines/{pid}/statuses (§5.8): ids assigned, sorts renumbered."""
    ctx.require_admin()
    items = ctx.batch()
    with ctx.state.lock:
        try:
            funnel = _funnel(ctx, ctx.groups[0])
        except _Missing:
            return no_content()
        rules.spread(ctx.state, funnel.id)
        try:
            made = [
                (rules.add_status(ctx.state, funnel.id, item, request_id(item, i), ""), i)
                for i, item in enumerate(items)
            ]
        finally:
            rules.renumber(ctx.state, funnel.id)
        out = []
        for stage, index in made:
            item = items[index]
            rid = request_id(item, index)
            if "descriptions" in item:
                rules.set_descriptions(
                    ctx.account, stage.key, item["descriptions"], rid, ctx.now, 0
                )
            body = _status(ctx, ctx.state.stages[stage.key], True)
            out.append(_with_request_id(body, rid))
    return total("statuses", out, None)


def _with_request_id(body: dict[str, Any], rid: str) -> dict[str, Any]:
    """Place request_id before `_links`, where the docs' examples show it."""
    head = {k: v for k, v in body.items() if k not in ("_links", "descriptions")}
    tail: dict[str, Any] = {k: body[k] for k in ("_links", "descriptions") if k in body}
    return {**head, "request_id": rid, **tail}


def edit_status(ctx: Ctx) -> Response:
    """PATCH …/statuses/{id}: name, sort, color, descriptions (§5.9)."""
    ctx.require_admin()
    item = ctx.body()
    if not isinstance(item, dict) or not {"name", "sort", "color", "descriptions"} & set(item):
        raise fail(400, "Request data can not be empty")
    with ctx.state.lock:
        key = (ctx.groups[0], ctx.groups[1])
        stage = ctx.state.stages.get(key)
        if stage is None:
            return no_content()
        if stage.system or is_unsorted(stage) or stage.id in (WON, LOST):
            # unverified: system statuses report is_editable false, so edits are refused
            raise validation([("0", "NotEditable", "id", "This status cannot be edited.")])
        update: dict[str, Any] = {}
        if "name" in item:
            update["name"] = str(item["name"])
        if "color" in item:
            update["color"] = rules.check_color(item["color"], "0", "color")
        if "descriptions" in item:
            rules.set_descriptions(ctx.account, key, item["descriptions"], "0", ctx.now, 0)
        if "sort" in item:
            rules.spread(ctx.state, stage.funnel_id)
            update["sort"] = (int_field(item, "sort", "0") or 0) * 1000 + 999
        ctx.state.stages[key] = ctx.state.stages[key].model_copy(update=update)
        rules.renumber(ctx.state, stage.funnel_id)
        body = _status(ctx, ctx.state.stages[key], True)
    return ok(_with_request_id(body, "0"))


def delete_status(ctx: Ctx) -> Response:
    """DELETE …/statuses/{id}: its leads move to the pipeline's first stage (§5.2)."""
    ctx.require_admin()
    with ctx.state.lock:
        key = (ctx.groups[0], ctx.groups[1])
        stage = ctx.state.stages.get(key)
        if stage is None:
            return no_content()
        if stage.system or is_unsorted(stage) or stage.id in (WON, LOST):
            raise fail(400, "Системный статус нельзя удалить")
        target = rules.first_stage(ctx.state, stage.funnel_id, skip=stage.id)
        if target is None:
            raise fail(400, "Нельзя удалить последний статус воронки")
        victims = [
            d
            for d in ctx.state.deals.values()
            if d.funnel_id == stage.funnel_id and d.stage_id == stage.id
        ]
        for deal in victims:
            ctx.store.put_lead(deal, move(ctx, deal, target.funnel_id, target.id))
        del ctx.state.stages[key]
        ctx.account.descriptions.pop(key, None)
        rules.renumber(ctx.state, stage.funnel_id)
    ctx.store.cache.clear()
    return no_content()
