"""A local Bitrix24 REST API (classic v2) over a PortalState, for tests and benchmarks."""

from funnelkit.emulator.bitrix24.app import Bitrix24App, webhook_url

__all__ = ["Bitrix24App", "webhook_url"]
