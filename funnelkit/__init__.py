"""funnelkit: pull, audit and provision Bitrix24 and amoCRM/Kommo sales funnels."""

__version__ = "0.1.0"
