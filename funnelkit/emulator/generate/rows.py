"""History, hand-offs and activities of a generated portal: rows numbered in time order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from funnelkit.emulator.generate.activity import KINDS, TASK, ActivityColumns
from funnelkit.emulator.generate.engine import Columns
from funnelkit.emulator.generate.ids import Ids, nullable, obj
from funnelkit.emulator.generate.names import TASK_SUBJECTS
from funnelkit.emulator.generate.paths import Compiled
from funnelkit.emulator.generate.people import People
from funnelkit.emulator.state import TASK_PREFIX, PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    DeadlineChange,
    ResponsibleChange,
    StageTransition,
    TransitionKind,
    Vendor,
)
from funnelkit.model.build import const, rows

SUBJECTS = {"call": "Звонок клиенту", "email": "Письмо клиенту", "meeting": "Встреча с клиентом"}


def build_transitions(
    state: PortalState, ids: Ids, c: Compiled, cols: Columns, staff: People, unsorted: np.ndarray
) -> None:
    """Stage history in time order; amoCRM records who moved the deal, Bitrix24 does not."""
    deal, pos = np.nonzero(np.arange(cols.times.shape[1])[None, :] < cols.n_valid[:, None])
    paths = c.paths[cols.template[deal]]
    code = paths[np.arange(len(deal)), pos]
    prev = np.where(pos > 0, paths[np.arange(len(deal)), np.maximum(pos - 1, 0)], -1)
    at = cols.times[deal, pos]
    order = np.lexsort((pos, ids.rank[deal], at))
    deal, pos, code, prev, at = deal[order], pos[order], code[order], prev[order], at[order]
    funnels = obj([spec.id for spec in c.specs], absent=True)
    stages = obj(c.stage_ids, absent=True)
    funnel_of = np.append(c.funnel_of, -1)  # code -1 (no previous stage) → no funnel
    by: Iterable[Any] = const(None)
    if ids.vendor == Vendor.AMOCRM:
        after = (cols.handoff[deal] >= 0) & (pos >= cols.handoff[deal])
        who = np.where(after, cols.resp1[deal], cols.resp0[deal])
        who[unsorted[code]] = -1  # the inbox: nobody moved it there
        by = obj([u.id for u in staff.users], absent=True)[who].tolist()
    n = len(deal)
    state.transitions = rows(
        StageTransition,
        n,
        {
            "id": map(str, range(1, n + 1)),
            "deal_id": ids.deal[deal].tolist(),
            "funnel_id": funnels[funnel_of[code]].tolist(),
            "to_stage_id": stages[code].tolist(),
            "at": at.tolist(),
            "from_stage_id": stages[prev].tolist(),
            "from_funnel_id": funnels[funnel_of[prev]].tolist(),
            "by": by,
            "kind": obj([TransitionKind.CREATED, TransitionKind.MOVED])[
                np.minimum(pos, 1)
            ].tolist(),
        },
    )


def build_responsible_changes(state: PortalState, ids: Ids, cols: Columns, staff: People) -> None:
    """FK405 on amoCRM: `entity_responsible_changed` events (Bitrix24 keeps no such history)."""
    if ids.vendor != Vendor.AMOCRM:
        return
    deal = np.flatnonzero(cols.handoff >= 0)
    at = cols.times[deal, cols.handoff[deal]] + 30
    order = np.lexsort((ids.rank[deal], at))
    deal, at = deal[order], at[order]
    users = obj([u.id for u in staff.users])
    heads = np.array(staff.heads)[deal % len(staff.heads)]  # a head of department reassigns
    state.responsible_changes = rows(
        ResponsibleChange,
        len(deal),
        {
            "id": map(str, range(1, len(deal) + 1)),
            "deal_id": ids.deal[deal].tolist(),
            "at": at.tolist(),
            "from_user_id": users[cols.resp0[deal]].tolist(),
            "to_user_id": users[cols.resp1[deal]].tolist(),
            "by": users[heads].tolist(),
        },
    )


def build_activities(
    state: PortalState, ids: Ids, cols: Columns, staff: People, acts: ActivityColumns
) -> None:
    """Activities numbered in time order (tasks `T<n>`), then the tasks' deadline changes."""
    order = np.lexsort((acts.kind, ids.rank[acts.deal], acts.created))
    number = np.empty(len(order), np.int64)
    number[order] = np.arange(1, len(order) + 1)
    is_task = acts.kind == TASK
    act_ids = obj(
        [
            f"{TASK_PREFIX}{n}" if t else str(n)
            for n, t in zip(number.tolist(), is_task.tolist(), strict=True)
        ]
    )
    resp = obj([u.id for u in staff.users])[cols.resp1[acts.deal]]
    subject_pool = obj([*TASK_SUBJECTS, *(SUBJECTS[k] for k in KINDS[1:])])
    subject = np.where(
        is_task, np.arange(len(order)) % len(TASK_SUBJECTS), len(TASK_SUBJECTS) + acts.kind - 1
    )
    created = acts.created[order]
    done = acts.done[order]
    state.activities = rows(
        Activity,
        len(order),
        {
            "id": act_ids[order].tolist(),
            "kind": obj([ActivityKind(k) for k in KINDS])[acts.kind[order]].tolist(),
            "created_at": created.tolist(),
            "deal_id": ids.deal[acts.deal[order]].tolist(),
            "contact_id": const(None),
            "responsible_id": resp[order].tolist(),
            "deadline": nullable(acts.deadline[order]),
            "done": done.tolist(),
            "completed_at": nullable(np.where(done, created, -1)),
            "subject": subject_pool[subject[order]].tolist(),
        },
    )
    _deadline_changes(state, acts, number, act_ids, resp)


def _deadline_changes(
    state: PortalState,
    acts: ActivityColumns,
    number: np.ndarray,
    act_ids: np.ndarray,
    resp: np.ndarray,
) -> None:
    """FK302 rows in time order; the task's own responsible pushed the deadline."""
    c_order = np.lexsort((number[acts.change_task], acts.change_at))
    task = acts.change_task[c_order]
    state.deadline_changes = rows(
        DeadlineChange,
        len(task),
        {
            "id": map(str, range(1, len(task) + 1)),
            "task_id": act_ids[task].tolist(),
            "at": acts.change_at[c_order].tolist(),
            "old_deadline": acts.change_old[c_order].tolist(),
            "new_deadline": acts.change_new[c_order].tolist(),
            "by": resp[task].tolist(),
        },
    )
