"""Markdown for a pull-request comment or a CI step summary."""

from __future__ import annotations

from typing import Any

from funnelkit.report.i18n import number, percent, t

_ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}


def _cell(text: Any) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: dict[str, Any], lang: str) -> str:
    """Summary, findings table, skipped rules and funnel metrics."""
    s = doc["summary"]
    portal = doc["portal"]
    lines = [f"## {t('title', lang)}: {portal['domain']} ({portal['vendor']})", ""]
    counts = ", ".join(f"{_ICON[k]} {t(k, lang)} {v}" for k, v in s["by_severity"].items() if v)
    lines += [f"**{t('findings', lang)}: {s['findings']}** {counts}".rstrip(), ""]
    if doc["findings"]:
        lines += [
            f"| {t('severity', lang)} | {t('rule', lang)} | {t('subject', lang)} | "
            f"{t('message', lang)} |",
            "|---|---|---|---|",
        ]
        for f in doc["findings"]:
            where = (
                " / ".join(
                    x
                    for x in (f["subject"].get("funnel_name"), f["subject"].get("stage_name"))
                    if x
                )
                or f["subject"].get("name")
                or f["subject"]["id"]
            )
            sev = f"{_ICON[f['severity']]} {t(f['severity'], lang)}"
            rule = f"`{f['code']}` {_cell(f['name'])}"
            lines.append(f"| {sev} | {rule} | {_cell(where)} | {_cell(f['message'])} |")
    else:
        lines.append(t("no_findings", lang))
    skipped = [r for r in doc["rules"] if r["status"] == "skipped"]
    if skipped:
        lines += ["", f"**{t('skipped_rules', lang)}**", ""]
        lines += [f"- `{r['code']}` {r['name']}: {_cell(r['reason'])}" for r in skipped]
    metrics = doc.get("metrics")
    if metrics:
        lines += [
            "",
            f"### {t('funnels', lang)}",
            "",
            f"| {t('funnel', lang)} | {t('deals', lang)} | {t('open', lang)} | "
            f"{t('won', lang)} | {t('lost', lang)} | {t('win_rate', lang)} |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for f in metrics["funnels"]:
            cells = [
                _cell(f["name"]),
                *(number(f[k], lang) for k in ("deals", "open", "won", "lost")),
                percent(f["win_rate"], lang),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
