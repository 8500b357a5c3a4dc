"""The emulator/connector pair the amoCRM connector tests use; portals come from `generate`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from pydantic import SecretStr

from funnelkit.connectors.amocrm import AmoCrmConnector
from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import StageTransition, Vendor


@dataclass
class Running:
    """An emulator serving a state, and a connector pointed at it."""

    state: PortalState
    app: AmoCrmApp
    server: EmulatorServer
    connector: AmoCrmConnector


def settings_for(url: str, **extra: Any) -> PortalSettings:
    """Settings for the emulator; a fast rate so tests stay quick unless asked otherwise."""
    values: dict[str, Any] = {"vendor": Vendor.AMOCRM, "url": url, "rate_limit": 100.0}
    values.update(extra)
    return PortalSettings(**values)


@contextmanager
def running(
    state: PortalState, options: EmulatorOptions | None = None, **settings: Any
) -> Iterator[Running]:
    """Serve `state` and yield a connector using the long-lived token."""
    opts = options or EmulatorOptions()
    app = AmoCrmApp(state, opts)
    with EmulatorServer(app) as server:
        creds = Credentials(token=SecretStr(token_for(opts)))
        connector = AmoCrmConnector(settings_for(server.url, **settings), creds)
        try:
            yield Running(state, app, server, connector)
        finally:
            connector.close()


def expected_history(state: PortalState) -> list[StageTransition]:
    """The stage history a pull of this state gives, in the pull's order.

    A lead's first row is made from the lead (no `lead_added` events are read): its id
    names the lead and its author is the lead's creator.
    """
    from funnelkit.connectors.amocrm.reader import numeric_order

    out = [
        replace(t, id=f"created-{t.deal_id}", by=state.deals[t.deal_id].creator_id)
        if t.from_stage_id is None
        else t
        for t in state.transitions
    ]
    return sorted(out, key=lambda t: numeric_order(t.id))
