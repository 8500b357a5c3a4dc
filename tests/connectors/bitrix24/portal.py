"""A Bitrix24 emulator on a free port and connectors to it; portals come from `generate`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.bitrix24 import Bitrix24App, webhook_url
from funnelkit.emulator.generate.messy import DEFAULT_NOW
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Vendor

NOW = DEFAULT_NOW  # the generator's "today", where the emulator's clock starts


@dataclass
class Portal:
    """A running emulator and a connector pointed at it."""

    state: PortalState
    server: EmulatorServer
    options: EmulatorOptions
    settings: PortalSettings

    def connector(self, **kwargs: object) -> Bitrix24Connector:
        """A fresh connector using the webhook."""
        creds = Credentials(webhook=SecretStr(webhook_url(self.server.url, self.options)))
        return Bitrix24Connector(self.settings, creds, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running(
    state: PortalState, faults: FaultPlan | None = None, scale: float = 1.0, **options: object
) -> Iterator[Portal]:
    """Serve `state` on a free port for the duration of the block."""
    opts = EmulatorOptions(clock=Clock(scale=scale, start=NOW), **options)  # type: ignore[arg-type]
    server = EmulatorServer(Bitrix24App(state, opts), faults=faults).start()
    settings = PortalSettings(vendor=Vendor.BITRIX24, url=server.url, rate_limit=100, burst=1000,
                              max_retry_seconds=5)  # fmt: skip
    try:
        yield Portal(state, server, opts, settings)
    finally:
        server.stop()
