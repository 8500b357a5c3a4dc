"""`funnelkit fleet` against four emulated portals, one of them refusing its credentials."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.run import Running, start
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor
from tests.reliability.live import cli

# Two of each vendor; `amo-b` is given a token the emulator refuses (HTTP 401).
PORTALS = [
    ("b24-a", Vendor.BITRIX24, 1),
    ("b24-b", Vendor.BITRIX24, 2),
    ("amo-a", Vendor.AMOCRM, 3),
    ("amo-b", Vendor.AMOCRM, 4),
]
REFUSED = "amo-b"


@pytest.fixture
def fleet_portals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Running]]:
    """Four small portals with the vendors' rate limits on, and a funnelkit.yaml naming them."""
    monkeypatch.chdir(tmp_path)
    running: dict[str, Running] = {}
    lines = ["portals:"]
    try:
        for name, vendor, seed in PORTALS:
            served = start(generate(vendor, deals=60, seed=seed), EmulatorOptions(rate_limit=True))
            running[name] = served
            lines += [f"  {name}:", f"    vendor: {vendor.value}", f"    url: {served.url}"]
            if vendor is Vendor.BITRIX24:
                # The vendor's 2 requests/s without the burst of 50: a small pull takes seconds
                lines += ["    rate_limit: 2", "    burst: 1"]
            for key, value in served.env(name).items():
                monkeypatch.setenv(key, "refused-token" if name == REFUSED else value)
        (tmp_path / "funnelkit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield running
    finally:
        for served in running.values():
            served.stop()


def _fleet(out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code, stdout, err = cli(["fleet", "-o", str(out)], capsys)
    doc = json.loads((out / "fleet.json").read_text(encoding="utf-8"))
    return code, doc, stdout + err


def _drop_open_deals(served: Running, count: int) -> None:
    """Delete some open deals on the portal, as a manager cleaning up would."""
    with served.state.lock:
        doomed = [d.id for d in served.state.deals.values() if not d.closed][:count]
        for deal_id in doomed:
            del served.state.deals[deal_id]


def test_fleet_of_four_with_one_refused(
    fleet_portals: dict[str, Running], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet"
    started = time.monotonic()
    code, doc, text = _fleet(out, capsys)
    wall = time.monotonic() - started
    assert code == 3, text
    by_name = {p["name"]: p for p in doc["portals"]}
    assert set(by_name) == {name for name, _, _ in PORTALS}
    refused = by_name[REFUSED]
    assert refused["status"] == "unreadable"
    assert "401" in refused["error"] and "refused-token" not in text
    assert refused["score"] is None
    for name, vendor, _ in PORTALS:
        entry = by_name[name]
        assert entry["vendor"] == vendor.value
        assert set(entry) >= {
            "name", "vendor", "status", "error", "score",
            "findings_by_severity", "money_at_stake", "change",
        }  # fmt: skip
        if name == REFUSED:
            continue
        assert entry["status"] == "ok" and entry["error"] is None
        assert 0 <= entry["score"] <= 100
        assert sum(entry["findings_by_severity"].values()) > 0
        assert entry["money_at_stake"]["RUB"] > 0
        assert entry["change"] is None  # the first run has nothing to compare with
        assert entry["pull"]["kind"] == "full"
        for report in ("audit.json", "audit.md", "audit.html"):
            assert (out / name / report).exists()
        assert len(list((out / name / "snapshots").glob("*.snapshot.zip"))) == 1
    slowest = max(p["pull"]["seconds"] for p in doc["portals"] if p["status"] == "ok")
    serial = sum(p["pull"]["seconds"] for p in doc["portals"] if p["status"] == "ok")
    assert slowest > 1.0, "the rate limit should make at least one pull take a while"
    assert wall <= 1.5 * slowest, f"wall {wall:.2f} s, slowest pull {slowest:.2f} s"
    assert doc["wall_seconds"] < 0.9 * serial, f"wall {wall:.2f} s, pulls {serial:.2f} s in all"
    for name in ("fleet.md", "fleet.html"):
        assert REFUSED in (out / name).read_text(encoding="utf-8")

    _drop_open_deals(fleet_portals["b24-a"], 10)
    _drop_open_deals(fleet_portals["amo-a"], 10)
    code, doc, text = _fleet(out, capsys)
    assert code == 3, text
    by_name = {p["name"]: p for p in doc["portals"]}
    for name in ("b24-a", "amo-a"):
        entry = by_name[name]
        assert entry["pull"]["kind"] == "incremental"
        change = entry["change"]
        assert change is not None and change["since"]
        assert change["resolved"] > 0, change
        assert change["money_at_stake"]["RUB"] < 0, change
        assert [run["status"] for run in entry["trend"]] == ["ok", "ok"]
    unchanged = by_name["b24-b"]["change"]
    assert unchanged is not None and unchanged["new"] == unchanged["resolved"] == 0
    assert [run["status"] for run in by_name[REFUSED]["trend"]] == ["unreadable"] * 2
    history = (out / "b24-a" / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(history) == 2


def test_fleet_of_readable_portals_exits_by_fail_on(
    fleet_portals: dict[str, Running], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet"
    base = ["-q", "fleet", "-o", str(out), "--portal", "b24-a", "--portal", "b24-b"]
    code, stdout, err = cli([*base, "--format", "json"], capsys)
    assert code == 1, err  # the messy portals have high findings; --fail-on defaults to high
    assert err == ""  # --quiet: no progress
    assert {p["name"] for p in json.loads(stdout)["portals"]} == {"b24-a", "b24-b"}
    code, stdout, err = cli([*base, "--fail-on", "critical"], capsys)
    assert code == 0, err
    assert "b24-a" in stdout and "amo-a" not in stdout


def test_unknown_portal_is_a_config_error(
    fleet_portals: dict[str, Running], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(["fleet", "-o", str(tmp_path / "f"), "--portal", "nope"], capsys)
    assert code == 2
    assert "unknown portal 'nope'" in err
    assert not (tmp_path / "f").exists()


def test_a_damaged_kept_snapshot_means_a_full_pull(
    fleet_portals: dict[str, Running], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet"
    args = ["fleet", "-o", str(out), "--portal", "b24-a", "--fail-on", "critical"]
    code, _, err = cli(args, capsys)
    assert code == 0, err
    (kept,) = (out / "b24-a" / "snapshots").glob("*.snapshot.zip")
    kept.write_bytes(b"not a zip")
    code, _, err = cli(args, capsys)
    assert code == 0, err
    assert "pulling in full" in err
    entry = json.loads((out / "fleet.json").read_text(encoding="utf-8"))["portals"][0]
    assert entry["pull"]["kind"] == "full" and entry["status"] == "ok"
    assert entry["change"] is not None and entry["change"]["resolved"] == 0
