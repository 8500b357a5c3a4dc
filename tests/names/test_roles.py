"""Funnel role guessing from the funnel name and its stage names."""

from __future__ import annotations

import pytest

from funnelkit.model.enums import FunnelRole as R
from funnelkit.names import guess_role

BY_NAME = [
    ("Лиды", R.LEAD_QUALIFICATION),
    ("Ліди", R.LEAD_QUALIFICATION),
    ("Leads", R.LEAD_QUALIFICATION),
    ("Квалификация заявок", R.LEAD_QUALIFICATION),
    ("Холодные звонки", R.COLD_CALLS),
    ("Холодні дзвінки", R.COLD_CALLS),
    ("Cold calls", R.COLD_CALLS),
    ("Воронка продаж", R.PRIMARY_SALES),
    ("Продажі", R.PRIMARY_SALES),
    ("Sales pipeline", R.PRIMARY_SALES),
    ("Отказы", R.REFUSALS),
    ("Подогрев", R.REFUSALS),
    ("Відмови", R.REFUSALS),
    ("Win-back", R.REFUSALS),
    ("Повторные продажи", R.CLIENT_BASE),
    ("Клиентская база", R.CLIENT_BASE),
    ("Repeat sales", R.CLIENT_BASE),
    ("Производство", R.PRODUCTION),
    ("Виробництво", R.PRODUCTION),
    ("Delivery", R.PRODUCTION),
    ("Партнёры", R.PARTNERS),
    ("Партнери", R.PARTNERS),
    ("Partners", R.PARTNERS),
    ("Закупки", R.SUPPLIES),
    ("Гарантия", R.WARRANTY),
    ("NPS", R.NPS),
    ("Предпродажа (замер)", R.PRE_SALE),
]


@pytest.mark.parametrize(("name", "role"), BY_NAME)
def test_role_from_funnel_name(name: str, role: R) -> None:
    guess = guess_role(name, [])
    assert guess.role is role
    assert guess.confidence >= 0.6
    assert guess.reason


def test_refusals_from_stage_names_alone() -> None:
    stages = ["Дорого", "Выбрали конкурента", "Не актуально", "Нет бюджета"]
    guess = guess_role("Воронка 2", stages)
    assert guess.role is R.REFUSALS


def test_lead_from_stage_names_alone() -> None:
    stages = ["Новый лид", "Недозвон", "Квалифицирован", "Некачественный лид"]
    assert guess_role("Воронка 3", stages).role is R.LEAD_QUALIFICATION


def test_sales_stages_outweigh_lead_look() -> None:
    stages = ["Новый лид", "Квалифицирован", "КП отправлено", "Счёт выставлен", "Оплачено"]
    assert guess_role("Воронка 3", stages).role is R.PRIMARY_SALES


def test_production_from_stage_names() -> None:
    stages = ["Передано в комплектацию", "Комплектуется", "Отгружено", "Доставка", "Выполнен"]
    assert guess_role("Заказы склада", stages).role in {R.PRODUCTION, R.PRIMARY_SALES}
    assert guess_role("Поток 7", stages).role is R.PRODUCTION


def test_no_cues_is_a_low_confidence_sales_guess() -> None:
    guess = guess_role("Pipeline 10957730", ["Etap A", "Etap B"])
    assert guess.role is R.PRIMARY_SALES
    assert guess.confidence < 0.6 or "pipeline" in guess.reason


def test_unknown_language_gives_low_confidence() -> None:
    guess = guess_role("Voronka", ["Bosqich bir", "Bosqich ikki"])
    assert guess.confidence < 0.5


def test_generic_name_leans_to_sales() -> None:
    guess = guess_role("Основная воронка", ["Этап А", "Этап Б"])
    assert guess.role is R.PRIMARY_SALES
    assert "воронка" in guess.reason or "основн" in guess.reason


def test_contact_attempts_without_any_offer_read_as_leads() -> None:
    stages = ["New", "Attempted", "Contacted", "Appt. Set", "Showing"]
    assert guess_role("Pipeline", stages).role is R.LEAD_QUALIFICATION


def test_bracketed_note_counts_less_than_the_name() -> None:
    guess = guess_role("Sales pipeline (partner referrals)", ["Offer sent", "Contract signed"])
    assert guess.role is R.PRIMARY_SALES


def test_refusals_name_needs_stages_that_agree() -> None:
    # issue 20: a sales funnel whose name mentions refusals keeps its parking stages visible
    sales = ["Новая заявка", "КП отправлено", "Отложенные", "Договор подписан"]
    assert guess_role("Отказы", sales).role is not R.REFUSALS
    reasons = ["Дорого", "Выбрали конкурента", "Не актуально", "Отложенный спрос"]
    assert guess_role("Отказы", reasons).role is R.REFUSALS


def test_dump_survives_a_refusals_name_in_a_sales_funnel() -> None:
    from funnelkit.names import FunnelInput, Label, StageInput, analyse_funnel

    names = ["Новая заявка", "КП отправлено", "Клиент думает", "Договор подписан"]
    stages = tuple(StageInput(str(i), n, i) for i, n in enumerate(names))
    analysis = analyse_funnel(FunnelInput("f", "Отказы и подогрев", stages=stages))
    assert Label.DUMP in analysis.labels_of("2")
    assert analysis.stage_labels()["2"] == (Label.DUMP, Label.VAGUE)
    verdict = next(v for v in analysis.verdicts if v.stage_id == "2")
    assert set(verdict.labels) == {Label.DUMP, Label.VAGUE}
