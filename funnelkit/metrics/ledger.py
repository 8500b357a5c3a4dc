"""What the report needs to know of every deal, read from the columns once.

The report weighs findings by money and by manager and counts open deals. Read deal by deal,
a million-deal snapshot became a million `Deal` objects (seconds and about a gigabyte) for
five fields; these are the same answers from the coded columns, in snapshot order, so every
dict and counter lists its keys in the order a loop over the deals would have met them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from funnelkit.index.tables import decoded, numbers, texts
from funnelkit.metrics.deals import DealTable
from funnelkit.model import Semantics, Snapshot


@dataclass(frozen=True)
class DealLedger:
    """Per-deal facts behind money at stake, groups, manager rows and the score."""

    ids: list[str]
    contact_ids: list[str]
    #: open (not closed) deals with a non-zero amount: id → (currency, amount); a deal
    #: without its own currency counts in the portal's ("?" when the portal has none)
    amounts: dict[str, tuple[str, float]]
    #: the funnel of each deal in `amounts`
    funnel_of: dict[str, str]
    #: every deal's responsible user ("" when none)
    holder: dict[str, str]
    #: open deals (not closed) per responsible user ("" when none)
    open_by: Counter[str]
    #: deals neither closed nor standing in a won or lost stage (the audit's "open")
    open_count: int


def deal_ledger(snapshot: Snapshot) -> DealLedger:
    """The ledger of the snapshot's deals."""
    table = DealTable(snapshot)
    rows = snapshot.deals
    ids: list[str] = table.ids()
    holders = [r or "" for r in decoded(texts(rows, "responsible_id"))]
    closed = numbers(rows, "closed") == 1
    amount = table.amount
    priced = np.flatnonzero(~closed & ~np.isnan(amount) & (amount != 0))
    portal = snapshot.structure.portal.currency or "?"
    currencies = [*(table.currency_values or ()), None]
    funnels = [*(table.funnel_values or ()), None]
    currency_codes, funnel_codes = table.currency_codes, table.funnel_codes
    amounts: dict[str, tuple[str, float]] = {}
    funnel_of: dict[str, str] = {}
    for row in priced.tolist():
        deal_id = ids[row]
        amounts[deal_id] = (currencies[currency_codes[row]] or portal, float(amount[row]))
        funnel_of[deal_id] = funnels[funnel_codes[row]]
    keys, stages = table.stages({(s.funnel_id, s.id): s for s in snapshot.structure.stages})
    settled = np.array(
        [s is not None and s.semantics is not Semantics.PROCESS for s in stages], np.bool_
    )
    open_count = int(np.count_nonzero(~closed & ~settled[keys])) if len(keys) else 0
    open_holders = np.array(holders, dtype=object)[~closed].tolist() if holders else []
    return DealLedger(
        ids=ids,
        contact_ids=decoded(texts(snapshot.contacts, "id")),
        amounts=amounts,
        funnel_of=funnel_of,
        holder=dict(zip(ids, holders, strict=True)),
        open_by=Counter(open_holders),
        open_count=open_count,
    )
