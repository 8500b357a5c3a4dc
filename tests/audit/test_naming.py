"""The audit's bridge to the stage-name analyser, and its fallback when that is absent."""

from __future__ import annotations

import pytest

from funnelkit.audit import AuditSettings, naming, run_audit
from funnelkit.model import Funnel, FunnelKind, FunnelRole, Stage
from tests.audit.factory import NOW, build


def _stages(fid: str, names: list[str]) -> list[Stage]:
    return [Stage(funnel_id=fid, id=f"s{i}", name=n, sort=i) for i, n in enumerate(names)]


def test_fallback_labels_obvious_cases() -> None:
    sales = Funnel(id="1", name="Продажи")
    names = ["Недозвон 1", "Недозвон 2", "Клиент думает", "В работе"]
    names += ["Подготовить КП и согласовать с клиентом", "Оплата получена"]
    stages = _stages("1", names)
    labels = {k: v.label for k, v in naming._fallback_analyse(sales, stages, None).items()}
    assert labels == {"s0": "too-granular", "s1": "too-granular", "s2": "dump", "s3": "vague",
                      "s4": "merged", "s5": "ok"}  # fmt: skip
    refusals = naming._fallback_analyse(
        Funnel(id="2", name="Отказы"), _stages("2", ["Отложенный спрос"]), FunnelRole.REFUSALS
    )
    assert refusals["s0"].label == "ok"
    leads = Funnel(id="L", name="Лиды", kind=FunnelKind.LEAD)
    lead_labels = naming._fallback_analyse(leads, _stages("L", ["Новый", "Счёт выставлен"]), None)
    assert lead_labels["s1"].label == "sales-stage-in-lead-funnel"
    assert naming._fallback_guess(Funnel(id="3", name="Подогрев"), []).role is FunnelRole.REFUSALS


def test_rules_run_on_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(naming, "_names_module", lambda: None)
    case = {"funnels": [{"id": "1", "name": "Продажи", "stages": ["a=Новая", "b=Клиент думает"]}]}
    result = run_audit(build(case), AuditSettings(select=["FK101"]), NOW)
    assert [f.subject.id for f in result.findings] == ["1/b"]
    assert result.roles[0].source.value == "guess"
