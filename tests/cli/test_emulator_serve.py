"""`funnelkit emulator serve` prints what a user needs, and the printed lines really work."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main

FIXTURE = (
    Path(__file__).resolve().parents[2] / "funnelkit/emulator/fixture/portals/small_amocrm.yaml"
)


@contextmanager
def serving(*args: str) -> Iterator[str]:
    """Run `funnelkit emulator serve ARGS` and yield what it printed up to the export line."""
    command = [sys.executable, "-m", "funnelkit", "-q", "emulator", "serve", "--port", "0", *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            printed = []
            for line in server.stdout:
                printed.append(line)
                if line.startswith("export "):
                    break
            yield "".join(printed)
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.parametrize(("vendor", "secret"), [("bitrix24", "WEBHOOK"), ("amocrm", "TOKEN")])
def test_serve_then_pull_with_the_printed_lines(
    vendor: str,
    secret: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serving(
        "--vendor", vendor, "--name", "shop", "--deals", "150", "--rate-limit", "off"
    ) as text:
        config = text.split("# shell")[0].replace("# funnelkit.yaml\n", "")
        assert "portals:\n  shop:\n" in config and f"vendor: {vendor}" in config
        found = re.search(r"export (FUNNELKIT_SHOP_\w+)=(\S+)", text)
        assert found is not None
        name, value = found.groups()
        assert name == f"FUNNELKIT_SHOP_{secret}"
        (tmp_path / "funnelkit.yaml").write_text(config)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv(name, value)
        code = run_main(app, ["-q", "pull", "--portal", "shop", "-o", "shop.json"])
        assert code == 0, capsys.readouterr().err
        assert (tmp_path / "shop.json").stat().st_size > 1000


def test_fixture_portal_is_served() -> None:
    with serving("--vendor", "amocrm", "--fixture", str(FIXTURE)) as text:
        assert "portals:" in text and "FUNNELKIT_DEMO_TOKEN=" in text


def test_bad_fault_spec_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_main(app, ["emulator", "serve", "--faults", "rate=2"])
    assert code == 2 and "--faults" in capsys.readouterr().err


def test_bundled_blueprint_portal_is_served() -> None:
    with serving("--from-blueprint", "000", "--deals", "120", "--name", "clean") as text:
        assert "clean:" in text and "FUNNELKIT_CLEAN_WEBHOOK=" in text


def test_bad_as_of_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_main(app, ["emulator", "serve", "--as-of", "next tuesday"])
    assert code == 2 and "--as-of" in capsys.readouterr().err


def test_portal_served_as_of_a_date_is_pulled_as_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The emulator's clock starts at --as-of: the snapshot's as-of time is that day."""
    from funnelkit.model.timeutil import parse_iso
    from funnelkit.store import load_snapshot

    as_of = parse_iso("2029-03-01T12:00:00Z")
    with serving("--name", "shop", "--deals", "150", "--rate-limit", "off", "--as-of",
                 "2029-03-01T12:00:00Z") as text:  # fmt: skip
        config = text.split("# shell")[0].replace("# funnelkit.yaml\n", "")
        found = re.search(r"export (FUNNELKIT_SHOP_\w+)=(\S+)", text)
        assert found is not None
        (tmp_path / "funnelkit.yaml").write_text(config)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv(*found.groups())
        code = run_main(app, ["-q", "pull", "--portal", "shop", "-o", "shop.snapshot.zip"])
        assert code == 0, capsys.readouterr().err
    snap = load_snapshot(tmp_path / "shop.snapshot.zip")
    assert abs(snap.manifest.pulled_at - as_of) < 600
    assert max(d.created_at for d in snap.deals) <= snap.manifest.pulled_at
