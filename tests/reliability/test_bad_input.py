"""Malformed input: one clear error naming the place, the documented exit code, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.errors import InputError
from funnelkit.yamlio import parse_yaml

GOOD_PORTAL = "portals:\n  p:\n    vendor: bitrix24\n    url: https://p.bitrix24.ru\n"

CONFIGS = {
    "syntax": ("portals:\n  p: [unclosed\n", "funnelkit.yaml:3"),
    "types": (
        "portals:\n  p:\n    vendor: bitrix24\n    url: https://p.ru\n    timeout: soon\n",
        "funnelkit.yaml:5:5",
    ),
    "unknown-key": (
        "portals:\n  p:\n    vendor: bitrix24\n    url: https://p.ru\n    colour: 1\n",
        "portals.p.colour: unknown key",
    ),
    "duplicate": (GOOD_PORTAL + "portals: {}\n", "duplicate key 'portals'"),
    "inline-secret": (
        "portals:\n  p:\n    vendor: amocrm\n    url: https://p.kommo.com\n    token: abc\n",
        "inline secret",
    ),
    "unknown-vendor": (
        "portals:\n  p:\n    vendor: salesforce\n    url: https://p.ru\n",
        "must be one of 'bitrix24' or 'amocrm'",
    ),
    "bad-url": (
        "portals:\n  p:\n    vendor: bitrix24\n    url: p.bitrix24\n",
        "must be an http:// or https:// address",
    ),
    "not-a-mapping": ("- just\n- a list\n", "must be a mapping"),
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run_main(app, args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_bad_config(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text, fragment = CONFIGS[case]
    monkeypatch.chdir(tmp_path)
    Path("funnelkit.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("FUNNELKIT_P_WEBHOOK", "https://p.bitrix24.ru/rest/1/abcdefgh/")
    code, err = run(["pull", "--portal", "p", "-o", "out.zip"], capsys)
    assert code == 2, err
    assert fragment in err
    assert "Traceback" not in err
    assert not Path("out.zip").exists()


def test_binary_and_huge_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("funnelkit.yaml").write_bytes(bytes(range(256)) * 10)
    code, err = run(["pull", "--portal", "p"], capsys)
    assert code == 2 and "funnelkit.yaml" in err
    with Path("funnelkit.yaml").open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)
    code, err = run(["pull", "--portal", "p"], capsys)
    assert code == 2 and "too large" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"PK\x03\x04garbage", "truncated or not a snapshot"),
        (json.dumps({"manifest": {"schema": "funnelkit.snapshot/99"}}).encode(), "not supported"),
        (b"\x00\x01\x02", "snapshot"),
    ],
)
def test_bad_snapshots(
    content: bytes, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "s.json" if content.startswith(b"{") else "s.zip"
    path = tmp_path / name
    path.write_bytes(content)
    code, err = run(["audit", "--snapshot", str(path)], capsys)
    assert code == 2, err
    assert fragment in err and name in err


def test_no_portal_and_no_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["audit"], capsys)
    assert code == 2 and "--portal" in err


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_yaml_loader_never_crashes(text: str) -> None:
    try:
        parse_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert "fuzz.yaml" in exc.message
