"""The commands end to end: plan / apply / drift / export against an emulator, and blueprints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.emulator.serving.run import start
from funnelkit.model import Vendor

_ = SecretStr


@pytest.fixture(params=[Vendor.BITRIX24, Vendor.AMOCRM])
def portal(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh emulated portal named `demo` in ./funnelkit.yaml; yields the work dir."""
    vendor: Vendor = request.param
    with start(empty_portal(vendor)) as run:
        (tmp_path / "funnelkit.yaml").write_text(
            f"portals:\n  demo:\n    vendor: {vendor.value}\n    url: {run.url}\n"
            "    rate_limit: 100\n    burst: 1000\n",
            encoding="utf-8",
        )
        for key, value in run.env("demo").items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        yield tmp_path


def snap_vendor(workdir: Path) -> str:
    """The vendor named in the work dir's funnelkit.yaml."""
    text = (workdir / "funnelkit.yaml").read_text(encoding="utf-8")
    return "bitrix24" if "vendor: bitrix24" in text else "amocrm"


def fk(*args: str) -> int:
    return run_main(app, ["-q", *args])


def test_plan_apply_drift_export_cycle(portal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bp = portal / "bp.yaml"
    assert fk("blueprints", "show", "003") == 0
    bp.write_text(capsys.readouterr().out, encoding="utf-8")

    assert fk("plan", str(bp), "--portal", "demo", "--exit-code") == 1
    assert "create funnel «Подогрев»" in capsys.readouterr().out
    assert fk("plan", str(bp), "--portal", "demo", "--save-plan", "plan.json") == 0
    assert json.loads((portal / "plan.json").read_text())["schema"] == "funnelkit.plan/1"

    assert fk("drift", str(bp), "--portal", "demo", "--format", "markdown") == 1
    assert "missing" in capsys.readouterr().out

    assert fk("apply", "--portal", "demo", "--plan", "plan.json", "--yes") == 0
    # state is kept per portal beside the config, never beside (or in) the blueprint
    states = list((portal / ".funnelkit" / "state").glob("*.json"))
    assert [p.name.split("_")[0] for p in states] == [f"{snap_vendor(portal)}"]
    assert not list(portal.glob("*.state.json"))
    assert fk("plan", str(bp), "--portal", "demo", "--exit-code") == 0
    # a copy of the blueprint under another file name is the same blueprint
    copy = portal / "sub" / "copy.yaml"
    copy.parent.mkdir()
    copy.write_bytes(bp.read_bytes())
    assert fk("plan", str(copy), "--portal", "demo", "--exit-code") == 0
    capsys.readouterr()
    # what the portal had before (the lead funnel, spare default stages) is listed unmanaged
    # but is not drift unless asked for
    code = fk("drift", str(bp), "--portal", "demo", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert {i["category"] for i in report["items"]} <= {"unmanaged"}
    assert report["unmanaged_count"] == len(report["items"]) > 0
    assert code == 0
    assert fk("drift", str(bp), "--portal", "demo", "--fail-on-unmanaged") == 1
    (portal / "funnelkit-ignore.yaml").write_text(
        "drift:\n  - {category: unmanaged, reason: the vendor's own objects}\n", encoding="utf-8"
    )
    assert fk("drift", str(bp), "--portal", "demo", "--fail-on-unmanaged") == 0
    capsys.readouterr()

    # the reviewed plan no longer matches the portal: refused for safety
    assert fk("apply", str(bp), "--portal", "demo", "--plan", "plan.json", "--yes") == 4

    assert fk("export", "--portal", "demo", "-o", "out") == 0
    exported = portal / "out" / "demo.yaml"
    assert fk("plan", str(exported), "--portal", "demo", "--exit-code") == 0
    assert fk("export", "--portal", "demo", "-o", "split", "--split") == 0
    assert len(list((portal / "split").glob("*.yaml"))) >= 3


def test_apply_needs_yes_without_a_terminal(portal: Path) -> None:
    assert fk("apply", "000", "--portal", "demo") == 4


def test_drift_ignore_file_accepts_known_drift(portal: Path) -> None:
    (portal / "funnelkit-ignore.yaml").write_text(
        "drift:\n  - {funnel: '*', reason: not rolled out yet}\n", encoding="utf-8"
    )
    assert fk("drift", "004", "--portal", "demo") == 0
    (portal / "funnelkit-ignore.yaml").write_text("drift:\n  - {funnel: '*'}\n", encoding="utf-8")
    assert fk("drift", "004", "--portal", "demo") == 2


def test_plan_needs_exactly_one_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert fk("plan", "000") == 2
    (tmp_path / "bad.yaml").write_text("name: x\nfunnels: 3\n", encoding="utf-8")
    assert fk("blueprints", "validate", "bad.yaml") == 2


def test_blueprints_list_and_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert fk("blueprints", "list") == 0
    assert "000-six-funnels" in capsys.readouterr().out
    path = Path(__file__).parents[2] / "blueprints/000-six-funnels.yaml"
    assert fk("blueprints", "validate", str(path)) == 0
    out = capsys.readouterr().out
    assert "valid (6 funnels" in out and "note:" not in out


def test_validate_reads_names_with_the_funnel_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        "name: dumpy\nfunnels:\n"
        "  - key: sales\n    role: primary-sales\n    names: {ru: Продажи}\n    stages:\n"
        "      - {key: new, names: {ru: Новая заявка}}\n"
        "      - {key: think, names: {ru: Клиент думает}}\n"
        "      - {key: paid, names: {ru: Оплачено}, semantics: success}\n"
        "  - key: refusals\n    role: refusals\n    names: {ru: Отказы}\n    stages:\n"
        "      - {key: think, names: {ru: Клиент думает}}\n"
        "      - {key: later, names: {ru: Отложенный спрос}}\n",
        encoding="utf-8",
    )
    assert fk("blueprints", "validate", str(path)) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if "note:" in line]
    assert notes and all("«Продажи»" in n for n in notes)
