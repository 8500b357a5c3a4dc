"""`funnelkit emulator serve`: a local Bitrix24 or amoCRM portal on 127.0.0.1."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from funnelkit.cli.common import get_state

if TYPE_CHECKING:
    from funnelkit.emulator.serving.run import Running
    from funnelkit.emulator.state import EmulatorOptions, PortalState

group = typer.Typer(help="Local vendor emulators for trying funnelkit without a real portal.")


class VendorName(StrEnum):
    """Vendors an emulator can play (not model.Vendor: importing the model costs pydantic,
    and `--help` must stay fast)."""

    BITRIX24 = "bitrix24"
    AMOCRM = "amocrm"


class Switch(StrEnum):
    """on / off flags of interface.md."""

    ON = "on"
    OFF = "off"


def build_portal(
    vendor: VendorName,
    fixture: Path | None = None,
    seed: int = 1,
    deals: int = 2000,
    blueprint: Path | None = None,
    as_of: int | None = None,
    empty: bool = False,
) -> PortalState:
    """The portal to serve: a fixture file, a healthy blueprint portal, or the messy generator.

    Its dates are laid relative to `as_of` (default: now), so a portal looks the same
    whatever day it is served; a fixture's own `now:` is the anchor that moves there.
    """
    import time

    from funnelkit.model import Vendor

    if empty:
        from funnelkit.emulator.generate.empty import empty_portal

        return empty_portal(Vendor(vendor.value))

    as_of = int(time.time()) if as_of is None else as_of
    if fixture is not None:
        from funnelkit.emulator.fixture.load import load_fixture
        from funnelkit.emulator.state import shift_state

        return shift_state(load_fixture(fixture), as_of)
    if blueprint is not None:
        from funnelkit.cli.plan import load_any
        from funnelkit.emulator.generate.healthy import from_blueprint

        loaded = load_any(str(blueprint))
        return from_blueprint(
            loaded.model_dump(mode="json", by_alias=True), Vendor(vendor.value), deals, seed, as_of
        )
    from funnelkit.emulator.generate.messy import generate

    return generate(Vendor(vendor.value), deals=deals, seed=seed, now=as_of)


def parse_as_of(value: str | None, flag: str = "--as-of") -> int | None:
    """A DATETIME flag (ISO 8601; a date means midnight UTC) as epoch seconds."""
    from funnelkit.errors import InputError
    from funnelkit.model.timeutil import parse_iso

    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise InputError(
            f"{flag} {value!r}: not a date or time", hint="e.g. 2026-03-01 or 2026-03-01T09:00Z"
        ) from None


def build_options(
    rate_limit: Switch,
    cost_model: Switch,
    time_scale: float,
    faults: str | None,
    as_of: int | None = None,
) -> EmulatorOptions:
    """Emulator behaviour from the CLI flags; a bad --faults spec is a usage error.

    The clock starts at `as_of` (the portal's "today"), so what the emulator stamps and
    reports as server time agrees with the dates of the portal it serves.
    """
    from funnelkit.emulator.serving.clock import Clock
    from funnelkit.emulator.serving.faults import FaultPlan
    from funnelkit.emulator.state import EmulatorOptions
    from funnelkit.errors import InputError

    try:
        plan = FaultPlan.parse(faults)
        clock = Clock(scale=time_scale, start=None if as_of is None else float(as_of))
    except ValueError as exc:
        raise InputError(f"--faults / --time-scale: {exc}") from None
    return EmulatorOptions(
        rate_limit=rate_limit is Switch.ON,
        cost_model=cost_model is Switch.ON,
        clock=clock,
        faults=plan,
    )


def connection_text(running: Running, name: str) -> str:
    """Exactly what a user pastes to reach this emulator."""
    var, value = next(iter(running.env(name).items()))
    return (
        f"# funnelkit.yaml\nportals:\n  {name}:\n    vendor: {running.state.vendor.value}\n"
        f"    url: {running.url}\n\n# shell\nexport {var}={value}\n"
    )


def serve(
    ctx: typer.Context,
    vendor: Annotated[VendorName, typer.Option(help="Which vendor API to play")] = (
        VendorName.BITRIX24
    ),
    name: Annotated[str, typer.Option(help="Portal NAME for the printed config")] = "demo",
    port: Annotated[int, typer.Option(help="TCP port (0 = any free port)")] = 8765,
    fixture: Annotated[Path | None, typer.Option(help="Serve this portal file")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated portal")] = 1,
    deals: Annotated[int, typer.Option(min=1, max=1_000_000, help="Deals to generate")] = 2000,
    from_blueprint: Annotated[
        Path | None, typer.Option("--from-blueprint", help="A healthy portal shaped by a blueprint")
    ] = None,
    empty: Annotated[
        bool, typer.Option("--empty", help="Only the vendor's undeletable defaults, no deals")
    ] = False,
    rate_limit: Annotated[Switch, typer.Option(help="Vendor rate limits")] = Switch.ON,
    cost_model: Annotated[Switch, typer.Option(help="Bitrix24 server-time model")] = Switch.OFF,
    time_scale: Annotated[float, typer.Option(help="Run the clock this much faster")] = 1.0,
    faults: Annotated[str | None, typer.Option(help="e.g. rate=0.1,kinds=503+reset,seed=7")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The portal's today (DATETIME); default now")
    ] = None,
) -> None:
    """Serve a local portal until interrupted, printing how to reach it."""
    import time

    from funnelkit.emulator.serving.run import start

    state = get_state(ctx)
    anchor = parse_as_of(as_of)
    anchor = int(time.time()) if anchor is None else anchor
    options = build_options(rate_limit, cost_model, time_scale, faults, anchor)
    portal = build_portal(vendor, fixture, seed, deals, from_blueprint, anchor, empty)
    running = start(portal, options, port=port)
    typer.echo(connection_text(running, name))
    state.say(f"serving {len(portal.deals):,} deals at {running.url}; Ctrl+C to stop")
    try:
        running.server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


group.command("serve")(serve)


def register(app: typer.Typer) -> None:
    """Add the `emulator` group (`score` is added by its own module, which builds on this one)."""
    app.add_typer(group, name="emulator")
