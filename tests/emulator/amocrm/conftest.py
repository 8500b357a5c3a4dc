"""A small hand-built amoCRM portal served over real HTTP, and shape comparison helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer, Request, Response
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
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

EXAMPLES = Path(__file__).parent / "examples"
ACCOUNT_ID = 12345678
T0 = 1_700_000_000
P1, P2 = "3177727", "3177800"


def example(name: str) -> Any:
    """One official example, as stored under examples/."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def _stages(pid: str, base: int, names: list[tuple[str, str]]) -> list[Stage]:
    out = [
        Stage(
            funnel_id=pid,
            id=str(base),
            name="Неразобранное",
            sort=10,
            color="#c1c1c1",
            system=True,
            extras={"type": "1"},
        ),
    ]
    colours = ["#99ccff", "#ffcc66", "#fffeb2"]
    for i, (sid, name) in enumerate(names):
        out.append(
            Stage(
                funnel_id=pid,
                id=sid,
                name=name,
                sort=20 + 10 * i,
                color=colours[i % 3],
            )
        )
    out.append(
        Stage(
            funnel_id=pid,
            id="142",
            name="Успешно реализовано",
            sort=10000,
            color="#CCFF66",
            system=True,
            semantics=Semantics.SUCCESS,
        )
    )
    out.append(
        Stage(
            funnel_id=pid,
            id="143",
            name="Закрыто и не реализовано",
            sort=11000,
            color="#D5D8DB",
            system=True,
            semantics=Semantics.FAILURE,
        )
    )
    return out


def build_state(deals: int = 12) -> PortalState:
    """Two pipelines (the docs' 3177727 and one more), users, leads, history and tasks."""
    state = PortalState(vendor=Vendor.AMOCRM, domain="example.amocrm.ru", currency="RUB", now=T0)
    for uid, name, active in (
        ("504141", "Админ", True),
        ("123321", "Менеджер", True),
        ("939801", "Бывший", False),
    ):
        state.users[uid] = User(id=uid, name=name, active=active, departments=("Продажи",))
    state.funnels[P1] = Funnel(id=P1, name="Воронка", sort=1, is_default=True)
    state.funnels[P2] = Funnel(id=P2, name="Отказники", sort=2)
    for made in [
        *_stages(
            P1, 32392156, [("32392159", "Первичный контакт"), ("32392165", "Принимают решение")]
        ),
        *_stages(P2, 32400000, [("32400003", "Подогрев")]),
    ]:
        state.stages[made.key] = made
    state.loss_reasons["4203748"] = LossReason(
        id="4203748", name="Пропала потребность", sort=100000
    )
    state.contacts["3"] = Contact(
        id="3", name="Иван Иванов", company_id="1", responsible_id="504141", created_at=T0 - 500
    )
    state.contacts["4"] = Contact(id="4", name="Пётр", responsible_id="123321", created_at=T0)
    state.companies["1"] = Company(
        id="1", name="ООО Ромашка", responsible_id="504141", created_at=T0 - 900
    )
    open_stages = ["32392159", "32392165"]
    for n in range(deals):
        lid = str(19600 + n)
        stage = open_stages[n % 2] if n % 4 else "142"
        state.deals[lid] = Deal(
            id=lid,
            funnel_id=P1,
            stage_id=stage,
            created_at=T0 + n * 100,
            title=f"Сделка {n}",
            responsible_id="123321" if n % 3 else "504141",
            creator_id="504141",
            contact_ids=("3",) if n % 2 == 0 else (),
            company_id="1" if n == 0 else None,
            amount=1000.0 + n,
            modified_at=T0 + 5000 - n * 10,
            closed_at=T0 + 6000 if stage == "142" else None,
            closed=stage == "142",
        )
        state.transitions.append(
            StageTransition(
                id=f"01evcreate{n:016d}",
                deal_id=lid,
                funnel_id=P1,
                to_stage_id="32392159",
                at=T0 + n * 100,
                by="504141",
                kind=TransitionKind.CREATED,
            )
        )
        if stage != "32392159":
            state.transitions.append(
                StageTransition(
                    id=f"01evmove{n:018d}",
                    deal_id=lid,
                    funnel_id=P1,
                    to_stage_id=stage,
                    at=T0 + n * 100 + 50,
                    from_stage_id="32392159",
                    from_funnel_id=P1,
                    by="123321",
                )
            )
    state.responsible_changes.append(
        ResponsibleChange(
            id="01evresp0000000000000000001",
            deal_id="19601",
            at=T0 + 400,
            from_user_id="504141",
            to_user_id="123321",
            by="504141",
        )
    )
    state.activities.append(
        Activity(
            id="T7087",
            kind=ActivityKind.TASK,
            created_at=T0,
            deal_id="19601",
            responsible_id="123321",
            deadline=T0 + 86400,
            subject="Позвонить",
        )
    )
    state.activities.append(
        Activity(
            id="T7090",
            kind=ActivityKind.MEETING,
            created_at=T0,
            deal_id="19602",
            responsible_id="123321",
            deadline=T0 + 3600,
            done=True,
            completed_at=T0 + 3000,
            subject="Встреча",
        )
    )
    state.activities.append(
        Activity(
            id="01evcall00000000000000000001",
            kind=ActivityKind.CALL,
            created_at=T0 + 700,
            deal_id="19603",
            responsible_id="123321",
            subject="Звонок",
        )
    )
    return state


