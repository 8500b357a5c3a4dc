"""Whole funnels not in dev.yaml (vendor defaults, typical portals): every stage's labels."""

from __future__ import annotations

import pytest

from funnelkit.model.enums import FunnelKind
from funnelkit.names import FunnelInput, Label, StageInput, analyse_funnel

OK, DUMP, VAGUE, MERGED = Label.OK, Label.DUMP, Label.VAGUE, Label.MERGED
GRAN, SALES = Label.TOO_GRANULAR, Label.SALES_IN_LEAD

FUNNELS: list[tuple[str, FunnelKind, list[tuple[str, set[Label]]]]] = [
    (
        "Воронка",  # amoCRM default, ru
        FunnelKind.DEAL,
        [
            ("Неразобранное", {OK}),
            ("Первичный контакт", {VAGUE}),
            ("Переговоры", {VAGUE}),
            ("Принимают решение", {DUMP, VAGUE}),
            ("Согласование договора", {OK}),
            ("Успешно реализовано", {OK}),
            ("Закрыто и не реализовано", {OK}),
        ],
    ),
    (
        "Воронка",  # amoCRM default, uk
        FunnelKind.DEAL,
        [
            ("Нерозібране", {OK}),
            ("Первинний контакт", {VAGUE}),
            ("Переговори", {VAGUE}),
            ("Ухвалюють рішення", {DUMP, VAGUE}),
            ("Узгодження договору", {OK}),
            ("Успішно реалізовано", {OK}),
            ("Закрито і не реалізовано", {OK}),
        ],
    ),
    (
        "Pipeline",  # amoCRM / Kommo default, en
        FunnelKind.DEAL,
        [
            ("Incoming leads", {OK}),
            ("Initial contact", {VAGUE}),
            ("Discussions", {VAGUE}),
            ("Decision making", {DUMP, VAGUE}),
            ("Contract discussion", {OK}),
            ("Closed - won", {OK}),
            ("Closed - lost", {OK}),
        ],
    ),
    (
        "Deals",  # Bitrix24 default deal stages, en
        FunnelKind.DEAL,
        [
            ("New", {OK}),
            ("Preparing documents", {VAGUE}),
            ("Prepayment invoice", {VAGUE}),  # labelling policy (b): a bare document
            ("In progress", {VAGUE}),
            ("Final invoice", {OK}),
            ("Deal won", {OK}),
            ("Deal lost", {OK}),
        ],
    ),
    (
        "Лиды",  # a lead funnel that sells
        FunnelKind.LEAD,
        [
            ("Новая заявка", {OK}),
            ("Недозвон 1", {DUMP, GRAN}),
            ("Недозвон 2", {DUMP, GRAN}),
            ("Квалифицирован", {OK}),
            ("Отправлено КП", {SALES}),
            ("Выставлен счёт", {SALES}),
            ("Заказ звонка", {OK}),
            ("Некачественный лид", {OK}),
        ],
    ),
    (
        "Продажі",  # uk, good names per article 001 plus two classic mistakes
        FunnelKind.DEAL,
        [
            ("Нова заявка", {OK}),
            ("Є інтерес, зідзвонитися", {OK}),
            ("Вислали КП, отримати зворотній зв'язок", {OK}),
            ("Підготувати КП і узгодити з клієнтом", {MERGED}),
            ("Клієнт подумає", {DUMP, VAGUE}),
            ("Відправлений договір, узгодити умови", {OK}),
            ("Угода успішна", {OK}),
        ],
    ),
]


@pytest.mark.parametrize(("name", "kind", "stages"), FUNNELS, ids=lambda x: str(x)[:20])
def test_every_stage(name: str, kind: FunnelKind, stages: list[tuple[str, set[Label]]]) -> None:
    funnel = FunnelInput(
        "f", name, kind, None, tuple(StageInput(str(i), s, i) for i, (s, _) in enumerate(stages))
    )
    analysis = analyse_funnel(funnel)
    got = [(s, set(analysis.labels_of(str(i)))) for i, (s, _) in enumerate(stages)]
    assert got == stages


_GOOD_TEXT = (
    "Новая заявка|Заявка получена|Контакт установлен|Выявлена потребность|Назначена встреча|"
    "Встреча проведена|Замер назначен|Замер выполнен|Отправлено КП|"
    "КП отправлено, получить обратную связь|Счёт выставлен|Счет оплачен|Договор отправлен|"
    "Договор подписан|Предоплата получена|Передано в производство|Товар отгружен|Доставлено|"
    "Нова заявка|Заявку отримано|Контакт встановлено|Призначено зустріч|Зустріч проведена|"
    "Рахунок виставлено|Рахунок оплачено|Договір підписано|Передоплату отримано|Відвантажено|"
    "New lead|Contact made|Meeting scheduled|Demo completed|Proposal sent|Quote accepted|"
    "Contract signed|Invoice paid|Shipped|Qualified lead|Appointment set|Site visit done|"
    "Deposit received|Interest confirmed|Needs identified|Тест-драйв|Пробное занятие|"
    "Записан на пробное|Оплачен абонемент|Клиент пришёл|Бронь подтверждена|Документы получены|"
    "Заказ собран|Передан курьеру|Ожидает получения|Выставлен счет, ждем оплату"
)
GOOD_NAMES = _GOOD_TEXT.split("|")


def test_result_names_raise_nothing() -> None:
    stages = tuple(StageInput(str(i), n, i) for i, n in enumerate(GOOD_NAMES))
    analysis = analyse_funnel(FunnelInput("f", "Продажи", FunnelKind.DEAL, None, stages))
    flagged = [n for i, n in enumerate(GOOD_NAMES) if analysis.labels_of(str(i)) != {OK}]
    assert flagged == []
