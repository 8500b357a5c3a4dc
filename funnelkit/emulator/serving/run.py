"""Start an emulator for a portal state: the one entry point of tests, benchmarks and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from funnelkit.emulator.serving.server import App, EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Vendor


def make_app(state: PortalState, options: EmulatorOptions) -> App:
    """The vendor app that serves this state."""
    if state.vendor is Vendor.BITRIX24:
        from funnelkit.emulator.bitrix24 import Bitrix24App

        return Bitrix24App(state, options)
    from funnelkit.emulator.amocrm import AmoCrmApp

    return AmoCrmApp(state, options)


@dataclass
class Running:
    """A started emulator and what a client needs to reach it."""

    server: EmulatorServer
    state: PortalState
    options: EmulatorOptions

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8765."""
        return self.server.url

    @property
    def secret_env(self) -> tuple[str, str]:
        """The environment variable suffix and value carrying the credential."""
        if self.state.vendor is Vendor.BITRIX24:
            from funnelkit.emulator.bitrix24 import webhook_url

            return "WEBHOOK", webhook_url(self.url, self.options)
        from funnelkit.emulator.amocrm import token_for

        return "TOKEN", token_for(self.options)

    def env(self, name: str) -> dict[str, str]:
        """`{FUNNELKIT_<NAME>_WEBHOOK: url}` or `{FUNNELKIT_<NAME>_TOKEN: token}`."""
        suffix, value = self.secret_env
        return {f"FUNNELKIT_{env_name(name)}_{suffix}": value}

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def env_name(portal: str) -> str:
    """The portal name as it appears in environment variable names."""
    return "".join(ch if ch.isalnum() else "_" for ch in portal).upper()


def start(state: PortalState, options: EmulatorOptions | None = None, port: int = 0) -> Running:
    """Serve `state` on 127.0.0.1 (a free port by default) in a background thread."""
    opts = options or EmulatorOptions()
    server = EmulatorServer(make_app(state, opts), port=port, faults=opts.faults)
    server.start()
    return Running(server=server, state=state, options=opts)
