"""Contacts and companies of a generated portal."""

from __future__ import annotations

import numpy as np

from funnelkit.emulator.generate.activity import ActivityColumns
from funnelkit.emulator.generate.data import sample
from funnelkit.emulator.generate.engine import Columns
from funnelkit.emulator.generate.ids import Ids, last_interaction, nullable, obj
from funnelkit.emulator.generate.people import People, company_name
from funnelkit.emulator.state import PortalState
from funnelkit.model import Company, Contact, Vendor
from funnelkit.model.build import rows

NEVER = np.iinfo(np.int64).max


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
    first = np.full(size, NEVER, np.int64)
    np.minimum.at(first, cols.contact, cols.created)
    used = np.flatnonzero(first < NEVER)
    used = used[np.argsort(first[used], kind="stable")]
    owner_row = np.full(size, -1, np.int64)
    owner_row[cols.contact[::-1]] = np.arange(len(cols.contact))[::-1]  # the first deal wins
    amo = ids.vendor == Vendor.AMOCRM
    base = 30_000_001 if amo else 1
    contact_ids = np.empty(size, dtype=object)
    contact_ids[used] = [str(base + k) for k in range(len(used))]
    n_companies = max(len(sample().accounts), len(used) // 8)
    company_no = np.full(size, -1, np.int64)
    works = used[rng.random(len(used)) < 0.4]
    company_no[works] = rng.integers(0, n_companies, size=len(works))
    company_base = 40_000_001 if amo else 1
    company_ids = obj([str(company_base + k) for k in range(n_companies)], absent=True)
    _companies(state, company_no, first, company_ids)
    last = last_interaction(cols.contact[acts.deal], acts, size)
    users = obj([u.id for u in staff.users])
    built = rows(
        Contact,
        len(used),
        {
            "id": contact_ids[used].tolist(),
            "name": staff.contact_names(used).tolist(),
            "company_id": company_ids[company_no[used]].tolist(),
            "responsible_id": users[cols.resp0[owner_row[used]]].tolist(),
            "created_at": first[used].tolist(),
            "last_activity_at": nullable(last[used]),
        },
    )
    state.contacts = {c.id: c for c in built}
    ids.contact, ids.company_no, ids.company = contact_ids, company_no, company_ids


def _companies(
    state: PortalState, company_no: np.ndarray, first: np.ndarray, company_ids: np.ndarray
) -> None:
    """The companies some contact works for, created with their first contact."""
    has = company_no >= 0
    numbers = company_no[has]
    created = np.full(len(company_ids), NEVER, np.int64)
    np.minimum.at(created, numbers, first[has])
    for number in np.unique(numbers).tolist():
        cid = company_ids[number]
        state.companies[cid] = Company(
            id=cid, name=company_name(number), created_at=int(created[number])
        )
