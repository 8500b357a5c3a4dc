"""A generated PortalState as the Snapshot a perfect pull would produce (for answer-key tests).

Data sets the vendor does not offer are marked unavailable with the reason, as the
connectors do, so audit rules meet the same gaps they meet on a real portal.
"""

from __future__ import annotations

from funnelkit.emulator.state import PortalState
from funnelkit.model import (
    DataSet,
    DataState,
    DataStatus,
    Manifest,
    Portal,
    Snapshot,
    Structure,
    Vendor,
)

# bitrix24.md §8: stage history rows carry no author; §11.1: tunnels are not readable over
# REST; responsible and task-deadline changes are not kept as history on Bitrix24.
_UNAVAILABLE: dict[Vendor, dict[DataSet, str]] = {
    Vendor.BITRIX24: {
        DataSet.STAGE_HISTORY_AUTHOR: "Bitrix24 stage history records no author",
        DataSet.RESPONSIBLE_HISTORY: "Bitrix24 keeps no responsible-change history",
        DataSet.DEADLINE_HISTORY: "Bitrix24 keeps no task deadline history",
        DataSet.TUNNELS: "Bitrix24 tunnels are not readable over REST",
    },
    Vendor.AMOCRM: {DataSet.LEADS: "amoCRM has no separate lead entity"},
}


# Stage history does not cover smart processes (bitrix24.md §8, §17.x); tasks are not read
# for their items.
_SPA_GAPS = {
    DataSet.STAGE_HISTORY: DataStatus(
        state=DataState.UNAVAILABLE, reason="crm.stagehistory.list does not support smart processes"
    ),
    DataSet.TASKS: DataStatus(
        state=DataState.NOT_PULLED, reason="tasks and activities are read for deals and leads only"
    ),
    DataSet.ACTIVITIES: DataStatus(
        state=DataState.NOT_PULLED, reason="tasks and activities are read for deals and leads only"
    ),
}


def state_to_snapshot(state: PortalState) -> Snapshot:
    """Everything the state holds, in snapshot form, with vendor-realistic availability."""
    gaps = _UNAVAILABLE.get(state.vendor, {})
    data = {
        d: DataStatus(state=DataState.UNAVAILABLE, reason=gaps[d])
        if d in gaps
        else DataStatus(state=DataState.PULLED)
        for d in DataSet
    }
    tunnels = () if DataSet.TUNNELS in gaps else tuple(state.tunnels)
    structure = Structure(
        portal=Portal(vendor=state.vendor, domain=state.domain, currency=state.currency),
        users=tuple(state.users.values()),
        funnels=tuple(state.funnels.values()),
        stages=tuple(state.stages.values()),
        loss_reasons=tuple(state.loss_reasons.values()),
        custom_fields=tuple(state.custom_fields),
        tunnels=tunnels,
        smart_processes=tuple(state.smart_processes.values()),
    )
    manifest = Manifest(vendor=state.vendor, domain=state.domain, pulled_at=state.now, data=data)
    if state.smart_processes:  # as the connector reads them (connectors/bitrix24/spa.py)
        manifest = manifest.model_copy(update={"spa_data": _SPA_GAPS})
    return Snapshot(
        manifest=manifest,
        structure=structure,
        deals=(*state.deals.values(), *state.items.values()),
        transitions=tuple(state.transitions),
        responsible_changes=tuple(state.responsible_changes),
        activities=tuple(state.activities),
        deadline_changes=tuple(state.deadline_changes),
        contacts=tuple(state.contacts.values()),
        companies=tuple(state.companies.values()),
    ).with_counts()
