"""A snapshot: one portal's structure and records at one moment, with provenance.

The manifest says where the data came from and, per data set, whether it was
pulled, left out by the user, or not offered by the vendor, so a rule can say
"skipped: …" instead of passing silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.model.enums import DataSet, DataState, Vendor
from funnelkit.model.rows import (
    Activity,
    Company,
    Contact,
    DeadlineChange,
    Deal,
    ResponsibleChange,
    StageTransition,
)
from funnelkit.model.structure import Structure

SNAPSHOT_SCHEMA = "funnelkit.snapshot/1"
SNAPSHOT_VERSION = 1


class DataStatus(BaseModel):
    """One data set's state and, when it is missing, why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: DataState
    reason: str | None = None


class Scope(BaseModel):
    """What the pull was asked to read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    funnels: tuple[str, ...] = ()
    since: int | None = None
    history: bool = True
    tasks: bool = True
    incremental_from: str | None = None


class VendorLimits(BaseModel):
    """What the vendor refuses or does by itself; the planner reads this, never the connector.

    Defaults are the safe reading: when unsure, assume the portal refuses.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_funnel_deletable: bool = False
    last_funnel_deletable: bool = False
    funnel_with_deals_deletable: bool = False
    stage_with_deals_deletable: bool = False
    deleting_stage_moves_deals_to_first: bool = False
    semantics_mutable: bool = False
    new_funnel_stages: tuple[str, ...] = ()
    stage_id_max_length: int | None = None
    color_palette: tuple[str, ...] | None = None
    tunnels_writable: bool = False
    loss_reasons_writable: bool = False
    lead_funnel: bool = False


class Manifest(BaseModel):
    """Provenance and bookkeeping of a snapshot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_: str = Field(default=SNAPSHOT_SCHEMA, alias="schema")
    vendor: Vendor
    domain: str
    pulled_at: int
    funnelkit_version: str = ""
    data: dict[DataSet, DataStatus] = Field(default_factory=dict)
    scope: Scope = Field(default_factory=Scope)
    limits: VendorLimits = Field(default_factory=VendorLimits)
    earliest_event_at: int | None = None
    cursors: dict[str, str] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    # Data sets that smart-process (SPA) items lack although deals have them, and why; the
    # audit does not judge SPA funnels by rules needing them. Empty in older snapshots.
    spa_data: dict[DataSet, DataStatus] = Field(default_factory=dict)

    def status(self, dataset: DataSet) -> DataStatus:
        """The state of one data set (absent means not pulled)."""
        return self.data.get(
            dataset, DataStatus(state=DataState.NOT_PULLED, reason="not in this snapshot")
        )

    def has(self, dataset: DataSet) -> bool:
        """True when the data set was pulled."""
        return self.status(dataset).state is DataState.PULLED


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Structure + records + manifest. Audit, planner and export read nothing else."""

    manifest: Manifest
    structure: Structure
    deals: Sequence[Deal] = ()
    transitions: Sequence[StageTransition] = ()
    responsible_changes: Sequence[ResponsibleChange] = ()
    activities: Sequence[Activity] = ()
    deadline_changes: Sequence[DeadlineChange] = ()
    contacts: Sequence[Contact] = ()
    companies: Sequence[Company] = ()
    extras: dict[str, Any] = field(default_factory=dict)
    # Indexes derived from the tables (one history index shared by audit and metrics),
    # keyed by the identity of the tables they were built from; never compared or saved.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    TABLES = (
        "deals",
        "transitions",
        "responsible_changes",
        "activities",
        "deadline_changes",
        "contacts",
        "companies",
    )

    def forget_derived(self) -> None:
        """Let the derived indexes go (they are built again if asked for): once the audit
        and the metrics are done, the history index is hundreds of megabytes at a million
        deals that the report does not read."""
        self.memo.clear()

    def counts(self) -> dict[str, int]:
        """Row count per table."""
        return {name: len(getattr(self, name)) for name in self.TABLES}

    def with_counts(self) -> Snapshot:
        """The same snapshot with the manifest's counts filled in."""
        return replace(self, manifest=self.manifest.model_copy(update={"counts": self.counts()}))
