"""`funnelkit emulator serve` prints what a user needs, and the printed lines really work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main


@pytest.mark.parametrize(("vendor", "secret"), [("bitrix24", "WEBHOOK"), ("amocrm", "TOKEN")])
def test_serve_then_pull_with_the_printed_lines(
    vendor: str,
    secret: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "funnelkit",
            "-q",
            "emulator",
            "serve",
            "--vendor",
            vendor,
            "--name",
            "shop",
            "--port",
            "0",
            "--deals",
            "150",
            "--rate-limit",
            "off",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert server.stdout is not None
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith("export "):
                break
        text = "".join(printed)
        config = text.split("# shell")[0].replace("# funnelkit.yaml\n", "")
        assert "portals:\n  shop:\n" in config and f"vendor: {vendor}" in config
        name, value = re.search(r"export (FUNNELKIT_SHOP_\w+)=(\S+)", text).groups()  # type: ignore[union-attr]
        assert name == f"FUNNELKIT_SHOP_{secret}"
        (tmp_path / "funnelkit.yaml").write_text(config)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv(name, value)
        code = run_main(app, ["-q", "pull", "--portal", "shop", "-o", "shop.json"])
        assert code == 0, capsys.readouterr().err
        assert (tmp_path / "shop.json").stat().st_size > 1000
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_fixture_portal_is_served(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[2] / "funnelkit/emulator/fixtures/small_amocrm.yaml"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "funnelkit",
            "emulator",
            "serve",
            "--vendor",
            "amocrm",
            "--fixture",
            str(fixture),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline() + server.stdout.readline()
        assert "portals:" in first
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_bad_fault_spec_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_main(app, ["emulator", "serve", "--faults", "rate=2"])
    assert code == 2 and "--faults" in capsys.readouterr().err
