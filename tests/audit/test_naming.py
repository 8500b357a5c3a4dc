"""The audit's bridge to the stage-name analyser."""

from __future__ import annotations

from funnelkit.audit import AuditSettings, naming, run_audit
from funnelkit.model import Funnel, FunnelKind, FunnelRole, Stage
from tests.portals import NOW, build


def _stages(fid: str, names: list[str]) -> list[Stage]:
    return [Stage(funnel_id=fid, id=f"s{i}", name=n, sort=i) for i, n in enumerate(names)]


def test_bridge_passes_the_analysers_labels_through() -> None:
    sales = Funnel(id="1", name="Продажи")
    stages = _stages("1", ["Новая заявка", "Отложенные", "Договор подписан"])
    labels = {k: v.label for k, v in naming.analyse(sales, stages, None).items()}
    assert set(labels) == {"s0", "s1", "s2"}
    assert labels["s1"] == "dump"
    leads = Funnel(id="L", name="Лиды", kind=FunnelKind.LEAD)
    assert naming.guess(leads, _stages("L", ["Новый"])).role is FunnelRole.LEAD_QUALIFICATION


def test_rules_read_the_analyser() -> None:
    case = {"funnels": [{"id": "1", "name": "Продажи", "stages": ["a=Новая", "b=Отложенные"]}]}
    result = run_audit(build(case), AuditSettings(select=["FK101"]), NOW)
    assert [f.subject.id for f in result.findings] == ["1/b"]
    assert result.roles[0].source.value == "guess"
