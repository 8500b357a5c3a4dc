"""The fleet summary (`funnelkit.fleet/1`) as text, markdown and HTML.

One row per portal: score, findings by severity, money at stake and the change since
that portal's previous run; unreadable portals come first with their error.
"""

from __future__ import annotations

from typing import Any

from funnelkit.report.i18n import money, number, t, when

SEVERITIES = ("critical", "high", "medium", "low", "info")
_WORDS: dict[str, tuple[str, str, str]] = {
    # key: (en, ru, uk)
    "title": ("Fleet audit", "Аудит портфеля порталов", "Аудит портфеля порталів"),
    "score": ("Score", "Оценка", "Оцінка"),
    "money": ("Money at stake", "Деньги под риском", "Гроші під ризиком"),
    "change": ("Since last run", "С прошлого запуска", "З минулого запуску"),
    "trend": ("Trend", "Динамика", "Динаміка"),
    "unreadable": ("unreadable", "не прочитан", "не прочитано"),
    "first_run": ("first run", "первый запуск", "перший запуск"),
    "new": ("new", "новых", "нових"),
    "resolved": ("resolved", "устранено", "усунуто"),
    "portals": ("Portals", "Порталы", "Портали"),
}


def word(key: str, lang: str) -> str:
    """A fleet word in `lang` (English when unknown)."""
    en, ru, uk = _WORDS[key]
    return {"ru": ru, "uk": uk}.get(lang, en)


def _signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + number(value, lang)


def change_text(change: dict[str, Any] | None, lang: str) -> str:
    """`score +3, findings -2 (1 new, 3 resolved)`, or `first run`."""
    if not change:
        return word("first_run", lang)
    parts = [
        f"{word('score', lang).lower()} {_signed(change['score'], lang)}",
        f"{t('findings', lang).lower()} {_signed(change['findings'], lang)}",
    ]
    if "new" in change:
        parts[-1] += (
            f" ({change['new']} {word('new', lang)}, {change['resolved']} {word('resolved', lang)})"
        )
    moved = {c: v for c, v in change.get("money_at_stake", {}).items() if v}
    if moved:
        parts.append(", ".join(f"{_signed(v, lang)} {c}" for c, v in moved.items()))
    return ", ".join(parts)


def trend_text(runs: list[dict[str, Any]]) -> str:
    """Scores of the last runs, oldest first: `61 → 64 → ✗ → 70`."""
    return " → ".join("✗" if r.get("score") is None else str(r["score"]) for r in runs)


def rows(doc: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """One display row per portal, shared by every format."""
    out = []
    for p in doc["portals"]:
        ok = p["status"] == "ok"
        counts = p["findings_by_severity"] or {}
        out.append(
            {
                "name": p["name"],
                "vendor": p["vendor"],
                "status": p["status"],
                "score": str(p["score"]) if ok else word("unreadable", lang),
                **{s: str(counts.get(s, 0)) if ok else "—" for s in SEVERITIES},
                "money": money(p["money_at_stake"] or {}, lang) if ok else "—",
                "change": change_text(p["change"], lang) if ok else (p["error"] or ""),
                "trend": trend_text(p["trend"]),
            }
        )
    return out


def _heads(lang: str) -> list[str]:
    return [
        t("portal", lang),
        word("score", lang),
        *(t(s, lang) for s in SEVERITIES),
        word("money", lang),
        word("change", lang),
        word("trend", lang),
    ]


def _cells(row: dict[str, str]) -> list[str]:
    name = f"{row['name']} ({row['vendor']})"
    severities = [row[s] for s in SEVERITIES]
    return [name, row["score"], *severities, row["money"], row["change"], row["trend"]]


def fleet_to_text(doc: dict[str, Any], lang: str) -> str:
    """A plain table for terminals and logs."""
    table = [_heads(lang)] + [_cells(r) for r in rows(doc, lang)]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [f"{word('title', lang)}: {when(doc['generated_at'], lang)}", ""]
    for line in table:
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        )
    totals = doc["totals"]
    lines += [
        "",
        f"{word('portals', lang)}: {totals['portals']} ({totals['unreadable']} "
        f"{word('unreadable', lang)}); {word('money', lang).lower()}: "
        f"{money(totals['money_at_stake'], lang)}",
    ]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fleet_to_markdown(doc: dict[str, Any], lang: str) -> str:
    """A table for a CI step summary or an issue."""
    heads = _heads(lang)
    lines = [f"## {word('title', lang)}", "", f"| {' | '.join(heads)} |"]
    lines.append("|" + "---|" * len(heads))
    for row in rows(doc, lang):
        lines.append("| " + " | ".join(_md(c) for c in _cells(row)) + " |")
    totals = doc["totals"]
    lines += [
        "",
        f"{word('portals', lang)}: {totals['portals']}, {word('unreadable', lang)}: "
        f"{totals['unreadable']}; {word('money', lang).lower()}: "
        f"{money(totals['money_at_stake'], lang)}",
    ]
    return "\n".join(lines) + "\n"


def fleet_to_html(doc: dict[str, Any], lang: str) -> str:
    """One self-contained page, through the audit report's template environment."""
    from funnelkit.report.html import _environment

    template = _environment().get_template("fleet.html.j2")
    return template.render(
        doc=doc,
        rows=rows(doc, lang),
        heads=_heads(lang),
        severities=SEVERITIES,
        title=word("title", lang),
        lang=lang,
        totals_money=money(doc["totals"]["money_at_stake"], lang),
    )
