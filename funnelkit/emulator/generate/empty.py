"""An empty portal (`emulator serve --empty`): only what the vendor itself will not let go.

A new Bitrix24 portal keeps its default deal category 0 (bitrix24.md §6.1: it cannot be
deleted) with the stages the vendor creates, and the lead statuses (§6.3; NEW, CONVERTED
and JUNK are system). A new amoCRM account keeps one pipeline, since the last pipeline
cannot be deleted (amocrm.md §5.2), with its unsorted inbox, one working status (a
pipeline needs one to exist) and the shared won / lost statuses 142 and 143 (§5.1).
No deals, contacts or tasks: the portal a migration starts from.
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.fixture.load import state_from_fixture
from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor

EMPTY_NOW = 1_780_000_000  # a fixed "today" keeps the empty portal byte-for-byte repeatable

_B24_DEAL = (
    ("NEW", "Новая", "process", True),
    ("PREPARATION", "Подготовка документов", "process", False),
    ("PREPAYMENT_INVOICE", "Счёт на предоплату", "process", False),
    ("EXECUTING", "В работе", "process", False),
    ("FINAL_INVOICE", "Финальный счёт", "process", False),
    ("WON", "Сделка успешна", "success", True),
    ("LOSE", "Сделка провалена", "failure", True),
    ("APOLOGY", "Анализ причины провала", "failure", False),
)
_B24_LEAD = (
    ("NEW", "Не обработан", "process", True),
    ("IN_PROCESS", "В работе", "process", False),
    ("PROCESSED", "Обработан", "process", False),
    ("CONVERTED", "Качественный лид", "success", True),
    ("JUNK", "Некачественный лид", "failure", True),
)


def _stages(rows: tuple[tuple[str, str, str, bool], ...]) -> list[dict[str, Any]]:
    return [
        {"id": code, "name": name, "semantics": sem, "sort": (i + 1) * 10, "system": system}
        for i, (code, name, sem, system) in enumerate(rows)
    ]


def _bitrix24() -> dict[str, Any]:
    return {
        "vendor": "bitrix24",
        "domain": "empty.bitrix24.ru",
        "funnels": [
            {"id": "LEAD", "name": "Лиды", "kind": "lead", "stages": _stages(_B24_LEAD)},
            {"id": "0", "name": "Общая", "is_default": True, "stages": _stages(_B24_DEAL)},
        ],
    }


def _amocrm() -> dict[str, Any]:
    stages = [
        {
            "id": "1000",
            "name": "Неразобранное",
            "sort": 10,
            "system": True,
            "extras": {"type": "1"},
        },
        {"id": "1001", "name": "Первичный контакт", "sort": 20, "color": "#99ccff"},
        {"id": "142", "name": "Успешно реализовано", "semantics": "success", "sort": 10000},
        {"id": "143", "name": "Закрыто и не реализовано", "semantics": "failure", "sort": 11000},
    ]
    for closing in stages[2:]:
        closing["system"] = True
    return {
        "vendor": "amocrm",
        "domain": "empty.amocrm.ru",
        "funnels": [{"id": "100", "name": "Воронка", "is_default": True, "stages": stages}],
    }


def empty_portal(vendor: Vendor) -> PortalState:
    """A fresh portal of `vendor` holding only its undeletable defaults."""
    data = _bitrix24() if vendor is Vendor.BITRIX24 else _amocrm()
    data.update(
        {
            "currency": "RUB",
            "now": EMPTY_NOW,
            "users": [{"id": "1", "name": "Администратор"}],
        }
    )
    return state_from_fixture(data, name=f"<empty {vendor.value} portal>")
