"""Apply stopped at any write, or killed mid-request, converges on re-run: nothing doubled or lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from funnelkit.model import Vendor
from tests.reliability.blueprints import edited, live_case
from tests.reliability.live import NAME, cli
from tests.reliability.writes import WriteGate, deals_misplaced, structure_by_name

VENDORS = [Vendor.BITRIX24, Vendor.AMOCRM]


def _apply(blueprint: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, _, err = cli(["apply", str(blueprint), "--portal", NAME, "--yes"], capsys)
    return code, err


def _assert_converged(case_blueprint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["plan", str(case_blueprint), "--portal", NAME, "--exit-code"], capsys)
    assert code == 0, out + err


def _reference(
    vendor: Vendor, workdir: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]
) -> tuple[dict[str, object], int]:
    """The portal after an undisturbed apply, and how many writes that took."""
    with live_case(vendor, workdir, mp, cap) as case:
        case.write(edited(case.data))
        gate = WriteGate(case.running)
        code, err = _apply(case.blueprint, cap)
        assert code == 0, err
        _assert_converged(case.blueprint, cap)
        return structure_by_name(case.running.state), gate.writes


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.value)
def test_apply_failing_at_each_write_then_rerun_converges(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    want, writes = _reference(vendor, tmp_path / "ref", monkeypatch, capsys)
    assert writes >= 4
    for fail_at in range(1, writes + 1):
        with live_case(vendor, tmp_path / f"n{fail_at}", monkeypatch, capsys) as case:
            deals = len(case.running.state.deals)
            case.write(edited(case.data))
            gate = WriteGate(case.running, fail_at=fail_at)
            code, err = _apply(case.blueprint, capsys)
            assert code == 5, f"write {fail_at}: {err}"
            assert "remaining (" in err and "failed (1)" in err, err
            assert "Traceback" not in err
            gate.fail_at = None
            code, err = _apply(case.blueprint, capsys)
            assert code == 0, f"re-run after write {fail_at}: {err}"
            _assert_converged(case.blueprint, capsys)
            state = case.running.state
            assert structure_by_name(state) == want, f"after failing write {fail_at}"
            assert len(state.deals) == deals
            assert deals_misplaced(state) == []


def _spawn_apply(case_dir: Path, blueprint: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "funnelkit", "-q", "apply", str(blueprint), "--portal", NAME]
    return subprocess.Popen(
        [*args, "--yes"],
        cwd=case_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.value)
def test_apply_killed_mid_request_then_rerun_converges(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    want, writes = _reference(vendor, tmp_path / "ref", monkeypatch, capsys)
    for kill_at in sorted({1, 2, writes // 2 + 1}):
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
            assert structure_by_name(state) == want, f"after kill at write {kill_at}"
            assert len(state.deals) == deals
            assert deals_misplaced(state) == []
