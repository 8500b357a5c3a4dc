"""`funnelkit emulator score`: how well the audit finds what a generated portal planted.

Serves a generated portal, pulls it with the real connector, audits the snapshot and
compares the findings with the generator's answer key (funnelkit.audit.scoring). The
whole path a user's portal takes, so a connector that loses a field shows up here too.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from funnelkit.cli.common import get_state
from funnelkit.cli.emulator import VendorName, parse_as_of


class ScoreFormat(StrEnum):
    """Output formats of `emulator score`."""

    TEXT = "text"
    JSON = "json"


def run_score(vendor: VendorName, seed: int, deals: int, as_of: int) -> dict[str, Any]:
    """Serve, pull, audit and score one generated portal; a JSON-ready result."""
    from funnelkit.audit import run_audit
    from funnelkit.audit.scoring import rows_from, score
    from funnelkit.cli.emulator import Switch, build_options, build_portal
    from funnelkit.config import credentials_for
    from funnelkit.connectors.base import NullProgress, PortalSettings, PullScope
    from funnelkit.emulator.generate.messy import answer_key
    from funnelkit.emulator.serving.run import start
    from funnelkit.model import Vendor

    portal = build_portal(vendor, seed=seed, deals=deals, as_of=as_of)
    key = answer_key(portal)
    # No rate limit: the score is about the rules, and a throttled pull only takes longer.
    options = build_options(Switch.OFF, Switch.OFF, 1.0, None, as_of)
    with start(portal, options) as running:
        settings = PortalSettings(vendor=Vendor(vendor.value), url=running.url)
        creds = credentials_for("score", settings, running.env("score"))
        connector = _connector(settings, creds, options.clock.now)
        try:
            snapshot = connector.pull(PullScope(), NullProgress())
        finally:
            connector.close()
    # The portal's today, not the pull's wall time: the amoCRM connector stamps its
    # window with the local clock, which is not the emulator's when --as-of is given.
    result = run_audit(snapshot, None, as_of)
    scores = score(result.findings, result.outcomes, rows_from(key))
    return {
        "vendor": vendor.value,
        "seed": seed,
        "deals": len(snapshot.deals),
        "as_of": as_of,
        "rules": [s.as_dict() for s in scores],
    }


def _connector(settings: Any, creds: Any, clock: Any) -> Any:
    from funnelkit.connectors import get_connector
    from funnelkit.model import Vendor

    if settings.vendor is Vendor.AMOCRM:
        from funnelkit.connectors.amocrm.connector import AmoCrmConnector

        return AmoCrmConnector(settings, creds, clock=clock)
    return get_connector(settings, creds)


def _pct(value: float | None) -> str:
    return "   –" if value is None else f"{value:4.2f}"


def render_text(doc: dict[str, Any]) -> str:
    """A table a person reads: one row per rule, skipped ones with their reason."""
    from funnelkit.model.timeutil import iso

    lines = [
        f"{doc['vendor']} seed {doc['seed']}, {doc['deals']:,} records, as of {iso(doc['as_of'])}",
        f"{'rule':6} {'planted':>7} {'found':>6} {'prec':>5} {'recall':>6}",
    ]
    for r in doc["rules"]:
        if r["skipped"]:
            lines.append(f"{r['code']:6} {r['planted']:7} {r['found']:6}  skipped: {r['skipped']}")
            continue
        lines.append(
            f"{r['code']:6} {r['planted']:7} {r['found']:6} {_pct(r['precision']):>5} "
            f"{_pct(r['recall']):>6}"
        )
    return "\n".join(lines)


def score_command(
    ctx: typer.Context,
    vendor: Annotated[VendorName, typer.Option(help="Which vendor to emulate")] = (
        VendorName.BITRIX24
    ),
    seed: Annotated[int, typer.Option(help="Seed of the generated portal")] = 1,
    deals: Annotated[int, typer.Option(min=100, max=200_000, help="Deals to generate")] = 2000,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The portal's today (DATETIME); default now")
    ] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", help="Output format")] = (
        ScoreFormat.TEXT
    ),
) -> None:
    """Per-rule precision and recall of the audit on a generated portal."""
    import time

    state = get_state(ctx)
    anchor = parse_as_of(as_of)
    doc = run_score(vendor, seed, deals, int(time.time()) if anchor is None else anchor)
    if format is ScoreFormat.JSON:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(doc))
    state.say("precision: share of findings that name a planted defect; recall: the reverse")


def register(app: typer.Typer) -> None:
    """Add `emulator score` to the emulator group."""
    from funnelkit.cli.emulator import group

    group.command("score")(score_command)
