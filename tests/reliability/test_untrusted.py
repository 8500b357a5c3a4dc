"""Hostile names pulled from a portal stay inert in HTML reports and spreadsheet-safe in CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor
from tests.reliability.live import NAME, cli, live_portal

STAGE = '<script>alert("stage")</script> Этап'
DEAL = '=HYPERLINK("http://evil.example","x") \'"><img src=x onerror=alert(1)>'
USER = '@SUM(1+1) <b onmouseover="alert(2)">Иван</b>'
RAW = ("<script>alert(", "<img src=x", "<b onmouseover")
FORMULA = ("=", "+", "-", "@")


def poison(state: PortalState) -> None:
    """Every stage, deal and user name of the portal becomes hostile (kept distinct)."""
    for key, stage in list(state.stages.items()):
        state.stages[key] = stage.model_copy(update={"name": f"{STAGE} {stage.id}"})
    for deal_id, deal in list(state.deals.items()):
        state.deals[deal_id] = dataclasses.replace(deal, title=f"{DEAL} {deal_id}")
    for user_id, user in list(state.users.items()):
        state.users[user_id] = user.model_copy(update={"name": f"{USER} {user_id}"})


def test_hostile_names_are_escaped_in_html_and_formula_safe_in_csv(
    vendor: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_portal("hostile", vendor, tmp_path, monkeypatch, prepare=poison):
        args = ["audit", "--portal", NAME, "--report", "html=a.html", "--report", "csv=a.csv"]
        code, _, err = cli(["-q", *args, "--fail-on", "critical"], capsys)
    assert code in (0, 1), err
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    for raw in RAW:
        assert raw not in html, raw
    assert "&lt;script&gt;alert(" in html, "the hostile stage name never reached the report"
    assert "&lt;b onmouseover=" in html, "the hostile user name never reached the report"
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) > 1, "the audit found nothing to write"
    assert [c for c in cells if c.startswith(FORMULA)] == []
    assert any(c.startswith("<script>alert(") for c in cells), "no stage name reached the CSV"
    # A deal title starting with "=" is a whole cell: it is defused with a leading quote.
    assert any(c.startswith("'=HYPERLINK(") for c in cells), "no deal title reached the CSV"
    assert "&lt;img src=x" in html, "the hostile deal title never reached the HTML report"
