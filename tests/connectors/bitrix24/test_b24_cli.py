"""`funnelkit pull` end to end against the emulator: snapshot saved, secret never shown."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.bitrix24 import webhook_url
from funnelkit.emulator.generate.messy import generate
from funnelkit.model import Vendor
from funnelkit.store import load_snapshot
from tests.connectors.bitrix24.portal import running


def test_cli_pull_and_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = generate(Vendor.BITRIX24, 60, 1)
    with running(state) as portal:
        config = tmp_path / "funnelkit.yaml"
        config.write_text(
            f"portals:\n  demo:\n    vendor: bitrix24\n    url: {portal.server.url}\n"
        )
        monkeypatch.setenv("FUNNELKIT_DEMO_WEBHOOK", webhook_url(portal.server.url, portal.options))
        monkeypatch.chdir(tmp_path)
        runner = CliRunner()
        first = runner.invoke(app, ["pull", "--portal", "demo", "-o", "a.zip"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(app, ["pull", "--portal", "demo", "--since-snapshot", "a.zip",
                                     "-o", "b.zip"])  # fmt: skip
        assert second.exit_code == 0, second.output
    secret = portal.options.secret
    assert secret not in first.output + second.output
    for name in ("a.zip", "b.zip"):
        with zipfile.ZipFile(tmp_path / name) as archive:
            for member in archive.namelist():
                assert secret.encode() not in archive.read(member)
    snap = load_snapshot(tmp_path / "b.zip")
    assert len(snap.deals) == len(state.deals) + len(state.items)  # smart-process items too
    assert snap.manifest.scope.incremental_from is not None


def test_cli_wrong_webhook_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(generate(Vendor.BITRIX24, 4, 1)) as portal:
        config = tmp_path / "funnelkit.yaml"
        config.write_text(
            f"portals:\n  demo:\n    vendor: bitrix24\n    url: {portal.server.url}\n"
        )
        monkeypatch.setenv("FUNNELKIT_DEMO_WEBHOOK", f"{portal.server.url}/rest/1/nope-nope-42/")
        monkeypatch.chdir(tmp_path)
        code = run_main(app, ["pull", "--portal", "demo"])
    err = capsys.readouterr().err
    assert code == 3
    assert "nope-nope-42" not in err
    assert "batch" in err and "hint:" in err
