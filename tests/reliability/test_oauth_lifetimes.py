"""OAuth pulls outliving their access tokens: refresh, rotate, store, and survive a kill."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.serving.run import Running
from funnelkit.model import Vendor
from funnelkit.store import load_snapshot
from tests.reliability.live import NAME, TTL, cli, live_portal, use_oauth, write_config

LIFETIMES = 3


def count_grants(running: Running) -> list[float]:
    """Times the token endpoint issued a refreshed pair, recorded as they happen."""
    seen: list[float] = []
    vendor_app = running.server.app
    book: Any = vendor_app.auth if isinstance(vendor_app, Bitrix24App) else None
    if book is None:
        assert isinstance(vendor_app, AmoCrmApp)
        book = vendor_app.tokens
    original = book.grant

    def grant(*args: Any, **kwargs: Any) -> Any:
        answer = original(*args, **kwargs)
        seen.append(time.monotonic())
        return answer

    book.grant = grant
    return seen


# Slow client pacing, so that the "token-lifetimes" pull spans several token lifetimes.
PACE = {Vendor.BITRIX24: {"rate_limit": 3, "burst": 1}, Vendor.AMOCRM: {"rate_limit": 6}}


@pytest.mark.parametrize("vendor", [Vendor.BITRIX24, Vendor.AMOCRM], ids=lambda v: v.value)
def test_pull_past_three_token_lifetimes_completes(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token_file = tmp_path / "p.json"
    with live_portal("token-lifetimes", vendor, tmp_path, monkeypatch, secret=False) as running:
        state = running.state
        first = use_oauth(running, token_file, monkeypatch)
        grants = count_grants(running)
        write_config(tmp_path, running, token_file, **PACE[vendor])
        began = time.monotonic()
        code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
        took = time.monotonic() - began
    assert code == 0, err
    assert took > LIFETIMES * TTL, f"the pull took {took:.1f} s, under {LIFETIMES} lifetimes"
    assert len(grants) >= LIFETIMES, f"{len(grants)} refreshes in {took:.1f} s"
    # Once per lifetime, not before every request.
    assert len(grants) <= took / TTL + 2, f"{len(grants)} refreshes in {took:.1f} s"
    saved = json.loads(token_file.read_text(encoding="utf-8"))
    assert saved["refresh_token"] != first["refresh_token"]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # Smart-process items travel in the deals table beside the deals (entity "item").
    pulled = len(load_snapshot(tmp_path / "p.snapshot.zip").deals)
    assert pulled == len(state.deals) + len(state.items)


class Killed(BaseException):
    """Stands for SIGKILL at one exact point: nothing after it runs, no handler catches it."""


def test_amocrm_killed_between_the_grant_and_the_file_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """amocrm.md §1.1: "the old refresh token will still be functional and you can use it until
    you use the new one" — a pull killed after the vendor rotated the pair but before the file
    was replaced leaves the old pair on disk, and the next pull refreshes with it."""
    token_file = tmp_path / "p.json"
    amocrm = Vendor.AMOCRM
    with live_portal("killed-after-grant", amocrm, tmp_path, monkeypatch, secret=False) as running:
        first = use_oauth(running, token_file, monkeypatch)
        grants = count_grants(running)
        write_config(tmp_path, running, token_file)
        time.sleep(TTL + 0.2)  # the first request finds the access token expired

        def killed(path: Path, pair: object) -> None:
            raise Killed

        with monkeypatch.context() as patch:
            patch.setattr("funnelkit.connectors.amocrm.tokens.write_token_file", killed)
            with pytest.raises(Killed):
                cli(["-q", "pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
        assert len(grants) == 1, "the vendor never rotated the pair"
        assert json.loads(token_file.read_text("utf-8"))["refresh_token"] == first["refresh_token"]
        code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
    assert code == 0, err
    assert json.loads(token_file.read_text("utf-8"))["refresh_token"] != first["refresh_token"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("vendor", [Vendor.BITRIX24, Vendor.AMOCRM], ids=lambda v: v.value)
def test_killed_while_writing_the_token_file_leaves_a_whole_one(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The file is replaced by rename after fsync: a kill mid-write leaves the old file whole,
    never half of either, and no temporary file behind."""
    token_file = tmp_path / "secrets" / "p.json"
    token_file.parent.mkdir()
    with live_portal(
        "killed-writing-token", vendor, tmp_path, monkeypatch, secret=False
    ) as running:
        first = use_oauth(running, token_file, monkeypatch)
        write_config(tmp_path, running, token_file)
        time.sleep(TTL + 0.2)

        def killed(source: object, target: object) -> None:
            raise Killed

        with monkeypatch.context() as patch:
            patch.setattr("funnelkit.fileio.os.replace", killed)
            with pytest.raises(Killed):
                cli(["-q", "pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
    assert json.loads(token_file.read_text("utf-8")) == first
    assert [p.name for p in token_file.parent.iterdir() if not p.name.endswith(".lock")] == [
        "p.json"
    ]
