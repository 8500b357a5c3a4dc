"""What stage, removal and tunnel planning take and give back, without importing the planner.

`PlanContext` holds the inputs of one planning run, read-only: the snapshot and
blueprint, the vendor profile and limits, the options and how each blueprint funnel
matched the portal. Stage, removal and tunnel planning are functions of a context (and
the funnel they plan) that return a `Planned`: changes in emission order, warnings,
refusals, unmanaged objects, manual steps and what they touched for the thresholds.
The planner concatenates those and puts the changes in apply order; nothing is written
into a shared object. Those modules depend on this one only: no import cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from funnelkit.blueprint.matching import How
from funnelkit.blueprint.plan import ManualStep, Unmanaged
from funnelkit.blueprint.profile import VendorProfile
from funnelkit.blueprint.schema import Blueprint, FunnelSpec, LossReasonSpec, StageSpec
from funnelkit.blueprint.state import PortalIds
from funnelkit.model import (
    Change,
    DataSet,
    Funnel,
    Semantics,
    Snapshot,
    Stage,
    Thresholds,
    VendorLimits,
)

DealCounter = Callable[[str, str | None], int | None]


@dataclass
class PlanOptions:
    """What the planner needs besides the snapshot and blueprint."""

    ids: PortalIds = field(default_factory=PortalIds)
    count_deals: DealCounter | None = None  # live portal: connector.count_deals
    thresholds: Thresholds | None = None  # a portal's config overrides the blueprint's


@dataclass(frozen=True)
class FunnelMatch:
    """A blueprint funnel with its portal funnel (real or still to be created)."""

    spec: FunnelSpec
    pos: int
    funnel: Funnel | None
    stages: tuple[Stage, ...]  # portal stages we may manage, in portal order
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


@dataclass
class Planned:
    """What one planning step found; the planner joins them in order."""

    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    manual: list[ManualStep] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # loss-reason:KEY → vendor id
    touched: Counter[tuple[str, str]] = field(default_factory=Counter)  # (funnel key, kind)

    def join(self, other: Planned) -> Planned:
        """This step's findings followed by `other`'s (self is extended and returned)."""
        self.changes += other.changes
        self.warnings += other.warnings
        self.refusals += other.refusals
        self.unmanaged += other.unmanaged
        self.manual += other.manual
        self.matched.update(other.matched)
        self.touched.update(other.touched)
        return self


@dataclass(frozen=True)
class PlanContext:
    """The inputs of one planning run, as stage, removal and tunnel planning read them."""

    snapshot: Snapshot
    bp: Blueprint
    limits: VendorLimits
    options: PlanOptions
    profile: VendorProfile
    matches: dict[str, FunnelMatch] = field(default_factory=dict)
    # Blueprint `spa` funnel key → the entityTypeId of its smart process on this portal.
    process_types: dict[str, int] = field(default_factory=dict)
    # Deals per (funnel, stage) of the snapshot, built on first use ("" = the whole funnel).
    _deal_index: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict, repr=False)

    def name(self, names_holder: FunnelSpec | StageSpec | LossReasonSpec) -> str:
        """The object's name in the blueprint's language."""
        return names_holder.names.get(self.bp.language)

    def count(self, funnel_id: str, stage_id: str | None) -> int | None:
        """Deals in a stage or funnel; None when neither the portal nor the snapshot can say."""
        if self.options.count_deals is not None:
            return self.options.count_deals(funnel_id, stage_id)
        if not self.snapshot.manifest.has(DataSet.DEALS):
            return None
        if "deals" not in self._deal_index:
            index: Counter[tuple[str, str]] = Counter()
            for deal in self.snapshot.deals:
                index[(deal.funnel_id, deal.stage_id)] += 1
                index[(deal.funnel_id, "")] += 1
            self._deal_index["deals"] = index
        return self._deal_index["deals"][(funnel_id, stage_id or "")]
