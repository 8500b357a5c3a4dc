"""Helpers of the reliability suite: emulator portals reached through the real CLI."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
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
from funnelkit.emulator.generate.empty import empty_portal
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
    """A portal the reliability tests run against: its size, seed and how the emulator behaves."""

    deals: int | Mapping[Vendor, int]  # 0: the vendor's empty portal, not a generated one
    seed: int = 0
    faults: str | None = None  # an `emulator serve --faults` spec, parsed afresh per portal
    token_ttl: int | None = None  # seconds an access token lives (the emulator's default if None)
    secret: str | None = None  # the webhook code / long-lived token (the emulator's default)

    def size(self, vendor: Vendor) -> int:
        """Deals for this vendor."""
        return self.deals if isinstance(self.deals, int) else self.deals[vendor]


SECRET = "Zq7SecretKey9xW"
TTL = 2  # seconds an access token lives in the OAuth scenarios (vendors: 1 h Bitrix24, 24 h amo)

LIFETIME_DEALS = {Vendor.BITRIX24: 4000, Vendor.AMOCRM: 600}
# Every portal of the suite, by what the tests do with it: the one place a set-up is written.
SCENARIOS = {
    "apply": Scenario(deals=150, seed=5),  # exported to a blueprint, edited, applied
    "apply-bundled": Scenario(deals=120, seed=3),  # a bundled blueprint applied with --force
    "apply-property": Scenario(deals=100),  # hypothesis draws the seed
    "cross-vendor": Scenario(deals=60, seed=4),  # exported, applied on the other vendor's…
    "empty": Scenario(deals=0),  # …empty portal
    "pull-faults": Scenario(deals=300, seed=12),  # pulled clean, then through random faults
    "give-up": Scenario(deals=120, seed=3, faults="rate=1,kinds=503+429+reset+truncate,seed=1"),
    "wrong-shape": Scenario(deals=120, seed=3),  # answers spoiled by a proxy in front
    "token-refresh": Scenario(deals=120, seed=2, faults="expire_after=3"),  # mid-pull expiry
    # enough rows that a slow pull spans several token lifetimes (a Bitrix24 batch carries
    # 2,500 rows, an amoCRM page 250)
    "token-lifetimes": Scenario(deals=LIFETIME_DEALS, seed=4, token_ttl=TTL),
    "killed-after-grant": Scenario(deals=60, seed=5, token_ttl=TTL),
    "killed-writing-token": Scenario(deals=60, seed=6, token_ttl=TTL),
    "time-limit": Scenario(deals=400, seed=21),  # Bitrix24's OPERATION_TIME_LIMIT on a clock
    # Bitrix24 reads 2,500 deals a request: more than that puts a request boundary in deals.
    "changed-mid-pull": Scenario(deals={Vendor.BITRIX24: 2700, Vendor.AMOCRM: 600}, seed=33),
    "secrets": Scenario(deals=120, seed=5, secret=SECRET),  # a secret easy to search for
    "hostile": Scenario(deals=150, seed=9),  # names rewritten to markup and formulas
}


@contextmanager
def served(
    scenario: str,
    vendor: Vendor,
    *,
    seed: int | None = None,
    prepare: Callable[[PortalState], None] | None = None,
    options: EmulatorOptions | None = None,
) -> Iterator[Running]:
    """A scenario's portal served over HTTP, reached directly (no config, same directory).

    `seed` replaces the scenario's, `prepare` edits the portal before it is served, `options`
    (a simulated clock, say) takes the scenario's faults, token lifetime and secret on top.
    """
    plan = SCENARIOS[scenario]
    if plan.deals == 0:
        state = empty_portal(vendor)
    else:
        state = generate(vendor, deals=plan.size(vendor), seed=plan.seed if seed is None else seed)
    if prepare is not None:
        prepare(state)
    opts = options or EmulatorOptions()
    if plan.faults:
        opts.faults = FaultPlan.parse(plan.faults)
    if plan.token_ttl is not None:
        opts.access_token_ttl = plan.token_ttl
    if plan.secret is not None:
        opts.secret = plan.secret
    with start(state, opts) as running:
        yield running


def configure(
    running: Running,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    secret: bool = True,
    **settings: Any,
) -> None:
    """Work in `workdir`, with funnelkit.yaml for portal `p` and (unless not) its secret set."""
    workdir.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(workdir)
    write_config(workdir, running, **settings)
    if secret:
        use_secret(running, monkeypatch)


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
    """A scenario's portal reached through the CLI: `served` plus `configure` in `workdir`.

    `secret=False` leaves the credential to the test (OAuth token files).
    """
    with served(scenario, vendor, prepare=prepare) as running:
        configure(running, workdir, monkeypatch, secret=secret, **settings)
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
