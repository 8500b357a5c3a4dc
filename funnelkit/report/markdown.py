"""Markdown for a pull-request comment or a CI step summary.

GitHub refuses comments over 65,536 characters, so without `--details` the page stays
under `LIMIT` whatever the portal's size: sections are added while they fit and the
page says what it left out. Portal data (deal, stage, funnel and user names) is
untrusted: `cell` neutralises HTML, links, images and autolinks in it.
"""

from __future__ import annotations

import re

from funnelkit.report.i18n import kind, money, noun, number, percent, t, when
from funnelkit.report.schema import AuditReport
from funnelkit.report.text import affected, compare_summary, summary_line, where

LIMIT = 60_000
CELL = 160  # characters of one cell of portal data; names longer than that are cut with …
_ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}
# Inside a table cell nothing starts a line, so block markers (# > - +) need no escape.
_PUNCT = re.compile(r"([\\`*_\[\]()!|~])")


def cell(value: object, limit: int | None = CELL) -> str:
    """Text safe inside markdown: no HTML, no link, image or emphasis syntax, one line."""
    text = " ".join(str(value or "").split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCT.sub(r"\\\1", text)
    # GitHub turns bare URLs and www. names into links; a zero-width space breaks the pattern.
    return re.sub(r"(?i)(://|www\.)", lambda m: m.group(1)[0] + "\u200b" + m.group(1)[1:], text)


class _Page:
    """Lines added while they fit the budget; counts what did not."""

    def __init__(self, limit: int | None) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.limit = limit
        self.reserve = 600  # room for the closing note

    def fits(self, lines: list[str]) -> bool:
        add = sum(len(x) + 1 for x in lines)
        return self.limit is None or self.size + add <= self.limit - self.reserve

    def add(self, *lines: str) -> bool:
        if not self.fits(list(lines)):
            return False
        self.lines += lines
        self.size += sum(len(x) + 1 for x in lines)
        return True


def _summary(page: _Page, r: AuditReport) -> None:
    lang = r.lang
    page.add(
        f"## {t('title', lang)}: {cell(r.portal.name)} ({r.portal.vendor})",
        "",
        f"{t('pulled', lang)} {when(r.portal.pulled_at, lang)}",
        "",
        f"**{t('score', lang)}: {r.score.value}/100** ({t('score_note', lang)}) · "
        f"**{t('money_at_stake', lang)}: {money(r.money_at_stake.by_currency, lang)}** "
        f"({t('money_note', lang)})",
        "",
        cell(summary_line(r), None),
        "",
    )


def _actions(page: _Page, r: AuditReport) -> None:
    lang = r.lang
    if not r.actions:
        page.add(t("no_findings", lang), "")
        return
    page.add(
        f"### {t('actions', lang)}",
        "",
        f"| # | {t('severity', lang)} | {t('rule', lang)} | {t('affected', lang)} | "
        f"{t('money_at_stake', lang)} | {t('effort', lang)} | {t('remedy', lang)} |",
        "|---:|---|---|---|---:|---|---|",
    )
    for a in r.actions:
        cells = [
            str(a.rank),
            f"{_ICON[a.severity]} {t(a.severity, lang)}",
            f"`{a.code}` {cell(a.title)}",
            affected(a.deals, a.contacts, a.findings, lang),
            money(a.money.by_currency, lang),
            t("effort_" + a.effort, lang),
            cell(a.remedy, None),
        ]
        page.add("| " + " | ".join(cells) + " |")
    page.add("")


def _table(page: _Page, title: str, head: list[str], rows: list[list[str]]) -> int:
    """A table, row by row while it fits; returns how many rows were left out."""
    if not rows or not page.add(f"### {title}", "", "| " + " | ".join(head) + " |"):
        return len(rows)
    page.add("|" + "---|" * len(head))
    for i, row in enumerate(rows):
        if not page.add("| " + " | ".join(row) + " |"):
            return len(rows) - i
    page.add("")
    return 0


_DELTA_KEYS = ("open", "won", "lost")


def _delta(before: float | None, after: float | None, lang: str) -> str:
    """`12 → 15` (or one number when nothing changed)."""
    if before == after:
        return number(after, lang)
    return f"{number(before, lang)} → {number(after, lang)}"


def to_markdown(r: AuditReport, *, details: bool = False) -> str:
    """Summary, actions, scorecards, managers, groups; every finding only with `details`."""
    lang = r.lang
    page = _Page(None if details else LIMIT)
    _summary(page, r)
    if r.compare is not None:
        head, *rest = compare_summary(r)
        page.add(f"**{cell(head, None)}**", "", *(f"- {cell(x, None)}" for x in rest), "")
    _actions(page, r)
    left: list[str] = []
    cards = [
        [
            cell(c.name),
            number(c.open, lang),
            percent(c.win_rate, lang),
            number(c.findings, lang),
            number(c.stuck, lang),
            number(c.untasked, lang),
            money(c.money_at_stake.by_currency, lang),
        ]
        for c in r.scorecards
    ]
    heads = [
        t(k, lang)
        for k in ("funnel", "open", "win_rate", "findings", "stuck", "untasked", "money_at_stake")
    ]
    if missed := _table(page, t("scorecards", lang), heads, cards):
        left.append(f"{t('scorecards', lang)}: {number(missed, lang)}")
    people = [
        [
            cell(m.name),
            number(m.open, lang),
            number(m.findings, lang),
            number(m.stuck, lang),
            money(m.stuck_money.by_currency, lang),
            number(m.without_task, lang),
        ]
        for m in r.managers
    ]
    heads = [
        t(k, lang) for k in ("manager", "open", "findings", "stuck", "stuck_money", "untasked")
    ]
    if missed := _table(page, t("managers_table", lang), heads, people):
        left.append(f"{t('managers_table', lang)}: {number(missed, lang)}")
    groups = [
        [
            f"{_ICON[g.severity]} {t(g.severity, lang)}",
            f"`{g.code}` {cell(g.title or g.name)}",
            cell(where(g, lang)),
            affected(g.deals, g.contacts, g.count, lang),
            money(g.money.by_currency, lang),
            "; ".join(cell(x, 60) for x in g.examples),
        ]
        for g in r.groups
    ]
    heads = [
        t(k, lang)
        for k in ("severity", "rule", "subject", "affected", "money_at_stake", "examples")
    ]
    if missed := _table(page, t("groups", lang), heads, groups):
        left.append(noun(missed, "group", lang))
    if details:
        rows = [
            [
                f"{_ICON[f.severity]} {t(f.severity, lang)}",
                f"`{f.code}`",
                cell(" / ".join(x for x in (f.subject.funnel_name, f.subject.stage_name) if x)),
                f"{kind(f.subject.kind, lang)} {cell(f.subject.name or f.subject.id)}",
                cell(f.message, None),
            ]
            for f in r.findings
        ]
        heads = [t(k, lang) for k in ("severity", "rule", "subject", "kind_deal", "message")]
        heads[3] = t("subject", lang)
        _table(page, t("details", lang), heads, rows)
    if r.compare is not None:
        moved = [m for m in r.compare.movements if m.kind != "idle"]
        rows = [
            [
                t("mv_" + m.kind, lang),
                cell(m.deal_name or m.deal_id),
                f"{cell(m.from_stage_name or '—')} → {cell(m.to_stage_name)}",
            ]
            for m in moved
        ]
        heads = [t("movements", lang), t("kind_deal", lang), t("from_to", lang)]
        if missed := _table(page, t("movements", lang), heads, rows):
            left.append(f"{t('movements', lang)}: {number(missed, lang)}")
        deltas = [
            [cell(d.name), *(_delta(d.before.get(k), d.after.get(k), lang) for k in _DELTA_KEYS)]
            for d in [*r.compare.funnels, *r.compare.managers]
            if d.before != d.after
        ]
        heads = [t("since", lang), *(t(k, lang) for k in ("open", "won", "lost"))]
        if missed := _table(
            page, f"{t('since', lang)}: {t('funnels', lang)}, {t('managers', lang)}", heads, deltas
        ):
            left.append(f"{t('since', lang)}: {number(missed, lang)}")
    skipped = [x for x in r.rules if x.status == "skipped"]
    if skipped:
        lines = ["", f"**{t('skipped_rules', lang)}**", ""]
        lines += [f"- `{x.code}` {x.name}: {cell(x.reason, None)}" for x in skipped]
        if not page.add(*lines):
            left.append(t("skipped_rules", lang))
    page.reserve = 0
    if left:
        page.add("", f"_{', '.join(left)} — {t('left_out', lang)}._")
    else:
        page.add("", f"_{noun(r.summary.findings, 'finding', lang)}: JSON, CSV, SARIF, --details._")
    return "\n".join(page.lines) + "\n"
