"""What the report's summaries need of every deal, read as columns.

The audit reads deals as columns and makes objects only for the deals its findings name; the
report's money, score and manager figures need a few fields of every deal, so they read the
same columns (`index.tables`) instead of making a million `Deal` objects after the audit.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from funnelkit.index.tables import decoded, numbers, texts
from funnelkit.metrics.deals import amounts
from funnelkit.model import Semantics

if TYPE_CHECKING:
    from funnelkit.model import Snapshot
    from funnelkit.report.score import StakeFacts


class DealFacts:
    """Per deal, in snapshot order: id, manager, funnel, stage, closed, amount, currency."""

    def __init__(self, snapshot: Snapshot) -> None:
        rows = snapshot.deals
        self.currency = snapshot.structure.portal.currency
        self.ids: list[str] = decoded(texts(rows, "id"))
        #: deal id → its row; a repeated id means its last row, as a dict of deals has it
        self.row_of: dict[str, int] = dict(zip(self.ids, range(len(self.ids)), strict=True))
        self.responsible: list[str] = [r or "" for r in decoded(texts(rows, "responsible_id"))]
        self.funnel: list[str] = decoded(texts(rows, "funnel_id"))
        self.stage: list[str] = decoded(texts(rows, "stage_id"))
        self.closed: list[bool] = (numbers(rows, "closed") == 1).tolist()
        # a missing amount (NaN) counts as none, as None does on a deal
        self.amount: list[float] = [0.0 if a != a else a for a in amounts(rows).tolist()]
        self.currencies: list[str | None] = decoded(texts(rows, "currency"))

    def holder(self, deal_id: str) -> str | None:
        """The deal's manager ("" when it has none), None for a deal not in the snapshot."""
        row = self.row_of.get(deal_id)
        return None if row is None else self.responsible[row]

    def open_amount(self, deal_id: str) -> tuple[str, float] | None:
        """(currency, amount) of an open deal with an amount (the deal's currency, else the
        portal's, else "?"); None otherwise."""
        row = self.row_of.get(deal_id)
        if row is None or self.closed[row] or not self.amount[row]:
            return None
        return (self.currencies[row] or self.currency or "?", self.amount[row])

    def stake_facts(self, deal_id: str) -> StakeFacts | None:
        """What money at stake counts of an open deal with an amount (`score.stake_of`)."""
        row = self.row_of.get(deal_id)
        if row is None or self.closed[row] or not self.amount[row]:
            return None
        cur = self.currencies[row] or self.currency or "?"
        return (cur, self.amount[row], self.funnel[row], self.responsible[row])

    def open_by_manager(self) -> Counter[str]:
        """Deals not closed, per manager ("" for none)."""
        return Counter(r for r, c in zip(self.responsible, self.closed, strict=True) if not c)

    def open_count(self, snapshot: Snapshot) -> int:
        """Deals neither closed nor standing in a won or lost stage (`score.open_deal_count`)."""
        shut = {
            (s.funnel_id, s.id)
            for s in snapshot.structure.stages
            if s.semantics is not Semantics.PROCESS
        }
        return sum(
            1
            for f, s, c in zip(self.funnel, self.stage, self.closed, strict=True)
            if not c and (f, s) not in shut
        )
