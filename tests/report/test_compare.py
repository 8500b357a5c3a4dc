"""Since last visit: two pulls of one emulated portal, changed through the vendor's API between."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from funnelkit.audit import run_audit
from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.connectors import get_connector
from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.run import Running, start
from funnelkit.emulator.state import LEAD_PREFIX
from funnelkit.model import Semantics, Snapshot, Vendor
from funnelkit.report.compare import movements
from funnelkit.store import load_snapshot, save_snapshot
from tests.report.sample import snapshot
from tests.report.test_i18n import ALLOWED, _portal_words, _stray


def _pull(running: Running) -> Snapshot:
    settings = PortalSettings(vendor=Vendor.BITRIX24, url=running.url, rate_limit=200, burst=1000)
    creds = Credentials(webhook=SecretStr(running.secret_env[1]))
    connector = get_connector(settings, creds)
    try:
        return connector.pull(PullScope(), NullProgress())
    finally:
        connector.close()


def _call(running: Running, method: str, body: dict[str, Any]) -> Any:
    answer = httpx.post(f"{running.secret_env[1]}{method}.json", json=body)
    assert answer.status_code == 200 and "error" not in answer.json(), answer.text
    return answer.json()["result"]


@pytest.fixture(scope="module")
def visits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    state = generate(Vendor.BITRIX24, deals=300, seed=5)
    state.tunnels.clear()  # a won deal must not spawn a copy elsewhere in this test
    with start(state) as running:
        old = _pull(running)
        stuck = [
            f.subject.id
            for f in run_audit(old).findings
            if f.code == "FK201" and not f.subject.id.startswith(LEAD_PREFIX)
        ]
        stages = {(s.funnel_id, s.id): s for s in old.structure.stages}
        deals = {d.id: d for d in old.deals}
        expected: dict[str, str] = {}
        for deal_id in stuck:
            deal = deals[deal_id]
            here = stages[(deal.funnel_id, deal.stage_id)]
            same = [s for s in old.structure.stages if s.funnel_id == deal.funnel_id]
            later = [s for s in same if s.semantics is Semantics.PROCESS and s.sort > here.sort]
            if "advanced" not in expected.values() and later:
                target, kind = later[0], "advanced"
            elif "won" not in expected.values():
                target, kind = next(s for s in same if s.semantics is Semantics.SUCCESS), "won"
            else:
                continue
            _call(running, "crm.deal.update", {"id": deal_id, "fields": {"STAGE_ID": target.id}})
            expected[deal_id] = kind
        born = _call(running, "crm.deal.add", {"fields": {"TITLE": "Новая", "CATEGORY_ID": "0"}})
        expected[str(born)] = "new"
        new = _pull(running)
    folder = tmp_path_factory.mktemp("visits")
    return (
        save_snapshot(old, folder / "old.zip"),
        save_snapshot(new, folder / "new.zip"),
        expected,
    )


def test_compare_reports_exactly_the_changed_deals_and_resolved_findings(
    visits: tuple[Path, Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, expected = visits
    assert sorted(expected.values()) == ["advanced", "new", "won"]
    args = ["-q", "audit", "--snapshot", str(new), "--compare", str(old), "--format", "json"]
    run_main(app, args)
    doc = json.loads(capsys.readouterr().out)
    moved = {m["deal_id"]: m["kind"] for m in doc["compare"]["movements"] if m["kind"] != "idle"}
    assert moved == expected
    resolved = set(doc["compare"]["findings"]["resolved"])
    for deal_id, kind in expected.items():
        if kind != "new":
            assert f"FK201:deal:{deal_id}" in resolved
    assert set(doc["compare"]["findings"]["open"]).isdisjoint(resolved)
    for fmt in ("text", "markdown", "html"):
        run_main(
            app,
            [
                "-q",
                "--lang",
                "uk",
                "audit",
                "--snapshot",
                str(new),
                "--compare",
                str(old),
                "--format",
                fmt,
            ],
        )
        assert "Від минулого візиту" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_compare_speaks_the_language(
    visits: tuple[Path, Path, dict[str, str]], capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    old, new, _ = visits
    # the vendor slug in the title, "bitrix24", reads as the word "bitrix" and a number
    allowed = (
        ALLOWED | {"bitrix"} | _portal_words(load_snapshot(new)) | _portal_words(load_snapshot(old))
    )
    for fmt in ("text", "markdown", "html"):
        args = ["-q", "--lang", lang, "audit", "--snapshot", str(new), "--compare", str(old)]
        run_main(app, [*args, "--format", fmt])
        out = capsys.readouterr().out
        stray = _stray(out, allowed, is_html=fmt == "html")
        assert stray == [], (fmt, [ln for ln in out.splitlines() if any(w in ln for w in stray)])


def test_movement_kinds() -> None:
    old = snapshot(open_deals=4)
    rows = list(old.deals)
    by_id = {d.id: i for i, d in enumerate(rows)}
    rows[by_id["100"]] = replace(rows[by_id["100"]], stage_id="b")  # a → b
    rows[by_id["101"]] = replace(rows[by_id["101"]], stage_id="a")  # b → a
    rows[by_id["102"]] = replace(rows[by_id["102"]], stage_id="l")  # c → lost
    rows.append(replace(rows[by_id["103"]], id="999"))
    new = Snapshot(manifest=old.manifest, structure=old.structure, deals=tuple(rows))
    kinds = {m.deal_id: m.kind for m in movements(old, new)}
    assert kinds == {
        "100": "advanced",
        "101": "moved_back",
        "102": "lost",
        "103": "idle",
        "999": "new",
    }
