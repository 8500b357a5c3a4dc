"""Answer shapes: batch completeness, announced totals, page rows."""

from __future__ import annotations

from typing import Any

import pytest

from funnelkit.connectors.amocrm import mapping
from funnelkit.connectors.bitrix24.envelope import missing_commands
from funnelkit.connectors.bitrix24.paging import ListSpec, check_read
from funnelkit.connectors.bitrix24.specs import DEALS, USERS
from funnelkit.connectors.shape import check_total
from funnelkit.errors import ShapeError

COMMANDS = {"p0": "crm.item.list?x=1", "p1": "crm.item.list?x=2", "p2": "user.get?y=1"}


def test_every_command_must_be_answered() -> None:
    assert missing_commands(COMMANDS, {"p0", "p1", "p2"}, set()) is None
    error = missing_commands(COMMANDS, {"p0", "p2"}, set())
    assert error is not None and "p1" in error.message and error.method == "crm.item.list"


def test_commands_after_a_reported_failure_may_be_absent() -> None:
    assert missing_commands(COMMANDS, {"p0", "p1"}, {"p1"}) is None
    # ... but not the ones before it.
    error = missing_commands(COMMANDS, {"p1", "p2"}, {"p2"})
    assert error is not None and "p0" in error.message


TOTALS = [(100, 100, True), (100, 98, True), (100, 97, False), (1000, 990, True),
          (1000, 989, False), (5, 0, False)]  # fmt: skip


@pytest.mark.parametrize(("total", "read", "ok"), TOTALS)
def test_totals_hold_within_the_stated_tolerance(total: int, read: int, ok: bool) -> None:
    if ok:
        check_total("x", "m", total, read)
    else:
        with pytest.raises(ShapeError, match="announced"):
            check_total("x", "m", total, read)


@pytest.mark.parametrize(
    ("spec", "result"),
    [
        (DEALS, [{"id": 1}]),  # no `items` wrapper
        (DEALS, {"rows": [{"id": 1}]}),
        (DEALS, {"items": "x"}),
        (DEALS, {"items": [{"title": "no id"}]}),
        (USERS, {"x": 1}),
        (USERS, [1, 2, 3]),
        (USERS, None),
    ],
)
def test_wrong_pages_are_shape_errors_naming_the_method(spec: ListSpec, result: Any) -> None:
    with pytest.raises(ShapeError) as caught:
        spec.rows(result)
    assert caught.value.method == spec.method and spec.method in caught.value.message


def test_good_pages_pass() -> None:
    assert DEALS.rows({"items": [{"id": 3}]}) == [{"id": 3}]
    assert USERS.rows([]) == [] and USERS.rows({}) == []  # an empty PHP map is `[]` or `{}`


def test_a_table_that_had_rows_must_not_come_back_empty() -> None:
    check_read({"deals": "crm.item.list"}, {"deals": 3})
    with pytest.raises(ShapeError, match=r"crm\.item\.list"):
        check_read({"deals": "crm.item.list"}, {})


WRONG = [[1, 2], {"_embedded": []}, {"_embedded": {"leads": {}}},
         {"_embedded": {"leads": [{"name": "x"}]}}, {"result": "x"}]  # fmt: skip


@pytest.mark.parametrize("payload", WRONG)
def test_amocrm_answers_without_the_list_are_shape_errors(payload: Any) -> None:
    with pytest.raises(ShapeError, match="GET /api/v4/leads"):
        mapping.embedded(payload, "leads", method="GET /api/v4/leads")


def test_amocrm_embedded_objects_may_omit_their_lists() -> None:
    assert mapping.embedded({"id": 1}, "contacts") == []
    assert mapping.embedded(None, "leads", method="GET /api/v4/leads") == []  # 204
    with pytest.raises(ShapeError):
        mapping.embedded({"_embedded": {"contacts": "x"}}, "contacts")
