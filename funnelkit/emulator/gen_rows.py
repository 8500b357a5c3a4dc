"""Row objects from columns: ids in vendor order, strings shared rather than repeated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from funnelkit.emulator.gen_activity import KINDS, TASK, ActivityColumns, DealFacts
from funnelkit.emulator.gen_data import sample
from funnelkit.emulator.gen_engine import Columns
from funnelkit.emulator.gen_names import DEAL_SOURCES, TASK_SUBJECTS
from funnelkit.emulator.gen_paths import Compiled
from funnelkit.emulator.gen_people import People, company_name
from funnelkit.emulator.state import LEAD_PREFIX, TASK_PREFIX, PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    Deal,
    DeadlineChange,
    EntityKind,
    FunnelKind,
    ResponsibleChange,
    StageTransition,
    TransitionKind,
    Vendor,
)

SUBJECTS = {"call": "Звонок клиенту", "email": "Письмо клиенту", "meeting": "Встреча с клиентом"}


def _obj(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _none(values: np.ndarray) -> list[int | None]:
    """-1 means absent."""
    return [None if v < 0 else v for v in values.tolist()]


@dataclass
class Ids:
    """Vendor ids of deal rows and contact numbers, and each deal row's rank in id order."""

    deal: np.ndarray  # row → id (object)
    rank: np.ndarray  # row → position in `state.deals`
    order: np.ndarray  # position → row
    is_lead: np.ndarray
    vendor: Vendor
    contact: np.ndarray | None = None  # contact number → id (object)
    company: np.ndarray | None = None  # contact number → company id or None

    @classmethod
    def assign(cls, vendor: Vendor, c: Compiled, cols: Columns) -> Ids:
        lead_funnel = np.array([s.kind == FunnelKind.LEAD for s in c.specs])
        is_lead = lead_funnel[cols.funnel]
        order = np.lexsort((cols.created, is_lead))
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        n_deals = int((~is_lead).sum())
        base = 1 if vendor == Vendor.BITRIX24 else 20_000_001
        names = [str(base + k) for k in range(n_deals)]
        names += [f"{LEAD_PREFIX}{k + 1}" for k in range(len(order) - n_deals)]
        deal = np.empty(len(order), dtype=object)
        deal[order] = names
        return cls(deal=deal, rank=rank, order=order, is_lead=is_lead, vendor=vendor)


def _last_interaction(rows: np.ndarray, acts: ActivityColumns, size: int) -> np.ndarray:
    """The latest non-task activity per index (rows maps activity → index), -1 if none."""
    out = np.full(size, -1, np.int64)
    mask = acts.kind != TASK
    np.maximum.at(out, rows[mask], acts.created[mask])
    return out


