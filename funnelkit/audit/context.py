"""AuditContext: one snapshot plus `now` and the shared indexes every rule reads.

Indexes are computed lazily and at most once per run (`cached_property`), so a
million-deal snapshot is scanned once for history however many rules use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

import numpy as np
import numpy.typing as npt

from funnelkit.audit import naming
from funnelkit.audit.columns import ContactColumns, DealColumns, OpenTasks, latest_interaction
from funnelkit.audit.findings import RoleInfo, Subject
from funnelkit.audit.stats import StageFlows, build_flows
from funnelkit.index.history import HistoryIndex, history_index
from funnelkit.model import (
    ActivityKind,
    DataSet,
    Deal,
    Funnel,
    FunnelRole,
    RoleSource,
    Semantics,
    Snapshot,
    Stage,
    StageTransition,
)
from funnelkit.model.phrase import Phrase
from funnelkit.names import FunnelInput, StageInput, analyse_funnel

StageKey = tuple[str, str]
_EMPTY: npt.NDArray[np.int64] = np.zeros(0, np.int64)
INTERACTIONS = frozenset(
    {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.MESSAGE}
)

#: Why a funnel has its role when no name analysis was needed (translated by the report).
SET_IN_SETTINGS = Phrase("set in settings", "role.reason")
RECORDED = Phrase("recorded in the snapshot", "role.reason")


# Most specific first: which label `name_verdicts` keeps when a stage has several.
_SPECIFIC = {
    "dump": 0,
    "merged": 1,
    "sales-stage-in-lead-funnel": 2,
    "too-granular": 3,
    "vague": 4,
    "ok": 5,
}


def _specific_first(v: naming.Verdict) -> tuple[int, float]:
    return (_SPECIFIC.get(v.label, 9), -v.confidence)


def _all_verdicts(
    funnel: Funnel, stages: list[Stage], role: FunnelRole | None
) -> list[tuple[str, naming.Verdict]]:
    """Every (stage id, verdict) pair of one funnel, none dropped."""
    inputs = tuple(
        StageInput(id=s.id, name=s.name, sort=s.sort, semantics=s.semantics) for s in stages
    )
    analysis = analyse_funnel(
        FunnelInput(id=funnel.id, name=funnel.name, kind=funnel.kind, role=role, stages=inputs)
    )
    return [
        (
            str(v.stage_id),
            naming.Verdict(
                str(v.label), naming.reason(v.code, dict(v.params), v.notes), float(v.confidence)
            ),
        )
        for v in analysis.verdicts
    ]


class AuditContext:
    """Read-only view of a snapshot for rules, with indexes built on first use."""

    def __init__(
        self,
        snapshot: Snapshot,
        now: int,
        *,
        roles: Mapping[str, tuple[FunnelRole, RoleSource]] | None = None,
        stage_sla_days: Mapping[str, Mapping[str, float]] | None = None,
        sla_source: str = "config",
    ) -> None:
        self.snapshot = snapshot
        self.now = now
        self.vendor = snapshot.manifest.vendor
        self.structure = snapshot.structure
        self.funnels: dict[str, Funnel] = {f.id: f for f in snapshot.structure.funnels}
        self.stages: dict[StageKey, Stage] = {s.key: s for s in snapshot.structure.stages}
        self.users = {u.id: u for u in snapshot.structure.users}
        self.stage_sla_days = {f: dict(v) for f, v in (stage_sla_days or {}).items()}
        self.sla_source = sla_source
        self._role_settings = dict(roles or {})
        self._stage_subjects: dict[StageKey, Subject] = {}

    # --- structure --------------------------------------------------------------------------
    @cached_property
    def ordered(self) -> dict[str, list[Stage]]:
        """Funnel id → its stages in the vendor's order."""
        out: dict[str, list[Stage]] = defaultdict(list)
        for stage in sorted(self.stages.values(), key=lambda s: (s.sort, s.id)):
            out[stage.funnel_id].append(stage)
        return dict(out)

    def process_stages(self, funnel_id: str) -> list[Stage]:
        return [s for s in self.ordered.get(funnel_id, []) if s.semantics is Semantics.PROCESS]

    @cached_property
    def position(self) -> dict[StageKey, int]:
        """Stage key → index among its funnel's process stages (won/lost: after them)."""
        out: dict[StageKey, int] = {}
        for _fid, stages in self.ordered.items():
            process = [s for s in stages if s.semantics is Semantics.PROCESS]
            for i, s in enumerate(process):
                out[s.key] = i
            for s in stages:
                out.setdefault(s.key, len(process))
        return out

    def semantics(self, key: StageKey) -> Semantics | None:
        stage = self.stages.get(key)
        return None if stage is None else stage.semantics

    def funnel_subject(self, funnel_id: str) -> Subject:
        f = self.funnels.get(funnel_id)
        name = f.name if f else funnel_id
        return Subject("funnel", funnel_id, name, funnel_id, name)

    def stage_subject(self, key: StageKey) -> Subject:
        found = self._stage_subjects.get(key)
        if found is None:
            fid, sid = key
            s = self.stages.get(key)
            fname = self.funnel_subject(fid).name
            name = s.name if s else sid
            found = Subject("stage", f"{fid}/{sid}", name, fid, fname, sid, name)
            self._stage_subjects[key] = found
        return found

    def deal_subject(self, deal: Deal) -> Subject:
        fs = self.stage_subject((deal.funnel_id, deal.stage_id))
        return Subject(
            "deal", deal.id, deal.title, deal.funnel_id, fs.funnel_name, deal.stage_id, fs.name
        )

    # --- roles and names ---------------------------------------------------------------------
    @cached_property
    def roles(self) -> dict[str, RoleInfo]:
        """Funnel id → role: settings (blueprint/config) → snapshot → name analyser."""
        out: dict[str, RoleInfo] = {}
        for fid, f in self.funnels.items():
            given = self._role_settings.get(fid) or self._role_settings.get(f.name)
            if given is not None:
                out[fid] = RoleInfo(fid, f.name, given[0], given[1], SET_IN_SETTINGS)
            elif f.role is not None:
                src = f.role_source or RoleSource.CONFIG
                out[fid] = RoleInfo(fid, f.name, f.role, src, RECORDED)
            else:
                g = naming.guess(f, self.ordered.get(fid, []))
                out[fid] = RoleInfo(fid, f.name, g.role, RoleSource.GUESS, g.reason)
        return out

    def role(self, funnel_id: str) -> FunnelRole:
        info = self.roles.get(funnel_id)
        return FunnelRole.OTHER if info is None else info.role

    def role_source(self, funnel_id: str) -> RoleSource:
        """Where the funnel's role came from (a guess unless settings or the snapshot said)."""
        info = self.roles.get(funnel_id)
        return RoleSource.GUESS if info is None else info.source

    def designed(self, funnel_id: str) -> bool:
        """The funnel is one of the blueprint the audit runs against: its stages, their
        names and tasks are the agreed design, not something to second-guess by name."""
        return self.role_source(funnel_id) is RoleSource.BLUEPRINT

    @cached_property
    def name_labels(self) -> dict[StageKey, dict[str, naming.Verdict]]:
        """Stage key → every label the name analyser gave it, computed once per funnel.

        The analyser may give one stage several labels («Клиент думает» is a parking
        stage and a state rather than a task); keeping one per stage lost the others.
        """
        out: dict[StageKey, dict[str, naming.Verdict]] = {}
        for fid, f in self.funnels.items():
            for sid, v in _all_verdicts(f, self.ordered.get(fid, []), self.role(fid)):
                labels = out.setdefault((fid, sid), {})
                if v.label not in labels or v.confidence > labels[v.label].confidence:
                    labels[v.label] = v
        return out

    def name_label(self, key: StageKey, label: str) -> naming.Verdict | None:
        """The analyser's verdict of this label for a stage, if it gave one."""
        return self.name_labels.get(key, {}).get(label)

    @cached_property
    def name_verdicts(self) -> dict[StageKey, naming.Verdict]:
        """Stage key → its most specific name label (see `name_labels` for all of them).

        A specific problem (a parking stage, two stages in one) says more than "vague",
        and any problem more than "ok".
        """
        out: dict[StageKey, naming.Verdict] = {}
        for key, labels in self.name_labels.items():
            out[key] = min(
                labels.values(), key=lambda v: (_SPECIFIC.get(v.label, 9), -v.confidence)
            )
        return out

    # --- deals and history -----------------------------------------------------------------
    @cached_property
    def deal_columns(self) -> DealColumns:
        """The deal table as arrays: what rules scan instead of a million `Deal` objects."""
        return DealColumns(self.snapshot, self.stages)

    @cached_property
    def contact_columns(self) -> ContactColumns:
        return ContactColumns(self.snapshot)

    @cached_property
    def deals_by_funnel(self) -> dict[str, list[Deal]]:
        out: dict[str, list[Deal]] = defaultdict(list)
        for d in self.snapshot.deals:
            out[d.funnel_id].append(d)
        return dict(out)

    @cached_property
    def deals_by_stage(self) -> dict[StageKey, list[Deal]]:
        """Stage key → the deals currently in it."""
        out: dict[StageKey, list[Deal]] = defaultdict(list)
        for d in self.snapshot.deals:
            out[(d.funnel_id, d.stage_id)].append(d)
        return dict(out)

    def is_open(self, deal: Deal) -> bool:
        """Open = not closed and sitting in a process stage."""
        return deal.id in self.open_ids

    @cached_property
    def open_deals(self) -> list[Deal]:
        closed = {k for k, s in self.stages.items() if s.semantics is not Semantics.PROCESS}
        return [
            d
            for d in self.snapshot.deals
            if not d.closed and (d.funnel_id, d.stage_id) not in closed
        ]

    def deals_in(self, semantics: Semantics) -> list[Deal]:
        """Deals sitting in a stage of this semantics (won or lost)."""
        keys = {k for k, s in self.stages.items() if s.semantics is semantics}
        return [d for d in self.snapshot.deals if (d.funnel_id, d.stage_id) in keys]

    @cached_property
    def open_ids(self) -> frozenset[str]:
        return frozenset(d.id for d in self.open_deals)

    @cached_property
    def process_count(self) -> dict[str, int]:
        """Funnel id → number of its process (working) stages."""
        return {fid: len(self.process_stages(fid)) for fid in self.ordered}

    @cached_property
    def hist(self) -> HistoryIndex:
        """Stage history grouped by deal in time order (built once, numpy-backed)."""
        return history_index(self.snapshot)

    @cached_property
    def flows(self) -> StageFlows:
        """Per-stage dwell times, arrivals and exits from the whole history."""
        return build_flows(self.hist)

    def dwell(self, key: StageKey) -> npt.NDArray[np.int64]:
        """Completed visit durations of a stage (seconds); empty without stage history."""
        if not self.snapshot.manifest.has(DataSet.STAGE_HISTORY):
            return _EMPTY
        return self.flows.dwell.get(key, _EMPTY)

    def transitions_of(self, deal_id: str) -> list[StageTransition]:
        """One deal's stage transitions in time order."""
        return self.hist.of(deal_id)

    def last_transition(self, deal_id: str) -> StageTransition | None:
        return self.hist.last(deal_id)

    @cached_property
    def _entries(self) -> dict[str, int]:
        entries = self.hist.stage_entries()
        index = self.hist.deal_index
        found = ((d.id, int(entries[index[d.id]])) for d in self.open_deals)
        return {k: v for k, v in found if v >= 0}

    @cached_property
    def stage_entries(self) -> npt.NDArray[np.int64]:
        """Per deal row: when it last entered its current stage, -1 without history of it."""
        if not self.snapshot.manifest.has(DataSet.STAGE_HISTORY):
            return np.full(self.deal_columns.count, -1, np.int64)
        return self.hist.stage_entries()

    def stage_entry(self, deal: Deal) -> int | None:
        """When the deal last entered its current stage, from history (None without one)."""
        if not self.snapshot.manifest.has(DataSet.STAGE_HISTORY):
            return None
        return self._entries.get(deal.id)

    @cached_property
    def deals_by_contact(self) -> dict[str, list[Deal]]:
        out: dict[str, list[Deal]] = defaultdict(list)
        for d in self.snapshot.deals:
            for c in d.contact_ids:
                out[c].append(d)
        return dict(out)

    # --- tasks and interactions --------------------------------------------------------------
    @cached_property
    def open_task_deadlines(self) -> dict[str, list[int | None]]:
        """Deal id → deadlines of its open tasks (None: a task without deadline)."""
        out: dict[str, list[int | None]] = defaultdict(list)
        for a in self.snapshot.activities:
            if a.kind is ActivityKind.TASK and not a.done and a.deal_id is not None:
                out[a.deal_id].append(a.deadline)
        return dict(out)

    @cached_property
    def open_tasks(self) -> OpenTasks:
        """Open tasks by deal row, as arrays (what `open_task_deadlines` holds as lists)."""
        return OpenTasks(self.snapshot, self.deal_columns)

    @cached_property
    def idle_by_stage(self) -> dict[StageKey, tuple[int, int]]:
        """Stage key → (open deals in it, of which idle: no open task, or only overdue ones)."""
        deals, tasks = self.deal_columns, self.open_tasks
        overdue = tasks.count_before(float(self.now), deals.count)
        idle = deals.open & (tasks.per_deal == overdue)
        size = len(deals.keys)
        here = np.bincount(deals.key[deals.open], minlength=size)
        idle_here = np.bincount(deals.key[idle], minlength=size)
        return {
            k: (int(n), int(i)) for k, n, i in zip(deals.keys, here, idle_here, strict=True) if n
        }

    def task_state(self, deal_id: str) -> tuple[int, int]:
        """(open tasks, of which overdue) for one deal."""
        deadlines = self.open_task_deadlines.get(deal_id, [])
        overdue = sum(1 for d in deadlines if d is not None and d < self.now)
        return len(deadlines), overdue

    @cached_property
    def latest_interaction(self) -> npt.NDArray[np.int64]:
        """Per deal row: its latest interaction, on it or its contacts (0: none)."""
        return latest_interaction(self.snapshot, self.deal_columns)

    @cached_property
    def last_interaction(self) -> dict[str, int]:
        """Deal id or `contact:<id>` → time of the latest call, e-mail, meeting or message."""
        out: dict[str, int] = {}
        for a in self.snapshot.activities:
            if a.kind not in INTERACTIONS:
                continue
            at = a.completed_at or a.created_at
            for key in (a.deal_id, f"contact:{a.contact_id}" if a.contact_id else None):
                if key is not None and at > out.get(key, -1):
                    out[key] = at
        return out
