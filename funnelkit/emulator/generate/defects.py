"""The answer key of a generated portal: one `Planted` row per defect, by rules.md code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from funnelkit.emulator.generate.activity import Planted as TaskPlants
from funnelkit.emulator.generate.engine import DAY, Columns
from funnelkit.emulator.generate.paths import GENERIC, SKIP, STUCK, Compiled
from funnelkit.emulator.generate.people import People
from funnelkit.emulator.generate.structure import HELPER_FIELD
from funnelkit.emulator.state import Planted, PortalState
from funnelkit.model import Deal, Vendor

if TYPE_CHECKING:
    from funnelkit.emulator.generate.ids import Ids

# FK303 as keyed: an open deal's client heard nothing for a month. Article 002 gives the
# rhythm ("every month a planned contact appears in the manager's calendar"); the generator
# gives healthy open deals a call within three weeks, so only planted silence and deals
# parked in a dump stage (article 001: the clients managers forgot) pass the month.
QUIET_DAYS = 30
TALK = frozenset({"call", "email", "meeting", "message"})
STAGE_NOTES = {
    "FK101": "parking stage: arrivals from many stages, exits to lost, no tasks",
    "FK102": "the name states neither the situation nor the manager's task",
    "FK103": "a two-day internal task glued to an open-ended client wait (bimodal dwell)",
    "FK104": "an elementary step or numbered repeat as a stage",
    "FK401": "a sales stage inside the lead funnel",
}


def plant_answer_key(
    state: PortalState,
    c: Compiled,
    cols: Columns,
    ids: Ids,
    skipper: int,
    staff: People,
    tasks: TaskPlants,
    no_reason: np.ndarray,
) -> None:
    """Fill `state.planted`: structure first, then deals, tasks and contacts.

    `tasks` (the deals chosen for FK301–FK303) is not listed as such: those codes are
    re-derived from the finished portal, which also catches the organic cases.
    """
    out = state.planted
    for spec in c.specs:
        out += [Planted(code, "funnel", spec.id, note) for code, note in spec.codes]
        for stage in spec.stages:
            for code in stage.codes:
                out.append(Planted(code, "stage", f"{spec.id}/{stage.id}", STAGE_NOTES[code]))
    out.append(Planted("FK404", "portal", state.domain, "no refusal / warm-up funnel at all"))
    helper = next(f for f in state.custom_fields if f.name == HELPER_FIELD)
    out.append(Planted("FK406", "field", helper.id, "a user field naming a helper employee"))
    kinds = np.array(c.kinds)[cols.template]
    _deals(out, ids, np.flatnonzero(kinds == STUCK), "FK201", "open, untouched for over a year")
    out.append(Planted("FK202", "user", staff.users[skipper].id, "drags deals from stage 1 to won"))
    _deals(out, ids, np.flatnonzero(kinds == SKIP), "FK202", "first stage straight to won")
    if state.vendor == Vendor.BITRIX24:
        lost = np.flatnonzero(kinds == GENERIC)
        _deals(out, ids, lost, "FK203", "lost in the generic failure stage")
        _uncaptured(state, out)
    else:
        _deals(out, ids, no_reason, "FK203", "lost without a loss reason")
    for contact in sorted({ids.contact[n] for n in cols.contact[cols.reentry].tolist()}):  # type: ignore[index]
        out.append(Planted("FK204", "contact", contact, "enters the primary-sales funnel again"))
    _tasks(state, out)
    _contacts(state, out)


def _uncaptured(state: PortalState, out: list[Planted]) -> None:
    """Bitrix24 funnels built with one failure stage only: no lost deal there has a reason."""
    failures: dict[str, set[str]] = {}
    for (fid, sid), stage in state.stages.items():
        if stage.semantics == "failure":
            failures.setdefault(fid, set()).add(sid)
    # lead funnels excepted: their junk stage closes a qualification, not a sale
    lead = {fid for fid, f in state.funnels.items() if f.kind == "lead"}
    bare = {fid for fid, ids in failures.items() if len(ids) == 1 and fid not in lead}
    out += [
        Planted("FK203", "deal", d.id, "lost in a funnel with no reason stages")
        for d in state.deals.values()
        if d.funnel_id in bare and d.stage_id in failures[d.funnel_id]
    ]


def _deals(out: list[Planted], ids: Ids, rows: np.ndarray, code: str, note: str) -> None:
    out += [Planted(code, "deal", did, note) for did in sorted(ids.deal[rows].tolist())]


def _tasks(state: PortalState, out: list[Planted]) -> None:
    """FK301 from the finished portal; FK302 for every task postponed three times or more."""
    now = state.now
    live = {
        a.deal_id
        for a in state.activities
        if a.kind == "task" and not a.done and a.deadline is not None and a.deadline >= now
    }
    note = "open, with no task or only overdue ones"
    out += [
        Planted("FK301", "deal", d.id, note)
        for d in state.deals.values()
        if not d.closed and d.id not in live
    ]
    counts: dict[str, int] = {}
    for change in state.deadline_changes:
        counts[change.task_id] = counts.get(change.task_id, 0) + 1
    out += [
        Planted("FK302", "task", task, f"deadline pushed {n} times")
        for task, n in sorted(counts.items())
        if n >= 3
    ]


def _contacts(state: PortalState, out: list[Planted]) -> None:
    """FK303 and FK502 from the finished portal: they follow from every deal of a contact.

    FK303 is keyed per open deal (the report's contract: one finding per deal). FK502 keeps
    to article 003's "every contact always has an open deal": a past customer whose last
    deal was won is the client-base question (FK501 / FK404), not an orphan contact, so
    only contacts whose latest deal was lost, or who have no deal at all, are keyed.
    """
    cutoff = state.now - QUIET_DAYS * DAY
    heard: dict[str, int] = {}
    for a in state.activities:
        if a.kind in TALK:
            at = a.completed_at or a.created_at
            for key in (a.deal_id, f"contact:{a.contact_id}" if a.contact_id else None):
                if key is not None and at > heard.get(key, -1):
                    heard[key] = at
    contact_seen = {c.id: c.last_activity_at or 0 for c in state.contacts.values()}
    quiet = f"open, the client heard nothing for over {QUIET_DAYS} days"
    latest: dict[str, Deal] = {}
    with_open: set[str] = set()
    for d in state.deals.values():
        for c in d.contact_ids:
            if not d.closed:
                with_open.add(c)
            elif c not in latest or (d.closed_at or 0) > (latest[c].closed_at or 0):
                latest[c] = d
        if d.closed or d.created_at >= cutoff:
            continue
        times = [d.last_activity_at or 0, heard.get(d.id, 0), d.created_at]
        times += [max(contact_seen.get(c, 0), heard.get(f"contact:{c}", 0)) for c in d.contact_ids]
        if max(times) < cutoff:
            out.append(Planted("FK303", "deal", d.id, quiet))
    won = {(f, s) for (f, s), st in state.stages.items() if st.semantics == "success"}
    for contact in state.contacts.values():
        if contact.id in with_open:
            continue
        last = latest.get(contact.id)
        if last is not None and (last.funnel_id, last.stage_id) in won:
            continue
        note = "no deal at all" if last is None else "last deal lost, nobody took the client on"
        out.append(Planted("FK502", "contact", contact.id, note))
