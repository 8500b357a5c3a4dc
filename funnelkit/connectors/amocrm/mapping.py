"""Pure translation of amoCRM/Kommo API v4 objects into the model (no HTTP)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from funnelkit.connectors.amocrm import shape
from funnelkit.connectors.shape import what
from funnelkit.errors import ShapeError
from funnelkit.model import (
    Company,
    Contact,
    CustomField,
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    LossReason,
    Portal,
    Semantics,
    Stage,
    User,
    Vendor,
)

Json = Mapping[str, Any]
VENDOR_NAME = "amoCRM"

# amocrm.md §5.1: the won/lost statuses carry the same ids in every pipeline.
WON_STATUS = 142
LOST_STATUS = 143
# amocrm.md §5.2: status `type` 1 is the "unsorted" inbox of a pipeline.
UNSORTED_TYPE = 1

# amocrm.md §5.3: the only colours a status may be given through the API.
PALETTE: tuple[str, ...] = (
    "#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a", "#ffdbdb",
    "#ffc8c8", "#ff8f92", "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81",
    "#87f2c0", "#f9deff", "#f3beff", "#ccc8f9", "#eb93ff", "#f2f3f4", "#e6e8ea",
)  # fmt: skip

# Custom-field endpoints per entity, and the model's name for each entity.
FIELD_ENTITIES: dict[str, str] = {
    "leads": "leads",
    "contacts": "contacts",
    "companies": "companies",
}


def embedded(payload: Json | None, key: str, *, method: str | None = None) -> list[dict[str, Any]]:
    """The `_embedded.<key>` list of a HAL object; [] for an empty (204) answer.

    With `method` the payload is a whole answer of that method and must hold the list
    (§2); without, it is an object inside one (a lead's contacts), where the list may be
    absent. Either way a wrong shape is a ShapeError, never an empty list.
    """
    if payload is None:
        return []
    label = method or f"`_embedded.{key}`"
    if not isinstance(payload, Mapping):
        raise ShapeError(
            f"{VENDOR_NAME} {label}: expected an object, got {what(payload)}", method=method
        )
    if method is not None:
        items, _ = shape.page(method, payload, key)
        return items
    inner = payload.get("_embedded")
    if inner is None:
        return []
    if not isinstance(inner, Mapping):
        raise ShapeError(
            f"{VENDOR_NAME}: `_embedded` is {what(inner)}, not an object", method=method
        )
    found = inner.get(key)
    if found is None:
        return []
    return shape.rows(f"{VENDOR_NAME} {label}", label, found, key)


def sid(value: Any) -> str | None:
    """A vendor id as a model id; 0 and null mean "nobody" in amoCRM user fields."""
    if value is None or value == 0 or value == "":
        return None
    return str(value)


def portal(account: Json, domain: str) -> Portal:
    """The account (`GET /api/v4/account`); Kommo adds `currency` (amocrm.md §10.2)."""
    settings = (account.get("_embedded") or {}).get("datetime_settings") or {}
    return Portal(
        vendor=Vendor.AMOCRM,
        domain=domain,
        account_id=str(account["id"]) if account.get("id") is not None else None,
        currency=account.get("currency") or None,
        name=account.get("name") or None,
        timezone=settings.get("timezone") or None,
    )


def user(item: Json) -> User:
    """A user; `rights.is_active` false keeps deactivated owners of old leads (§10.1)."""
    rights = item.get("rights") or {}
    # Departments by name where the vendor embeds the groups (`with=group`), else by id.
    embedded_groups = (item.get("_embedded") or {}).get("groups") or []
    groups = [g.get("name") or g.get("id") for g in embedded_groups]
    if not groups and rights.get("group_id") is not None:
        groups = [rights["group_id"]]
    return User(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        active=bool(rights.get("is_active", True)),
        departments=tuple(str(g) for g in groups if g is not None),
    )


def funnel(item: Json) -> Funnel:
    """A pipeline; every amoCRM pipeline holds deals ("leads" in the API)."""
    return Funnel(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        kind=FunnelKind.DEAL,
        sort=int(item.get("sort") or 0),
        is_default=bool(item.get("is_main", False)),
    )


def semantics(status_id: int) -> Semantics:
    """142 is won and 143 lost in every pipeline (§5.1); everything else is in progress."""
    if status_id == WON_STATUS:
        return Semantics.SUCCESS
    if status_id == LOST_STATUS:
        return Semantics.FAILURE
    return Semantics.PROCESS


def stage(item: Json, pipeline_id: Any | None = None) -> Stage:
    """A status, keyed by (pipeline id, status id) because 142/143 repeat (§5.1)."""
    status_id = int(item["id"])
    system = status_id in (WON_STATUS, LOST_STATUS) or item.get("type") == UNSORTED_TYPE
    return Stage(
        funnel_id=str(item.get("pipeline_id", pipeline_id)),
        id=str(status_id),
        name=str(item.get("name") or ""),
        sort=int(item.get("sort") or 0),
        semantics=semantics(status_id),
        color=item.get("color") or None,
        system=system,
        # Kept so the planner and audit can tell the unsorted inbox from a working stage.
        extras={"type": "1"} if item.get("type") == UNSORTED_TYPE else {},
    )


def pipeline_stages(item: Json) -> list[Stage]:
    """The statuses embedded in a pipeline (`_embedded.statuses`, §5.4)."""
    return [stage(s, item.get("id")) for s in embedded(item, "statuses")]


def loss_reason(item: Json) -> LossReason:
    """A loss reason (§9)."""
    return LossReason(
        id=str(item["id"]), name=str(item.get("name") or ""), sort=int(item.get("sort") or 0)
    )


def custom_field(item: Json, entity: str) -> CustomField:
    """A custom field definition of `leads`, `contacts` or `companies`."""
    return CustomField(
        entity=FIELD_ENTITIES.get(entity, entity),
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        type=str(item.get("type") or ""),
        multiple=item.get("type") in ("multiselect", "multitext", "checkbox_list"),
        mandatory=bool(item.get("is_required") or False),
    )


def _ids(items: Iterable[Json]) -> tuple[str, ...]:
    return tuple(str(i["id"]) for i in items if i.get("id") is not None)


def deal(item: Json, currency: str | None = None) -> Deal:
    """A lead (§6.2); contacts come only with `with=contacts`, loss reason is an id (§6.3)."""
    status_id = int(item["status_id"])
    companies = embedded(item, "companies")
    contacts = sorted(embedded(item, "contacts"), key=lambda c: not c.get("is_main", False))
    tags = embedded(item, "tags")
    # amoCRM keeps "no budget" as price 0: the model says unknown (None), without a currency.
    price = item.get("price") or None
    return Deal(
        id=str(item["id"]),
        funnel_id=str(item["pipeline_id"]),
        stage_id=str(status_id),
        created_at=int(item["created_at"]),
        entity=EntityKind.DEAL,
        title=str(item.get("name") or ""),
        responsible_id=sid(item.get("responsible_user_id")),
        creator_id=sid(item.get("created_by")),
        contact_ids=_ids(contacts),
        company_id=_ids(companies)[0] if companies else None,
        amount=None if price is None else float(price),
        currency=currency if price is not None else None,
        modified_at=_opt_int(item.get("updated_at")),
        closed_at=_opt_int(item.get("closed_at")),
        closed=status_id in (WON_STATUS, LOST_STATUS),
        source=sid(item.get("source_id")),
        tags=tuple(str(t.get("name") or "") for t in tags),
        loss_reason_id=sid(item.get("loss_reason_id")),
        products=_ids(embedded(item, "catalog_elements")),
    )


def contact(item: Json) -> Contact:
    """A contact; at most one company is embedded (§11)."""
    companies = embedded(item, "companies")
    return Contact(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        company_id=_ids(companies)[0] if companies else None,
        responsible_id=sid(item.get("responsible_user_id")),
        created_at=_opt_int(item.get("created_at")),
    )


def company(item: Json) -> Company:
    """A company."""
    return Company(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        responsible_id=sid(item.get("responsible_user_id")),
        created_at=_opt_int(item.get("created_at")),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def nearest_colour(colour: str | None) -> str | None:
    """The palette colour closest to `colour` (RGB distance); writes outside it fail (§5.3)."""
    if not colour:
        return None
    text = colour.strip().lower()
    if text in PALETTE:
        return text
    rgb = _rgb(text)
    if rgb is None:
        return None
    return min(
        PALETTE, key=lambda p: sum((a - b) ** 2 for a, b in zip(_rgb(p) or rgb, rgb, strict=True))
    )


def _rgb(text: str) -> tuple[int, int, int] | None:
    value = text.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        return None
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except ValueError:
        return None
