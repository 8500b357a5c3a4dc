"""Routes of /api/v4/leads: list with filters/order/paging, get, add, edit (amocrm.md §6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funnelkit.emulator.amocrm.context import Ctx
from funnelkit.emulator.amocrm.hal import link, no_content, ok, paged
from funnelkit.emulator.amocrm.index import View
from funnelkit.emulator.amocrm.query import ints, paging, span, strs, within
from funnelkit.emulator.amocrm.wire import lead, lead_contacts, loss_reason, num
from funnelkit.emulator.serving.server import Response
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
        # §6.3 shape, unverified catalog id; products named rather than numbered (as the
        # generator's are) have no catalog element id to show.
        embedded["catalog_elements"] = [
            {"id": int(p), "metadata": {"quantity": 1, "catalog_id": 1}}
            for p in deal.products
            if p.isdigit()
        ]
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

    preds = _predicates(ranges, field, ids, pipes, people, creators, pairs, names)
    ordered = ctx.store.leads(field)
    if ids is not None and len(ids) <= 10_000:
        rows = [ctx.state.deals[str(i)] for i in ids if str(i) in ctx.state.deals]
        rows = sorted(_filtered(rows, preds), key=ordered.key)
        view = View(rows, 0, len(rows), desc)
    else:
        bounds = ranges.get(field) if field != "id" else None
        lo, hi = ordered.span(*bounds) if bounds else (0, len(ordered.rows))
        plain = all(v is None for n, v in ranges.items() if n != field) and all(
            v is None for v in (ids, pipes, people, creators, pairs, names)
        )
        if plain:
            return View(ordered.rows, lo, hi, desc)  # a bisected window: nothing to cache
        rows = _filtered(ordered.rows[lo:hi], preds)
        view = View(rows, 0, len(rows), desc)
    ctx.store.cache.put(key, view)
    return view


def _predicates(
    ranges: dict[str, tuple[int | None, int | None] | None],
    field: str,
    ids: set[int] | None,
    pipes: set[int] | None,
    people: set[int] | None,
    creators: set[int] | None,
    pairs: set[tuple[int, int]] | None,
    names: set[str] | None,
) -> list[Callable[[Deal], bool]]:
    """One test per active filter; the order field's range is already bisected."""
    preds: list[Callable[[Deal], bool]] = []
    for name, bounds in ranges.items():
        if bounds is not None and (name != field or ids is not None):
            preds.append(_in_range(name, bounds))
    if ids is not None:
        preds.append(lambda d: num(d.id) in ids)
    if pipes is not None:
        preds.append(lambda d: num(d.funnel_id) in pipes)
    if people is not None:
        preds.append(lambda d: num(d.responsible_id) in people)
    if creators is not None:
        preds.append(lambda d: num(d.creator_id) in creators)
    if pairs is not None:
        preds.append(lambda d: (num(d.funnel_id), num(d.stage_id)) in pairs)
    if names is not None:
        preds.append(lambda d: d.title in names)
    return preds


def _in_range(name: str, bounds: tuple[int | None, int | None]) -> Callable[[Deal], bool]:
    return lambda deal: within(_value(deal, name), bounds)


def _filtered(rows: list[Deal], preds: list[Callable[[Deal], bool]]) -> list[Deal]:
    """Apply the tests one tight pass each (cheaper than one closure per row)."""
    for pred in preds:
        rows = [d for d in rows if pred(d)]
    return rows


def _frozen(value: Any) -> Any:
    return None if value is None else tuple(sorted(value))


def list_leads(ctx: Ctx) -> Response:
    """GET /api/v4/leads (§6.1, §6.2)."""
    page = paging(ctx.request.query, 250)
    withs = _withs(ctx)
    if "only_deleted" in withs:
        return _deleted(ctx, page.offset, page.limit, page.page)
    rows, more = select(ctx).page(page.offset, page.limit)
    items = [render(ctx, d, withs) for d in rows]
    return ctx.page("leads", items, page, more)


def _deleted(ctx: Ctx, offset: int, limit: int, number: int) -> Response:
    """`with=only_deleted` (§6.1): trashed leads with id, update time/author, is_deleted."""
    flt = ctx.query.get("filter")
    bounds = span(flt.get("updated_at"), "updated_at") if isinstance(flt, dict) else None
    trash = sorted(
        (int(k), at, by) for k, (at, by) in ctx.account.trash.items() if within(at, bounds)
    )
    chunk = trash[offset : offset + limit]
    items = [
        {
            "id": lid,
            "updated_at": at,
            "updated_by": num(by) or 0,
            "is_deleted": True,
            "_links": link(f"{ctx.base}/api/v4/leads/{lid}"),
        }
        for lid, at, by in chunk
    ]
    return paged(
        "leads",
        items,
        base=ctx.base,
        path=ctx.request.path,
        params=ctx.params,
        page=number,
        limit=limit,
        more=offset + limit < len(trash),
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
