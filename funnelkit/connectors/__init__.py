"""Connectors: one per vendor, chosen by the portal's `vendor` setting."""

from __future__ import annotations

from collections.abc import Callable

from funnelkit.connectors.base import Connector, Credentials, PortalSettings
from funnelkit.errors import ConfigError
from funnelkit.model import Vendor

Factory = Callable[[PortalSettings, Credentials], Connector]


def _bitrix24(settings: PortalSettings, credentials: Credentials) -> Connector:
    from funnelkit.connectors.bitrix24.connector import Bitrix24Connector

    return Bitrix24Connector(settings, credentials)


def _amocrm(settings: PortalSettings, credentials: Credentials) -> Connector:
    from funnelkit.connectors.amocrm.connector import AmoCrmConnector

    return AmoCrmConnector(settings, credentials)


REGISTRY: dict[Vendor, Factory] = {Vendor.BITRIX24: _bitrix24, Vendor.AMOCRM: _amocrm}


def get_connector(settings: PortalSettings, credentials: Credentials) -> Connector:
    """The connector for a portal's vendor (imported lazily: a CLI run loads only one)."""
    factory = REGISTRY.get(settings.vendor)
    if factory is None:
        raise ConfigError(
            f"no connector for vendor {settings.vendor!r}", "Use vendor: bitrix24 or amocrm"
        )
    return factory(settings, credentials)


connect = get_connector

__all__ = ["REGISTRY", "Connector", "connect", "get_connector"]
