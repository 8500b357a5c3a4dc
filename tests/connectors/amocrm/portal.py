"""A hand-built amoCRM PortalState, and the emulator/connector pair the tests use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from pydantic import SecretStr

from funnelkit.connectors.amocrm import AmoCrmConnector
from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
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
    User,
    Vendor,
)

NOW = 1_767_225_600  # 2026-01-01
DAY = 86_400
SALES, REFUSALS = "1001", "1002"
SALES_STAGES = ("2002", "2003")


def _system(funnel: str, unsorted: str) -> list[Stage]:
    return [
        Stage(
            funnel_id=funnel,
            id=unsorted,
            name="Неразобранное",
            sort=10,
            color="#c1c1c1",
            system=True,
            extras={"type": "1"},
        ),
        Stage(
            funnel_id=funnel,
            id="142",
            name="Успешно реализовано",
            sort=10000,
            semantics=Semantics.SUCCESS,
            color="#CCFF66",
            system=True,
        ),
        Stage(
            funnel_id=funnel,
            id="143",
            name="Закрыто и не реализовано",
            sort=11000,
            semantics=Semantics.FAILURE,
            color="#D5D8DB",
            system=True,
        ),
    ]


def _structure(state: PortalState) -> None:
    state.users = {
        "11": User(id="11", name="Анна"),
        "12": User(id="12", name="Борис"),
        "13": User(id="13", name="Вера", active=False),
    }
    state.funnels = {
        SALES: Funnel(id=SALES, name="Продажи", sort=1, is_default=True),
        REFUSALS: Funnel(id=REFUSALS, name="Отказы", sort=2),
    }
    stages = [
        *_system(SALES, "2001"),
        Stage(funnel_id=SALES, id="2002", name="Первичный контакт", sort=20, color="#fffeb2"),
        Stage(funnel_id=SALES, id="2003", name="Переговоры", sort=30, color="#98cbff"),
        *_system(REFUSALS, "2004"),
        Stage(funnel_id=REFUSALS, id="2005", name="Думает", sort=20, color="#ffdbdb"),
    ]
    state.stages = {s.key: s for s in stages}
    state.loss_reasons = {
        "501": LossReason(id="501", name="Дорого", sort=1),
        "502": LossReason(id="502", name="Выбрал конкурента", sort=2),
    }
    state.custom_fields = [
        CustomField(entity="leads", id="601", name="Источник", type="select"),
        CustomField(entity="contacts", id="602", name="Должность", type="text"),
    ]
    state.contacts = {
        str(300 + i): Contact(
            id=str(300 + i),
            name=f"Клиент {i}",
            company_id="401" if i % 2 else None,
            responsible_id="11",
            created_at=NOW - 400 * DAY + i,
        )
        for i in range(1, 31)
    }
    state.companies = {
        "401": Company(
            id="401", name="ООО Ромашка", responsible_id="12", created_at=NOW - 500 * DAY
        ),
        "402": Company(id="402", name="ИП Петров", responsible_id=None, created_at=NOW - 90 * DAY),
    }


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return str(self.n)


def _deal(state: PortalState, i: int, ids: _Ids, history: list[StageTransition]) -> None:
    deal_id = str(5000 + i)
    created = NOW - 300 * DAY + i * 3600
    owner = ("11", "12")[i % 2]
    path: list[tuple[str, str]] = [(SALES, "2002")]
    if i % 3:
        path.append((SALES, "2003"))
    if i % 5 == 0:
        path.append((SALES, "142"))
    elif i % 7 == 0:
        path += [(SALES, "143"), (REFUSALS, "2005")]
    at = created
    prev: tuple[str, str] | None = None
    for funnel, stage in path:
        kind = (
            TransitionKind.CREATED
            if prev is None
            else (TransitionKind.FUNNEL_CHANGED if prev[0] != funnel else TransitionKind.MOVED)
        )
        history.append(
            StageTransition(
                id="",
                deal_id=deal_id,
                funnel_id=funnel,
                to_stage_id=stage,
                at=at,
                from_stage_id=prev[1] if prev else None,
                from_funnel_id=prev[0] if prev else None,
                by=owner if i % 4 else None,
                kind=kind,
            )
        )
        prev = (funnel, stage)
        at += DAY + i
    funnel, stage = path[-1]
    closed = stage in ("142", "143")
    state.deals[deal_id] = Deal(
        id=deal_id,
        funnel_id=funnel,
        stage_id=stage,
        created_at=created,
        title=f"Сделка {i}",
        responsible_id=owner,
        creator_id="11" if i % 3 else None,
        contact_ids=(str(300 + i % 30 + 1),) if i % 4 else (),
        company_id="401" if i % 6 == 0 else None,
        amount=float(1000 * i),
        currency="RUB",
        modified_at=at - DAY - i,
        closed=closed,
        closed_at=at - DAY - i if closed else None,
        tags=("vip",) if i % 10 == 0 else (),
        loss_reason_id="501" if stage == "143" else None,
    )


def _activities(state: PortalState) -> None:
    deals = list(state.deals.values())
    tasks: list[Activity] = []
    for n, deal in enumerate(deals[:400], start=1):
        done = n % 3 == 0
        tasks.append(
            Activity(
                id=f"T{n}",
                kind=ActivityKind.MEETING if n % 11 == 0 else ActivityKind.TASK,
                created_at=deal.created_at + 60,
                deal_id=deal.id,
                responsible_id=deal.responsible_id,
                deadline=deal.created_at + 5 * DAY,
                done=done,
                completed_at=deal.created_at + 2 * DAY if done else None,
                subject=f"Позвонить {n}",
            )
        )
    tasks.append(
        Activity(
            id="T401",
            kind=ActivityKind.TASK,
            created_at=NOW - DAY,
            contact_id="301",
            responsible_id="12",
            deadline=NOW + DAY,
            subject="Контакт",
        )
    )
    calls = [
        Activity(
            id=str(9000 + n),
            kind=(ActivityKind.CALL, ActivityKind.NOTE, ActivityKind.MESSAGE)[n % 3],
            created_at=deal.created_at + 7200,
            deal_id=deal.id,
            responsible_id=deal.responsible_id,
            done=True,
            completed_at=deal.created_at + 7200,
        )
        for n, deal in enumerate(deals[:150], start=1)
    ]
    state.activities = [*calls, *tasks]
    state.deadline_changes = [
        DeadlineChange(
            id=str(n),
            task_id=f"T{n}",
            at=NOW - 200 * DAY + n,
            old_deadline=NOW - 100 * DAY,
            new_deadline=NOW - 90 * DAY,
            by="11",
        )
        for n in range(1, min(21, len(tasks)))
    ]
    state.responsible_changes = [
        ResponsibleChange(
            id=str(n),
            deal_id=deals[n].id,
            at=deals[n].created_at + 100,
            from_user_id="11",
            to_user_id="12",
            by="13" if n % 2 else None,
        )
        for n in range(1, min(41, len(deals)))
    ]


def _last_activity(state: PortalState) -> None:
    """What amoCRM lets a client derive: the latest call/message/note per deal and contact."""
    by_deal: dict[str, int] = {}
    for act in state.activities:
        if not act.id.startswith("T") and act.deal_id is not None:
            by_deal[act.deal_id] = max(by_deal.get(act.deal_id, 0), act.created_at)
    by_contact: dict[str, int] = {}
    for deal_id, deal in list(state.deals.items()):
        at = by_deal.get(deal_id)
        state.deals[deal_id] = replace(deal, last_activity_at=at)
        for contact_id in deal.contact_ids if at is not None else ():
            by_contact[contact_id] = max(by_contact.get(contact_id, 0), at or 0)
    for contact_id, contact in list(state.contacts.items()):
        state.contacts[contact_id] = replace(contact, last_activity_at=by_contact.get(contact_id))


def build_state(deals: int = 620) -> PortalState:
    """Two pipelines, `deals` leads with full history, tasks, calls, notes, contacts."""
    state = PortalState(vendor=Vendor.AMOCRM, domain="acme.amocrm.ru", currency="RUB", now=NOW)
    _structure(state)
    history: list[StageTransition] = []
    ids = _Ids()
    for i in range(1, deals + 1):
        _deal(state, i, ids, history)
    history.sort(key=lambda t: (t.at, int(t.deal_id)))
    state.transitions = [
        StageTransition(**{**_fields(t), "id": str(n)}) for n, t in enumerate(history, start=1)
    ]
    _activities(state)
    _last_activity(state)
    return state


def _fields(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__slots__}


@dataclass
class Running:
    """An emulator serving a state, and a connector pointed at it."""

    state: PortalState
    app: AmoCrmApp
    server: EmulatorServer
    connector: AmoCrmConnector


def settings_for(url: str, **extra: Any) -> PortalSettings:
    """Settings for the emulator; a fast rate so tests stay quick unless asked otherwise."""
    values: dict[str, Any] = {"vendor": Vendor.AMOCRM, "url": url, "rate_limit": 100.0}
    values.update(extra)
    return PortalSettings(**values)


@contextmanager
def running(
    state: PortalState, options: EmulatorOptions | None = None, **settings: Any
) -> Iterator[Running]:
    """Serve `state` and yield a connector using the long-lived token."""
    opts = options or EmulatorOptions()
    app = AmoCrmApp(state, opts)
    with EmulatorServer(app) as server:
        creds = Credentials(token=SecretStr(token_for(opts)))
        connector = AmoCrmConnector(settings_for(server.url, **settings), creds)
        try:
            yield Running(state, app, server, connector)
        finally:
            connector.close()


def expected_history(state: PortalState) -> list[StageTransition]:
    """The stage history a pull of this state gives, in the pull's order.

    A lead's first row is made from the lead (no `lead_added` events are read): its id
    names the lead and its author is the lead's creator.
    """
    from funnelkit.connectors.amocrm.reader import numeric_order

    out = [
        replace(t, id=f"created-{t.deal_id}", by=state.deals[t.deal_id].creator_id)
        if t.from_stage_id is None
        else t
        for t in state.transitions
    ]
    return sorted(out, key=lambda t: numeric_order(t.id))
