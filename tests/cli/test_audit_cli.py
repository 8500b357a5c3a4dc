"""`funnelkit audit` over a saved snapshot: formats, exit codes, suppressions, baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import Vendor
from funnelkit.store import save_snapshot


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = generate(Vendor.AMOCRM, deals=400, seed=3)
    return save_snapshot(state_to_snapshot(state), tmp_path_factory.mktemp("s") / "s.zip")


def audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run_main(app, ["-q", "audit", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_findings_fail_the_run(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = audit(capsys, "--snapshot", str(snapshot_file), "--fail-on", "low")
    assert code == 1
    assert "Findings:" in out


def test_json_and_several_reports(
    snapshot_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, md = tmp_path / "a.html", tmp_path / "a.md"
    code, out, _ = audit(
        capsys,
        "--snapshot",
        str(snapshot_file),
        "--format",
        "json",
        "--fail-on",
        "critical",
        "--report",
        f"html={html}",
        "--report",
        f"markdown={md}",
    )
    doc = json.loads(out)
    assert code == (1 if doc["summary"]["by_severity"]["critical"] else 0)
    assert html.exists() and md.exists()
    codes = {f["code"] for f in doc["findings"]}
    assert len(codes) >= 8


def test_select_limits_rules(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = audit(
        capsys, "--snapshot", str(snapshot_file), "--format", "json", "--select", "FK2"
    )
    doc = json.loads(out)
    assert {f["code"][:3] for f in doc["findings"]} <= {"FK2"}


def test_baseline_hides_known_findings(
    snapshot_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "baseline.json"
    audit(capsys, "--snapshot", str(snapshot_file), "--write-baseline", str(base))
    code, out, _ = audit(
        capsys, "--snapshot", str(snapshot_file), "--baseline", str(base), "--format", "json"
    )
    assert json.loads(out)["summary"]["findings"] == 0 and code == 0


def test_suppression_needs_a_reason(
    snapshot_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("findings:\n  - rule: FK201\n")
    code, _, err = audit(capsys, "--snapshot", str(snapshot_file), "--ignore-file", str(ignore))
    assert code == 2 and "reason" in err and "ignore.yaml:2" in err


def test_bad_report_flag(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = audit(capsys, "--snapshot", str(snapshot_file), "--report", "pdf=x.pdf")
    assert code == 2 and "unknown format 'pdf'" in err and "markdown" in err


def test_missing_snapshot_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = audit(capsys, "--snapshot", str(tmp_path / "none.zip"))
    assert code == 2 and "none.zip" in err


def test_audit_clock_is_the_snapshot_unless_now_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Auditing last month's snapshot today gives last month's findings; --now moves it."""
    import json as _json

    from typer.testing import CliRunner as _Runner

    from funnelkit.cli import app as _app
    from funnelkit.cli.emulator import VendorName, build_portal
    from funnelkit.emulator.generate.truth import state_to_snapshot
    from funnelkit.model.timeutil import iso
    from funnelkit.store import save_snapshot

    state = build_portal(VendorName.BITRIX24, seed=3, deals=300, as_of=1_780_000_000)
    path = save_snapshot(state_to_snapshot(state), tmp_path / "old.snapshot.zip")
    runner = _Runner()
    plain = runner.invoke(_app, ["audit", "--snapshot", str(path), "--format", "json"])
    doc = _json.loads(plain.stdout)
    assert doc["now"] == iso(1_780_000_000) and doc["now_source"] == "snapshot as-of"
    later = runner.invoke(
        _app, ["audit", "--snapshot", str(path), "--format", "json", "--now", "2027-01-01"]
    )
    moved = _json.loads(later.stdout)
    assert moved["now"].startswith("2027-01-01") and moved["now_source"] == "given"
    code, _, err = audit(capsys, "--snapshot", str(path), "--now", "yesterday")
    assert code == 2 and "--now 'yesterday'" in err
