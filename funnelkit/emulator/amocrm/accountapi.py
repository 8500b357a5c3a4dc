"""Routes of account, users, loss reasons and custom fields (amocrm.md §9, §10)."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.amocrm.context import Ctx, int_field, request_id
from funnelkit.emulator.amocrm.hal import fail, link, no_content, ok, page_links, validation
from funnelkit.emulator.amocrm.query import paging
from funnelkit.emulator.amocrm.wire import FIELD_ENTITIES, custom_field, loss_reason, num, user
from funnelkit.emulator.serving.server import Response
from funnelkit.model import LossReason

SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "UAH": "₴", "KZT": "₸", "BYN": "Br"}
COUNTRIES = {"RUB": "RU", "UAH": "UA", "KZT": "KZ", "BYN": "BY", "EUR": "NL", "USD": "US"}
# amocrm.md §10.2: the `with=` values of GET /api/v4/account
ACCOUNT_WITH = {
    "amojo_id",
    "amojo_rights",
    "users_groups",
    "task_types",
    "version",
    "entity_names",
    "datetime_settings",
    "drive_url",
    "is_api_filter_enabled",
    "invoices_settings",
}


def account(ctx: Ctx) -> Response:
    """GET /api/v4/account; Kommo adds currency and its symbol (§10.2)."""
    withs = set(",".join(ctx.request.query.get("with", [])).split(",")) & ACCOUNT_WITH
    state = ctx.state
    body: dict[str, Any] = {
        "id": ctx.account.id,
        "name": ctx.account.subdomain,
        "subdomain": ctx.account.subdomain,
        "created_at": state.now,
        "created_by": 0,
        "updated_at": state.now,
        "updated_by": 0,
        "current_user_id": num(ctx.caller.user_id),
        "country": COUNTRIES.get(state.currency, "RU"),
        "currency": state.currency,
        "currency_symbol": SYMBOLS.get(state.currency, state.currency),
        "customers_mode": "disabled",
        "is_unsorted_on": True,
        "is_loss_reason_enabled": bool(state.loss_reasons),
        "is_helpbot_enabled": False,
        "is_technical_account": False,
        "contact_name_display_order": 1,
    }
    if "amojo_id" in withs:
        body["amojo_id"] = f"{ctx.account.id:08x}-0000-4000-8000-000000000000"
        # unverified: the RU example (§10.2) shows `uuid` next to amojo_id
        body["uuid"] = f"{ctx.account.id:08x}-0000-4000-8000-000000000001"
    if "is_api_filter_enabled" in withs:
        body["is_api_filter_enabled"] = True
    if "drive_url" in withs:
        body["drive_url"] = "https://drive-b.amocrm.ru"
    if "version" in withs:
        body["version"] = 16
    if "entity_names" in withs:
        body["entity_names"] = {"leads": {"ru": {"singular_form": {"default": "Сделка"}}}}
    body["_links"] = link(ctx.href)
    embedded = _account_embedded(ctx, withs)
    if embedded:
        body["_embedded"] = embedded
    return ok(body)


def _account_embedded(ctx: Ctx, withs: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "amojo_rights" in withs:
        out["amojo_rights"] = {"can_direct": True, "can_create_groups": True}
    if "users_groups" in withs:
        out["users_groups"] = [{"id": 0, "name": "Отдел продаж", "uuid": None}]
    if "task_types" in withs:
        # amocrm.md §8: the two predefined task types
        out["task_types"] = [
            {"id": 1, "name": "Связаться", "color": None, "icon_id": None, "code": "FOLLOW_UP"},
            {"id": 2, "name": "Встреча", "color": None, "icon_id": None, "code": "MEETING"},
        ]
    if "datetime_settings" in withs:
        out["datetime_settings"] = {
            "date_pattern": "d.m.Y H:i",
            "short_date_pattern": "d.m.Y",
            "short_time_pattern": "H:i",
            "date_formant": "d.m.Y",  # sic: the official example's key (§10.2)
            "time_format": "H:i:s",
            "timezone": "Europe/Moscow",
            "timezone_offset": "+03:00",
        }
    return out


def _user(ctx: Ctx, uid: str) -> dict[str, Any]:
    row = ctx.state.users[uid]
    admin = uid == ctx.options.user_id
    body = user(row, ctx.base, admin, ctx.state.domain)
    if not admin:
        body["rights"]["status_rights"] = []
    if (
        "role" in ctx.request.query.get("with", [""])[0]
        or "group" in ctx.request.query.get("with", [""])[0]
    ):
        groups = [{"id": i + 1, "name": d} for i, d in enumerate(row.departments)]
        body["_embedded"] = {"roles": [], "groups": groups}
    return body


def list_users(ctx: Ctx) -> Response:
    """GET /api/v4/users: `_total_items`, `_page`, `_page_count` (§10.1)."""
    page = paging(ctx.request.query, 250)
    ids = sorted(ctx.state.users, key=lambda u: num(u) or 0)
    chunk = ids[page.offset : page.offset + page.limit]
    if not chunk:
        return no_content()
    more = page.offset + page.limit < len(ids)
    return ok(
        {
            "_total_items": len(ids),
            "_page": page.page,
            "_page_count": max(1, -(-len(ids) // page.limit)),
            "_links": page_links(
                ctx.base, ctx.request.path, ctx.params, page.page, page.limit, more
            ),
            "_embedded": {"users": [_user(ctx, u) for u in chunk]},
        }
    )


def get_user(ctx: Ctx) -> Response:
    """GET /api/v4/users/{id}."""
    if ctx.groups[0] not in ctx.state.users:
        return no_content()
    return ok(_user(ctx, ctx.groups[0]))


def _reason(ctx: Ctx, reason: LossReason) -> dict[str, Any]:
    stamp = ctx.account.reason_stamps.get(reason.id, ctx.state.now)
    return loss_reason(reason, ctx.base, stamp)


def list_reasons(ctx: Ctx) -> Response:
    """GET /api/v4/leads/loss_reasons (§9)."""
    page = paging(ctx.request.query, 250)
    reasons = sorted(ctx.state.loss_reasons.values(), key=lambda r: (r.sort, num(r.id) or 0))
    chunk = reasons[page.offset : page.offset + page.limit]
    more = page.offset + page.limit < len(reasons)
    return ctx.page("loss_reasons", [_reason(ctx, r) for r in chunk], page, more)


def get_reason(ctx: Ctx) -> Response:
    """GET /api/v4/leads/loss_reasons/{id}."""
    reason = ctx.state.loss_reasons.get(ctx.groups[0])
    return no_content() if reason is None else ok(_reason(ctx, reason))


def add_reasons(ctx: Ctx) -> Response:
    """POST /api/v4/leads/loss_reasons: batch, request_id echoed (§9, PHP SDK)."""
    items = ctx.batch()
    out = []
    with ctx.state.lock:
        for index, item in enumerate(items):
            rid = request_id(item, index)
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise validation([(rid, "NotBlank", "name", "This value should not be blank.")])
            top = max((int(k) for k in ctx.state.loss_reasons if k.isdigit()), default=1000)
            reason_id = str(ctx.state.new_id("loss_reason", floor=top + 1))
            reason = LossReason(id=reason_id, name=name, sort=int_field(item, "sort", rid) or 0)
            ctx.state.loss_reasons[reason_id] = reason
            ctx.account.reason_stamps[reason_id] = ctx.now
            out.append({**_reason(ctx, reason), "request_id": rid})
    return ok({"_links": link(ctx.href), "_embedded": {"loss_reasons": out}})


def edit_reason(ctx: Ctx) -> Response:
    """PATCH /api/v4/leads/loss_reasons/{id}: name and sort."""
    item = ctx.body()
    if not isinstance(item, dict):
        raise fail(400, "Request data can not be empty")
    with ctx.state.lock:
        reason = ctx.state.loss_reasons.get(ctx.groups[0])
        if reason is None:
            return no_content()
        update: dict[str, Any] = {}
        if isinstance(item.get("name"), str):
            update["name"] = item["name"]
        if "sort" in item:
            update["sort"] = int_field(item, "sort", "0") or 0
        reason = reason.model_copy(update=update)
        ctx.state.loss_reasons[reason.id] = reason
        ctx.account.reason_stamps[reason.id] = ctx.now
    return ok(_reason(ctx, reason))


def delete_reason(ctx: Ctx) -> Response:
    """DELETE /api/v4/leads/loss_reasons/{id}: 204 (unverified: leads keep the dangling id)."""
    with ctx.state.lock:
        ctx.state.loss_reasons.pop(ctx.groups[0], None)
    return no_content()


def _fields(ctx: Ctx, entity: str) -> list[Any]:
    names = FIELD_ENTITIES[entity]
    return [f for f in ctx.state.custom_fields if f.entity.lower() in names]


def list_fields(ctx: Ctx) -> Response:
    """GET /api/v4/{leads|contacts|companies}/custom_fields (paged like other lists)."""
    entity = ctx.groups[0]
    page = paging(ctx.request.query, 250)
    rows = _fields(ctx, entity)
    chunk = rows[page.offset : page.offset + page.limit]
    more = page.offset + page.limit < len(rows)
    items = [custom_field(f, entity, ctx.base, ctx.account.id) for f in chunk]
    return ctx.page("custom_fields", items, page, more)


def get_field(ctx: Ctx) -> Response:
    """GET /api/v4/{entity}/custom_fields/{id}."""
    entity, wanted = ctx.groups[0], ctx.groups[1]
    for row in _fields(ctx, entity):
        if str(num(row.id)) == wanted:
            return ok(custom_field(row, entity, ctx.base, ctx.account.id))
    return no_content()
