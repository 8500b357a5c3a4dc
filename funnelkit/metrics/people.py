"""Per-manager and per-client metrics, and lead conversion by source."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from funnelkit.index.history import INT_NULL, IntArray
from funnelkit.index.sorting import distinct
from funnelkit.index.tables import decoded, links, numbers, positions, texts
from funnelkit.metrics.deals import DealTable, Mask
from funnelkit.metrics.results import ClientMetrics, ManagerMetrics, Money, SourceConversion
from funnelkit.metrics.stats import ratio
from funnelkit.model import ActivityKind, Deal, EntityKind, Semantics, Snapshot, Stage
from funnelkit.model.lazy import take
from funnelkit.model.timeutil import DAY

INTERACTIONS = {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.MESSAGE}
TOP_CLIENTS = 100


def _stage_index(snapshot: Snapshot) -> tuple[dict[tuple[str, str], Stage], Counter[str]]:
    stages = {s.key: s for s in snapshot.structure.stages}
    failures = Counter(s.funnel_id for s in stages.values() if s.semantics is Semantics.FAILURE)
    return stages, failures


def manager_metrics(snapshot: Snapshot, table: DealTable | None = None) -> list[ManagerMetrics]:
    """Conversion, win rate, losses and neglected deals per responsible manager."""
    table = table or DealTable(snapshot)
    stages, failures = _stage_index(snapshot)
    reasons = {r.id: r.name for r in snapshot.structure.loss_reasons}
    names = {u.id: u.name for u in snapshot.structure.users}
    user, users = table.labels("responsible_id", "?")
    key, where = table.stages(stages)
    kind = np.array([_KIND.get(w.semantics if w else Semantics.PROCESS, 2) for w in where])
    semantics = kind[key] if table.count else np.zeros(0, np.int64)
    working = semantics == 0
    idle = working & ~_has_open_task(snapshot, table)
    size = len(users)
    tally = {
        name: np.bincount(user[mask], minlength=size)
        for name, mask in (
            ("deals", np.ones(table.count, bool)),
            ("open", working),
            ("open_without_task", idle),
            ("won", semantics == 1),
            ("lost", semantics == 2),
        )
    }
    lost_by: dict[int, Counter[str]] = defaultdict(Counter)
    reason_ids = [*(table.reason_values or ()), None]
    said: dict[tuple[int, int], str] = {}
    lost = np.flatnonzero(semantics == 2)
    reason_codes = table.reason_codes[lost].tolist()
    for who, rid, k in zip(user[lost].tolist(), reason_codes, key[lost].tolist(), strict=True):
        if (rid, k) not in said:
            stage = where[k]
            loss = reason_ids[rid]
            count = failures[stage.funnel_id] if stage else 0
            said[rid, k] = _reason(loss, stage, reasons, count)
        lost_by[who][said[rid, k]] += 1
    present = [u for u in range(size) if tally["deals"][u]]
    present.sort(key=lambda u: (-int(tally["deals"][u]), users[u]))
    rows = []
    for u in present:
        t = {name: int(counts[u]) for name, counts in tally.items()}
        rows.append(
            ManagerMetrics(
                user_id=users[u],
                name=names.get(users[u], users[u]),
                deals=t["deals"],
                open=t["open"],
                won=t["won"],
                lost=t["lost"],
                win_rate=ratio(t["won"], t["won"] + t["lost"]),
                conversion=ratio(t["won"], t["deals"]),
                lost_by_reason=dict(lost_by[u].most_common()),
                open_without_task=t["open_without_task"],
            )
        )
    return rows


_KIND = {Semantics.PROCESS: 0, Semantics.SUCCESS: 1, Semantics.FAILURE: 2}


def _reason(loss: str | None, stage: Stage | None, reasons: dict[str, str], failures: int) -> str:
    """`reason_of` from a deal's loss reason id and stage."""
    if loss:
        return reasons.get(loss, loss)
    if stage is not None and failures > 1:
        return stage.name
    return "(no reason)"


