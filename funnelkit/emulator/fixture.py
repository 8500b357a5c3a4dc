"""Hand-written portal files (YAML or JSON) to `PortalState` and back."""

from __future__ import annotations

import os
from typing import Any

from funnelkit.emulator.fixture_check import check_fixture
from funnelkit.emulator.fixture_dump import dump_fixture
from funnelkit.emulator.fixture_model import Fixture, FxActivity, FxDeal, fixture_schema
from funnelkit.emulator.state import TASK_PREFIX, PortalState
from funnelkit.errors import ConfigError
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    CustomField,
    DeadlineChange,
    Deal,
    Funnel,
    LossReason,
    ResponsibleChange,
    Semantics,
    Stage,
    StageTransition,
    TransitionKind,
    Tunnel,
    TunnelMode,
    User,
)
from funnelkit.yamlio import YamlDoc, load_yaml, validate

__all__ = ["dump_fixture", "fixture_schema", "load_fixture", "state_from_fixture"]

HINT = "fix the fixture; `funnelkit schema emulator-fixture` prints its JSON Schema"


def load_fixture(path: str | os.PathLike[str]) -> PortalState:
    """Read a fixture file; every problem is reported at once with file:line:col."""
    doc = load_yaml(path, ConfigError)
    return _from_doc(doc)


def state_from_fixture(data: dict[str, Any], name: str = "<fixture>") -> PortalState:
    """Build a portal from fixture data already in memory (e.g. `dump_fixture` output)."""
    return _from_doc(YamlDoc(path=name, data=data))


