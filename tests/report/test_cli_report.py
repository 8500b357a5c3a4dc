"""`funnelkit audit` as a consultant runs it: the portal's configured name, summary first."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import Vendor
from funnelkit.report import render
from funnelkit.store import save_snapshot
from tests.report.sample import document


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the demo's portal: 2,000 deals, seed 7
    snap = state_to_snapshot(generate(Vendor.BITRIX24, deals=2000, seed=7))
    return save_snapshot(snap, tmp_path_factory.mktemp("demo") / "demo.zip")


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_demo_text_report_fits_two_screens_action_list_first(
    demo: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_main(app, ["-q", "--lang", lang, "audit", "--snapshot", str(demo)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) <= 150, len(lines)
    blank = lines.index("")
    assert lines[blank + 1].startswith(("What to do first", "Что сделать", "Що зробити"))
    assert lines[blank + 2].startswith(" 1. [")


def test_titles_name_the_portal_as_configured(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from funnelkit.store import load_snapshot

    domain = load_snapshot(demo).manifest.domain
    config = tmp_path / "funnelkit.yaml"
    config.write_text(f"portals:\n  acme:\n    vendor: bitrix24\n    url: https://{domain}\n")
    monkeypatch.chdir(tmp_path)
    md = tmp_path / "a.md"
    run_main(app, ["-q", "audit", "--snapshot", str(demo), "--report", f"markdown={md}"])
    assert capsys.readouterr().out.startswith("Funnel audit: acme (bitrix24)")
    assert md.read_text(encoding="utf-8").startswith("## Funnel audit: acme (bitrix24)")


def test_details_flag_lists_every_finding(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_main(app, ["-q", "audit", "--snapshot", str(demo), "--details"])
    out = capsys.readouterr().out
    run_main(app, ["-q", "audit", "--snapshot", str(demo), "--format", "csv"])
    rows = capsys.readouterr().out.splitlines()[1:]
    detail_lines = out[out.index("Every finding") :].splitlines()
    assert len([x for x in detail_lines if x.startswith("[")]) == len(rows)


def test_render_needs_a_known_format() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(document(), "pdf")
