"""Selection, settings validation, skipping, suppressions and baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from funnelkit.audit import AuditSettings, result_to_dict, run_audit
from funnelkit.audit.registry import default_registry
from funnelkit.audit.settings import settings_from_data
from funnelkit.audit.suppress import parse_suppressions, read_baseline, write_baseline
from funnelkit.errors import ConfigError, InputError
from tests.portals import NOW, build

CASE: dict[str, Any] = {
    "contacts": ["c1"],
    "deals": [
        {"id": "old", "title": "Окна Иванову", "history": [["new", -400]]},
        {"id": "old2", "history": [["new", -200]], "tasks": [3]},
        {"id": "lost", "contacts": ["c1"], "history": [["new", -20], ["lost", -10]]},
    ],
}


def codes(
    selected: list[str], ignore: tuple[str, ...] = (), extend: tuple[str, ...] = ()
) -> list[str]:
    rules = default_registry().select(selected, list(ignore), list(extend))
    return [r.meta.code for r in rules]


def test_selection_by_code_prefix_group_glob_and_alias() -> None:
    assert codes(["FK201"]) == ["FK201"]
    assert codes(["FK2"]) == ["FK201", "FK202", "FK203", "FK204"]
    assert codes(["tasks"]) == ["FK301", "FK302", "FK303"]
    assert codes(["links.*"]) == ["FK501", "FK502"]
    assert codes(["deals.stuck"]) == ["FK201"]
    assert codes(["FK2"], ignore=("FK202",)) == ["FK201", "FK203", "FK204"]
    assert codes(["FK201"], extend=("FK5",)) == ["FK201", "FK501", "FK502"]
    assert len(codes([])) == 20
    with pytest.raises(ConfigError, match="FK999"):
        codes(["FK999"])


def test_params_out_of_range_name_the_range_and_place() -> None:
    settings = settings_from_data({"rules": {"FK201": {"params": {"max_days": 0, "bogus": 1}}}})
    with pytest.raises(ConfigError) as err:
        run_audit(build(CASE), settings, NOW, where=lambda loc: f"funnelkit.yaml:{len(loc)}:1")
    text = str(err.value)
    assert "max_days" in text and ">= 1" in text and "<= 3650" in text
    assert "bogus" in text and "funnelkit.yaml:" in text


def test_unknown_rule_and_bad_severity_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="FK777"):
        run_audit(build(CASE), settings_from_data({"rules": {"FK777": {}}}), NOW)
    with pytest.raises(ConfigError, match="fail_on"):
        settings_from_data({"fail_on": "fatal"})


def test_severity_override_enabled_and_fail_on() -> None:
    base = run_audit(build(CASE), AuditSettings(select=["FK201"]), NOW)
    assert {f.subject.id for f in base.findings} == {"old", "old2"}
    assert base.exit_code == 1  # "old" is over a year: high
    settings = settings_from_data(
        {"select": ["FK201"], "fail_on": "critical", "rules": {"FK201": {"severity": "low"}}}
    )
    result = run_audit(build(CASE), settings, NOW)
    assert {f.severity.value for f in result.findings} == {"low"} and result.exit_code == 0
    off = settings_from_data({"select": ["FK201"], "rules": {"deals.stuck": {"enabled": False}}})
    assert run_audit(build(CASE), off, NOW).outcomes == []


def test_missing_data_is_skipped_with_reason_not_passed() -> None:
    case = {**CASE, "not_pulled": ["tasks"]}
    result = run_audit(build(case), AuditSettings(select=["FK301"]), NOW)
    (outcome,) = result.outcomes
    assert outcome.status == "skipped" and "tasks" in (outcome.reason or "")
    assert result_to_dict(result)["rules"][0]["status"] == "skipped"


def test_suppressions_reason_required_expiry_and_unused() -> None:
    with pytest.raises(ConfigError, match="reason"):
        parse_suppressions({"findings": [{"rule": "FK201", "deal": "old"}]})
    entries = parse_suppressions(
        {
            "findings": [
                {"rule": "deals.stuck", "deal": "Окна*", "reason": "client pays in 2024"},
                {"rule": "FK201", "deal": "old2", "reason": "expired one", "expires": "2020-01-01"},
                {"rule": "FK502", "funnel": "Nope", "reason": "matches nothing"},
            ]
        }
    )
    result = run_audit(build(CASE), AuditSettings(select=["FK201"]), NOW, suppressions=entries)
    assert [f.subject.id for f in result.findings] == ["old2"]
    assert [(s.finding.subject.id, s.reason) for s in result.suppressed] == [
        ("old", "client pays in 2024")
    ]
    assert [n.entry for n in result.expired_suppressions] == [1]
    assert result.unused_suppressions == []  # FK502 did not run: its entry proves nothing
    assert result_to_dict(result)["suppressed"][0]["reason"] == "client pays in 2024"


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    first = run_audit(build(CASE), AuditSettings(select=["FK201"]), NOW)
    path = tmp_path / "baseline.json"
    write_baseline(path, first.findings)
    keys = read_baseline(path)
    assert keys == {"FK201:deal:old", "FK201:deal:old2"}
    grown = {**CASE, "deals": [*CASE["deals"], {"id": "new", "history": [["new", -300]]}]}
    later = run_audit(build(grown), AuditSettings(select=["FK201"]), NOW, baseline=keys)
    assert [f.subject.id for f in later.findings] == ["new"] and later.baseline_filtered == 2
    (tmp_path / "junk.json").write_text("{}")
    with pytest.raises(InputError, match="not a funnelkit baseline"):
        read_baseline(tmp_path / "junk.json")


def test_result_is_deterministic_and_sorted() -> None:
    r1 = result_to_dict(run_audit(build(CASE), None, NOW))
    r2 = result_to_dict(run_audit(build(CASE), None, NOW))
    assert r1 == r2
    ranks = ["critical", "high", "medium", "low", "info"]
    order = [(ranks.index(f["severity"]), f["code"]) for f in r1["findings"]]
    assert order == sorted(order)
    assert {r["source"] for r in r1["roles"]} == {"guess"}


def test_params_errors_point_into_the_config_file(tmp_path: Path) -> None:
    from funnelkit.yamlio import load_yaml

    path = tmp_path / "funnelkit.yaml"
    path.write_text("audit:\n  rules:\n    FK201:\n      params:\n        max_days: 99999\n")
    doc = load_yaml(path, ConfigError)
    settings = settings_from_data(doc.data["audit"], doc.where)
    with pytest.raises(ConfigError) as err:
        run_audit(build(CASE), settings, NOW)
    assert "funnelkit.yaml:5:" in str(err.value) and "<= 3650" in str(err.value)


def test_per_funnel_severity_and_enabled_overrides() -> None:
    case = {
        "funnels": [
            {"id": "1", "name": "Продажи", "stages": ["new=Новая"]},
            {"id": "2", "name": "Сервис", "stages": ["new=Новая"]},
        ],
        "deals": [
            {"id": "a", "history": [["new", -200]]},
            {"id": "b", "funnel": "2", "history": [["2/new", -200]]},
        ],
    }
    settings = settings_from_data(
        {
            "select": ["FK201"],
            "rules": {
                "FK201": {"funnels": {"Продажи": {"severity": "info"}, "2": {"enabled": False}}}
            },
        }
    )
    result = run_audit(build(case), settings, NOW)
    assert [(f.subject.id, f.severity.value) for f in result.findings] == [("a", "info")]
