"""Apply stopped at any write or killed mid-request converges on re-run: nothing doubled or lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from funnelkit.model import Vendor
from tests.reliability.blueprints import edited, live_case
from tests.reliability.live import NAME, cli, run_apply, write_config
from tests.reliability.writes import WriteGate, deals_misplaced, structure_by_name


def _apply(blueprint: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, _, err = run_apply(blueprint, capsys)
    return code, err


def _assert_converged(case_blueprint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["plan", str(case_blueprint), "--portal", NAME, "--exit-code"], capsys)
    assert code == 0, out + err


_REFERENCE: dict[Vendor, tuple[dict[str, Any], int]] = {}


def _reference(
    vendor: Vendor, workdir: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]
) -> tuple[dict[str, Any], int]:
    """The portal after an undisturbed apply, and how many writes that took (cached)."""
    if vendor not in _REFERENCE:
        with live_case(vendor, workdir, mp, cap) as case:
            case.write(edited(case.data))
            gate = WriteGate(case.running)
            code, err = _apply(case.blueprint, cap)
            assert code == 0, err
            _assert_converged(case.blueprint, cap)
            _REFERENCE[vendor] = structure_by_name(case.running.state), gate.writes
    return _REFERENCE[vendor]


def _fail_then_rerun(
    vendor: Vendor,
    fail_at: int,
    workdir: Path,
    mp: pytest.MonkeyPatch,
    cap: pytest.CaptureFixture[str],
) -> None:
    want, writes = _reference(vendor, workdir / "ref", mp, cap)
    assert 1 <= fail_at <= writes, f"the apply makes only {writes} writes"
    with live_case(vendor, workdir / f"n{fail_at}", mp, cap) as case:
        deals = len(case.running.state.deals)
        case.write(edited(case.data))
        gate = WriteGate(case.running, fail_at=fail_at)
        code, err = _apply(case.blueprint, cap)
        assert code == 5, f"write {fail_at}: {err}"
        assert "remaining (" in err and "failed (1)" in err, err
        assert "Traceback" not in err
        gate.fail_at = None
        code, err = _apply(case.blueprint, cap)
        assert code == 0, f"re-run after write {fail_at}: {err}"
        _assert_converged(case.blueprint, cap)
        state = case.running.state
        assert structure_by_name(state) == want, f"after failing write {fail_at}"
        assert len(state.deals) == deals
        assert deals_misplaced(state) == []


# The edited blueprint costs 20 writes on Bitrix24 and 4 on amoCRM; the default run fails a
# spread of them, the slow run every one.
POINTS = [(Vendor.BITRIX24, n) for n in (1, 2, 3, 7, 13, 20)] + [
    (Vendor.AMOCRM, n) for n in (1, 2, 3, 4)
]


@pytest.mark.parametrize(("vendor", "fail_at"), POINTS, ids=lambda v: str(getattr(v, "value", v)))
def test_apply_failing_at_a_write_then_rerun_converges(
    vendor: Vendor,
    fail_at: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fail_then_rerun(vendor, fail_at, tmp_path, monkeypatch, capsys)


@pytest.mark.slow
def test_apply_failing_at_every_write_then_rerun_converges(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, writes = _reference(vendor, tmp_path / "ref", monkeypatch, capsys)
    for fail_at in range(1, writes + 1):
        _fail_then_rerun(vendor, fail_at, tmp_path / str(fail_at), monkeypatch, capsys)


def _spawn_apply(case_dir: Path, blueprint: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "funnelkit", "-q", "apply", str(blueprint), "--portal", NAME]
    return subprocess.Popen(
        [*args, "--yes"],
        cwd=case_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# Bitrix24 writes: 1-2 crm.category.add, 3 crm.status.add, 4-11 renames, 12-20 deletes of the
# unused default stages; amoCRM: 1-2 pipelines with their statuses, 3 a status, 4 a rename.
KILLS = [
    pytest.param(Vendor.BITRIX24, 1, id="bitrix24-1"),
    pytest.param(Vendor.BITRIX24, 11, id="bitrix24-11"),
    pytest.param(Vendor.BITRIX24, 20, id="bitrix24-20"),
    pytest.param(Vendor.AMOCRM, 1, id="amocrm-1"),
    pytest.param(Vendor.AMOCRM, 3, id="amocrm-3"),
]


@pytest.mark.parametrize(("vendor", "kill_at"), KILLS)
def test_apply_killed_mid_request_then_rerun_converges(
    vendor: Vendor,
    kill_at: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    want, _ = _reference(vendor, tmp_path / "ref", monkeypatch, capsys)
    with live_case(vendor, tmp_path / f"k{kill_at}", monkeypatch, capsys) as case:
        deals = len(case.running.state.deals)
        case.write(edited(case.data))
        # The chosen write reaches the portal, which holds it back; the client dies meanwhile.
        gate = WriteGate(case.running, stall_at=kill_at, stall=1.0)
        proc = _spawn_apply(case.workdir, case.blueprint, dict(os.environ))
        try:
            assert gate.stalled.wait(30), "apply never reached the chosen write"
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert gate.landed.wait(10)  # the portal carried the write out: the client never knew
        code, err = _apply(case.blueprint, capsys)
        assert code == 0, f"re-run after kill at write {kill_at}: {err}"
        _assert_converged(case.blueprint, capsys)
        state = case.running.state
        assert len(state.deals) == deals
        assert deals_misplaced(state) == []
        got = structure_by_name(state)
        assert got["#funnel-names"] == want["#funnel-names"], "a funnel was created twice"
        for funnel, stages in want.items():
            if funnel.startswith("#"):
                continue
            for ours, theirs in zip(got[funnel], stages, strict=True):
                doubled = [s for s in set(ours) if ours.count(s) > max(1, theirs.count(s))]
                assert doubled == [], f"{funnel}: stages created twice"
        assert got == want, f"after kill at write {kill_at}"


def test_write_answered_after_the_client_timeout_is_not_doubled(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    want, _ = _reference(vendor, tmp_path / "ref", monkeypatch, capsys)
    with live_case(vendor, tmp_path / "slow", monkeypatch, capsys) as case:
        write_config(case.workdir, case.running, timeout=0.5)
        case.write(edited(case.data))
        # The first write (a new funnel) is carried out, but only after the client gave up on it.
        gate = WriteGate(case.running, stall_at=1, stall=1.2)
        code, err = _apply(case.blueprint, capsys)
        assert gate.landed.wait(10)
        assert code in (0, 3, 5), err
        code, err = _apply(case.blueprint, capsys)
        assert code == 0, err
        _assert_converged(case.blueprint, capsys)
        got = structure_by_name(case.running.state)
        assert got["#funnel-names"] == want["#funnel-names"], "a funnel was created twice"
        assert got == want
        assert deals_misplaced(case.running.state) == []
