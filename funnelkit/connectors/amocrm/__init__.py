"""The amoCRM/Kommo connector (API v4)."""

from funnelkit.connectors.amocrm.connector import AmoCrmConnector

__all__ = ["AmoCrmConnector"]
