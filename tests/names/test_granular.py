"""FK104 evidence: numbered repeats, duplicates and checklist sub-steps."""

from __future__ import annotations

from funnelkit.model.enums import Semantics
from funnelkit.names import Label, analyse_funnel
from tests.names.helpers import funnel


def _granular(names: list[str]) -> list[bool]:
    analysis = analyse_funnel(funnel(list(names)))
    return [Label.TOO_GRANULAR in analysis.labels_of(f"s{i}") for i in range(len(names))]


def test_numbered_no_answer_attempts() -> None:
    assert _granular(["Новая", "Недозвон 1", "Недозвон 2", "Недозвон 3", "Встреча"]) == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_instalments_one_to_twelve() -> None:
    names = [f"{n} оплата получена" for n in range(1, 13)]
    assert all(_granular(["Договор", *names, "Заморожен"])[1:13])


def test_ordinal_words_in_three_languages() -> None:
    assert all(_granular(["Перший дзвінок", "Другий дзвінок"]))
    assert all(_granular(["First call", "Second call", "Third call"]))
    assert all(_granular(["Первое касание", "Второе касание"]))
    assert all(_granular(["Primer seguimiento", "Segundo seguimiento"]))


def test_single_numbered_attempt() -> None:
    assert _granular(["Новая", "Попытка дозвона 2", "КП отправлено"]) == [False, True, False]
    assert _granular(["New", "Attempt #2", "Proposal sent"]) == [False, True, False]


def test_list_numbering_is_position_not_repeat() -> None:
    names = ["1. Новая заявка", "2. Звонок клиенту", "3. Встреча", "4. КП отправлено"]
    assert not any(_granular(names))


def test_numbers_with_different_meaning_do_not_fire() -> None:
    assert not any(_granular(["Предоплата 50%", "Оплата 100%", "Договор", "Бронь 2 дня"]))


def test_duplicate_name_after_normalisation() -> None:
    assert _granular(["Новая", "КП отправлено", "КП ОТПРАВЛЕНО!", "Договор"]) == [
        False,
        False,
        True,
        False,
    ]


def test_checklist_sub_step() -> None:
    names = ["Новый лид", "Презентовали компанию и стратегию", "Презентовали платформу", "Оффер"]
    assert _granular(names) == [False, False, True, False]


def test_call_outcome_of_a_step() -> None:
    assert _granular(["В ожидании оплаты", "Предоплата недозвон", "Оплачен"]) == [
        False,
        True,
        False,
    ]


def test_numbered_terminal_reasons_still_count() -> None:
    analysis = analyse_funnel(
        funnel([("Отказ 1", Semantics.FAILURE), ("Отказ 2", Semantics.FAILURE), "Новая"])
    )
    assert Label.TOO_GRANULAR in analysis.labels_of("s0")


def test_single_message_in_a_channel() -> None:
    names = ["Новая", "Написали в WhatsApp", "Email sent", "КП отправлено по email", "Звонок"]
    assert _granular(names) == [False, True, True, False, False]
