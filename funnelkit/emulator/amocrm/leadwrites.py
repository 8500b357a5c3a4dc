"""POST and PATCH of /api/v4/leads: adding leads and moving them (amocrm.md §6.4)."""

from __future__ import annotations

import dataclasses
from typing import Any

from funnelkit.emulator.amocrm import leadops
from funnelkit.emulator.amocrm.context import Ctx, int_field, request_id
from funnelkit.emulator.amocrm.hal import link, no_content, ok, validation
from funnelkit.emulator.amocrm.leads import batch_links
from funnelkit.emulator.amocrm.structure import first_stage
from funnelkit.emulator.amocrm.wire import LOST, WON
from funnelkit.emulator.serving.server import Response
from funnelkit.model import Deal


def _bad(rid: str, path: str, detail: str = "The value you selected is not a valid choice.") -> Any:
    return validation([(rid, "NotSupportedChoice", path, detail)])


def _main_funnel(ctx: Ctx) -> str:
    for funnel in ctx.state.funnels.values():
        if funnel.is_default:
            return funnel.id
    return min(ctx.state.funnels, key=lambda f: ctx.state.funnels[f].sort)


def resolve(ctx: Ctx, item: dict[str, Any], current: Deal | None, rid: str) -> tuple[str, str]:
    """Where a write puts the lead (§6.4: a status from another pipeline moves it there;
    142/143 are shared, so without pipeline_id they stay in the current pipeline)."""
    pid = int_field(item, "pipeline_id", rid)
    sid = int_field(item, "status_id", rid)
    pipeline = str(pid) if pid is not None else None
    if pipeline is not None and pipeline not in ctx.state.funnels:
        raise _bad(rid, "pipeline_id")
    if sid is None:
        if current is not None and pipeline in (None, current.funnel_id):
            return current.funnel_id, current.stage_id
        # unverified: a lead sent to a pipeline without a status lands in its first stage
        target = first_stage(ctx.state, pipeline or _main_funnel(ctx))
        if target is None:
            raise _bad(rid, "pipeline_id")
        return target.funnel_id, target.id
    status = str(sid)
    if pipeline is None:
        if status in (WON, LOST):
            pipeline = current.funnel_id if current is not None else _main_funnel(ctx)
        else:
            owners = [k[0] for k in ctx.state.stages if k[1] == status]
            pipeline = owners[0] if owners else None
    if pipeline is None or (pipeline, status) not in ctx.state.stages:
        raise _bad(rid, "status_id")
    return pipeline, status


def _user(ctx: Ctx, item: dict[str, Any], name: str, rid: str) -> str | None:
    value = int_field(item, name, rid)
    if value is None:
        return None
    if str(value) not in ctx.state.users and value != 0:
        raise _bad(rid, name)
    return str(value) if value else None


def _refs(item: dict[str, Any], name: str) -> list[Any]:
    embedded = item.get("_embedded")
    found = embedded.get(name) if isinstance(embedded, dict) else None
    return found if isinstance(found, list) else []


def _tags(item: dict[str, Any], ctx: Ctx) -> tuple[str, ...] | None:
    embedded = item.get("_embedded")
    if not isinstance(embedded, dict) or "tags" not in embedded:
        return None
    names = []
    by_id = {v: k for k, v in ctx.account.tag_ids.items()}
    for tag in embedded["tags"] or []:  # unverified: `"tags": null` (§6.4) clears them
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            names.append(tag["name"])
        elif isinstance(tag, dict) and tag.get("id") in by_id:
            names.append(by_id[tag["id"]])
    return tuple(names)


def _new_id(ctx: Ctx) -> str:
    return str(leadops.next_number(ctx.state, "deals", ctx.state.deals))


def add_leads(ctx: Ctx) -> Response:
    """POST /api/v4/leads: up to 250 per request (§3)."""
    items = ctx.batch()
    out = []
    with ctx.state.lock:
        for index, item in enumerate(items):
            rid = request_id(item, index)
            funnel_id, stage_id = resolve(ctx, item, None, rid)
            deal = _build(ctx, item, rid, funnel_id, stage_id)
            ctx.store.put_lead(None, deal)
            leadops.created(ctx, deal)
            lid = int(deal.id)
            out.append(
                {"id": lid, "request_id": rid, "_links": link(f"{ctx.base}/api/v4/leads/{lid}")}
            )
    return batch_links(ctx, out)


