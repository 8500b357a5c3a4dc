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
        t=i18n.t,
        kind=i18n.kind,
        when=i18n.when,
        number=i18n.number,
        percent=i18n.percent,
        money=i18n.money,
        chart=funnel_chart,
    )
    return env


SHOWN = 3  # findings of a group shown open; the rest fold away
CAP = 300  # findings of a group written into the page at all (JSON/CSV carry every one)
_ORDER = ("critical", "high", "medium", "low", "info")


def group_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by rule, funnel and severity, worst first, so big portals stay readable."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in findings:
        funnel = f["subject"].get("funnel_name") or ""
        key = (f["severity"], f["code"], funnel)
        group = groups.setdefault(
            key,
            {
                "severity": f["severity"],
                "code": f["code"],
                "title": f.get("title") or f["name"],
                "funnel": funnel,
                "remedy": f.get("remedy", ""),
                "items": [],
                "total": 0,
            },
        )
        group["total"] += 1
        if len(group["items"]) < CAP:
            group["items"].append(f)
    return sorted(
        groups.values(), key=lambda g: (_ORDER.index(g["severity"]), g["code"], g["funnel"])
    )


def to_html(doc: dict[str, Any], lang: str) -> str:
    """Render the audit report."""
    template = _environment().get_template("audit.html.j2")
    funnels = sorted({f["subject"].get("funnel_name") or "" for f in doc["findings"]} - {""})
    return template.render(
        doc=doc,
        lang=lang,
        funnel_names=funnels,
        groups=group_findings(doc["findings"]),
        shown=SHOWN,
    )
