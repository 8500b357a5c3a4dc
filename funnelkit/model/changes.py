"""Changes a plan asks a portal to make, shared by the planner and the connectors.

Kept with the model so that the blueprint package and the connectors agree on them
without importing each other. Each kind of change is its own small class with its own
typed data (octoDNS's `Create` / `Update` / `Delete`, turned into CRM terms); `Change`
is their discriminated union, tagged by `op`, which is also how a saved plan names them.

A change names its targets by blueprint key and, once known, by vendor id; the applier
fills in ids of objects created earlier in the same apply before handing a change to a
connector. What only the applier needs (a new funnel's default stage found again by its
vendor code, the blueprint keys of a reorder) is a typed field of the change that needs
it, never a private key in a dict.

`APPLY_ORDER` is the one order apply runs changes in. It is the reverse of octoDNS's
(which deletes first to avoid CNAME clashes): in a CRM, creating first leaves a
destination for deals, and deleting last never orphans one.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.model.enums import FunnelKind, Semantics

# The counts a plan shows; every change class belongs to one of them.
Kind = Literal["create", "update", "reorder", "move", "delete"]


class BaseChange(BaseModel):
    """What every change has: the funnel it belongs to, its safety and its summary line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    KIND: ClassVar[Kind]

    funnel_key: str
    funnel_id: str | None = None
    deal_count: int | None = None
    unsafe_reason: str | None = None
    summary: str = ""

    @property
    def phase(self) -> int:
        """Where this change runs in apply order (its class's place in APPLY_ORDER)."""
        return phase_of(type(self))

    @property
    def kind(self) -> Kind:
        """create / update / reorder / move / delete, as the plan's counts show it."""
        return self.KIND

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.summary or self.funnel_key}>"


class StageChange(BaseChange):
    """A change of one existing stage, named by blueprint key and (once known) by vendor id.

    A stage of a funnel created earlier in the same apply has no id at plan time; it is
    found again by the vendor code it was created with (`reuse_code`).
    """

    stage_key: str | None = None
    stage_id: str | None = None
    reuse_code: str | None = Field(
        default=None,
        description="A default stage of a funnel created by this plan, found by its vendor code",
    )


class DealsTarget(BaseModel):
    """Where deals go: by blueprint key, and by vendor id when known at plan time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_funnel_key: str
    target_funnel_id: str | None = None
    target_stage_key: str
    target_stage_id: str | None = None


class NewStage(BaseModel):
    """A stage created together with its funnel (amocrm.md §5.2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str
    sort: int
    semantics: Semantics = Semantics.PROCESS
    color: str | None = None


class CreateFunnel(BaseChange):
    """A new funnel; where the vendor takes them in the same call, with its stages."""

    KIND: ClassVar[Kind] = "create"
    op: Literal["create_funnel"] = "create_funnel"
    name: str
    sort: int
    funnel_kind: FunnelKind = FunnelKind.DEAL
    entity_type_id: int | None = Field(
        default=None, description="The smart process a `spa` funnel is created in (Bitrix24)"
    )
    stages: tuple[NewStage, ...] = ()
    won_name: str | None = None
    lost_name: str | None = None
    closing_stage_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Vendor id of a fixed closing stage (amoCRM 142/143) → blueprint stage key",
    )


class CreateStage(BaseChange):
    """A new stage in an existing funnel (or one created earlier in the same apply)."""

    KIND: ClassVar[Kind] = "create"
    op: Literal["create_stage"] = "create_stage"
    stage_key: str
    name: str
    sort: int
    semantics: Semantics = Semantics.PROCESS
    color: str | None = None
    code: str | None = Field(default=None, description="Bitrix24 STATUS_ID code (§6.3)")


class RenameFunnel(BaseChange):
    """A funnel's new name; `deal_count` says how many deals it relabels."""

    KIND: ClassVar[Kind] = "update"
    op: Literal["rename_funnel"] = "rename_funnel"
    name: str
    old_name: str


class RenameStage(StageChange):
    """A stage's new name; only planned when declared for a stage holding deals."""

    KIND: ClassVar[Kind] = "update"
    op: Literal["rename_stage"] = "rename_stage"
    name: str
    old_name: str


class UpdateStage(StageChange):
    """A stage's other fields (its colour); the name is a RenameStage of its own."""

    KIND: ClassVar[Kind] = "update"
    op: Literal["update_stage"] = "update_stage"
    color: str
    old_color: str | None = None


