"""Column-wise incremental merges: the copy read last wins, dropped ids go, order is by id."""

from __future__ import annotations

from funnelkit.model import Deal, EntityKind
from funnelkit.store.merge import IdNumbers, Order, merge_into
from funnelkit.store.spool import TableSpool


def _deal(deal_id: str, title: str = "", lead: bool = False) -> Deal:
    entity = EntityKind.LEAD if lead else EntityKind.DEAL
    return Deal(id=deal_id, funnel_id="0", stage_id="NEW", created_at=1, entity=entity, title=title)


def test_merge_replaces_drops_and_orders() -> None:
    old = [_deal("2", "old two"), _deal("10", "ten"), _deal("L1", "lead", lead=True), _deal("3")]
    new = [_deal("2", "first read"), _deal("11", "new"), _deal("2", "read again")]
    target = TableSpool("deals", row_group=2)
    order = Order(flag="entity", prefix="lead", strip="LT")
    merge_into(target, old, new, order, drop={"3"})
    rows = list(target.finish())
    assert [(r.id, r.title) for r in rows] == [
        ("2", "read again"),
        ("10", "ten"),
        ("11", "new"),
        ("L1", "lead"),
    ]


def test_id_numbers_find_the_missing() -> None:
    rows = [_deal("5"), _deal("7"), _deal("L7", lead=True), _deal("9")]
    deals = IdNumbers.of("deals", rows, "L", where=("entity", "deal"))
    assert len(deals) == 3
    assert deals.max() == 9
    assert deals.missing_from([9, 5, 12]) == [7]
    assert IdNumbers.of("deals", [], "L").max() == 0


def test_a_merged_table_is_written_in_row_groups() -> None:
    target = TableSpool("deals", row_group=2)
    merge_into(target, [_deal(str(n)) for n in range(1, 6)], [], Order())
    groups = list(target.row_groups())
    assert [g.num_rows for g in groups] == [2, 2, 1]