def client_metrics(
    snapshot: Snapshot, now: int, table: DealTable | None = None
) -> list[ClientMetrics]:
    """LTV (won amounts per currency) and days since the last interaction, top clients first."""
    table = table or DealTable(snapshot)
    stages, _ = _stage_index(snapshot)
    home = snapshot.structure.portal.currency or "?"
    key, where = table.stages(stages)
    success = [w is not None and w.semantics is Semantics.SUCCESS for w in where]
    won_deal = np.array(success, bool)[key] if table.count else np.zeros(0, bool)
    chosen = won_deal[table.contact_owner]
    owner, code = table.contact_owner[chosen], table.contact_codes[chosen]
    contacts = table.contact_values
    won = {contacts[i]: n for i, n in enumerate(np.bincount(code).tolist()) if n}
    cur, curs = table.labels("currency", home)
    priced = ~np.isnan(table.amount[owner])
    pair = code[priced] * len(curs) + cur[owner[priced]]
    seen = distinct(pair)
    # bincount adds each pair's amounts in deal order, as `+=` did
    sums = np.bincount(np.searchsorted(seen, pair), table.amount[owner[priced]], len(seen))
    width = len(curs)
    ltv = {
        (contacts[p // width], curs[p % width]): v
        for p, v in zip(seen.tolist(), sums.tolist(), strict=True)
    }
    ranked = heapq.nsmallest(TOP_CLIENTS, won, key=lambda c: (-ltv.get((c, home), 0.0), -won[c], c))
    last = _last_interaction(snapshot, set(ranked))
    currencies = sorted({cur for _, cur in ltv})
    names = _names(snapshot, set(ranked))
    return [
        ClientMetrics(
            contact_id=c,
            name=names.get(c, c),
            won_deals=won[c],
            ltv=Money(by_currency={cur: ltv[c, cur] for cur in currencies if (c, cur) in ltv}),
            days_since_interaction=round((now - last[c]) / DAY, 1) if c in last else None,
        )
        for c in ranked
    ]


def _has_open_task(snapshot: Snapshot, table: DealTable) -> Mask:
    """Per deal row: it has an open task."""
    rows = snapshot.activities
    out = np.zeros(table.count + 1, bool)  # last slot: tasks of no deal in the table
    if not len(rows):
        return out[:-1]
    kinds, kind_values = texts(rows, "kind")
    task = np.array([*(v == ActivityKind.TASK for v in kind_values or ()), False], bool)
    open_task = task[kinds] & (numbers(rows, "done") != 1)
    found = positions(rows, "deal_id", snapshot.deals, "id")
    if found is None:
        ids = set(_with_open_task(snapshot))
        return np.array([d in ids for d in table.ids()], bool)
    out[found[open_task]] = True
    return out[:-1]


def _with_open_task(snapshot: Snapshot) -> set[str | None]:
    """Ids of the deals with an open task, read from the activity columns."""
    rows = snapshot.activities
    kinds, kind_values = texts(rows, "kind")
    task = np.array([*(v == ActivityKind.TASK for v in kind_values or ()), False], bool)
    codes, values = texts(rows, "deal_id")
    chosen = codes[task[kinds] & (numbers(rows, "done") != 1)]
    named = [*(values or ()), None]
    return {named[c] for c in distinct(chosen).tolist()}


def _rows_named(rows: Sequence[object], name: str, wanted: set[str]) -> tuple[IntArray, list[str]]:
    """The rows whose `name` column is one of `wanted`, and that value for each."""
    codes, values = texts(rows, name)
    hit = np.array([*(v in wanted for v in values or ()), False], bool)
    chosen = np.flatnonzero(hit[codes])
    listed = list(values or ())
    return chosen, [listed[c] for c in codes[chosen].tolist()]


def _names(snapshot: Snapshot, wanted: set[str]) -> dict[str, str]:
    """Contact id → name for the wanted contacts (a repeated id: its last row)."""
    rows = snapshot.contacts
    chosen, ids = _rows_named(rows, "id", wanted)
    names = decoded(texts(rows, "name"))
    return {c: names[r] or "" for r, c in zip(chosen.tolist(), ids, strict=True)}


def _last_interaction(snapshot: Snapshot, wanted: set[str]) -> dict[str, int]:
    """The latest call / e-mail / meeting / message or recorded activity of each wanted contact."""
    last: dict[str, int] = {}

    def touch(contact: str, when: int | None) -> None:
        if when and contact in wanted and when > last.get(contact, 0):
            last[contact] = when

    deal_contacts: dict[str, tuple[str, ...]] = {}
    for deal in _deals_of(snapshot, wanted):
        deal_contacts[deal.id] = deal.contact_ids
        for contact in deal.contact_ids:
            touch(contact, deal.last_activity_at)
    rows = snapshot.activities
    kinds, kind_values = texts(rows, "kind")
    talk = np.array([*(v in INTERACTIONS for v in kind_values or ()), False], bool)[kinds]
    done = numbers(rows, "completed_at")
    at = np.where((done == INT_NULL) | (done == 0), numbers(rows, "created_at"), done)
    on_deal, deal_ids = _rows_named(rows, "deal_id", set(deal_contacts))
    for row, deal_id in zip(on_deal.tolist(), deal_ids, strict=True):
        if talk[row]:
            for contact in deal_contacts[deal_id]:
                touch(contact, int(at[row]))
    on_person, people = _rows_named(rows, "contact_id", wanted)
    for row, contact in zip(on_person.tolist(), people, strict=True):
        if talk[row]:
            touch(contact, int(at[row]))
    chosen, ids = _rows_named(snapshot.contacts, "id", wanted)
    seen = numbers(snapshot.contacts, "last_activity_at")
    for row, contact in zip(chosen.tolist(), ids, strict=True):
        touch(contact, None if seen[row] == INT_NULL else int(seen[row]))
    return last


def _deals_of(snapshot: Snapshot, wanted: set[str]) -> list[Deal]:
    """The deals linked to any of the wanted contacts (only they become objects)."""
    owners, (codes, values) = links(snapshot.deals, "contact_ids")
    hit = np.array([*(v in wanted for v in values or ()), False], bool)
    return take(snapshot.deals, distinct(owners[hit[codes]]).tolist())


def lead_sources(snapshot: Snapshot, table: DealTable | None = None) -> list[SourceConversion]:
    """Bitrix24 leads by source: how many became deals (success semantics of the lead funnel)."""
    table = table or DealTable(snapshot)
    stages, _ = _stage_index(snapshot)
    kinds, kind_values = table.column("entity")
    lead = np.array([*(v == EntityKind.LEAD for v in kind_values or ()), False], bool)[kinds]
    source, names = table.labels("source", "(none)")
    key, where = table.stages(stages)
    success = [w is not None and w.semantics is Semantics.SUCCESS for w in where]
    won = np.array(success, bool)[key] if table.count else np.zeros(0, bool)
    size = len(names)
    leads = np.bincount(source[lead], minlength=size)
    converted = np.bincount(source[lead & won], minlength=size)
    first = np.full(size, table.count, np.int64)
    np.minimum.at(first, source[lead], np.flatnonzero(lead))
    # a Counter in first-seen order: most_common breaks ties by it
    counts = Counter(
        {names[i]: int(leads[i]) for i in np.argsort(first, kind="stable") if leads[i]}
    )
    done = {names[i]: int(converted[i]) for i in range(size)}
    return [
        SourceConversion(source=s, leads=n, converted=done[s], rate=ratio(done[s], n))
        for s, n in counts.most_common()
    ]