class ReorderStages(BaseChange):
    """The full order of a funnel's managed stages."""

    KIND: ClassVar[Kind] = "reorder"
    op: Literal["reorder_stages"] = "reorder_stages"
    order: tuple[str | None, ...] = Field(description="Stage ids, None while not yet known")
    stage_keys: tuple[str, ...] = Field(description="The same stages by blueprint key")
    reuse_codes: tuple[str | None, ...] = Field(
        default=(), description="Default-stage codes of a funnel created by this plan"
    )


class CreateLossReason(BaseChange):
    """A new loss reason (amocrm.md §9); not tied to a funnel."""

    KIND: ClassVar[Kind] = "create"
    op: Literal["create_loss_reason"] = "create_loss_reason"
    funnel_key: str = ""
    reason_key: str
    name: str
    sort: int


class MoveDeals(StageChange, DealsTarget):
    """Every deal of one stage to another stage, possibly of another funnel."""

    KIND: ClassVar[Kind] = "move"
    op: Literal["move_deals"] = "move_deals"


class DeleteStage(StageChange):
    """Remove a stage; its deals, if any, were moved by an earlier change."""

    KIND: ClassVar[Kind] = "delete"
    op: Literal["delete_stage"] = "delete_stage"
    replaces_old: bool = Field(
        default=False,
        description="The old stage of a semantics change: deleted by its id, not by its key",
    )


class MergeStage(StageChange, DealsTarget):
    """`merge_into:`: move every deal of a stage to the target, then delete the stage.

    One change, so that the two halves can never be reordered or split by a plan; the
    applier carries it out as `steps()`, the move always first. Interrupted between the
    two, the next plan finds the stage empty and merges nothing more than a delete.
    """

    KIND: ClassVar[Kind] = "delete"
    op: Literal["merge_stage"] = "merge_stage"

    def steps(self) -> tuple[MoveDeals | DeleteStage, ...]:
        """The move (unless the stage is known to be empty), then the delete."""
        common = {
            "funnel_key": self.funnel_key,
            "funnel_id": self.funnel_id,
            "stage_key": self.stage_key,
            "stage_id": self.stage_id,
            "deal_count": self.deal_count,
            "unsafe_reason": self.unsafe_reason,
            "reuse_code": self.reuse_code,
        }
        # The deals have gone to the target by then: the delete relabels none.
        delete = DeleteStage(
            **{**common, "deal_count": 0}, summary=f"delete (after merge) {self.summary}"
        )
        if self.deal_count == 0:
            return (delete,)
        move = MoveDeals(
            **common,
            target_funnel_key=self.target_funnel_key,
            target_funnel_id=self.target_funnel_id,
            target_stage_key=self.target_stage_key,
            target_stage_id=self.target_stage_id,
            summary=f"move deals (merge) {self.summary}",
        )
        return (move, delete)


class DeleteLossReason(BaseChange):
    """Remove a loss reason (amocrm.md §9)."""

    KIND: ClassVar[Kind] = "delete"
    op: Literal["delete_loss_reason"] = "delete_loss_reason"
    funnel_key: str = ""
    reason_key: str
    reason_id: str | None = None
    name: str


class DeleteFunnel(BaseChange):
    """Remove a funnel; its deals were moved stage by stage by earlier changes."""

    KIND: ClassVar[Kind] = "delete"
    op: Literal["delete_funnel"] = "delete_funnel"


Change = Annotated[
    CreateFunnel
    | CreateStage
    | RenameFunnel
    | RenameStage
    | UpdateStage
    | ReorderStages
    | CreateLossReason
    | MoveDeals
    | MergeStage
    | DeleteStage
    | DeleteLossReason
    | DeleteFunnel,
    Field(discriminator="op"),
]

# The one apply order: a class's phase is its row here; same-row classes share a phase.
APPLY_ORDER: tuple[tuple[type[BaseChange], ...], ...] = (
    (CreateFunnel,),
    (CreateStage,),
    (RenameFunnel, RenameStage, UpdateStage),
    (ReorderStages,),
    (CreateLossReason,),
    (MoveDeals,),
    (MergeStage,),
    (DeleteStage, DeleteLossReason),
    (DeleteFunnel,),
)
_PHASE: dict[type[BaseChange], int] = {
    cls: phase for phase, row in enumerate(APPLY_ORDER, start=1) for cls in row
}


def phase_of(cls: type[BaseChange]) -> int:
    """A change class's place in apply order."""
    return _PHASE[cls]


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
