"""Morphology: pymorphy3 lemmas and forms for ru / uk, a light rule for English."""

from __future__ import annotations

import pytest

from funnelkit.names import Label
from funnelkit.names.morph import form, lemmas
from tests.names.helpers import labels_in_context


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("думают", "думать"),
        ("думала", "думать"),
        ("відклали", "відкласти"),  # Ukrainian past tense
        ("отложенные", "отложить"),  # a participle reads as its verb
        ("неотвеченные", "неотвеченный"),
        ("чекаємо", "чекати"),
        ("contacted", "contact"),
        ("negotiating", "negotiate"),
    ],
)
def test_lemmas(word: str, lemma: str) -> None:
    assert lemma in lemmas(word)


def test_forms() -> None:
    assert form("созвониться").infinitive and form("дізнатися").infinitive
    assert form("отправлено").result and form("відправлено").result
    assert form("закрыт").result  # a participle among the readings of a short adjective
    assert form("презентовали").past_plural and form("розмовляли").past_plural
    assert form("думает").present and form("evaluating").present
    assert form("финальный").adjective and not form("финальный").result


@pytest.mark.parametrize("name", ["Неотвеченные", "Відклали", "Клієнти відкладені", "Думали"])
def test_inflected_parking_names(name: str) -> None:
    assert Label.DUMP in labels_in_context(name)


def test_lookups_are_cached() -> None:
    lemmas.cache_clear()
    lemmas("клиент")
    lemmas("клиент")
    assert lemmas.cache_info().hits >= 1
