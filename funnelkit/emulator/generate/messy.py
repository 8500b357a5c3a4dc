"""A deterministic, realistically messy portal with every rules.md defect planted on purpose.

The answer key (`state.planted`, `answer_key`) lists what was planted, one row per
entity: "funnel" (FK105, FK401–FK403, FK405, FK501), "stage" written
`funnel_id/stage_id` (FK101–FK104, FK401), "deal" (FK201–FK203, FK301), "user" (FK202,
the manager), "contact" (FK204, FK303, FK502), "task" (FK302), "field" (FK406) and
"portal" (FK404); a Bitrix24 portal also gets two smart processes (spa.py).
FK301, FK303 and FK502 follow from the data as a whole, so they are
computed from the finished portal and list every instance, planted or organic. Of the
two FK404 variants this generator plants "no refusal funnel at all"; lost deals
therefore go nowhere, which is also why FK502 is common. FK302 and FK405 are planted
for Bitrix24 too, though its API keeps no deadline or responsible history: FK405 shows
there as early stages held by one department and late ones by another (creator ≠
responsible), FK302 only in `state.deadline_changes`.
"""

from __future__ import annotations

import gc
import random
from typing import Any

import numpy as np

from funnelkit.emulator.generate.build import build_state
from funnelkit.emulator.generate.engine import (
    DAY,
    HISTORY_YEARS,
    Groups,
    handoffs,
    pick_templates,
    plant_paths,
    simulate,
    won_mask,
)
from funnelkit.emulator.generate.layout import FunnelSpec, funnel_order
from funnelkit.emulator.generate.names import amocrm_layout, bitrix24_layout
from funnelkit.emulator.generate.paths import GENERIC, SKIP, STUCK, Compiled, compile_layout
from funnelkit.emulator.generate.people import DEPT_A, DEPT_B, DEPT_C, People, people
from funnelkit.emulator.generate.spa import add_smart_processes
from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor

SPA_ITEMS_MIN, SPA_ITEMS_MAX = 20, 500  # items per smart-process funnel
PRODUCTION_SHARE = 0.08  # the isolated funnel (FK501), generated last
DEFAULT_NOW = 1_767_225_600  # 2026-01-01T00:00:00Z, so that a seed alone fixes the portal


def generate(vendor: Vendor, deals: int, seed: int, now: int | None = None) -> PortalState:
    """A messy portal of about `deals` deal records (exactly, from 100 up)."""
    # Millions of new rows and nothing to collect: the cyclic GC would rescan them over and
    # over (most of the run time at a million deals), so it pauses while we build.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(vendor, deals, seed, now)
    finally:
        if was_enabled:
            gc.enable()


