"""One parametrised runner over tests/audit/cases/FKnnn.yaml: must-fire and must-not-fire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from funnelkit.audit import AuditSettings, run_audit
from funnelkit.report.document import message
from tests.portals import NOW, build

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("FK*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return out


@pytest.mark.parametrize(("code", "case"), _cases())
def test_case(code: str, case: dict[str, Any]) -> None:
    settings = AuditSettings.model_validate({"select": [code], **case.get("settings", {})})
    result = run_audit(build(case), settings, NOW)
    outcome = next(o for o in result.outcomes if o.code == code)
    if "skipped" in case:
        assert outcome.status == "skipped"
        assert case["skipped"] in (outcome.reason or "")
        return
    assert outcome.status == "ran", outcome.reason
    found = sorted(f"{f.subject.kind}:{f.subject.id}" for f in result.findings)
    assert found == sorted(case.get("expect", [])), [f.text() for f in result.findings]
    for f in result.findings:
        assert "{" not in f.text() and all("{" not in message(f, lang) for lang in ("ru", "uk"))
    for ident, expected in case.get("evidence", {}).items():
        finding = next(f for f in result.findings if f"{f.subject.kind}:{f.subject.id}" == ident)
        assert {k: finding.evidence.get(k) for k in expected} == expected
    if "severity" in case:
        assert {f.severity.value for f in result.findings} == {case["severity"]}


def test_every_rule_has_fire_and_no_fire_cases() -> None:
    from funnelkit.audit.registry import default_registry

    for rule in default_registry().rules:
        path = CASES / f"{rule.meta.code}.yaml"
        assert path.exists(), f"no cases for {rule.meta.code}"
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert any(c.get("expect") for c in cases), f"{rule.meta.code}: no must-fire case"
        assert any(not c.get("expect") and "skipped" not in c for c in cases), (
            f"{rule.meta.code}: no must-not-fire case"
        )
