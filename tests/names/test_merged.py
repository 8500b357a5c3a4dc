"""FK103 evidence: a fixed task glued to an open-ended wait, or two outcomes in one stage."""

from __future__ import annotations

import pytest

from funnelkit.names import Label, analyse_funnel
from tests.names.helpers import funnel, labels_in_context

MERGED = [
    "Подготовить КП и согласовать с клиентом",
    "Підготувати КП і узгодити з клієнтом",
    "Подготовка и согласование КП",
    "Prepare proposal and get approval",
    "Отправить договор и дождаться подписи",
    "Новый/Недозвон",
    "Отклонено / На доработку",
    "Заявка не сработала или отложена",
    "Won / Lost",
    "Согласование ТЗ и подготовка КП",
    "Выставить счёт и получить оплату",
]
NOT_MERGED = [
    "Closed (Won / Lost)",
    "Закрыто и не реализовано",
    "Презентовали компанию и стратегию",
    "КП/Счёт",
    "Proposal/Price Quote",
    "Вислали КП, отримати зворотній зв'язок",
    "Отправили договор и ждём подписания",
    "Договор подписан и оплачен",
    "Обсудили объект и условия",
    "Бэклог / Распределение",
    "Отговорили друзья/родственники",
    "Підготовка КП",
    "Согласование с клиентом",
]


@pytest.mark.parametrize("name", MERGED)
def test_merged_fires(name: str) -> None:
    assert Label.MERGED in labels_in_context(name)


@pytest.mark.parametrize("name", NOT_MERGED)
def test_merged_does_not_fire(name: str) -> None:
    assert Label.MERGED not in labels_in_context(name)


def test_merged_reason_names_both_halves() -> None:
    analysis = analyse_funnel(funnel(["Новая", "Подготовить КП и согласовать с клиентом"]))
    [verdict] = [v for v in analysis.verdicts if v.label is Label.MERGED]
    assert "Подготовить КП" in verdict.reason
    assert "согласовать с клиентом" in verdict.reason
    # the merged finding replaces "an instruction without a situation"
    assert Label.VAGUE not in analysis.labels_of("s1")
