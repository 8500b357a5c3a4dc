"""OAuth token files rewritten after a refresh are private (0600), whole, and never echoed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from funnelkit.model import Vendor
from tests.reliability.live import NAME, cli, live_portal, use_oauth, write_config


def test_refreshed_token_file_is_written_0600(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    token_file = secrets_dir / "p.json"
    # Every access token dies at the third request: the pull must refresh once, mid-way.
    with live_portal("token-refresh", vendor, tmp_path, monkeypatch, secret=False) as running:
        first = use_oauth(running, token_file, monkeypatch)
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o644
        write_config(tmp_path, running, token_file)
        code, out, err = cli(["--debug", "pull", "--portal", NAME, "-o", "p.zip"], capsys)
    assert code == 0, err
    saved = json.loads(token_file.read_text(encoding="utf-8"))
    assert saved["access_token"] != first["access_token"], "the token was never refreshed"
    assert saved["refresh_token"] != first["refresh_token"]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # No temp file left behind; amoCRM keeps an empty lock file for concurrent refreshes.
    left = {p.name: p.stat().st_size for p in secrets_dir.iterdir() if p.name != "p.json"}
    assert left in ({}, {"p.json.lock": 0}), left
    for secret in (*first.values(), saved["access_token"], saved["refresh_token"]):
        if isinstance(secret, str) and len(secret) > 12:
            assert secret not in out + err
            assert secret.encode() not in (tmp_path / "p.zip").read_bytes()
