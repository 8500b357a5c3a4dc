"""Normalisation: case, ё/е, і/и, look-alikes, camelCase, numbering, emoji, accents."""

from __future__ import annotations

from funnelkit.names.normalize import fold, parse


def test_fold_levels_ru_and_uk_spelling() -> None:
    assert fold("Клієнт") == fold("КЛИЕНТ") == "клиент"
    assert fold("Счёт") == fold("счет")
    assert fold("зв'язок") == "звязок"


def test_latin_lookalikes_inside_cyrillic_words() -> None:
    assert parse("Cчёт на предоплату").words[0] == "счет"
    assert parse("Offer").words == ("offer",)  # pure Latin words stay Latin


def test_camel_case_emoji_and_punctuation() -> None:
    assert parse("ClosedWon 🎉").words == ("closed", "won")
    assert parse("«Клиент думает!!!»").words == ("клиент", "думает")


def test_numbers_and_ordinal_suffixes() -> None:
    name = parse("1-я оплата получена")
    assert name.numbers == (1,)
    assert name.words == ("оплата", "получена")
    assert parse("2nd call").skeleton == parse("Third call").skeleton == ("call",)


def test_clauses_and_alternatives() -> None:
    name = parse("Думает о покупке — созвониться в пятницу")
    assert len(name.clauses) == 2
    assert parse("Closed (Won / Lost)").alternatives == (("closed",),)
    assert len(parse("Заявка не сработала или отложена").alternatives) == 2


def test_latin_accents_are_stripped_but_cyrillic_kept() -> None:
    assert fold("Négociation") == "negociation"
    assert fold("Їжак") == "ижак"
    assert fold("Новый") == "новий"  # й survives NFKD stripping, ы folds to и
