"""Deal records of a generated portal, in id order."""

from __future__ import annotations

import numpy as np

from funnelkit.emulator.generate.activity import ActivityColumns, DealFacts
from funnelkit.emulator.generate.data import sample
from funnelkit.emulator.generate.engine import Columns
from funnelkit.emulator.generate.ids import Ids, last_interaction, nullable, obj
from funnelkit.emulator.generate.layout import LOST
from funnelkit.emulator.generate.names import DEAL_SOURCES
from funnelkit.emulator.generate.paths import Compiled
from funnelkit.emulator.generate.people import People, company_name
from funnelkit.emulator.state import PortalState
from funnelkit.model import Deal, EntityKind, Vendor
from funnelkit.model.build import const, rows

AMO_SOURCE_BASE = 31_000  # amoCRM source ids of the generated account
AMO_CATALOG_BASE = 1_700_000  # amoCRM catalog element ids of its products


def _products(
    c: Compiled, cols: Columns, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Product per deal (-1 none) and amount (NaN none), from the sample's prices and mix."""
    s = sample()
    n = len(cols.funnel)
    mode = np.array([spec.products for spec in c.specs])[cols.funnel]
    product = np.full(n, -1, np.int64)
    every = mode == "all"  # FK403: one funnel sells every product
    product[every] = rng.choice(len(s.products), size=int(every.sum()), p=s.product_weights)
    gtx = np.flatnonzero(np.array(s.product_series) == "GTX")
    only = mode == "gtx"
    product[only] = rng.choice(gtx, size=int(only.sum()))
    amount = np.full(n, np.nan)
    has = product >= 0
    amount[has] = np.round(s.product_prices[product[has]] * rng.uniform(0.85, 1.05, int(has.sum())))
    return product, amount


def _titles(c: Compiled, ids: Ids, cols: Columns, staff: People, product: np.ndarray) -> np.ndarray:
    """«product — company» (or the funnel's name, or the contact's), one string per distinct pair.

    Branch numbers are left out of titles so that a million deals share a few thousand strings.
    """
    assert ids.company_no is not None
    accounts = len(sample().accounts)
    pool = len(staff.first_names) * len(staff.last_names)
    company = ids.company_no[cols.contact]
    who = np.where(company >= 0, company % accounts, accounts + cols.contact % pool)
    what = np.where(product >= 0, product, len(sample().products) + cols.funnel)
    width = accounts + pool
    keys, inverse = np.unique(what * width + who, return_inverse=True)
    labels = [*sample().products, *(spec.name for spec in c.specs)]
    names = []
    for key in keys.tolist():
        w, h = divmod(key, width)
        person = company_name(h) if h < accounts else staff.contact_name(h - accounts)
        names.append(f"{labels[w]} — {person}")
    return obj(names)[inverse]


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
    """Deals (and Bitrix24 leads) in id order, amounts and products from the sample."""
    assert ids.contact is not None and ids.company is not None and ids.company_no is not None
    product, amount = _products(c, cols, rng)
    final = c.paths[cols.template, cols.n_valid - 1]
    reasons = list(state.loss_reasons)
    reason = np.full(len(final), -1, np.int64)
    if reasons:  # amoCRM: lost deals carry a reason, except the FK203 ones
        lost = ~facts.is_open & (np.array(c.tags)[final] == LOST)
        reason[lost] = rng.integers(0, len(reasons), int(lost.sum()))
        reason[no_reason] = -1
    contact_tuple = np.empty(len(ids.contact), dtype=object)
    known = np.flatnonzero(ids.contact != None)  # noqa: E711 - elementwise on an object array
    contact_tuple[known] = [(cid,) for cid in ids.contact[known].tolist()]
    users = obj([u.id for u in staff.users])
    # amoCRM names a lead's products and source by id only (catalog elements, source_id,
    # amocrm.md §6.2/§6.3): there they are numbered, or a pull could never see them
    amo = state.vendor == Vendor.AMOCRM
    source_names = [str(AMO_SOURCE_BASE + n) if amo else s for n, s in enumerate(DEAL_SOURCES)]
    product_names = [
        str(AMO_CATALOG_BASE + n) if amo else p for n, p in enumerate(sample().products)
    ]
    source = obj(source_names)[rng.integers(0, len(DEAL_SOURCES), len(final))]
    o = ids.order
    has_amount = ~np.isnan(amount[o])
    built = rows(
        Deal,
        len(o),
        {
            "id": ids.deal[o].tolist(),
            "funnel_id": obj([spec.id for spec in c.specs])[cols.funnel[o]].tolist(),
            "stage_id": obj(c.stage_ids)[final[o]].tolist(),
            "created_at": cols.created[o].tolist(),
            "entity": obj([EntityKind.DEAL, EntityKind.LEAD])[ids.is_lead[o].astype(int)].tolist(),
            "title": _titles(c, ids, cols, staff, product)[o].tolist(),
            "responsible_id": users[cols.resp1[o]].tolist(),
            "creator_id": users[cols.resp0[o]].tolist(),
            "contact_ids": contact_tuple[cols.contact[o]].tolist(),
            "company_id": ids.company[ids.company_no[cols.contact[o]]].tolist(),
            "amount": [
                a if h else None
                for a, h in zip(amount[o].tolist(), has_amount.tolist(), strict=True)
            ],
            "currency": obj([None, state.currency])[has_amount.astype(int)].tolist(),
            "modified_at": facts.last_at[o].tolist(),
            "closed_at": nullable(facts.closed_at[o]),
            "closed": (~facts.is_open[o]).tolist(),
            "last_activity_at": nullable(last_interaction(acts.deal, acts, len(final))[o]),
            "source": source[o].tolist(),
            "tags": const(()),
            "loss_reason_id": obj(reasons, absent=True)[reason[o]].tolist(),
            "products": obj([*((p,) for p in product_names), ()])[product[o]].tolist(),
        },
    )
    state.deals = {d.id: d for d in built}
