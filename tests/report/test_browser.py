"""The HTML report as a person sees it: headless Chromium at desktop and phone widths."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import Vendor
from funnelkit.report import AuditReport, render
from tests.report.pngread import count_colour
from tests.report.sample import document

pytestmark = pytest.mark.browser

BAR = (0x61, 0x72, 0xF3)  # a process stage's bar in the funnel chart
WON = (0x12, 0xB7, 0x6A)  # the success stage's bar
HIGH = (0xD9, 0x2D, 0x20)  # the "high" severity badge


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("headless Chromium not installed (apt-get install chromium); HTML not rendered")
    return found


def screenshot(html: Path, width: int, tmp: Path) -> Path:
    shot = tmp / f"shot-{width}.png"
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp / f'profile-{width}'}",
            f"--window-size={width},{4000 if width > 800 else 8000}",
            f"--screenshot={shot}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return shot


@pytest.mark.parametrize("width", [1280, 390])
def test_charts_and_tables_are_visible(tmp_path: Path, width: int) -> None:
    page = tmp_path / "audit.html"
    page.write_text(render(document("uk"), "html"), encoding="utf-8")
    shot = screenshot(page, width, tmp_path)
    assert count_colour(shot, BAR) > 50, "funnel chart bars not drawn"
    assert count_colour(shot, WON) > 20, "success bar not drawn"
    assert count_colour(shot, HIGH) > 10, "severity badges not drawn"


PROBE = """<script>
window.addEventListener('load', function () {
  function seen(id) {
    var box = document.getElementById(id).getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight;
  }
  var probe = 'actions=' + seen('actions') + ';cards=' + seen('scorecards');
  document.body.setAttribute('data-probe', probe);
});
</script>"""


def _generated(lang: str) -> AuditReport:
    snap = state_to_snapshot(generate(Vendor.BITRIX24, deals=2000, seed=7))
    return document(lang, snap)


@pytest.mark.parametrize("portal", ["hostile", "generated"])
@pytest.mark.parametrize("lang", ["en", "uk"])
def test_first_screen_shows_actions_and_scorecards_without_console_errors(
    tmp_path: Path, lang: str, portal: str
) -> None:
    page = tmp_path / "audit.html"
    report = document(lang) if portal == "hostile" else _generated(lang)
    html = render(report, "html", details=True)
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--enable-logging=stderr",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,900",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert 'data-probe="actions=true;cards=true"' in done.stdout
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
