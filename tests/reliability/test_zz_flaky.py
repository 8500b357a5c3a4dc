from pathlib import Path
import pytest
from funnelkit.emulator.faults import KINDS, FaultPlan
from funnelkit.emulator.generator import generate
from funnelkit.emulator.run import start
from funnelkit.model import Vendor
from tests.reliability.live import NAME, cli, use_oauth, write_config
from tests.reliability.test_pull_faults import _busy_seeds

@pytest.mark.parametrize("rep", range(6))
def test_f(rep, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with start(generate(Vendor.BITRIX24, deals=300, seed=12)) as running:
        token_file = tmp_path / "token.json"
        use_oauth(running, token_file, monkeypatch)
        write_config(tmp_path, running, token_file, timeout=0.25, max_retry_seconds=60)
        for seed in _busy_seeds():
            faults = FaultPlan(rate=0.1, kinds=KINDS, seed=seed, slow_seconds=0.6, expire_after=8)
            running.server.faults = faults
            code, _, err = cli(["--debug", "pull", "--portal", NAME, "-o", f"f{seed}.zip"], capsys)
            if code != 0:
                Path("/tmp/rel_tb.txt").write_text(f"seed {seed} {faults.injected}\n{err}")
            assert code == 0