def _build(ctx: Ctx, item: dict[str, Any], rid: str, funnel_id: str, stage_id: str) -> Deal:
    lead_id = _new_id(ctx)
    created = int_field(item, "created_at", rid) or ctx.now
    closed = stage_id in (WON, LOST)
    contacts = tuple(str(c["id"]) for c in _refs(item, "contacts") if isinstance(c, dict))
    companies = [str(c["id"]) for c in _refs(item, "companies") if isinstance(c, dict)]
    reason = int_field(item, "loss_reason_id", rid)
    return Deal(
        id=lead_id,
        funnel_id=funnel_id,
        stage_id=stage_id,
        created_at=created,
        title=str(item.get("name") or f"Сделка #{lead_id}"),  # unverified default name
        responsible_id=_user(ctx, item, "responsible_user_id", rid) or ctx.caller.user_id,
        creator_id=_user(ctx, item, "created_by", rid) or ctx.caller.user_id,
        contact_ids=contacts,
        company_id=companies[0] if companies else None,
        amount=float(int_field(item, "price", rid) or 0),
        currency=ctx.state.currency,
        modified_at=int_field(item, "updated_at", rid) or created,
        closed_at=(int_field(item, "closed_at", rid) or created) if closed else None,
        closed=closed,
        tags=_tags(item, ctx) or (),
        loss_reason_id=str(reason) if reason else None,
    )


def edit_leads(ctx: Ctx) -> Response:
    """PATCH /api/v4/leads: an array, each with `id` (§6.4)."""
    items = ctx.batch()
    out = []
    with ctx.state.lock:
        for index, item in enumerate(items):
            rid = request_id(item, index)
            lead_id = int_field(item, "id", rid)
            current = ctx.state.deals.get(str(lead_id)) if lead_id is not None else None
            if current is None:
                raise validation([(rid, "NotFound", "id", "Entity not found.")])
            deal = _edit(ctx, current, item, rid)
            out.append(
                {
                    "id": int(deal.id),
                    "updated_at": deal.modified_at,
                    "request_id": rid,
                    "_links": link(f"{ctx.base}/api/v4/leads/{deal.id}"),
                }
            )
    return batch_links(ctx, out)


def edit_lead(ctx: Ctx) -> Response:
    """PATCH /api/v4/leads/{id}: one lead object (unverified answer: id, updated_at, links)."""
    item = ctx.body()
    if not isinstance(item, dict):
        raise validation([("0", "InvalidType", "", "This value should be of type object.")])
    with ctx.state.lock:
        current = ctx.state.deals.get(ctx.groups[0])
        if current is None:
            return no_content()
        deal = _edit(ctx, current, item, "0")
    return ok(
        {
            "id": int(deal.id),
            "updated_at": deal.modified_at,
            "_links": link(f"{ctx.base}/api/v4/leads/{deal.id}"),
        }
    )


def _edit(ctx: Ctx, current: Deal, item: dict[str, Any], rid: str) -> Deal:
    funnel_id, stage_id = resolve(ctx, item, current, rid)
    user = _user(ctx, item, "responsible_user_id", rid)
    update: dict[str, Any] = {"modified_at": ctx.now}
    if "name" in item:
        update["title"] = str(item["name"])
    if "price" in item:
        update["amount"] = float(int_field(item, "price", rid) or 0)
    if "loss_reason_id" in item:
        reason = int_field(item, "loss_reason_id", rid)
        update["loss_reason_id"] = str(reason) if reason else None
    tags = _tags(item, ctx)
    if tags is not None:
        update["tags"] = tags
    deal = leadops.move(ctx, current, funnel_id, stage_id)
    if user is not None:
        deal = leadops.reassign(ctx, deal, user)
    closing = item.get("closed_at", item.get("date_close"))  # §6.4 example spells date_close
    if deal.closed and isinstance(closing, int) and not isinstance(closing, bool):
        update["closed_at"] = closing
    deal = dataclasses.replace(deal, **update)
    ctx.store.put_lead(current, deal)
    return deal
