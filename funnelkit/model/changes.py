"""Changes a plan asks a portal to make, shared by the planner and the connectors.

Kept with the model so that the blueprint package and the connectors agree on
them without importing each other. A change names its targets by blueprint key
and, once known, by vendor id; the applier fills in ids of objects created
earlier in the same apply before handing a change to a connector.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChangeOp(StrEnum):
    """What a change does. The order of PHASES is the order apply runs them in."""

    CREATE_FUNNEL = "create_funnel"
    CREATE_STAGE = "create_stage"
    UPDATE_FUNNEL = "update_funnel"
    UPDATE_STAGE = "update_stage"
    REORDER_STAGES = "reorder_stages"
    CREATE_LOSS_REASON = "create_loss_reason"
    MOVE_DEALS = "move_deals"
    DELETE_STAGE = "delete_stage"
    DELETE_LOSS_REASON = "delete_loss_reason"
    DELETE_FUNNEL = "delete_funnel"
    MANUAL = "manual"


# Creating first leaves a destination for deals; deleting last never orphans one.
PHASES: dict[ChangeOp, int] = {
    ChangeOp.CREATE_FUNNEL: 1,
    ChangeOp.CREATE_STAGE: 2,
    ChangeOp.UPDATE_FUNNEL: 3,
    ChangeOp.UPDATE_STAGE: 3,
    ChangeOp.REORDER_STAGES: 4,
    ChangeOp.CREATE_LOSS_REASON: 5,
    ChangeOp.MOVE_DEALS: 6,
    ChangeOp.DELETE_STAGE: 7,
    ChangeOp.DELETE_LOSS_REASON: 7,
    ChangeOp.DELETE_FUNNEL: 8,
    ChangeOp.MANUAL: 9,
}


class Binding(BaseModel):
    """How apply finds a change's targets when their ids are not known at plan time.

    Typed instead of private keys in `fields`: what the planner tells the applier, never
    sent to a vendor (the applier hands connectors the change with `binding` cleared).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    reuse_code: str | None = Field(
        default=None, description="A new funnel's default stage, found by its vendor code"
    )
    replaces_old: bool = Field(
        default=False, description="Deletes the old stage of a semantics change (by id)"
    )
    order_keys: tuple[str, ...] = Field(default=(), description="Stage keys of a reorder")
    order_reuse: tuple[str | None, ...] = Field(
        default=(), description="Default-stage codes of a reorder in a new funnel"
    )
    closing_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Vendor id of a closing stage (amoCRM 142/143) → the blueprint stage key",
    )

    @property
    def inside_other_change(self) -> bool:
        """Part of creating a funnel or of a semantics change, not a change of its own."""
        return self.reuse_code is not None or self.replaces_old


class Change(BaseModel):
    """One step of a plan.

    `fields` holds the values to write (name, sort, color, semantics, kind, …);
    `before` the portal's current values for updates. For MOVE_DEALS the
    destination is `target_funnel_id`/`target_stage_id` (or their keys).
    REORDER_STAGES carries the full stage order in `fields["order"]` (stage ids).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: ChangeOp
    funnel_key: str
    funnel_id: str | None = None
    stage_key: str | None = None
    stage_id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    before: dict[str, Any] = Field(default_factory=dict)
    target_funnel_key: str | None = None
    target_funnel_id: str | None = None
    target_stage_key: str | None = None
    target_stage_id: str | None = None
    deal_count: int | None = None
    unsafe_reason: str | None = None
    summary: str = ""
    binding: Binding | None = None

    @property
    def phase(self) -> int:
        """Where this change runs in apply order."""
        return PHASES[self.op]


class Thresholds(BaseModel):
    """octoDNS-style safety: a plan touching too large a share of a portal needs --force.

    The one model for every place thresholds are set: a blueprint (`thresholds:`, per
    funnel or for the whole blueprint) and a portal of funnelkit.yaml, which wins.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    update_pct: float = Field(default=0.3, gt=0, le=1, description="Share of objects updated")
    delete_pct: float = Field(default=0.3, gt=0, le=1, description="Share of objects deleted")
    min_objects: int = Field(default=10, ge=1, description="Only check at this many objects")


class ChangeResult(BaseModel):
    """What a connector reports after carrying out one change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vendor_id: str | None = None
    created_ids: dict[str, str] = Field(default_factory=dict)
    moved: int = 0
    note: str | None = None
