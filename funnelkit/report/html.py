"""The HTML report: one self-contained file (no CDN, no external fonts or scripts)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from funnelkit.report import i18n
from funnelkit.report.charts import funnel_chart


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("funnelkit.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        t=i18n.t, number=i18n.number, percent=i18n.percent, money=i18n.money, chart=funnel_chart
    )
    return env


def to_html(doc: dict[str, Any], lang: str) -> str:
    """Render the audit report."""
    template = _environment().get_template("audit.html.j2")
    funnels = sorted({f["subject"].get("funnel_name") or "" for f in doc["findings"]} - {""})
    return template.render(doc=doc, lang=lang, funnel_names=funnels)