def build_contacts(
    state: PortalState,
    ids: Ids,
    cols: Columns,
    staff: People,
    rng: np.random.Generator,
    acts: ActivityColumns,
) -> None:
    """Contacts in order of their first deal; about 40 % work for a company."""
    size = int(cols.contact.max()) + 1
    first = np.full(size, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, cols.contact, cols.created)
    used = np.flatnonzero(first < np.iinfo(np.int64).max)
    used = used[np.argsort(first[used], kind="stable")]
    owner_row = np.full(size, -1, np.int64)
    owner_row[cols.contact[::-1]] = np.arange(len(cols.contact))[::-1]  # first deal row wins
    base = 1 if ids.vendor == Vendor.BITRIX24 else 30_000_001
    contact_ids = np.empty(size, dtype=object)
    contact_ids[used] = [str(base + k) for k in range(len(used))]
    n_companies = max(len(sample().accounts), len(used) // 8)
    works = rng.random(len(used)) < 0.4
    company_no = rng.integers(0, n_companies, size=len(used))
    company_base = 1 if ids.vendor == Vendor.BITRIX24 else 40_000_001
    companies = np.empty(size, dtype=object)
    companies[used[works]] = [str(company_base + k) for k in company_no[works].tolist()]
    last = _last_interaction(cols.contact[acts.deal], acts, size)
    users = [u.id for u in staff.users]
    for number, cid, created, row in zip(
        used.tolist(),
        contact_ids[used].tolist(),
        first[used].tolist(),
        owner_row[used].tolist(),
        strict=True,
    ):
        company = companies[number]
        if company is not None and company not in state.companies:
            state.companies[company] = Company(
                id=company, name=company_name(int(company) - company_base), created_at=created
            )
        state.contacts[cid] = Contact(
            id=cid,
            name=staff.contact_name(number),
            company_id=company,
            responsible_id=users[int(cols.resp0[row])],
            created_at=created,
            last_activity_at=None if last[number] < 0 else int(last[number]),
        )
    state.companies = dict(sorted(state.companies.items(), key=lambda kv: int(kv[0])))
    ids.contact, ids.company = contact_ids, companies


def _products(
    c: Compiled, cols: Columns, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Product index per deal (-1 none) and amount (NaN none), from the sample's prices."""
    s = sample()
    n = len(cols.funnel)
    mode = np.array([spec.products for spec in c.specs])[cols.funnel]
    product = np.full(n, -1, np.int64)
    every = mode == "all"
    product[every] = rng.choice(len(s.products), size=int(every.sum()), p=s.product_weights)
    gtx = np.flatnonzero(np.array(s.product_series) == "GTX")
    only = mode == "gtx"
    product[only] = rng.choice(gtx, size=int(only.sum()))
    amount = np.full(n, np.nan)
    has = product >= 0
    amount[has] = np.round(s.product_prices[product[has]] * rng.uniform(0.85, 1.05, int(has.sum())))
    return product, amount


def build_deals(
    state: PortalState,
    ids: Ids,
    c: Compiled,
    cols: Columns,
    staff: People,
    rng: np.random.Generator,
    facts: DealFacts,
    acts: ActivityColumns,
    no_reason: np.ndarray,
) -> None:
    """Deals (and Bitrix24 leads) in id order."""
    assert ids.contact is not None and ids.company is not None
    s = sample()
    product, amount = _products(c, cols, rng)
    final = c.paths[cols.template, cols.n_valid - 1]
    stage_obj = _obj(c.stage_ids)
    funnel_obj = _obj([spec.id for spec in c.specs])
    user_obj = _obj([u.id for u in staff.users])
    products_obj = _obj([(p,) for p in s.products] + [()])
    reasons = list(state.loss_reasons)
    reason = np.full(len(final), -1, np.int64)
    if reasons:
        lost = ~facts.is_open & (np.array(c.tags)[final] == "lost")
        reason[lost] = rng.integers(0, len(reasons), int(lost.sum()))
        reason[no_reason] = -1
    reason_obj = _obj([*reasons, None])
    contact_tuple = np.empty(len(ids.contact), dtype=object)
    used = np.flatnonzero(ids.contact != None)  # noqa: E711 - object array comparison
    contact_tuple[used] = [(cid,) for cid in ids.contact[used].tolist()]
    titles: dict[tuple[int, int], str] = {}
    last_touch = _last_interaction(acts.deal, acts, len(final))
    source = _obj(list(DEAL_SOURCES))[rng.integers(0, len(DEAL_SOURCES), len(final))]
    o = ids.order
    columns = zip(
        ids.deal[o].tolist(),
        funnel_obj[cols.funnel[o]].tolist(),
        stage_obj[final[o]].tolist(),
        cols.created[o].tolist(),
        ids.is_lead[o].tolist(),
        user_obj[cols.resp1[o]].tolist(),
        user_obj[cols.resp0[o]].tolist(),
        cols.contact[o].tolist(),
        amount[o].tolist(),
        facts.last_at[o].tolist(),
        _none(facts.closed_at[o]),
        _none(last_touch[o]),
        source[o].tolist(),
        reason_obj[reason[o]].tolist(),
        product[o].tolist(),
        cols.funnel[o].tolist(),
        strict=True,
    )
    for did, fid, sid, created, lead, resp, creator, cno, amt, last, closed_at, touch, src, why, prod, fno in columns:
        company = ids.company[cno]
        key = (prod, cno if company is None else -1 - int(company))
        title = titles.get(key)
        if title is None:
            what = s.products[prod] if prod >= 0 else c.specs[fno].name
            who = company_name(int(company) % 40_000_000 - 1) if company else staff.contact_name(cno)
            title = titles.setdefault(key, f"{what} — {who}")
        has_amount = amt == amt  # NaN means no amount
        state.deals[did] = Deal(
            did,
            fid,
            sid,
            created,
            EntityKind.LEAD if lead else EntityKind.DEAL,
            title,
            resp,
            creator,
            contact_tuple[cno],
            company,
            amt if has_amount else None,
            state.currency if has_amount else None,
            last,
            closed_at,
            closed_at is not None,
            touch,
            src,
            (),
            why,
            products_obj[prod],
        )


def build_transitions(
    state: PortalState, ids: Ids, c: Compiled, cols: Columns, staff: People, unsorted: np.ndarray
) -> None:
    """Stage history in time order; amoCRM records who moved the deal, Bitrix24 does not."""
    rows, pos = np.nonzero(np.arange(cols.times.shape[1])[None, :] < cols.n_valid[:, None])
    paths = c.paths[cols.template[rows]]
    code = paths[np.arange(len(rows)), pos]
    prev = np.where(pos > 0, paths[np.arange(len(rows)), np.maximum(pos - 1, 0)], -1)
    at = cols.times[rows, pos]
    order = np.lexsort((pos, ids.rank[rows], at))
    rows, pos, code, prev, at = rows[order], pos[order], code[order], prev[order], at[order]
    funnel_obj = _obj([spec.id for spec in c.specs] + [None])
    stage_obj = _obj([*c.stage_ids, None])
    f_of = np.append(c.funnel_of, len(c.specs))
    n = len(rows)
    if ids.vendor == Vendor.AMOCRM:
        user_obj = _obj([u.id for u in staff.users] + [None])
        after = (cols.handoff[rows] >= 0) & (pos >= cols.handoff[rows])
        who = np.where(after, cols.resp1[rows], cols.resp0[rows])
        who[unsorted[code]] = len(staff.users)  # the inbox: nobody moved it there
        by = user_obj[who].tolist()
    else:
        by = [None] * n
    kinds = np.where(pos == 0, 0, 1)
    kind_obj = _obj([TransitionKind.CREATED, TransitionKind.MOVED])
    state.transitions = list(
        map(
            StageTransition,
            [str(k) for k in range(1, n + 1)],
            ids.deal[rows].tolist(),
            funnel_obj[f_of[code]].tolist(),
            stage_obj[code].tolist(),
            at.tolist(),
            stage_obj[prev].tolist(),
            funnel_obj[np.where(prev >= 0, f_of[prev], len(c.specs))].tolist(),
            by,
            kind_obj[kinds].tolist(),
        )
    )


def build_responsible_changes(state: PortalState, ids: Ids, cols: Columns, staff: People) -> None:
    """amoCRM keeps `entity_responsible_changed` events; Bitrix24 keeps no such history."""
    if ids.vendor != Vendor.AMOCRM:
        return
    rows = np.flatnonzero(cols.handoff >= 0)
    at = cols.times[rows, cols.handoff[rows]] + 30
    order = np.lexsort((ids.rank[rows], at))
    rows, at = rows[order], at[order]
    users = [u.id for u in staff.users]
    heads = staff.heads
    state.responsible_changes = [
        ResponsibleChange(
            str(k + 1), ids.deal[r], t, users[cols.resp0[r]], users[cols.resp1[r]], users[heads[r % len(heads)]]
        )
        for k, (r, t) in enumerate(zip(rows.tolist(), at.tolist(), strict=True))
    ]


def build_activities(
    state: PortalState, ids: Ids, cols: Columns, staff: People, acts: ActivityColumns
) -> None:
    """Activities numbered in time order (tasks `T<n>`), and the deadline changes of tasks."""
    order = np.lexsort((acts.kind, ids.rank[acts.deal], acts.created))
    number = np.empty(len(order), np.int64)
    number[order] = np.arange(1, len(order) + 1)
    act_ids = [
        f"{TASK_PREFIX}{n}" if k == TASK else str(n)
        for n, k in zip(number.tolist(), acts.kind.tolist(), strict=True)
    ]
    users = _obj([u.id for u in staff.users])
    kinds = [ActivityKind(k) for k in KINDS]
    resp = users[cols.resp1[acts.deal]].tolist()
    deal_ids = ids.deal[acts.deal].tolist()
    built = []
    for row in order.tolist():
        kind = int(acts.kind[row])
        created = int(acts.created[row])
        done = bool(acts.done[row])
        deadline = int(acts.deadline[row])
        subject = TASK_SUBJECTS[row % len(TASK_SUBJECTS)] if kind == TASK else SUBJECTS[KINDS[kind]]
        built.append(
            Activity(
                act_ids[row],
                kinds[kind],
                created,
                deal_ids[row],
                None,
                resp[row],
                None if deadline < 0 else deadline,
                done,
                created if done else None,
                subject,
            )
        )
    state.activities = built
    c_order = np.lexsort((number[acts.change_task], acts.change_at))
    state.deadline_changes = [
        DeadlineChange(str(k + 1), act_ids[t], a, old, new, resp[t])
        for k, (t, a, old, new) in enumerate(
            zip(
                acts.change_task[c_order].tolist(),
                acts.change_at[c_order].tolist(),
                acts.change_old[c_order].tolist(),
                acts.change_new[c_order].tolist(),
                strict=True,
            )
        )
    ]
