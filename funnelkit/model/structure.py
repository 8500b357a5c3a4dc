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
    """A Bitrix24 deal category or the lead statuses; an amoCRM pipeline."""

    id: str
    name: str
    kind: FunnelKind = FunnelKind.DEAL
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


class Structure(Frozen):
    """Everything about a portal except its records."""

    portal: Portal
    users: tuple[User, ...] = ()
    funnels: tuple[Funnel, ...] = ()
    stages: tuple[Stage, ...] = ()
    loss_reasons: tuple[LossReason, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    tunnels: tuple[Tunnel, ...] = ()

    def funnel(self, funnel_id: str) -> Funnel | None:
        """The funnel with this id, if any."""
        return next((f for f in self.funnels if f.id == funnel_id), None)

    def stages_of(self, funnel_id: str) -> list[Stage]:
        """The funnel's stages in the vendor's order."""
        return sorted((s for s in self.stages if s.funnel_id == funnel_id), key=lambda s: s.sort)