def _generate(vendor: Vendor, deals: int, seed: int, now: int | None) -> PortalState:
    now = DEFAULT_NOW if now is None else int(now)
    vendor = Vendor(vendor)
    py_rng = random.Random(seed)
    rng = np.random.default_rng(seed % 2**64)  # numpy refuses negative seeds
    specs = funnel_order(
        bitrix24_layout(py_rng) if vendor == Vendor.BITRIX24 else amocrm_layout(py_rng)
    )
    compiled = compile_layout(specs)
    staff = people(vendor, py_rng)
    groups, skipper = _deal_groups(compiled, staff, rng, max(deals, 1), now)
    state = build_state(vendor, compiled, staff, groups.concat(), skipper, rng, now)
    if vendor == Vendor.BITRIX24:  # drawn last, so the deals of a seed stay as they were
        active = [u for u in staff.users if u.active]
        per_funnel = min(SPA_ITEMS_MAX, max(SPA_ITEMS_MIN, deals // 40))
        add_smart_processes(state, py_rng, active, per_funnel)
    return state


def _quota(n: int, share: float, least: int) -> int:
    return max(least, round(n * share))


def _deal_groups(
    c: Compiled, staff: People, rng: np.random.Generator, deals: int, now: int
) -> tuple[Groups, int]:
    """Simulate funnel by funnel: roots first, then copies of the parents' won deals."""
    groups = Groups()
    skipper = int(rng.choice(staff.by_dept[DEPT_A]))
    contacts = 0
    for f_index, spec in enumerate(c.specs):
        parents = _won_parents(c, groups, spec)
        roots = _root_count(spec, deals, groups.total(), len(parents))
        if spec.key == "client":  # copies fill what is left after the production funnel's share
            keep = max(0, deals - groups.total() - _quota(deals, PRODUCTION_SHARE, 3))
            parents = np.sort(rng.permutation(parents)[:keep]) if len(parents) > keep else parents
        part, contacts = _group(c, staff, rng, f_index, roots, parents, groups, contacts, now)
        if spec.key == "primary":
            _plant_primary(c, staff, rng, f_index, part, roots, skipper, now)
        groups.parts.append(part)
    return groups, skipper


def _root_count(spec: FunnelSpec, deals: int, so_far: int, children: int) -> int:
    if spec.key == "production":
        return max(3, deals - so_far)
    if spec.key == "client":
        return 0
    return _quota(deals, spec.share, 3 if spec.key != "primary" else 10)


def _won_parents(c: Compiled, groups: Groups, spec: FunnelSpec) -> np.ndarray:
    """Global row indexes of deals won in funnels whose tunnel leads into `spec`."""
    out = []
    offset = 0
    for part in groups.parts:
        source = c.specs[int(part["funnel"][0])] if len(part["funnel"]) else None
        if source is not None and source.spawn == spec.key:
            won = won_mask(c, part["template"], part["n_valid"])
            out.append(np.flatnonzero(won) + offset)
        offset += len(part["funnel"])
    return np.concatenate(out).astype(np.int64) if out else np.zeros(0, np.int64)


def _group(
    c: Compiled,
    staff: People,
    rng: np.random.Generator,
    f_index: int,
    roots: int,
    parents: np.ndarray,
    groups: Groups,
    contacts: int,
    now: int,
) -> tuple[dict[str, np.ndarray], int]:
    """One funnel's deals: `roots` new ones and one copy per won parent deal."""
    spec = c.specs[f_index]
    earlier = groups.concat() if len(parents) else None
    n = roots + len(parents)
    created = np.empty(n, np.int64)
    # more deals lately than three years ago: a growing portal, and more of them still open
    age = (rng.random(roots) ** 1.7 * (HISTORY_YEARS * 365 - 1) + 1) * DAY
    created[:roots] = now - age.astype(np.int64)
    contact = np.empty(n, np.int64)
    contact[:roots] = np.arange(contacts, contacts + roots)
    resp = rng.choice(staff.by_dept[DEPT_C if spec.dept == "C" else DEPT_A], size=n)
    if earlier is not None:
        won_at = earlier.times[parents, earlier.n_valid[parents] - 1]
        created[roots:] = won_at + rng.integers(5, 600, size=len(parents))  # a robot's copy
        contact[roots:] = earlier.contact[parents]
        if spec.dept != "C":  # FK402: the one who qualified the lead sells the deal too
            resp[roots:] = earlier.resp1[parents]
    template = pick_templates(c, rng, f_index, n)
    part = {
        "funnel": np.full(n, f_index, np.int32),
        "template": template,
        "created": created,
        "resp0": resp.astype(np.int32),
        "contact": contact,
        "parent": np.concatenate([np.full(roots, -1, np.int64), parents]),
        "reentry": np.zeros(n, bool),
    }
    _finish(c, staff, rng, part, now)
    return part, contacts + roots


def _finish(
    c: Compiled, staff: People, rng: np.random.Generator, part: dict[str, np.ndarray], now: int
) -> None:
    """Times, and the hand-off to a second department at a late stage (FK405)."""
    part["times"], part["n_valid"] = simulate(c, rng, part["template"], part["created"], now)
    part["created"] = part["times"][:, 0].copy()
    part["handoff"] = handoffs(c, part["template"], part["n_valid"])
    closers = rng.choice(staff.by_dept[DEPT_B], size=len(part["template"])).astype(np.int32)
    part["resp1"] = np.where(part["handoff"] >= 0, closers, part["resp0"]).astype(np.int32)


def _plant_primary(
    c: Compiled,
    staff: People,
    rng: np.random.Generator,
    f_index: int,
    part: dict[str, np.ndarray],
    roots: int,
    skipper: int,
    now: int,
) -> None:
    """FK201 stuck, FK202 skipping to won (one manager), FK203 generic loss, FK204 re-entry."""
    quota = {
        STUCK: _quota(roots, 0.01, 3),
        SKIP: _quota(roots, 0.01, 2),
        GENERIC: _quota(roots, 0.01, 2),
    }
    root_template = part["template"][:roots]
    chosen = plant_paths(c, rng, f_index, root_template, quota)
    part["template"][:roots] = root_template
    part["resp0"][chosen[SKIP]] = skipper
    rest = chosen["rest"]
    again = np.sort(rng.permutation(rest)[: _quota(roots, 0.005, 2)])
    by_time = np.argsort(part["created"][:roots], kind="stable")
    rank = np.empty(roots, np.int64)
    rank[by_time] = np.arange(roots)
    for row in again:  # an earlier primary deal's contact comes back into the same funnel
        if rank[row] == 0:
            continue
        donor = by_time[rng.integers(0, rank[row])]
        part["contact"][row] = part["contact"][donor]
        part["reentry"][row] = True
    _finish(c, staff, rng, part, now)


def answer_key(state: PortalState) -> list[dict[str, Any]]:
    """The planted defects as JSON-ready rows, sorted by code and entity."""
    rows = [
        {"code": p.code, "entity": p.entity, "entity_id": p.entity_id, "note": p.note}
        for p in state.planted
    ]
    return sorted(rows, key=lambda r: (r["code"], r["entity"], r["entity_id"]))
