"""`funnelkit pull` on an amoCRM portal: a snapshot file, exit codes, no token anywhere."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor
from tests.connectors.amocrm.portal import running

SECRET = "amo-long-lived-token-for-the-cli-test"


def _config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "funnelkit.yaml"
    config.write_text(
        f"portals:\n  acme:\n    vendor: amocrm\n    url: {url}\n    rate_limit: 100\n"
    )
    return config


def test_pull_writes_a_snapshot_and_never_prints_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    state = generate(Vendor.AMOCRM, 40, 1)
    with running(state, EmulatorOptions(secret=SECRET)) as run:
        config = _config(tmp_path, run.server.url)
        monkeypatch.setenv("FUNNELKIT_ACME_TOKEN", SECRET)
        out = tmp_path / "acme.snapshot.zip"
        code = run_main(app, ["--config", str(config), "pull", "--portal", "acme", "-o", str(out)])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        monkeypatch.setenv("FUNNELKIT_ACME_TOKEN", "wrong-" + SECRET)
        bad = run_main(app, ["--config", str(config), "pull", "--portal", "acme", "-o", str(out)])
        refused = capsys.readouterr()
    assert bad == 3 and "401" in refused.err and "Traceback" not in refused.err
    for text in (captured.out, captured.err, refused.out, refused.err):
        assert SECRET not in text
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert SECRET.encode() not in archive.read(name)
