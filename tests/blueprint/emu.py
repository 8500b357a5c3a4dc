"""Real emulators over HTTP for round trips: a fresh (empty) portal and a connector to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from funnelkit.blueprint.applier import apply_plan
from funnelkit.blueprint.plan import Plan
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.blueprint.state import PortalIds
from funnelkit.connectors import get_connector
from funnelkit.connectors.base import Connector, Credentials, PortalSettings
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.emulator.serving.run import start
from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor


@dataclass
class Live:
    """A running emulator, a connector to it and the blueprint state of that portal."""

    state: PortalState
    connector: Connector
    ids: PortalIds

    def plan(self, bp: Blueprint) -> Plan:
        snap = self.connector.pull_structure()
        options = PlanOptions(ids=self.ids, count_deals=self.connector.count_deals)
        return plan(snap, bp, options=options)

    def apply(self, result: Plan) -> list[str]:
        return apply_plan(result, self.connector, self.ids)


@contextmanager
def live_portal(vendor: Vendor) -> Iterator[Live]:
    """A fresh portal of `vendor` (`emulator serve --empty`'s) served over HTTP."""
    state = empty_portal(vendor)
    with start(state) as run:
        kind, value = run.secret_env
        secret = SecretStr(value)
        creds = Credentials(webhook=secret) if kind == "WEBHOOK" else Credentials(token=secret)
        connector = get_connector(
            PortalSettings(vendor=vendor, url=run.url, rate_limit=100, burst=1000), creds
        )
        try:
            yield Live(state, connector, PortalIds())
        finally:
            connector.close()
