"""Destructive changes need `move_deals_to` and `--force` (exit 4 otherwise); drift never writes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from funnelkit.model import Vendor
from tests.reliability.blueprints import Case, edited, live_case, main_funnel
from tests.reliability.live import NAME, cli, run_apply
from tests.reliability.writes import WriteGate, deals_misplaced


def _ids(case: Case) -> dict[str, Any]:
    """`funnels` / `stages` key → id, from the `id:`s export wrote into the blueprint."""
    funnels: dict[str, Any] = {}
    stages: dict[str, Any] = {}
    for funnel in case.data["funnels"]:
        funnels[funnel["key"]] = str(funnel["id"])
        for stage in funnel["stages"]:
            if "id" in stage:
                stages[f"{funnel['key']}/{stage['key']}"] = str(stage["id"])
    return {"funnels": funnels, "stages": stages}


def _busiest_open_stage(case: Case) -> tuple[dict[str, Any], dict[str, Any], str, int]:
    """The main funnel, its busiest open stage (not the first), the stage's id and deal count."""
    funnel = main_funnel(case.data)
    ids = _ids(case)
    fid = ids["funnels"][funnel["key"]]
    per_stage = Counter(d.stage_id for d in case.running.state.deals.values() if d.funnel_id == fid)
    # bitrix24.md: a funnel's first stage is a system stage that cannot be removed.
    open_stages = [s for s in funnel["stages"][1:] if s.get("semantics", "process") == "process"]
    stage = max(open_stages, key=lambda s: per_stage[ids["stages"][f"{funnel['key']}/{s['key']}"]])
    sid = ids["stages"][f"{funnel['key']}/{stage['key']}"]
    assert per_stage[sid] > 0, "the generated portal has no deals in its main funnel"
    return funnel, stage, sid, per_stage[sid]


def _apply(case: Case, cap: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    code, out, err = run_apply(case.blueprint, cap, *flags)
    return code, out + err


def _deals_in(case: Case, funnel_id: str, stage_id: str) -> set[str]:
    deals = case.running.state.deals.values()
    return {d.id for d in deals if (d.funnel_id, d.stage_id) == (funnel_id, stage_id)}


def _target(funnel: dict[str, Any], not_this: dict[str, Any]) -> dict[str, Any]:
    return next(
        s
        for s in funnel["stages"]
        if s is not not_this and s.get("semantics", "process") == "process"
    )


def test_removing_a_stage_with_deals_needs_a_target_and_force(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_case(vendor, tmp_path, monkeypatch, capsys) as case:
        funnel, stage, sid, count = _busiest_open_stage(case)
        mid = _ids(case)["funnels"][funnel["key"]]
        moving = _deals_in(case, mid, sid)
        stage["absent"] = True
        case.write(case.data)
        gate = WriteGate(case.running)
        for flags in ((), ("--force",)):
            code, text = _apply(case, capsys, *flags)
            assert code == 4, text
            assert f"{count} deal" in text and "move_deals_to" in text, text
        target = _target(funnel, stage)
        stage["move_deals_to"] = target["key"]
        case.write(case.data)
        code, text = _apply(case, capsys)
        assert code == 4 and "--force" in text, text
        assert gate.writes == 0, gate.log
        code, text = _apply(case, capsys, "--force")
        assert code == 0, text
        tid = _ids(case)["stages"][f"{funnel['key']}/{target['key']}"]
        assert moving <= _deals_in(case, mid, tid)
        assert _deals_in(case, mid, sid) == set()
        assert deals_misplaced(case.running.state) == []


def test_removing_a_funnel_with_deals_needs_a_target_and_force(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_case(vendor, tmp_path, monkeypatch, capsys) as case:
        ids = _ids(case)
        main = main_funnel(case.data)
        deals_of = Counter(d.funnel_id for d in case.running.state.deals.values())
        others = [
            f
            for f in case.data["funnels"]
            if f is not main
            and f.get("kind", "deal") == "deal"
            and deals_of[ids["funnels"][f["key"]]]
        ]
        doomed = others[0]
        fid = ids["funnels"][doomed["key"]]
        moving = {d.id for d in case.running.state.deals.values() if d.funnel_id == fid}
        doomed["absent"] = True
        case.write(case.data)
        gate = WriteGate(case.running)
        for flags in ((), ("--force",)):
            code, text = _apply(case, capsys, *flags)
            assert code == 4, text
            assert f"{len(moving)} deal" in text, text
        target = _target(main, {})
        doomed["move_deals_to"] = f"{main['key']}/{target['key']}"
        case.write(case.data)
        code, text = _apply(case, capsys)
        assert code == 4 and "--force" in text, text
        assert gate.writes == 0, gate.log
        code, text = _apply(case, capsys, "--force")
        assert code == 0, text
        state = case.running.state
        assert fid not in state.funnels
        tid = ids["stages"][f"{main['key']}/{target['key']}"]
        assert moving <= _deals_in(case, ids["funnels"][main["key"]], tid)
        assert deals_misplaced(state) == []


def test_changing_semantics_of_a_stage_with_deals_needs_force(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_case(vendor, tmp_path, monkeypatch, capsys) as case:
        funnel, stage, sid, count = _busiest_open_stage(case)
        mid = _ids(case)["funnels"][funnel["key"]]
        stage["semantics"] = "failure"
        case.write(case.data)
        gate = WriteGate(case.running)
        code, text = _apply(case, capsys)
        assert code == 4, text
        assert str(count) in text, text
        assert gate.writes == 0, gate.log
        assert len(_deals_in(case, mid, sid)) == count
        moving = _deals_in(case, mid, sid)
        code, text = _apply(case, capsys, "--force")
        if vendor is Vendor.AMOCRM:  # amocrm.md §5.1: a status's type never changes
            assert code == 4, text
            return
        # bitrix24.md §6.3: SEMANTICS is fixed, so the stage is recreated and its deals follow.
        assert code == 0, text
        state = case.running.state
        now = {d.id: state.stages[(d.funnel_id, d.stage_id)] for d in state.deals.values()}
        assert {now[i].name for i in moving} == {stage["names"]["ru"]}
        assert {now[i].semantics.value for i in moving} == {"failure"}
        assert deals_misplaced(state) == []


def test_drift_and_plan_never_write(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from funnelkit.connectors import REGISTRY

    with live_case(vendor, tmp_path, monkeypatch, capsys) as case:
        _, stage, _, _ = _busiest_open_stage(case)
        stage["absent"] = True  # a destructive change on top of creates and renames
        case.write(edited(case.data))
        gate = WriteGate(case.running)
        factory = REGISTRY[vendor]

        def read_only(*args: Any) -> Any:
            connector = factory(*args)

            def refuse(change: object) -> object:
                raise AssertionError(f"drift/plan tried to write: {change}")

            monkeypatch.setattr(connector, "apply_change", refuse)
            return connector

        monkeypatch.setitem(REGISTRY, vendor, read_only)
        code, out, err = cli(["drift", str(case.blueprint), "--portal", NAME], capsys)
        assert code == 1, out + err
        assert out.strip(), "drift printed nothing"
        code, out, err = cli(["plan", str(case.blueprint), "--portal", NAME, "--exit-code"], capsys)
        assert code == 1, out + err
        assert gate.writes == 0, gate.log
