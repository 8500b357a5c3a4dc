"""The shape of a portal: users, funnels, stages, loss reasons, fields, tunnels.

Small and few, so these are validated pydantic models. Vendor ids are strings;
a stage is identified by (funnel_id, id) because amoCRM's 142 and 143 repeat in
every pipeline.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.model.enums import (
    FunnelKind,
    FunnelRole,
    RoleSource,
    Semantics,
    TunnelMode,
    TunnelSource,
    Vendor,
)


class Frozen(BaseModel):
    """Immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Portal(Frozen):
    """The account itself. `domain` never carries a credential."""

    vendor: Vendor
    domain: str
    account_id: str | None = None  # amoCRM account id; with vendor and domain, the identity
    currency: str | None = None
    name: str | None = None
    timezone: str | None = None


class User(Frozen):
    """A portal user: responsible, creator, mover."""

    id: str
    name: str
    active: bool = True
    departments: tuple[str, ...] = ()


class Funnel(Frozen):
    """A Bitrix24 deal category, the lead statuses or a smart-process category; an amoCRM
    pipeline. A smart-process funnel names its process by `entity_type_id`."""

    id: str
    name: str
    kind: FunnelKind = FunnelKind.DEAL
    entity_type_id: int | None = None
    sort: int = 0
    is_default: bool = False
    role: FunnelRole | None = None
    role_source: RoleSource | None = None
    extras: dict[str, str] = Field(default_factory=dict)


class Stage(Frozen):
    """One stage of one funnel, in the vendor's order (`sort`)."""

    funnel_id: str
    id: str
    name: str
    sort: int
    semantics: Semantics = Semantics.PROCESS
    color: str | None = None
    system: bool = False
    extras: dict[str, str] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """The stage's identity in a snapshot."""
        return (self.funnel_id, self.id)


class LossReason(Frozen):
    """An amoCRM loss reason. Bitrix24 expresses reasons as failure stages instead."""

    id: str
    name: str
    sort: int = 0


class CustomField(Frozen):
    """A user-defined field of deals, leads, contacts or companies."""

    entity: str
    id: str
    name: str
    type: str
    multiple: bool = False
    mandatory: bool = False
    extras: dict[str, str] = Field(default_factory=dict)


class Tunnel(Frozen):
    """A link carrying deals from a stage of one funnel into another funnel."""

    from_funnel_id: str
    from_stage_id: str
    to_funnel_id: str
    to_stage_id: str | None = None
    mode: TunnelMode = TunnelMode.COPY
    source: TunnelSource = TunnelSource.VENDOR
    extras: dict[str, str] = Field(default_factory=dict)


class SmartProcess(Frozen):
    """A Bitrix24 smart process (SPA): a user-defined entity type whose categories are funnels.

    `entity_type_id` is the one every method takes (bitrix24.md §12: "for a smart process
    with id 7, the entityTypeId value is 177"); `id` is the type's own row id.
    """

    entity_type_id: int
    title: str
    id: str | None = None
    code: str = ""
    categories_enabled: bool = True


class Structure(Frozen):
    """Everything about a portal except its records."""

    portal: Portal
    users: tuple[User, ...] = ()
    funnels: tuple[Funnel, ...] = ()
    stages: tuple[Stage, ...] = ()
    loss_reasons: tuple[LossReason, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    tunnels: tuple[Tunnel, ...] = ()
    # After tunnels, with a default: snapshots written before smart processes still load.
    smart_processes: tuple[SmartProcess, ...] = ()

    def funnel(self, funnel_id: str) -> Funnel | None:
        """The funnel with this id, if any."""
        return next((f for f in self.funnels if f.id == funnel_id), None)

    def stages_of(self, funnel_id: str) -> list[Stage]:
        """The funnel's stages in the vendor's order."""
        return sorted((s for s in self.stages if s.funnel_id == funnel_id), key=lambda s: s.sort)


def spa_funnel_id(entity_type_id: int, category_id: int | str) -> str:
    """A smart-process funnel's id: the vendor's stage prefix `DT{type}_{category}` (§6.3),
    so it never meets a deal category id (both number from 1)."""
    return f"DT{entity_type_id}_{category_id}"


def spa_item_id(entity_type_id: int, number: int | str) -> str:
    """A smart-process item's id in the deals table: the vendor's CRM binding form
    `T{hex(type)}_{id}` (bitrix24.md §9.3), unique beside deal numbers and `L` leads."""
    return f"T{entity_type_id:x}_{number}"


def spa_item_number(item_id: str) -> int:
    """The vendor number of an item id written by `spa_item_id`."""
    return int(item_id.rsplit("_", 1)[1])
