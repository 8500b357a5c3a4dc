"""FK401 evidence: sales steps inside a lead / qualification funnel."""

from __future__ import annotations

import pytest

from funnelkit.model.enums import FunnelKind, FunnelRole, Semantics
from funnelkit.names import Label, analyse_funnel
from tests.names.helpers import funnel, labels_in_context

SALES = [
    "КП отправлено",
    "Выставлен счёт",
    "Cчёт на предоплату",
    "Договор",
    "Оплата",
    "Оплачено",
    "Ожидание оплаты",
    "Рахунок виставлено",
    "Комерційна пропозиція",
    "Договір",
    "Invoice sent",
    "Proposal sent",
    "Invoicing",
    "Заказ оформлен",
    "Contract",
    "Payment received",
]
LEAD_STEPS = ["Квалифицирован", "Новый лид", "Недозвон", "Вышел на ЛПР", "Qualified", "Спам"]


@pytest.mark.parametrize("name", SALES)
def test_sales_step_in_lead_funnel_fires(name: str) -> None:
    assert Label.SALES_IN_LEAD in labels_in_context(name, role=FunnelRole.LEAD_QUALIFICATION)
    assert Label.SALES_IN_LEAD in labels_in_context(name, role=None, kind=FunnelKind.LEAD)


@pytest.mark.parametrize("name", SALES)
def test_sales_step_in_deal_funnel_does_not_fire(name: str) -> None:
    assert Label.SALES_IN_LEAD not in labels_in_context(name, role=FunnelRole.PRIMARY_SALES)


@pytest.mark.parametrize("name", LEAD_STEPS)
def test_lead_step_in_lead_funnel_does_not_fire(name: str) -> None:
    assert Label.SALES_IN_LEAD not in labels_in_context(name, role=FunnelRole.LEAD_QUALIFICATION)


def test_refusing_the_offer_is_a_loss_reason() -> None:
    labels = labels_in_context(
        "Отказ от КП", role=FunnelRole.COLD_CALLS, semantics=Semantics.FAILURE
    )
    assert Label.SALES_IN_LEAD not in labels


def test_lead_funnel_named_as_such_is_recognised() -> None:
    analysis = analyse_funnel(
        funnel(["Новый лид", "Квалификация", "КП отправлено", "Счёт выставлен"], name="Лиды")
    )
    assert analysis.role_guess.role is FunnelRole.LEAD_QUALIFICATION
    assert Label.SALES_IN_LEAD in analysis.labels_of("s2")
    assert Label.SALES_IN_LEAD not in analysis.labels_of("s1")
