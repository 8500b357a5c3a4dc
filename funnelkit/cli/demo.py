"""`funnelkit demo`: the whole job on an embedded portal, no credentials, no network."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from funnelkit.cli.common import get_state
from funnelkit.cli.emulator import Switch, VendorName, build_options, build_portal

NEXT_STEPS = """Run the same against a real portal:
  1. funnelkit.yaml:
       portals:
         acme:
           vendor: {vendor}
           url: {url}
  2. export FUNNELKIT_ACME_{secret}=...   (never put it in the file)
  3. funnelkit pull --portal acme -o acme.snapshot.zip
     funnelkit audit --snapshot acme.snapshot.zip --report html=acme-audit.html
"""


def demo(
    ctx: typer.Context,
    vendor: Annotated[VendorName, typer.Option(help="Which vendor to emulate")] = (
        VendorName.BITRIX24
    ),
    deals: Annotated[int, typer.Option(min=10, max=200_000, help="Deals in the portal")] = 2000,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where the report and snapshot go")
    ] = Path("funnelkit-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated portal")] = 7,
) -> None:
    """Generate a messy portal, pull it, audit it and write an HTML report."""
    from funnelkit.cli.audit import audit_document
    from funnelkit.cli.audit_inputs import audit_settings
    from funnelkit.config import credentials_for
    from funnelkit.connectors import get_connector
    from funnelkit.connectors.base import PortalSettings, PullScope
    from funnelkit.emulator.serving.run import start
    from funnelkit.fileio import write_atomic
    from funnelkit.model import Vendor
    from funnelkit.report import render
    from funnelkit.report.text import summary_line
    from funnelkit.store import save_snapshot

    state = get_state(ctx)
    # The demo is the same job everywhere: a funnelkit.yaml in this folder must not tune it.
    state.ignore_config()
    state.say(f"generating a {vendor.value} portal with {deals:,} deals (seed {seed}) …")
    anchor = int(time.time())  # the demo portal's today is the real one
    portal = build_portal(vendor, seed=seed, deals=deals, as_of=anchor)
    options = build_options(Switch.ON, Switch.OFF, 1.0, None, anchor)
    with start(portal, options) as running:
        state.say(f"emulator listening on {running.url}; pulling with the real connector …")
        settings = PortalSettings(vendor=Vendor(vendor.value), url=running.url)
        creds = credentials_for("demo", settings, running.env("demo"))
        connector = get_connector(settings, creds)
        try:
            snapshot = connector.pull(PullScope(), state.progress())
        finally:
            connector.close()
    output.mkdir(parents=True, exist_ok=True)
    snapshot_path = save_snapshot(snapshot, output / "demo.snapshot.zip")
    settings_audit = audit_settings(state, {}, None, snapshot)
    _, doc = audit_document(state, snapshot, settings_audit, [], None, portal_name="demo")
    html = output / "audit.html"
    write_atomic(html, render(doc, "html"))
    write_atomic(output / "audit.json", render(doc, "json"))
    typer.echo(summary_line(doc))
    typer.echo(f"report:   {html}\nsnapshot: {snapshot_path}\njson:     {output / 'audit.json'}\n")
    secret = "WEBHOOK" if vendor is VendorName.BITRIX24 else "TOKEN"
    url = "https://acme.bitrix24.ru" if vendor is VendorName.BITRIX24 else "https://acme.kommo.com"
    typer.echo(NEXT_STEPS.format(vendor=vendor.value, url=url, secret=secret))


def register(app: typer.Typer) -> None:
    """Add `demo`."""
    app.command("demo")(demo)
