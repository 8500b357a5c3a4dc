"""Typical ru / uk / en stage names written for this test from the label definitions and
article 001 — not taken from dev.yaml — so the analyser is checked on the idea of each label."""

from __future__ import annotations

import pytest

from funnelkit.names import Label, analyse_funnel
from tests.names.helpers import funnel, labels_in_context

DUMPS = [
    "Думают",
    "Клиент размышляет",
    "Клиент сомневается",
    "Рассматривает предложение",
    "Принятие решения",
    "Думка клієнта",
    "Клієнт вагається",
    "Клієнт думає",
    "Приймає рішення",
    "Thinking it over",
    "Considering",
    "Client deciding",
    "Не берёт трубку",
    "Не отвечает на звонки",
    "Неотвеченные",
    "Не дозвонились",
    "Нет связи с клиентом",
    "Абонент недоступен",
    "Игнорирует",
    "Не відповідає",
    "Не виходить на зв'язок",
    "Зник",
    "Недодзвон",
    "No answer",
    "Unresponsive",
    "Voicemail left",
    "Ghosted",
    "Отложено",
    "Отложенные сделки",
    "Перенесено на следующий месяц",
    "Пауза",
    "Заморожено",
    "На паузе",
    "Вернуться позже",
    "Перезвонить позже",
    "Связаться позже",
    "Напомнить",
    "Відкладено",
    "Відклали",
    "На паузі",
    "Передзвонити пізніше",
    "Зв'язатися пізніше",
    "Postponed",
    "On hold",
    "Paused",
    "Call back later",
    "Follow up later",
    "Nurture",
    "Stalled",
    "Dormant",
    "Архив",
    "Корзина",
    "Отстойник",
    "Спящие клиенты",
    "Неактивные",
    "Ждём ответа",
    "Ждём ответа клиента",
    "Ожидание решения клиента",
    "Чекаємо на відповідь",
    "Waiting for client",
    "Awaiting response",
    "Следующий год",
    "Долгосрочные",
    "Подогрев",
    "Прогрев",
    "Не сейчас",
    "Not now",
    "Maybe later",
    "Архів",
]
VAGUE = [
    "В работе",
    "В процессе",
    "В роботі",
    "Обработка",
    "Обробка",
    "Переговоры",
    "Переговори",
    "Обсуждение условий",
    "Работа с клиентом",
    "Робота з клієнтом",
    "In progress",
    "Processing",
    "Negotiation",
    "Working",
    "Консультация",
    "Консультація",
    "Первичный контакт",
    "Первинний контакт",
    "Анализ потребностей",
    "Уточнение деталей",
    "Интерес",
    "Заинтересован",
    "Зацікавлений",
    "Потенциальный",
    "Горячий клиент",
    "Теплий",
    "Cold",
    "Hot lead",
    "Pending",
    "Отработка возражений",
    "Робота із запереченнями",
    "Objection handling",
    "Коммуникация",
    "Взят в работу",
    "Взято в роботу",
    "Taken into work",
    "КП",
    "Коммерческое предложение",
    "Договор",
    "Счёт",
    "Рахунок",
    "Пропозиція",
    "Proposal",
    "Quote",
    "Invoice",
    "Согласование",
    "Узгодження",
    "Требует внимания",
    "Проблема",
    "Обсудили",
]
CLEAN = [
    "Квалифицирован",
    "КП отправлено",
    "КП надіслано",
    "Счёт выставлен",
    "Рахунок виставлено",
    "Договор подписан",
    "Договір підписано",
    "Оплата получена",
    "Оплату отримано",
    "Зустріч призначена",
    "Демо проведено",
    "Proposal sent",
    "Contract signed",
    "Invoice paid",
    "Meeting booked",
    "Demo scheduled",
    "Замер назначен",
    "Выезд на объект",
    "КП отправлено — получить ответ",
    "Клиент думает — перезвонить в пятницу",
    "Клієнт обмірковує умови - дізнатися рішення",
    "Есть интерес, созвониться",
    "Вислали КП, отримати зворотній зв'язок",
    "Відправлений договір, узгодити умови",
    "Подготовка договора",
    "Подписание договора",
    "Отгрузка",
    "Доставка",
    "Монтаж",
    "Производство",
]


@pytest.mark.parametrize("name", DUMPS)
def test_parking_names(name: str) -> None:
    assert Label.DUMP in labels_in_context(name)


@pytest.mark.parametrize("name", VAGUE)
def test_vague_names(name: str) -> None:
    assert Label.VAGUE in labels_in_context(name)


@pytest.mark.parametrize("name", CLEAN)
def test_situation_or_task_names_are_clean(name: str) -> None:
    assert labels_in_context(name) == {Label.OK}


GRANULAR = [
    (
        ["Новая", "Звонок 1", "Звонок 2", "Звонок 3", "КП отправлено", "Успешно"],
        ["Звонок 1", "Звонок 2", "Звонок 3"],
    ),
    (["Новая", "Недозвон", "Недозвон (2)", "Встреча назначена", "Успешно"], ["Недозвон (2)"]),
    (["Новый", "Звонок вежливости", "Встреча назначена", "КП отправлено"], ["Звонок вежливости"]),
    (["Новый", "Написали в WhatsApp", "Встреча назначена"], ["Написали в WhatsApp"]),
    (["Новый", "Подготовка КП", "КП отправлено", "Договор подписан"], ["Подготовка КП"]),
    (
        ["Новый", "Передано менеджеру", "Передано юристу", "Передано бухгалтеру", "Оплачено"],
        ["Передано юристу", "Передано бухгалтеру"],
    ),
    (
        ["Новый", "Сбор документов", "Сбор дополнительных документов", "Договор подписан"],
        ["Сбор дополнительных документов"],
    ),
    (
        ["Новий", "Перший дзвінок", "Другий дзвінок", "Зустріч"],
        ["Перший дзвінок", "Другий дзвінок"],
    ),
    (["New", "Attempt 1", "Attempt 2", "Meeting set"], ["Attempt 1", "Attempt 2"]),
]


@pytest.mark.parametrize(("names", "granular"), GRANULAR)
def test_elementary_steps_across_the_funnel(names: list[str], granular: list[str]) -> None:
    analysis = analyse_funnel(funnel(names))
    got = [n for i, n in enumerate(names) if Label.TOO_GRANULAR in analysis.labels_of(f"s{i}")]
    assert got == granular
