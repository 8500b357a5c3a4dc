"""FK102 evidence: names that state neither the situation nor the manager's task."""

from __future__ import annotations

import pytest

from funnelkit.model.enums import Semantics
from funnelkit.names import Label
from tests.names.helpers import labels_in_context

VAGUE = [
    # ru
    "В работе",
    "В процессе",
    "Переговоры",
    "Обработка",
    "Консультация",
    "Работа с возражениями",
    "Анализ",
    "Первичный контакт",
    "Потенциальный клиент",
    "Согласование",
    # labelling policy (b): a bare sales document, optionally qualified
    "Договор",
    "Финальный счёт",
    "Цінова пропозиція",
    "Proposal",
    # issue 20: «taken into work» names no situation; a past plural is an activity
    "Взят в работу",
    "Взяли в работу",
    "Розмовляли з клієнтом",
    "Подготовка документов",
    "Выявление потребностей",
    "Требуется согласование",
    "Проверить оплату",
    # uk
    "В роботі",
    "Переговори",
    "Обробка",
    "Консультація",
    "Робота із запереченнями",
    "Потенційний клієнт",
    "Узгодження",
    "Аналіз",
    "Проспектінг",
    "Вимагає аналізу",
    # en
    "Negotiation",
    "Negotiation/Review",
    "In progress",
    "Processing",
    "Needs Analysis",
    "Prospecting",
    "Initial contact",
    "Interested",
    "Pending",
    "Value Proposition",
    "Id. Decision Makers",
    "Working",
    "Discovery",
    "Closing",
    "Hot",
    "Cold",
    # other languages with a shared root
    "Negociación",
    "Prospección",
]
NOT_VAGUE = [
    "КП отправлено",
    "Вислали КП, отримати зворотній зв'язок",
    "Есть интерес, созвониться",
    "Переговоры — согласовать скидку до пятницы",
    "В работе (Коммерческие предложения)",
    "Договор подписан",
    "Contract sent",
    "Meeting scheduled",
    "Встреча назначена",
    "Зустріч призначена",
    "Счёт выставлен",
    "Рахунок виставлено",
    "Квалификация",
    "Qualified",
    "Contacted",
    "Вышел на ЛПР",
    "На согласовании с юристом",
    "Согласование цен (Закупка)",
    "Новая заявка",
    "Offer Made",
    "Бронь",
    "Показ",
    # other languages: no false alarm on unknown words
    "Angebot erstellt",
    "Oferta enviada",
    "Teklif gönderildi",
    "NOMERATSIYALANMAGAN ZAKAZ",
]


@pytest.mark.parametrize("name", VAGUE)
def test_vague_fires(name: str) -> None:
    assert Label.VAGUE in labels_in_context(name)


@pytest.mark.parametrize("name", NOT_VAGUE)
def test_vague_does_not_fire(name: str) -> None:
    assert Label.VAGUE not in labels_in_context(name)


@pytest.mark.parametrize("name", ["В работе", "Переговоры", "Closed Lost"])
def test_terminal_stages_are_not_judged_vague(name: str) -> None:
    assert Label.VAGUE not in labels_in_context(name, semantics=Semantics.FAILURE)


def test_client_state_is_vague_and_dump() -> None:
    # article 001, mistake 5: «Клієнт обмірковує умови» is not a task for the manager
    assert {Label.VAGUE, Label.DUMP} <= labels_in_context("Клієнт обмірковує умови")


def test_situation_plus_task_is_ok() -> None:
    assert labels_in_context("Клієнт обмірковує умови - дізнатися рішення") == {Label.OK}
