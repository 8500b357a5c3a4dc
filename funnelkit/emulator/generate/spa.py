"""Two smart processes for the messy Bitrix24 portal: their types, funnels, stages and items.

Smart processes are where portals now keep contracts and service work (bitrix24.md §12), so
a realistic portal has some: «Договоры» with one funnel and «Сервисные заявки» with three.
Stage codes follow the vendor's `DT{type}_{category}:CODE` (§6.3); open items are recent,
so the only stuck ones are those planted (FK201, "deal" rows of an SPA funnel). Items have
no contacts: funnelkit reads no tasks for them, and a contact is judged by its deals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from funnelkit.emulator.state import Planted, PortalState
from funnelkit.model import (
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    Semantics,
    SmartProcess,
    Stage,
    User,
    spa_funnel_id,
    spa_item_id,
)

DAY = 86_400
OPEN_DAYS = 45  # open items were created at most this long ago (under FK201's 60-day default)
STUCK_PER_PROCESS = 2
P, S, F = Semantics.PROCESS, Semantics.SUCCESS, Semantics.FAILURE


@dataclass(frozen=True)
class _FunnelSpec:
    category: int
    name: str
    stages: tuple[tuple[str, str, Semantics], ...]
    is_default: bool = False


@dataclass(frozen=True)
class _ProcessSpec:
    type_id: str
    entity_type_id: int
    title: str
    funnels: tuple[_FunnelSpec, ...]


PROCESSES = (
    _ProcessSpec(
        "3",
        1038,
        "Договоры",
        (
            _FunnelSpec(
                21,
                "Договоры с клиентами",
                (
                    ("NEW", "Договор запрошен", P),
                    ("PREPARATION", "Договор на согласовании у юриста", P),
                    ("CLIENT", "Договор у клиента на подписи", P),
                    ("SUCCESS", "Договор подписан", S),
                    ("FAIL", "Клиент отказался подписать", F),
                ),
                is_default=True,
            ),
        ),
    ),
    _ProcessSpec(
        "5",
        1042,
        "Сервисные заявки",
        (
            _FunnelSpec(
                23,
                "Монтаж",
                (
                    ("NEW", "Заявка на монтаж получена", P),
                    ("PREPARATION", "Выезд монтажника назначен", P),
                    ("CLIENT", "Монтаж выполнен, подписать акт", P),
                    ("SUCCESS", "Акт подписан", S),
                    ("FAIL", "Монтаж отменён", F),
                ),
                is_default=True,
            ),
            _FunnelSpec(
                25,
                "Гарантийный ремонт",
                (
                    ("NEW", "Гарантийная заявка получена", P),
                    ("PREPARATION", "Диагностика назначена", P),
                    ("CLIENT", "Ремонт выполнен, вернуть клиенту", P),
                    ("SUCCESS", "Изделие возвращено клиенту", S),
                    ("FAIL", "В гарантии отказано", F),
                ),
            ),
            _FunnelSpec(
                27,
                "Сервисное обслуживание",
                (
                    ("NEW", "Заявка на обслуживание получена", P),
                    ("PREPARATION", "Визит инженера назначен", P),
                    ("CLIENT", "Обслуживание выполнено, подписать акт", P),
                    ("SUCCESS", "Акт обслуживания подписан", S),
                    ("FAIL", "Клиент отменил обслуживание", F),
                ),
            ),
        ),
    ),
)


def add_smart_processes(
    state: PortalState, rng: random.Random, users: list[User], items_per_funnel: int
) -> None:
    """Add the two smart processes with their items, and plant FK201 among the items."""
    for spec in PROCESSES:
        state.smart_processes[spec.entity_type_id] = SmartProcess(
            entity_type_id=spec.entity_type_id, title=spec.title, id=spec.type_id
        )
        number = 0
        stuck_left = STUCK_PER_PROCESS
        for fspec in spec.funnels:
            fid = spa_funnel_id(spec.entity_type_id, fspec.category)
            state.funnels[fid] = Funnel(
                id=fid,
                name=fspec.name,
                kind=FunnelKind.SPA,
                entity_type_id=spec.entity_type_id,
                sort=10 * fspec.category,
                is_default=fspec.is_default,
            )
            for sort, (code, name, sem) in enumerate(fspec.stages, start=1):
                sid = f"{fid}:{code}"
                system = code in ("NEW", "SUCCESS", "FAIL")
                state.stages[(fid, sid)] = Stage(
                    funnel_id=fid, id=sid, name=name, sort=sort * 10, semantics=sem, system=system
                )
            stages = list(state.stages_of(fid))
            stage_of = {s.id: s.semantics for s in stages}
            for _ in range(items_per_funnel):
                number += 1
                stuck = stuck_left > 0 and number % 7 == 3
                item = _item(state, rng, users, spec, fid, stages, number, stuck=stuck)
                state.items[item.id] = item
                if item.closed and stage_of[item.stage_id] is F:
                    # FK203 as the generator keys it for Bitrix24: a funnel with one
                    # failure stage records no reason for any lost record (defects.py).
                    state.planted.append(
                        Planted("FK203", "deal", item.id, "lost in the only failure stage")
                    )
                if stuck:
                    stuck_left -= 1
                    state.planted.append(
                        Planted(
                            "FK201", "deal", item.id, "smart-process item untouched for over a year"
                        )
                    )


def _item(
    state: PortalState,
    rng: random.Random,
    users: list[User],
    spec: _ProcessSpec,
    fid: str,
    stages: list[Stage],
    number: int,
    *,
    stuck: bool,
) -> Deal:
    """One item: open ones recent, closed ones up to two years old; stuck ones parked long ago."""
    now = state.now
    working = [s for s in stages if s.semantics is P]
    stage = rng.choice(working) if stuck else rng.choice(stages)
    closed = stage.semantics is not P
    if stuck:
        created = now - rng.randint(400, 800) * DAY
        modified = created + rng.randint(1, 5) * DAY
    elif closed:
        created = now - rng.randint(60, 730) * DAY
        modified = created + rng.randint(2, 40) * DAY
    else:
        created = now - rng.randint(1, OPEN_DAYS) * DAY
        modified = min(now, created + rng.randint(0, 5) * DAY)
    who = rng.choice(users)
    return Deal(
        id=spa_item_id(spec.entity_type_id, number),
        funnel_id=fid,
        stage_id=stage.id,
        created_at=created,
        entity=EntityKind.ITEM,
        title=f"{spec.title} №{number}",
        responsible_id=who.id,
        creator_id=who.id,
        amount=float(rng.randrange(10, 500) * 1000),
        currency=state.currency,
        modified_at=modified,
        closed_at=modified if closed else None,
        closed=closed,
    )