@pytest.fixture
def clock() -> Clock:
    """A simulated clock: time moves only when a test advances it."""
    return Clock(simulated=True, start=float(T0 + 10_000))


@pytest.fixture
def options(clock: Clock) -> EmulatorOptions:
    """Default options on the simulated clock."""
    return EmulatorOptions(clock=clock, user_id="504141", access_token_ttl=86_400)


@pytest.fixture
def state() -> PortalState:
    """A fresh small portal."""
    return build_state()


@pytest.fixture
def app(state: PortalState, options: EmulatorOptions) -> AmoCrmApp:
    """The emulator app with the docs' account id."""
    return AmoCrmApp(state, options, account_id=ACCOUNT_ID)


class _Switch:
    """An App that forwards to the current test's app, so one server serves the session
    (stopping a server costs half a second of `serve_forever` polling)."""

    def __init__(self) -> None:
        self.target: AmoCrmApp | None = None

    def _app(self) -> AmoCrmApp:
        assert self.target is not None
        return self.target

    def handle(self, request: Request) -> Response:
        return self._app().handle(request)

    def fault_response(self, kind: str) -> Response:
        return self._app().fault_response(kind)

    def expire_tokens(self) -> None:
        self._app().expire_tokens()


@pytest.fixture(scope="session")
def _shared() -> Iterator[tuple[_Switch, EmulatorServer]]:
    switch = _Switch()
    with EmulatorServer(switch) as running:
        yield switch, running


@pytest.fixture
def server(app: AmoCrmApp, _shared: tuple[_Switch, EmulatorServer]) -> EmulatorServer:
    """The app on a real port (one server for the session, this test's app behind it)."""
    switch, running = _shared
    switch.target = app
    running.faults = FaultPlan()
    return running


@pytest.fixture
def api(server: EmulatorServer, options: EmulatorOptions) -> Iterator[httpx.Client]:
    """An HTTP client with the long-lived token."""
    headers = {"Authorization": f"Bearer {token_for(options)}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        yield client


def shape_errors(
    actual: Any, expected: Any, path: str = "$", loose: frozenset[str] = frozenset()
) -> list[str]:
    """Differences in field names and JSON types between two documents.

    `null` on either side is accepted (nullable fields); lists compare every
    element with the example's first one; keys in `loose` may be missing or extra.
    """
    if expected is None or actual is None:
        return []
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if type(actual) is type(expected) else [f"{path}: {actual!r} vs {expected!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: not an object"]
        problems = [f"{path}.{k}: missing" for k in expected if k not in actual and k not in loose]
        problems += [f"{path}.{k}: extra" for k in actual if k not in expected and k not in loose]
        for key in expected:
            if key in actual and key not in loose:
                problems += shape_errors(actual[key], expected[key], f"{path}.{key}", loose)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: not a list"]
        if not expected:
            return []
        out: list[str] = []
        for i, item in enumerate(actual):
            out += shape_errors(item, expected[min(i, len(expected) - 1)], f"{path}[{i}]", loose)
        return out
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return []
    return [] if type(actual) is type(expected) else [f"{path}: {actual!r} vs {expected!r}"]
