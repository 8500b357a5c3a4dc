"""FK101 evidence: parking stages fire, proper steps and loss reasons do not."""

from __future__ import annotations

import pytest

from funnelkit.model.enums import FunnelRole, Semantics
from funnelkit.names import FunnelInput, Label, StageInput, analyse_funnel
from tests.names.helpers import funnel, labels_in_context

DUMPS = [
    # ru
    "Клиент думает",
    "Думают",
    "Отложенный спрос",
    "Отложено",
    "Не отвечает",
    "Не берёт трубку",
    "Недозвон",
    "Заморожен",
    "На паузе",
    "Перезвонить позже",
    "Связаться в следующем году",
    "В ожидании клиента",
    "Клиент пропал",
    "Принимают решение",
    "ДУМКА",
    "Раздумье",
    "Архив",
    # uk
    "Клієнт думає",
    "Думають",
    "Відкладений попит",
    "Відкладено",
    "Не відповідає",
    "Не бере трубку",
    "Недодзвон",
    "Заморожено",
    "На паузі",
    "Передзвонити пізніше",
    "Чекаємо відповіді клієнта",
    "Клієнт приймає рішення",
    "Клієнт обмірковує умови",
    # en
    "Client is thinking",
    "Thinking it over",
    "Postponed",
    "On hold",
    "No answer",
    "Not responding",
    "Call back later",
    "Nurturing",
    "Follow-up",
    "FollowUp",
    "Waiting for client response",
    "Frozen",
    "Evaluating Solution",
    # mixed case, emoji, look-alike letters, numbering
    "Toma de decisión",
    "Tomada de decisão",
    "🤔 КЛИЕНТ ДУМАЕТ",
    "клиент думает!!!",
    "Kлиент думает",
    "Недозвон 2",
]
NOT_DUMPS = [
    "Думает о покупке — созвониться в пятницу",
    "Клієнт обмірковує умови - дізнатися рішення",
    "Client is thinking: call on Friday",
    "Отложенный спрос — позвонить 1 марта",
    "В ожидании оплаты",
    "Очікування оплати",
    "Waiting for payment",
    "Awaiting signature",
    "В ожидании курьера",
    "КП отправлено",
    "Вислали КП, отримати зворотній зв'язок",
    "Договор подписан",
    "Meeting scheduled",
    "Вышел на ЛПР",
    "Визначення осіб, приймаючих рішення",
    "Определение лиц, принимающих решение",
    # other languages: unknown words stay quiet
    "Заявка на рассмотрении у руководителя",
    "Документы не готовы",
    "Warten auf Freigabe",
    "Angebot erstellt",
    "Oferta enviada",
    "Teklif gönderildi",
]


@pytest.mark.parametrize("name", DUMPS)
def test_dump_fires(name: str) -> None:
    assert Label.DUMP in labels_in_context(name)


@pytest.mark.parametrize("name", NOT_DUMPS)
def test_dump_does_not_fire(name: str) -> None:
    assert Label.DUMP not in labels_in_context(name)


@pytest.mark.parametrize("name", ["Не выходит на связь", "Не відповідає", "No answer", "Дорого"])
def test_loss_reason_in_failure_stage_is_not_dump(name: str) -> None:
    assert labels_in_context(name, semantics=Semantics.FAILURE) == {Label.OK}


def test_thinking_right_after_offer_names_the_offer() -> None:
    analysis = analyse_funnel(funnel(["Новая", "КП отправлено", "Думает", "Договор"]))
    [verdict] = [v for v in analysis.verdicts if v.stage_id == "s2" and v.label is Label.DUMP]
    assert "КП отправлено" in verdict.reason
    assert verdict.confidence >= 0.75


def test_thinking_with_a_task_is_ok() -> None:
    analysis = analyse_funnel(
        funnel(["Новая", "КП отправлено", "Думает о покупке — созвониться в пятницу", "Договор"])
    )
    assert analysis.labels_of("s2") == {Label.OK}


@pytest.mark.parametrize("name", ["Отложенный спрос", "Думает", "Не отвечает", "Дорого"])
def test_refusal_funnel_stages_are_reasons(name: str) -> None:
    labels = labels_in_context(name, role=FunnelRole.REFUSALS)
    assert Label.DUMP not in labels


def test_refusal_role_guessed_from_the_funnel_name() -> None:
    names = ["Отложенный спрос", "Дорого", "Выбрали конкурента", "Не актуально"]
    analysis = analyse_funnel(funnel(names, name="Подогрев"))
    assert analysis.role_guess.role is FunnelRole.REFUSALS
    assert all(v.label is Label.OK for v in analysis.verdicts)


def test_dump_at_the_edge_is_more_certain() -> None:
    edge = analyse_funnel(funnel(["Новая", "КП отправлено", "Договор", "Отложенный спрос"]))
    middle = analyse_funnel(funnel(["Новая", "Отложенный спрос", "КП отправлено", "Договор"]))
    [e] = [v for v in edge.verdicts if v.label is Label.DUMP]
    [m] = [v for v in middle.verdicts if v.label is Label.DUMP]
    assert e.confidence > m.confidence
    assert "edge" in e.reason


def test_postponed_glued_to_a_loss_is_dump_even_as_failure() -> None:
    labels = labels_in_context("Заявка не сработала или отложена", semantics=Semantics.FAILURE)
    assert {Label.DUMP, Label.MERGED} <= labels


def test_stages_are_read_in_sort_order() -> None:
    stages = (
        StageInput("a", "Договор", 30),
        StageInput("b", "Думает", 20),
        StageInput("c", "КП отправлено", 10),
    )
    analysis = analyse_funnel(FunnelInput("f", "Продажи", stages=stages))
    [verdict] = [v for v in analysis.verdicts if v.label is Label.DUMP]
    assert verdict.stage_id == "b"
    assert "КП отправлено" in verdict.reason  # its neighbour by sort, not by list position
