"""Routes of /api/v4/leads: list with filters/order/paging, get, add, edit (amocrm.md §6)."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.amocrm.context import Ctx
from funnelkit.emulator.amocrm.hal import link, no_content, ok, paged
from funnelkit.emulator.amocrm.index import View
from funnelkit.emulator.amocrm.query import ints, paging, span, strs, within
from funnelkit.emulator.amocrm.wire import lead, lead_contacts, loss_reason, num
from funnelkit.emulator.server import Response
from funnelkit.model import Deal

ORDERS = ("id", "updated_at", "created_at")  # amocrm.md §6.1
RANGES = ("created_at", "updated_at", "closed_at")


def _withs(ctx: Ctx) -> set[str]:
    return set(",".join(ctx.request.query.get("with", [])).split(",")) - {""}


def render(ctx: Ctx, deal: Deal, withs: set[str], single: bool = False) -> dict[str, Any]:
    """One lead as the API shows it, with the `with=` extras asked for."""
    body = lead(deal, ctx.base, ctx.account.id, ctx.store.closest_task_at(deal.id))
    embedded = body["_embedded"]
    embedded["tags"] = [{"id": ctx.account.tag_id(t), "name": t} for t in deal.tags]
    # unverified: the by-id example (§6.3) carries it without asking for it
    if "is_price_modified_by_robot" in withs or single:
        body["is_price_modified_by_robot"] = False
    if "catalog_elements" in withs:
        embedded["catalog_elements"] = []
    if "loss_reason" in withs:
        # amocrm.md §6.3: an ARRAY although the name is singular
        reason = ctx.state.loss_reasons.get(deal.loss_reason_id or "")
        stamp = ctx.account.reason_stamps.get(reason.id, ctx.state.now) if reason else 0
        embedded["loss_reason"] = [loss_reason(reason, ctx.base, stamp)] if reason else []
    # amocrm.md §6.2: contacts only with with=contacts; unverified: the docs' by-id example
    # (§6.3) shows `contacts` without asking, so a single lead always carries them.
    if "contacts" in withs or single:
        embedded["contacts"] = lead_contacts(deal, ctx.base)
    return body


def _value(deal: Deal, name: str) -> int | None:
    if name == "updated_at":
        return deal.modified_at if deal.modified_at is not None else deal.created_at
    if name == "created_at":
        return deal.created_at
    return deal.closed_at


def _order(query: dict[str, Any]) -> tuple[str, bool]:
    """`order[field]=asc|desc`; unverified: without one, ascending id."""
    order = query.get("order")
    if isinstance(order, dict):
        for name in ORDERS:
            if name in order:
                values = order[name] if isinstance(order[name], list) else []
                return name, bool(values) and values[0].lower() == "desc"
    return "id", False


def _statuses(node: Any) -> set[tuple[int, int]] | None:
    """`filter[statuses][i][pipeline_id|status_id]` pairs (amocrm.md §6.1)."""
    if not isinstance(node, dict):
        return None
    pairs = set()
    for item in node.values():
        if isinstance(item, dict):
            pids, sids = ints(item.get("pipeline_id"), "statuses"), ints(item.get("status_id"), "s")
            for pid in pids or ():
                for sid in sids or ():
                    pairs.add((pid, sid))
    return pairs or None


def select(ctx: Ctx) -> View[Deal]:
    """The leads a list request matches, in its order, cached until the next write."""
    flt = ctx.query.get("filter")
    flt = flt if isinstance(flt, dict) else {}
    field, desc = _order(ctx.query)
    ranges = {name: span(flt.get(name), name) for name in RANGES}
    ids = ints(flt.get("id"), "filter[id]")
    pipes = ints(flt.get("pipeline_id"), "filter[pipeline_id]")
    people = ints(flt.get("responsible_user_id"), "filter[responsible_user_id]")
    creators = ints(flt.get("created_by"), "filter[created_by]")
    pairs = _statuses(flt.get("statuses"))
    names = strs(flt.get("name"))
    key = (
        "leads",
        field,
        desc,
        tuple(sorted(ranges.items())),
        *map(_frozen, (ids, pipes, people, creators, pairs, names)),
    )
    found = ctx.store.cached(key)
    if found is not None:
        result: View[Deal] = found
        return result

    def keep(deal: Deal) -> bool:
        return (
            all(within(_value(deal, n), r) for n, r in ranges.items() if n != field or ids)
            and (pipes is None or num(deal.funnel_id) in pipes)
            and (people is None or num(deal.responsible_id) in people)
            and (creators is None or num(deal.creator_id) in creators)
            and (pairs is None or (num(deal.funnel_id), num(deal.stage_id)) in pairs)
            and (names is None or deal.title in names)
            and (ids is None or num(deal.id) in ids)
        )

    ordered = ctx.store.leads(field)
    if ids is not None and len(ids) <= 10_000:
        rows = [ctx.state.deals[str(i)] for i in ids if str(i) in ctx.state.deals]
        rows = sorted((d for d in rows if keep(d)), key=ordered.key)
        view = View(rows, 0, len(rows), desc)
    else:
        bounds = ranges.get(field) if field != "id" else None
        lo, hi = ordered.span(*bounds) if bounds else (0, len(ordered.rows))
        plain = all(v is None for n, v in ranges.items() if n != field) and all(
            v is None for v in (ids, pipes, people, creators, pairs, names)
        )
        if plain:
            return View(ordered.rows, lo, hi, desc)  # a bisected window: nothing to cache
        rows = [d for d in ordered.rows[lo:hi] if keep(d)]
        view = View(rows, 0, len(rows), desc)
    ctx.store.cache.put(key, view)
    return view


def _frozen(value: Any) -> Any:
    return None if value is None else tuple(sorted(value))


def list_leads(ctx: Ctx) -> Response:
    """GET /api/v4/leads (§6.1, §6.2)."""
    page = paging(ctx.request.query, 250)
    rows, more = select(ctx).page(page.offset, page.limit)
    withs = _withs(ctx)
    items = [render(ctx, d, withs) for d in rows]
    return paged(
        "leads",
        items,
        base=ctx.base,
        path=ctx.request.path,
        params=ctx.params,
        page=page.page,
        limit=page.limit,
        more=more,
    )


def get_lead(ctx: Ctx) -> Response:
    """GET /api/v4/leads/{id}; a missing id answers 204 (§2)."""
    deal = ctx.state.deals.get(ctx.groups[0])
    if deal is None:
        return no_content()
    return ok(render(ctx, deal, _withs(ctx), single=True))


def batch_links(ctx: Ctx, rows: list[dict[str, Any]]) -> Response:
    """The add/edit answer: ids, request_ids and links (§6.4)."""
    return ok({"_links": link(f"{ctx.base}/api/v4/leads"), "_embedded": {"leads": rows}})
