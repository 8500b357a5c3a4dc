"""Odd input never breaks the analyser: empty, emoji-only, huge, mixed-script names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from funnelkit.names import FunnelInput, Label, StageInput, analyse_funnel, guess_role


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=12), st.text(max_size=40))
def test_any_text_gets_a_verdict_per_stage(names: list[str], funnel_name: str) -> None:
    stages = tuple(StageInput(str(i), n, i) for i, n in enumerate(names))
    analysis = analyse_funnel(FunnelInput("f", funnel_name, stages=stages))
    for stage in stages:
        labels = analysis.labels_of(stage.id)
        assert labels
        assert Label.OK not in labels or labels == {Label.OK}
    assert 0.0 <= analysis.role_guess.confidence <= 1.0
    assert all(0.0 < v.confidence <= 1.0 and v.reason for v in analysis.verdicts)


def test_degenerate_names() -> None:
    names = ["", "🔥🔥🔥", "12", "—", "A" * 5000, "Ω", "ՀԱՅ", "客户在考虑"]
    stages = tuple(StageInput(str(i), n, i) for i, n in enumerate(names))
    analysis = analyse_funnel(FunnelInput("f", "", stages=stages))
    assert [analysis.labels_of(s.id) for s in stages] == [{Label.OK}] * len(names)
    assert "no words" in next(v.reason for v in analysis.verdicts if v.stage_id == "1")


def test_empty_funnel() -> None:
    analysis = analyse_funnel(FunnelInput("f", "Пусто"))
    assert analysis.verdicts == ()
    assert guess_role("", []).confidence < 0.5


def test_reasons_read_in_three_languages_without_stems() -> None:
    from funnelkit.model.enums import LANGS
    from funnelkit.names.reasons import REASONS

    stages = tuple(
        StageInput(str(i), n, i)
        for i, n in enumerate(["Новая", "В работе", "Клиент думает", "Вышли на ЛПР", "Недозвон 2"])
    )
    analysis = analyse_funnel(FunnelInput("f", "Продажи", stages=stages))
    for v in analysis.verdicts:
        assert v.code in REASONS
        texts = {lang: v.text(lang) for lang in LANGS}
        assert texts["en"] == v.reason
        assert len(set(texts.values())) == 3  # really translated
        assert "«в работ»" not in texts["en"] and "=лпр" not in texts["en"]
    work = next(v for v in analysis.verdicts if v.stage_id == "1")
    assert "«В работе»" in work.text("ru") or "«в работе»" in work.text("ru")


def test_every_reason_has_three_texts_with_the_same_fields() -> None:
    import string

    from funnelkit.names.reasons import REASONS

    for code, reason in REASONS.items():
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(t) if f}
            for t in (reason.en, reason.ru, reason.uk)
        ]
        assert fields[0] == fields[1] == fields[2], code
