"""A hand-built Bitrix24 PortalState for connector tests (deterministic by seed)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.bitrix24 import Bitrix24App, webhook_url
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    CustomField,
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    Semantics,
    Stage,
    StageTransition,
    TransitionKind,
    User,
    Vendor,
)

START = 1_735_689_600  # 2025-01-01T00:00:00Z
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
P, S, F = Semantics.PROCESS, Semantics.SUCCESS, Semantics.FAILURE
FUNNELS = {
    "0": ("Продажи", [("NEW", P, True), ("PREPARATION", P, False), ("WON", S, True),
                      ("LOSE", F, True)]),
    "2": ("Отказники", [("C2:NEW", P, True), ("C2:UC_WARM", P, False), ("C2:WON", S, True),
                        ("C2:LOSE", F, True)]),
    "LEAD": ("Leads", [("NEW", P, True), ("IN_PROCESS", P, False), ("CONVERTED", S, True),
                       ("JUNK", F, True)]),
}  # fmt: skip


def _structure(state: PortalState) -> None:
    for uid, name in (("1", "Анна Петрова"), ("2", "Ivan Sidorov"), ("3", "Oleg")):
        state.users[uid] = User(id=uid, name=name, active=uid != "3", departments=("1",))
    for sort, (fid, (name, stages)) in enumerate(FUNNELS.items()):
        kind = FunnelKind.LEAD if fid == "LEAD" else FunnelKind.DEAL
        state.funnels[fid] = Funnel(
            id=fid,
            name=name,
            kind=kind,
            sort=0 if kind is FunnelKind.LEAD else (sort + 1) * 10,
            is_default=fid == "0",
        )
        for i, (sid, sem, system) in enumerate(stages):
            state.stages[(fid, sid)] = Stage(
                funnel_id=fid,
                id=sid,
                name=f"Stage {sid}",
                sort=(i + 1) * 10,
                semantics=sem,
                color="#39A8EF",
                system=system,
            )
    state.custom_fields.append(
        CustomField(entity="deal", id="UF_CRM_1", name="Замерщик", type="string")
    )


def _path(rng: random.Random, fid: str) -> list[str]:
    stages = [s for s, _, _ in FUNNELS[fid][1]]
    path = [stages[0]]
    if rng.random() < 0.7:
        path.append(stages[1])
    if rng.random() < 0.6:
        path.append(rng.choice(stages[2:]))
    return path


def _deal(rng: random.Random, did: str, fid: str, stage: str, created: int, lead: bool) -> Deal:
    semantics = next(s for sid, s, _ in FUNNELS[fid][1] if sid == stage)
    closed = semantics is not P
    contacts = (
        (str(rng.randint(1, 40)),)
        if lead
        else tuple(sorted({str(rng.randint(1, 40)) for _ in range(rng.randint(0, 2))}, key=int))
    )
    return Deal(
        id=did, funnel_id=fid, stage_id=stage, created_at=created,
        entity=EntityKind.LEAD if lead else EntityKind.DEAL, title=f"Сделка {did}",
        responsible_id=rng.choice("123"), creator_id=rng.choice("12"), contact_ids=contacts,
        company_id=rng.choice([None, "1", "2"]), amount=float(rng.randint(0, 9999)) + 0.5,
        currency="RUB", modified_at=created + 7200, closed=closed,
        closed_at=created + 3600 if closed else None,
        last_activity_at=rng.choice([None, created + 60]), source=rng.choice([None, "WEB"]),
    )  # fmt: skip


def build_state(deals: int = 300, leads: int = 60, seed: int = 1) -> PortalState:
    """A portal with `deals` deals in two funnels, `leads` leads, full history, tasks."""
    rng = random.Random(seed)
    state = PortalState(vendor=Vendor.BITRIX24, domain="127.0.0.1", now=NOW)
    _structure(state)
    history: list[tuple[int, StageTransition]] = []
    owners = [(str(n), rng.choice(["0", "0", "2"]), False) for n in range(1, deals + 1)]
    owners += [(f"L{n}", "LEAD", True) for n in range(1, leads + 1)]
    for did, fid, lead in owners:
        created = START + rng.randint(0, 300 * 86_400)
        path = _path(rng, fid)
        state.deals[did] = _deal(rng, did, fid, path[-1], created, lead)
        for step, stage in enumerate(path):
            history.append((created + step * 1800, StageTransition(
                id="", deal_id=did, funnel_id=fid, to_stage_id=stage, at=created + step * 1800,
                from_stage_id=path[step - 1] if step else None,
                from_funnel_id=fid if step else None,
                kind=TransitionKind.MOVED if step else TransitionKind.CREATED,
            )))  # fmt: skip
    history.sort(key=lambda item: (item[0], item[1].deal_id))
    state.transitions = [dataclasses.replace(t, id=str(n)) for n, (_, t) in enumerate(history, 1)]
    _activities(state, rng, deals)
    for n in range(1, 41):
        state.contacts[str(n)] = Contact(
            id=str(n), name=f"Контакт {n}", company_id=rng.choice([None, "1"]),
            responsible_id="1", created_at=START + n, last_activity_at=None,
        )  # fmt: skip
    for n in (1, 2):
        state.companies[str(n)] = Company(
            id=str(n), name=f"ООО {n}", responsible_id="2", created_at=START + n
        )
    return state


def _activities(state: PortalState, rng: random.Random, deals: int) -> None:
    kinds = [ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING]
    for n in range(1, deals // 2 + 1):
        done = rng.random() < 0.5
        created = START + n * 600
        state.activities.append(Activity(
            id=str(n), kind=rng.choice(kinds), created_at=created,
            deal_id=str(rng.randint(1, deals)), responsible_id="1", deadline=created + 86_400,
            done=done, completed_at=created + 3600 if done else None, subject=f"Звонок {n}",
        ))  # fmt: skip
    for n in range(1, deals // 3 + 1):
        done = rng.random() < 0.5
        created = START + n * 900
        state.activities.append(Activity(
            id=f"T{n}", kind=ActivityKind.TASK, created_at=created,
            deal_id=rng.choice([str(rng.randint(1, deals)), "L1"]), responsible_id="2",
            deadline=created + 2 * 86_400, done=done,
            completed_at=created + 7200 if done else None, subject=f"Задача {n}",
        ))  # fmt: skip


@dataclass
class Portal:
    """A running emulator and a connector pointed at it."""

    state: PortalState
    server: EmulatorServer
    options: EmulatorOptions
    settings: PortalSettings

    def connector(self, **kwargs: object) -> Bitrix24Connector:
        """A fresh connector using the webhook."""
        creds = Credentials(webhook=SecretStr(webhook_url(self.server.url, self.options)))
        return Bitrix24Connector(self.settings, creds, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running(
    state: PortalState, faults: FaultPlan | None = None, scale: float = 1.0, **options: object
) -> Iterator[Portal]:
    """Serve `state` on a free port for the duration of the block."""
    opts = EmulatorOptions(clock=Clock(scale=scale, start=NOW), **options)  # type: ignore[arg-type]
    server = EmulatorServer(Bitrix24App(state, opts), faults=faults).start()
    settings = PortalSettings(vendor=Vendor.BITRIX24, url=server.url, rate_limit=100, burst=1000,
                              max_retry_seconds=5)  # fmt: skip
    try:
        yield Portal(state, server, opts, settings)
    finally:
        server.stop()