def _from_doc(doc: YamlDoc) -> PortalState:
    fx = validate(doc, Fixture, ConfigError, hint=HINT)
    problems = check_fixture(fx)
    if problems:
        lines = [f"{doc.where(loc)}: {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems]
        count = len(lines)
        head = f"{doc.path}: {count} problem{'s' if count != 1 else ''}"
        raise ConfigError(head + "\n  " + "\n  ".join(lines), hint=HINT)
    return build_state(fx)


def id_key(value: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, prefixed ones (L7, T3) after, by their number."""
    if value.isdigit():
        return (0, int(value), value)
    digits = value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (1, int(digits) if digits.isdigit() else 0, value)


def build_state(fx: Fixture) -> PortalState:
    """The portal a validated, cross-checked fixture describes."""
    state = PortalState(vendor=fx.vendor, domain=fx.domain, currency=fx.currency, now=fx.now)
    _structure(state, fx)
    state.companies = {
        c.id: Company(id=c.id, name=c.name, responsible_id=c.responsible, created_at=c.created_at)
        for c in sorted(fx.companies, key=lambda c: id_key(c.id))
    }
    state.contacts = {
        c.id: Contact(
            id=c.id,
            name=c.name,
            company_id=c.company,
            responsible_id=c.responsible,
            created_at=c.created_at,
            last_activity_at=c.last_activity_at,
        )
        for c in sorted(fx.contacts, key=lambda c: id_key(c.id))
    }
    deals = sorted(fx.deals, key=lambda d: (d.entity != "deal", id_key(d.id)))
    for deal in deals:
        state.deals[deal.id] = _deal(state, deal)
    _history(state, deals)
    _activities(state, deals, fx.activities)
    _next_ids(state)
    return state


def _structure(state: PortalState, fx: Fixture) -> None:
    """Users, funnels with their stages, loss reasons, fields and tunnels."""
    state.users = {
        u.id: User(id=u.id, name=u.name, active=u.active, departments=tuple(u.departments))
        for u in fx.users
    }
    for f_index, f in enumerate(fx.funnels):
        sort = f.sort if f.sort is not None else f_index * 10
        state.funnels[f.id] = Funnel(
            id=f.id, name=f.name, kind=f.kind, sort=sort, is_default=f.is_default, role=f.role
        )
        for s_index, s in enumerate(f.stages):
            state.stages[(f.id, s.id)] = Stage(
                funnel_id=f.id,
                id=s.id,
                name=s.name,
                sort=s.sort if s.sort is not None else (s_index + 1) * 10,
                semantics=s.semantics,
                color=s.color,
                system=s.system,
                extras=s.extras,
            )
    state.loss_reasons = {
        r.id: LossReason(id=r.id, name=r.name, sort=r.sort) for r in fx.loss_reasons
    }
    state.custom_fields = [CustomField(**c.model_dump()) for c in fx.custom_fields]
    state.tunnels = [
        Tunnel(
            from_funnel_id=t.from_.funnel,
            from_stage_id=t.from_.stage or "",
            to_funnel_id=t.to.funnel,
            to_stage_id=t.to.stage,
            mode=TunnelMode(t.mode),
        )
        for t in fx.tunnels
    ]


def _deal(state: PortalState, d: FxDeal) -> Deal:
    funnel = d.funnel
    for move in d.history:
        funnel = move.funnel or funnel
    last = d.history[-1]
    closed = state.stages[(funnel, last.stage)].semantics != Semantics.PROCESS
    return Deal(
        id=d.id,
        funnel_id=funnel,
        stage_id=last.stage,
        created_at=d.history[0].at,
        entity=d.entity,
        title=d.title,
        responsible_id=d.responsible,
        creator_id=d.creator,
        contact_ids=tuple(d.contacts),
        company_id=d.company,
        amount=d.amount,
        currency=d.currency,
        modified_at=d.modified_at if d.modified_at is not None else last.at,
        closed_at=d.closed_at if d.closed_at is not None else (last.at if closed else None),
        closed=closed,
        last_activity_at=d.last_activity_at,
        source=d.source,
        tags=tuple(d.tags),
        loss_reason_id=d.loss_reason,
        products=tuple(d.products),
    )


def _history(state: PortalState, deals: list[FxDeal]) -> None:
    """Transitions and responsible changes, with ids given in time order."""
    rows: list[tuple[int, int, int, StageTransition]] = []
    changes: list[tuple[int, int, int, ResponsibleChange]] = []
    for d_index, d in enumerate(deals):
        funnel, prev_funnel, prev_stage = d.funnel, None, None
        for h_index, move in enumerate(d.history):
            funnel = move.funnel or funnel
            kind = TransitionKind.MOVED
            if prev_stage is None:
                kind = TransitionKind.CREATED
            elif funnel != prev_funnel:
                kind = TransitionKind.FUNNEL_CHANGED
            row = StageTransition(
                id="",
                deal_id=d.id,
                funnel_id=funnel,
                to_stage_id=move.stage,
                at=move.at,
                from_stage_id=prev_stage,
                from_funnel_id=prev_funnel,
                by=move.by,
                kind=kind,
            )
            rows.append((move.at, d_index, h_index, row))
            prev_funnel, prev_stage = funnel, move.stage
        for r_index, c in enumerate(d.responsible_changes):
            change = ResponsibleChange("", d.id, c.at, c.from_, c.to, c.by)
            changes.append((c.at, d_index, r_index, change))
    rows.sort(key=lambda r: r[:3])
    changes.sort(key=lambda r: r[:3])
    state.transitions = [_with_id(r[3], n) for n, r in enumerate(rows, 1)]
    state.responsible_changes = [_with_id(c[3], n) for n, c in enumerate(changes, 1)]


def _with_id(row: Any, number: int) -> Any:
    from dataclasses import replace

    return replace(row, id=str(number))


def _activities(state: PortalState, deals: list[FxDeal], loose: list[FxActivity]) -> None:
    """Activities and deadline changes; tasks without an id get `T<n>`, others `<n>`."""
    items = [(a, d.id) for d in deals for a in d.activities] + [(a, None) for a in loose]
    # Ties in time go by the id's number: the generator numbers tasks and others from one counter.
    items.sort(key=lambda item: (item[0].created_at, id_key(item[0].id or "0")[1]))
    given = [id_key(a.id)[1] for a, _ in items if a.id is not None]
    counter = max(given, default=0)
    built: list[Activity] = []
    deadline_rows: list[tuple[int, int, int, DeadlineChange]] = []
    for a_index, (a, deal_id) in enumerate(items):
        if a.id is None:
            counter += 1
            prefix = TASK_PREFIX if a.kind == ActivityKind.TASK else ""
            activity_id = f"{prefix}{counter}"
        else:
            activity_id = a.id
        built.append(
            Activity(
                id=activity_id,
                kind=a.kind,
                created_at=a.created_at,
                deal_id=deal_id,
                contact_id=a.contact,
                responsible_id=a.responsible,
                deadline=a.deadline,
                done=a.done,
                completed_at=a.completed_at,
                subject=a.subject,
            )
        )
        for c_index, c in enumerate(a.deadline_changes):
            row = DeadlineChange("", activity_id, c.at, c.old, c.new, c.by)
            deadline_rows.append((c.at, a_index, c_index, row))
    built.sort(key=lambda a: (a.created_at, id_key(a.id)[1], a.id))
    state.activities = built
    deadline_rows.sort(key=lambda r: r[:3])
    state.deadline_changes = [_with_id(r[3], n) for n, r in enumerate(deadline_rows, 1)]


def _next_ids(state: PortalState) -> None:
    """Let an emulator app continue each table's numbering above what the fixture used."""

    def top(ids: Any) -> int:
        return max((id_key(i)[1] for i in ids), default=0) + 1

    state.next_ids.update(
        {
            "deals": top(d.id for d in state.deals.values() if d.entity == "deal"),
            "leads": top(d.id for d in state.deals.values() if d.entity == "lead"),
            "transitions": len(state.transitions) + 1,
            "responsible_changes": len(state.responsible_changes) + 1,
            "deadline_changes": len(state.deadline_changes) + 1,
            "activities": top(a.id for a in state.activities),
            "contacts": top(state.contacts),
            "companies": top(state.companies),
        }
    )
