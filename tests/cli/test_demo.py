"""`funnelkit demo` end to end: emulator, real connector over HTTP, audit, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.store import load_snapshot


@pytest.mark.parametrize("vendor", ["bitrix24", "amocrm"])
def test_demo_writes_report_and_snapshot(
    vendor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    code = run_main(app, ["-q", "demo", "--vendor", vendor, "--deals", "300", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Findings:" in captured.out and "FUNNELKIT_ACME_" in captured.out
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert report["schema"] == "funnelkit.audit/1"
    assert report["summary"]["findings"] > 0
    assert "<svg" in (out / "audit.html").read_text(encoding="utf-8")
    snapshot = load_snapshot(out / "demo.snapshot.zip")
    assert snapshot.manifest.vendor.value == vendor
    assert len(snapshot.deals) >= 300
