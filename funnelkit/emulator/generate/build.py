"""Numpy columns → the rows and structure of a `PortalState`."""

from __future__ import annotations

import numpy as np

from funnelkit.emulator.generate.activity import DealFacts, activities, choose_planted
from funnelkit.emulator.generate.contacts import build_contacts
from funnelkit.emulator.generate.deals import build_deals
from funnelkit.emulator.generate.defects import plant_answer_key
from funnelkit.emulator.generate.engine import Columns
from funnelkit.emulator.generate.ids import Ids
from funnelkit.emulator.generate.layout import DUMP, LOST, PROCESS_TAGS, UNSORTED
from funnelkit.emulator.generate.paths import GENERIC, Compiled
from funnelkit.emulator.generate.people import People
from funnelkit.emulator.generate.rows import (
    build_activities,
    build_responsible_changes,
    build_transitions,
)
from funnelkit.emulator.generate.structure import structure
from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor


def build_state(
    vendor: Vendor,
    c: Compiled,
    staff: People,
    cols: Columns,
    skipper: int,
    rng: np.random.Generator,
    now: int,
) -> PortalState:
    """Assemble the portal: structure, deals in id order, history and tasks in time order."""
    domain = "messy-demo.bitrix24.ru" if vendor == Vendor.BITRIX24 else "messydemo.amocrm.ru"
    state = PortalState(vendor=vendor, domain=domain, currency="RUB", now=now)
    structure(state, c, staff)
    tags = np.array(c.tags)
    final = c.paths[cols.template, cols.n_valid - 1]
    rows = np.arange(len(cols.funnel))
    last_at = cols.times[rows, cols.n_valid - 1]
    is_open = np.isin(tags[final], list(PROCESS_TAGS))
    facts = DealFacts(
        created=cols.created,
        last_at=last_at,
        closed_at=np.where(is_open, -1, last_at),
        is_open=is_open,
        in_dump=tags[final] == DUMP,
        contact=cols.contact,
    )
    planted = choose_planted(rng, facts, now)
    acts = activities(rng, facts, planted, now)
    ids = Ids.assign(vendor, c, cols)
    no_reason = _lost_without_reason(vendor, rng, c, cols, tags[final] == LOST)
    build_contacts(state, ids, cols, staff, rng, acts)
    build_deals(state, ids, c, cols, staff, rng, facts, acts, no_reason)
    build_transitions(state, ids, c, cols, staff, tags == UNSORTED)
    build_responsible_changes(state, ids, cols, staff)
    build_activities(state, ids, cols, staff, acts)
    plant_answer_key(state, c, cols, ids, skipper, staff, planted, no_reason)
    return state


def _lost_without_reason(
    vendor: Vendor, rng: np.random.Generator, c: Compiled, cols: Columns, lost: np.ndarray
) -> np.ndarray:
    """amoCRM FK203: some lost primary-sales deals get no loss reason (Bitrix24 uses paths)."""
    if vendor != Vendor.AMOCRM:
        return np.zeros(0, np.int64)
    primary = next(i for i, s in enumerate(c.specs) if s.key == "primary")
    planted = np.flatnonzero(np.array(c.kinds)[cols.template] == GENERIC)
    pool = np.setdiff1d(np.flatnonzero(lost & (cols.funnel == primary)), planted)
    count = min(len(pool), len(pool) // 12)
    return np.union1d(planted, rng.permutation(pool)[:count])
