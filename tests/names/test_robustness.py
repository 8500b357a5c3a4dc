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
