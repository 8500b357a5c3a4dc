"""What stage, removal and tunnel planning share with the planner, without importing it.

`PlanContext` is the planner as those modules see it: the snapshot and blueprint, the
vendor limits, and where changes, warnings, refusals and unmanaged objects are collected.
They depend on this module only, and the planner imports them: no import cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from funnelkit.blueprint.matching import How
from funnelkit.blueprint.plan import ManualStep, Unmanaged
from funnelkit.blueprint.profile import VendorProfile
from funnelkit.blueprint.schema import Blueprint, FunnelSpec, LossReasonSpec, StageSpec
from funnelkit.blueprint.state import PortalIds
from funnelkit.model import (
    Change,
    Funnel,
    Semantics,
    Snapshot,
    Stage,
    Thresholds,
    Vendor,
    VendorLimits,
)

DealCounter = Callable[[str, str | None], int | None]
Position = tuple[int, int]


@dataclass
class PlanOptions:
    """What the planner needs besides the snapshot and blueprint."""

    ids: PortalIds = field(default_factory=PortalIds)
    count_deals: DealCounter | None = None  # live portal: connector.count_deals
    thresholds: Thresholds | None = None  # a portal's config overrides the blueprint's


@dataclass
class FunnelMatch:
    """A blueprint funnel with its portal funnel (real or still to be created)."""

    spec: FunnelSpec
    pos: int
    funnel: Funnel | None
    stages: list[Stage]  # portal stages we may manage, in portal order
    matched: dict[str, Stage]
    virtual: bool  # created by this plan: ids become known during apply
    owned: bool = False  # created by an earlier apply: its spare default stages may go
    how: dict[str, How] = field(default_factory=dict)  # stage key → what identified it
    funnel_how: How | None = None
    fresh: bool = False  # an unrecorded funnel of ours: deal-less, only vendor defaults left

    @property
    def funnel_id(self) -> str | None:
        return None if self.virtual or self.funnel is None else self.funnel.id


def desired_order(spec: FunnelSpec) -> list[StageSpec]:
    """Working stages in blueprint order, then the success stage, then failures."""
    live = [s for s in spec.stages if not s.leaving]
    rank = {Semantics.PROCESS: 0, Semantics.SUCCESS: 1, Semantics.FAILURE: 2}
    return sorted(live, key=lambda s: rank[s.semantics])


class PlanContext(Protocol):
    """The planning run as stage, removal and tunnel planning use it."""

    snapshot: Snapshot
    bp: Blueprint
    limits: VendorLimits
    options: PlanOptions
    vendor: Vendor
    profile: VendorProfile
    warnings: list[str]
    refusals: list[str]
    unmanaged: list[Unmanaged]
    manual: list[ManualStep]
    touched: Counter[tuple[str, str]]
    matches: dict[str, FunnelMatch]
    matched_extra: dict[str, str]

    def name(self, names_holder: FunnelSpec | StageSpec | LossReasonSpec) -> str:
        """The object's name in the blueprint's language."""

    def add(self, change: Change, pos: Position) -> None:
        """Collect a change at its place in apply order."""

    def count(self, funnel_id: str, stage_id: str | None) -> int | None:
        """Deals in a stage or funnel (None: unknown)."""
