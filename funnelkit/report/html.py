"""The HTML report: one self-contained file (no CDN, no external fonts or scripts)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from funnelkit.report import i18n, phrases
from funnelkit.report.catalog import gettext
from funnelkit.report.charts import funnel_chart
from funnelkit.report.schema import AuditReport, FindingOut
from funnelkit.report.summary import group_key

CAP = 300  # findings of a group written into the page with --details (JSON/CSV carry all)


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
        noun=i18n.noun,
        chart=funnel_chart,
        role_source=lambda value, lang: gettext(value, lang, "role.source"),
        role_name=phrases.role_name,
        evidence_key=phrases.evidence_key,
        evidence_value=phrases.value,
    )
    return env


def _items(report: AuditReport) -> dict[str, list[FindingOut]]:
    out: dict[str, list[FindingOut]] = {}
    for f in report.findings:
        items = out.setdefault("/".join(group_key(f)), [])
        if len(items) < CAP:
            items.append(f)
    return out


def to_html(report: AuditReport, *, details: bool = False) -> str:
    """Render the audit report; with `details`, each group lists its findings."""
    template = _environment().get_template("audit.html.j2")
    funnels = sorted({g.funnel_name or "" for g in report.groups} - {""})
    return template.render(
        doc=report,
        lang=report.lang,
        funnel_names=funnels,
        items=_items(report) if details else {},
    )
