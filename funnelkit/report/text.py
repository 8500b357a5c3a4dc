"""The terminal report: findings grouped by funnel and severity, metrics, a summary line."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from funnelkit.report.i18n import number, percent, t, when

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _findings_tables(doc: dict[str, Any], lang: str) -> list[Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in doc["findings"]:
        groups[f["subject"].get("funnel_name") or doc["portal"]["domain"]].append(f)
    out: list[Any] = []
    for funnel, items in groups.items():
        table = Table(
            title=f"{t('funnel', lang)}: {escape(funnel)}",
            title_justify="left",
            show_lines=False,
            expand=True,
        )
        table.add_column(t("severity", lang), no_wrap=True)
        table.add_column(t("rule", lang), no_wrap=True)
        table.add_column(t("subject", lang), ratio=1)
        table.add_column(t("message", lang), ratio=3)
        for f in items:
            s = f["subject"]
            where = s.get("stage_name") or s.get("name") or s["id"]
            table.add_row(
                Text(t(f["severity"], lang), style=_STYLE[f["severity"]]),
                Text(f["code"]),
                Text(str(where)),
                Text(f["message"]),
            )
        out.append(table)
    return out


def _metrics_table(doc: dict[str, Any], lang: str) -> Table | None:
    metrics = doc.get("metrics")
    if not metrics or not metrics["funnels"]:
        return None
    table = Table(title=t("metrics", lang), title_justify="left", expand=True)
    for key in ("funnel", "deals", "open", "won", "lost", "win_rate", "key_stage", "sales_cycle"):
        table.add_column(
            t(key, lang), justify="left" if key in ("funnel", "key_stage") else "right"
        )
    names = {
        (f["funnel_id"], s["stage_id"]): s["name"] for f in metrics["funnels"] for s in f["stages"]
    }
    for f in metrics["funnels"]:
        key = f.get("key_stage")
        key_text = "—"
        if key:
            start = names.get((f["funnel_id"], key["from_stage_id"]), "")
            end = names.get((f["funnel_id"], key["to_stage_id"]), "")
            key_text = f"{start} → {end} {percent(key['conversion'], lang)}"
        table.add_row(
            Text(f["name"]),
            number(f["deals"], lang),
            number(f["open"], lang),
            number(f["won"], lang),
            number(f["lost"], lang),
            percent(f["win_rate"], lang),
            Text(key_text),
            number(f["sales_cycle_days"].get("median"), lang, 1),
        )
    return table


def summary_line(doc: dict[str, Any], lang: str) -> str:
    """`12 findings (2 high, …); 3 at or above high` — the line CI logs keep."""
    s = doc["summary"]
    parts = ", ".join(f"{v} {t(k, lang)}" for k, v in s["by_severity"].items() if v)
    head = f"{t('findings', lang)}: {s['findings']}" + (f" ({parts})" if parts else "")
    if s["failing"]:
        return f"{head}; {s['failing']} ≥ {t(s['fail_on'], lang)}: {t('verdict_fail', lang)}"
    return f"{head}; {t('verdict_pass', lang)} {t(s['fail_on'], lang)}"


def render_text(doc: dict[str, Any], lang: str, console: Console, statistics: bool = False) -> None:
    """Print the report to a rich console (plain automatically when it is not a terminal)."""
    portal = doc["portal"]
    console.print(
        Text(
            f"{t('title', lang)}: {portal['domain']} ({portal['vendor']}), "
            f"{t('pulled', lang)} {when(portal.get('pulled_at'), lang)}"
            # the audit's clock, when it is not the snapshot's as-of time (audit --now)
            + (f", --now {when(doc.get('now'), lang)}" if doc.get("now_source") == "given" else ""),
            style="bold",
        )
    )
    parts: list[Any] = _findings_tables(doc, lang) or [Text(t("no_findings", lang))]
    metrics = _metrics_table(doc, lang)
    if metrics is not None:
        parts.append(metrics)
    if statistics:
        stats = Table(title=t("rule", lang), title_justify="left")
        stats.add_column(t("rule", lang))
        stats.add_column(t("count", lang), justify="right")
        for rule in doc["rules"]:
            stats.add_row(f"{rule['code']} {rule['name']}", str(rule["findings"]))
        parts.append(stats)
    skipped = [r for r in doc["rules"] if r["status"] == "skipped"]
    if skipped:
        parts.append(Text(t("skipped_rules", lang) + ":", style="bold"))
        parts.extend(Text(f"  {r['code']} {r['name']}: {r['reason']}") for r in skipped)
    for note_key in ("unused_suppressions", "expired_suppressions"):
        for note in doc.get(note_key, []):
            parts.append(
                Text(f"{t(note_key, lang)}: #{note['entry']} {note['rule']} ({note['reason']})")
            )
    if doc["summary"]["suppressed"]:
        parts.append(Text(f"{t('suppressed', lang)}: {doc['summary']['suppressed']}"))
    console.print(Group(*parts))
    console.print(Text(summary_line(doc, lang), style="bold"))
