"""The one hand-built amoCRM portal: the shapes of the vendor's documented examples.

Its ids are the ones in amoCRM's own examples (pipeline 3177727, statuses 32392156…,
leads 19600…, users 504141 / 123321), so the emulator's answers can be held against
the examples under examples/ field for field. Every other test portal comes from a
fixture file or from `funnelkit.emulator.generate` (tests/test_architecture.py checks).
"""

from __future__ import annotations

from funnelkit.emulator.state import PortalState
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

ACCOUNT_ID = 12345678
T0 = 1_700_000_000
P1, P2 = "3177727", "3177800"


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


def docs_portal() -> PortalState:
    """Two pipelines (the docs' 3177727 and one more), users, a dozen leads, history, tasks."""
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
    for n in range(12):
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
