"""A blueprint exported from one vendor plans and applies on an empty portal of the other.

Stage semantics carry over (amoCRM 142/143 ↔ Bitrix24 success / failure stages; the
amoCRM unsorted inbox is the vendor's and never exported); what the target cannot hold
(a second failure stage on amoCRM, loss reasons on Bitrix24) is listed in the plan. After
the apply, a plan of the same blueprint shows no changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from funnelkit.model import Semantics, Vendor
from tests.reliability.live import cli, served


def _config(workdir: Path, portals: dict[str, tuple[str, str]]) -> None:
    lines = ["portals:"]
    for name, (vendor, url) in portals.items():
        lines += [f"  {name}:", f"    vendor: {vendor}", f"    url: {url}", "    rate_limit: 200"]
        if vendor == "bitrix24":
            lines.append("    burst: 1000")
    (workdir / "funnelkit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "target"),
    [(Vendor.AMOCRM, Vendor.BITRIX24), (Vendor.BITRIX24, Vendor.AMOCRM)],
    ids=["amocrm-to-bitrix24", "bitrix24-to-amocrm"],
)
def test_export_then_apply_on_an_empty_portal_of_the_other_vendor(
    source: Vendor,
    target: Vendor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with served("cross-vendor", source) as src, served("empty", target) as dst:
        origin = src.state
        _config(tmp_path, {"src": (source.value, src.url), "dst": (target.value, dst.url)})
        for running, name in ((src, "src"), (dst, "dst")):
            for key, value in running.env(name).items():
                monkeypatch.setenv(key, value)
        code, _, err = cli(["-q", "export", "--portal", "src", "-o", "bp"], capsys)
        assert code == 0, err
        bp = str(tmp_path / "bp" / "src.yaml")

        code, out, err = cli(["plan", bp, "--portal", "dst"], capsys)
        assert code == 0, err
        if target is Vendor.BITRIX24 and origin.loss_reasons:
            assert "no loss-reason entity" in out  # unmappable: listed, not silently dropped
        code, _, err = cli(["apply", bp, "--portal", "dst", "--yes"], capsys)
        assert code == 0, err
        code, out, err = cli(["plan", bp, "--portal", "dst", "--exit-code"], capsys)
        assert code == 0, out + err
        code, out, err = cli(["drift", bp, "--portal", "dst"], capsys)
        assert code == 0, out + err

        # every exported funnel now exists on the target with its won and lost stages
        exported = yaml.safe_load(Path(bp).read_text(encoding="utf-8"))
        made = {f.name: f.id for f in dst.state.funnels.values()}
        for funnel in exported["funnels"]:
            name = funnel["names"]["ru"]
            assert name in made, name
            semantics = {s.semantics for s in dst.state.stages_of(made[name])}
            want = {Semantics(s.get("semantics", "process")) for s in funnel["stages"]}
            assert want <= semantics
        assert dst.state.deals == {}
