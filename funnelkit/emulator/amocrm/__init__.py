"""The amoCRM/Kommo REST API v4 emulator."""

from funnelkit.emulator.amocrm.app import AmoCrmApp
from funnelkit.emulator.amocrm.auth import token_for
from funnelkit.emulator.amocrm.events import ACTIVITY_EVENTS

__all__ = ["ACTIVITY_EVENTS", "AmoCrmApp", "token_for"]
