"""Pulls through injected faults equal the fault-free pull; hopeless ones fail cleanly (exit 3)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from funnelkit.emulator.serving.faults import KINDS, FaultPlan
from funnelkit.model import Vendor
from funnelkit.store import load_snapshot
from tests.reliability.live import (
    NAME,
    assert_same_rows,
    cli,
    live_portal,
    stray_files,
    use_oauth,
    write_config,
)


def _busy_seeds(count: int = 20, window: int = 6) -> list[int]:
    """Seeds whose first requests draw the most different fault kinds (keeps the test short)."""

    def variety(seed: int) -> int:
        plan = FaultPlan(rate=0.1, kinds=KINDS, seed=seed)
        return len({plan.draw("/x") for _ in range(window)} - {None})

    return sorted(range(1, 2000), key=lambda seed: -variety(seed))[:count]


def test_pull_under_faults_equals_the_fault_free_pull(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: Counter[str] = Counter()
    with live_portal("pull-faults", vendor, tmp_path, monkeypatch) as running:
        code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", "clean.zip"], capsys)
        assert code == 0, err
        clean = load_snapshot(tmp_path / "clean.zip")
        token_file = tmp_path / "token.json"
        use_oauth(running, token_file, monkeypatch)
        write_config(tmp_path, running, token_file, timeout=0.25, max_retry_seconds=60)
        # A pull is a few dozen requests: repeat with new seeds until every kind has struck.
        for seed in _busy_seeds():
            # 10 % of requests fail, of a seeded random kind; the 3rd finds its token expired.
            faults = FaultPlan(rate=0.1, kinds=KINDS, seed=seed, slow_seconds=0.6, expire_after=3)
            running.server.faults = faults
            target = tmp_path / f"faulty{seed}.snapshot.zip"
            code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", str(target)], capsys)
            assert code == 0, err
            assert faults.injected.get("expire") == 1, faults.injected
            assert_same_rows(load_snapshot(target), clean)
            seen.update(faults.injected)
            if set(KINDS) <= set(seen):
                break
    assert set(KINDS) <= set(seen), seen


def test_pull_gives_up_in_bounded_time_without_a_partial_file(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings: dict[str, Any] = {"timeout": 0.5, "max_retry_seconds": 2}
    with live_portal("give-up", vendor, tmp_path, monkeypatch, **settings):
        began = time.monotonic()
        code, out, err = cli(["pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
        elapsed = time.monotonic() - began
    assert code == 3, err
    assert elapsed < 20, f"gave up only after {elapsed:.1f} s"
    assert "Traceback" not in out + err
    assert "gave up" in err and "max_retry_seconds" in err, err
    assert stray_files(tmp_path, {"funnelkit.yaml"}) == []
