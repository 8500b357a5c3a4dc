"""Known secrets never reach stdout, stderr, --debug logs, reports, snapshots or plans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.serving.run import Running
from funnelkit.model import Vendor
from tests.reliability.live import SECRET, configure, served


@pytest.fixture(params=["bitrix24", "amocrm"])
def portal(request: pytest.FixtureRequest) -> Iterator[Running]:
    with served("secrets", Vendor(request.param)) as running:
        yield running


def commands(workdir: Path) -> list[list[str]]:
    snap = str(workdir / "p.snapshot.zip")
    return [
        ["pull", "--portal", "p", "-o", snap],
        ["pull", "--portal", "p", "-o", str(workdir / "p2.json"), "--since-snapshot", snap],
        [
            "audit",
            "--portal",
            "p",
            "--format",
            "json",
            "--report",
            f"html={workdir / 'a.html'}",
            "--report",
            f"sarif={workdir / 'a.sarif'}",
            "--report",
            f"csv={workdir / 'a.csv'}",
        ],
        ["audit", "--snapshot", snap, "--report", f"markdown={workdir / 'a.md'}"],
        ["export", "--portal", "p", "-o", str(workdir / "export")],
    ]


def test_no_command_leaks_the_secret(
    portal: Running,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(portal, tmp_path, monkeypatch)
    for value in portal.env("p").values():
        assert SECRET in value
    for args in commands(tmp_path):
        run_main(app, ["--debug", *args])
        captured = capsys.readouterr()
        assert SECRET not in captured.out, args
        assert SECRET not in captured.err, args
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "funnelkit.yaml":
            assert SECRET.encode() not in path.read_bytes(), path


def test_wrong_secret_error_does_not_echo_it(
    portal: Running,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(portal, tmp_path, monkeypatch, secret=False)
    wrong = "WrongKey12345678"
    for key, value in portal.env("p").items():
        monkeypatch.setenv(key, value.replace(SECRET, wrong))
    code = run_main(app, ["--debug", "pull", "--portal", "p", "-o", str(tmp_path / "x.zip")])
    err = capsys.readouterr().err
    assert code == 3, err
    assert wrong not in err and SECRET not in err
    assert not (tmp_path / "x.zip").exists()
