"""Users, funnels, stages, loss reasons, fields and tunnels of a generated portal."""

from __future__ import annotations

from funnelkit.emulator.generate.layout import UNSORTED, WON
from funnelkit.emulator.generate.names import REASON_NAMES
from funnelkit.emulator.generate.paths import Compiled
from funnelkit.emulator.generate.people import People
from funnelkit.emulator.state import PortalState
from funnelkit.model import CustomField, Funnel, LossReason, Stage, Tunnel, TunnelMode, Vendor

HELPER_FIELD = "Замерщик"  # FK406: a user field naming a helper employee (article 001)


def structure(state: PortalState, c: Compiled, staff: People) -> None:
    """Fill the small tables; funnels in the vendor's sort order."""
    state.users = {u.id: u for u in staff.users}
    amo = state.vendor == Vendor.AMOCRM
    by_sort = sorted(c.specs, key=lambda s: (not s.is_default, s.key))
    for f_sort, spec in enumerate(by_sort):
        state.funnels[spec.id] = Funnel(
            id=spec.id,
            name=spec.name,
            kind=spec.kind,
            sort=(f_sort + 1) * 10,
            is_default=spec.is_default,
            extras=dict(spec.extras),
        )
        for s_index, stage in enumerate(spec.stages):
            sort = (s_index + 1) * 10
            # amocrm.md, "What an emulator of this API must reproduce" item 6: 10000 / 11000
            if amo and stage.id in ("142", "143"):
                sort = 10_000 if stage.id == "142" else 11_000
            state.stages[(spec.id, stage.id)] = Stage(
                funnel_id=spec.id,
                id=stage.id,
                name=stage.name,
                sort=sort,
                semantics=stage.semantics,
                color=stage.color,
                system=stage.system,
                extras=dict(stage.extras),
            )
    if amo:  # amocrm.md §9; Bitrix24 keeps reasons as failure stages (bitrix24.md §13)
        state.loss_reasons = {
            str(9001 + n): LossReason(id=str(9001 + n), name=name, sort=n + 1)
            for n, name in enumerate(REASON_NAMES)
        }
    state.custom_fields = _fields(amo)
    state.tunnels = _tunnels(c)


def _fields(amo: bool) -> list[CustomField]:
    entity = "leads" if amo else "deal"
    ids = ["880011", "880012", "880013"] if amo else [f"UF_CRM_17000000{n:02d}" for n in (1, 2, 3)]
    kinds = ["select", "select", "price"] if amo else ["employee", "enumeration", "money"]
    names = [HELPER_FIELD, "Источник рекламы", "Бюджет клиента"]
    return [
        CustomField(entity=entity, id=i, name=n, type=k)
        for i, n, k in zip(ids, names, kinds, strict=True)
    ]


def _tunnels(c: Compiled) -> list[Tunnel]:
    """A copy from each won stage into the funnel its won deals continue in."""
    out = []
    keyed = {s.key: s for s in c.specs}
    for spec in c.specs:
        if spec.spawn is None:
            continue
        target = keyed[spec.spawn]
        won = next(s.id for s in spec.stages if s.tag == WON)
        entry = next(s.id for s in target.stages if s.tag != UNSORTED)
        out.append(
            Tunnel(
                from_funnel_id=spec.id,
                from_stage_id=won,
                to_funnel_id=target.id,
                to_stage_id=entry,
                mode=TunnelMode.COPY,
            )
        )
    return out
