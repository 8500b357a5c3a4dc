"""Helpers of the reliability suite: emulator portals reached through the real CLI."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.run import Running, env_name, start
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Snapshot, Vendor

NAME = "p"
# Fast client pacing: the emulators here have no rate limit unless a test turns it on.
FAST = {"rate_limit": 200, "burst": 1000}
VENDORS = (Vendor.BITRIX24, Vendor.AMOCRM)


@dataclass(frozen=True)
class Scenario:
    """The portal a group of reliability tests runs against: its size, seed and faults."""

    deals: int
    seed: int
    faults: str | None = None  # an `emulator serve --faults` spec, parsed afresh per portal


# Every generated portal of the suite, by what the tests do with it.
SCENARIOS = {
    "apply": Scenario(deals=150, seed=5),  # exported to a blueprint, edited, applied
    "pull-faults": Scenario(deals=300, seed=12),  # pulled clean, then through random faults
    "give-up": Scenario(deals=120, seed=3, faults="rate=1,kinds=503+429+reset+truncate,seed=1"),
    "token-refresh": Scenario(deals=120, seed=2, faults="expire_after=3"),  # mid-pull expiry
    "hostile": Scenario(deals=150, seed=9),  # names rewritten to markup and formulas
}


@contextmanager
def live_portal(
    scenario: str,
    vendor: Vendor,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    prepare: Callable[[PortalState], None] | None = None,
    secret: bool = True,
    **settings: Any,
) -> Iterator[Running]:
    """A scenario's portal served over HTTP, with funnelkit.yaml for portal `p` in workdir.

    The working directory becomes `workdir`; `prepare` edits the generated portal before it
    is served; `secret=False` leaves the credential to the test (OAuth token files).
    """
    plan = SCENARIOS[scenario]
    workdir.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(workdir)
    state = generate(vendor, deals=plan.deals, seed=plan.seed)
    if prepare is not None:
        prepare(state)
    with start(
        state, EmulatorOptions(faults=FaultPlan.parse(plan.faults) if plan.faults else None)
    ) as running:
        write_config(workdir, running, **settings)
        if secret:
            use_secret(running, monkeypatch)
        yield running


def run_apply(
    blueprint: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str, str]:
    """`funnelkit apply BLUEPRINT --portal p --yes [FLAGS]`: (exit code, stdout, stderr)."""
    return cli(["apply", str(blueprint), "--portal", NAME, "--yes", *flags], capsys)


def write_config(
    workdir: Path, running: Running, token_file: Path | None = None, **settings: Any
) -> Path:
    """funnelkit.yaml with one portal `p` for this emulator (settings as YAML scalars)."""
    lines = [
        "portals:",
        f"  {NAME}:",
        f"    vendor: {running.state.vendor.value}",
        f"    url: {running.url}",
    ]
    if running.state.vendor.value == "bitrix24":
        settings = {**FAST, **settings}
    else:
        settings = {"rate_limit": 200, **settings}
    if token_file is not None:
        lines.append(f"    token_file: {token_file}")
    lines += [f"    {key}: {value}" for key, value in settings.items()]
    path = workdir / "funnelkit.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def use_secret(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook / long-lived token in the environment, as a user would export it."""
    for key, value in running.env(NAME).items():
        monkeypatch.setenv(key, value)


def use_oauth(running: Running, path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An OAuth token file for this emulator plus the client id/secret in the environment."""
    prefix = f"FUNNELKIT_{env_name(NAME)}_"
    for stale in ("WEBHOOK", "TOKEN"):  # a direct secret would win over the token file
        monkeypatch.delenv(prefix + stale, raising=False)
    monkeypatch.setenv(prefix + "CLIENT_ID", running.options.client_id)
    monkeypatch.setenv(prefix + "CLIENT_SECRET", running.options.client_secret)
    vendor_app = running.server.app
    if isinstance(vendor_app, Bitrix24App):
        access, refresh = vendor_app.auth.issue()
        endpoint = f"{running.url}/rest/"
        data: dict[str, Any] = {
            "access_token": access,
            "refresh_token": refresh,
            "client_endpoint": endpoint,
            "server_endpoint": endpoint,
        }
    else:
        assert isinstance(vendor_app, AmoCrmApp)
        body = {
            "client_id": running.options.client_id,
            "client_secret": running.options.client_secret,
            "grant_type": "authorization_code",
            "code": vendor_app.issue_code(),
            "redirect_uri": "https://example.test",
        }
        pair = httpx.post(f"{running.url}/oauth2/access_token", json=body).json()
        data = {**pair, "expires_at": int(time.time()) + 3600}
    path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(path, 0o644)  # a careless first write: funnelkit must tighten it on refresh
    return data


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run funnelkit in-process; (exit code, stdout, stderr)."""
    code = run_main(app, args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tables(snap: Snapshot) -> dict[str, Any]:
    """Everything a pull reads, keyed by table; rows as multisets (order aside)."""
    out: dict[str, Any] = {"structure": snap.structure.model_dump(mode="json")}
    for name in Snapshot.TABLES:
        out[name] = Counter(repr(row) for row in getattr(snap, name))
    return out


def assert_same_rows(got: Snapshot, want: Snapshot) -> None:
    """Row for row equal, no duplicates, manifest timing aside; names the first differing table."""
    for name in Snapshot.TABLES:
        rows = getattr(got, name)
        assert len({repr(r) for r in rows}) == len(rows), f"{name}: duplicated rows"
    left, right = tables(got), tables(want)
    for key in right:
        assert left[key] == right[key], f"{key} differs"
    assert got.manifest.data == want.manifest.data


def stray_files(workdir: Path, keep: set[str]) -> list[str]:
    """Files in workdir other than `keep` (temp files, partial snapshots)."""
    return sorted(p.name for p in workdir.iterdir() if p.name not in keep)
