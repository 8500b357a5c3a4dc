"""Applying a bundled blueprint to a messy portal never relabels a live stage.

Stages are matched by identity (recorded id, same name, declared `renamed_from`), never by
position: with `--force`, every pre-existing stage holding deals keeps its name, no deal
changes stage, and what the blueprint does not declare is reported unmanaged. Right after
apply, drift is in sync, and a copy of the blueprint under another file name plans nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.blueprint.library import bundled_files, bundled_text, load_bundled
from funnelkit.model import Vendor
from tests.reliability.live import NAME, cli, live_portal

BUNDLED = sorted(f[:3] for f in bundled_files())


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("vendor", [Vendor.BITRIX24, Vendor.AMOCRM], ids=lambda v: v.value)
def test_bundled_apply_on_a_messy_portal_keeps_every_live_stage(
    vendor: Vendor,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_portal("apply-bundled", vendor, tmp_path, monkeypatch) as running:
        state = running.state
        busy = {(d.funnel_id, d.stage_id) for d in state.deals.values()}
        names_before = {key: s.name for key, s in state.stages.items() if key in busy}
        placed_before = {d.id: (d.funnel_id, d.stage_id) for d in state.deals.values()}
        bp = tmp_path / "bp.yaml"
        bp.write_text(bundled_text(name)[1], encoding="utf-8")

        code, out, err = cli(["plan", str(bp), "--portal", NAME], capsys)
        assert code == 0, err
        assert "Unmanaged (left alone):" in out
        code, _, err = cli(["apply", str(bp), "--portal", NAME, "--yes", "--force"], capsys)
        assert code == 0, err

        declared = {
            n.replace("ё", "е").casefold()
            for f in load_bundled(name).funnels
            for s in f.stages
            for n in s.renamed_from
        }
        renamed = {
            key: (old, state.stages[key].name)
            for key, old in names_before.items()
            if key in state.stages
            and state.stages[key].name != old
            and old.replace("ё", "е").casefold() not in declared
        }
        assert renamed == {}, "a stage holding deals was relabelled without a renamed_from"
        assert {d.id: (d.funnel_id, d.stage_id) for d in state.deals.values()} == placed_before

        code, out, err = cli(["drift", str(bp), "--portal", NAME], capsys)
        assert code == 0, out + err
        assert "unmanaged" in out
        code, out, err = cli(["drift", str(bp), "--portal", NAME, "--fail-on-unmanaged"], capsys)
        assert code == 1, out + err

        copy = tmp_path / "elsewhere" / "renamed-copy.yaml"
        copy.parent.mkdir()
        copy.write_bytes(bp.read_bytes())
        code, out, err = cli(["plan", str(copy), "--portal", NAME, "--exit-code"], capsys)
        assert code == 0, out + err
        assert not list(tmp_path.rglob("*.state.json"))
        assert len(list((tmp_path / ".funnelkit" / "state").glob("*.json"))) == 1
