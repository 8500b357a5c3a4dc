"""The text report: summary first (score, money, actions, funnels, managers), then groups.

Plain lines only — no box drawing and no truncation — so it reads the same in a terminal,
a log file or an e-mail; columns widen to fit the longest name.
"""

from __future__ import annotations

from collections.abc import Sequence

from funnelkit.report.i18n import kind, money, noun, number, percent, t, when
from funnelkit.report.rows import flat_rows
from funnelkit.report.schema import AuditReport, GroupOut

GROUPS_SHOWN = 40
MANAGERS_SHOWN = 20


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Aligned columns separated by two spaces; nothing is cut."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def summary_line(report: AuditReport) -> str:
    """`Findings: 12 (high: 2, …); 2 ≥ high: needs attention` — the line CI logs keep."""
    lang, s = report.lang, report.summary
    parts = ", ".join(f"{t(k, lang)}: {number(v, lang)}" for k, v in s.by_severity.items() if v)
    head = f"{t('findings', lang)}: {number(s.findings, lang)}" + (f" ({parts})" if parts else "")
    if s.failing:
        return (
            f"{head}; {number(s.failing, lang)} ≥ {t(s.fail_on, lang)}: {t('verdict_fail', lang)}"
        )
    return f"{head}; {t('verdict_pass', lang)} {t(s.fail_on, lang)}"


def where(g: GroupOut, lang: str) -> str:
    """Where a group is: funnel / stage, a manager, or the whole portal."""
    if g.user_name:
        return f"{t('manager', lang)} {g.user_name}"
    place = " / ".join(x for x in (g.funnel_name, g.stage_name) if x)
    return place or t("where_portal", lang)


def affected(deals: int, contacts: int, findings: int, lang: str) -> str:
    """What a group or action touches, counted with the right plural."""
    parts = [noun(findings, "finding", lang)]
    if deals:
        parts.append(noun(deals, "deal", lang))
    if contacts:
        parts.append(noun(contacts, "contact", lang))
    return ", ".join(parts)


def _head(report: AuditReport) -> list[str]:
    lang, p = report.lang, report.portal
    lines = [
        f"{t('title', lang)}: {p.name} ({p.vendor}), {t('pulled', lang)} {when(p.pulled_at, lang)}"
        # the audit's clock, when it is not the snapshot's as-of time (audit --now)
        + (f", --now {when(report.now, lang)}" if report.now_source == "given" else ""),
        f"{t('score', lang)}: {report.score.value}/100 ({t('score_note', lang)})",
        f"{t('money_at_stake', lang)}: {money(report.money_at_stake.by_currency, lang)} "
        f"({t('money_note', lang)})",
        summary_line(report),
    ]
    if report.config:
        lines.insert(1, f"{t('config_used', lang)}: {report.config}")
    return lines


def _actions(report: AuditReport) -> list[str]:
    lang = report.lang
    if not report.actions:
        return [t("no_findings", lang)]
    lines = [t("actions", lang)]
    for a in report.actions:
        stake = money(a.money.by_currency, lang) if a.money.by_currency else ""
        bits = [affected(a.deals, a.contacts, a.findings, lang), stake]
        bits.append(f"{t('effort', lang)}: {t('effort_' + a.effort, lang)}")
        lines.append(
            f"{a.rank:>2}. [{t(a.severity, lang)}] {a.code} {a.title}: "
            + ", ".join(b for b in bits if b)
        )
        if a.remedy:
            lines.append(f"    {t('remedy', lang)}: {a.remedy}")
    return lines


def _scorecards(report: AuditReport) -> list[str]:
    lang = report.lang
    heads = [
        t(k, lang)
        for k in (
            "funnel",
            "open",
            "win_rate",
            "findings",
            "stuck",
            "untasked",
            "neglected",
            "money_at_stake",
        )
    ]
    rows = [
        [
            c.name,
            number(c.open, lang),
            percent(c.win_rate, lang),
            number(c.findings, lang),
            number(c.stuck, lang),
            number(c.untasked, lang),
            number(c.neglected, lang),
            money(c.money_at_stake.by_currency, lang),
        ]
        for c in report.scorecards
    ]
    return [t("scorecards", lang), *table(heads, rows, {1, 2, 3, 4, 5, 6, 7})]


def _managers(report: AuditReport, details: bool) -> list[str]:
    lang = report.lang
    shown = report.managers if details else report.managers[:MANAGERS_SHOWN]
    if not shown:
        return []
    heads = [
        t(k, lang)
        for k in (
            "manager",
            "open",
            "findings",
            "stuck",
            "stuck_money",
            "untasked",
            "money_at_stake",
        )
    ]
    rows = [
        [
            m.name,
            number(m.open, lang),
            number(m.findings, lang),
            number(m.stuck, lang),
            money(m.stuck_money.by_currency, lang),
            number(m.without_task, lang),
            money(m.money_at_stake.by_currency, lang),
        ]
        for m in shown
    ]
    lines = [t("managers_table", lang), *table(heads, rows, {1, 2, 3, 4, 5, 6})]
    if len(report.managers) > len(shown):
        lines.append(f"… +{number(len(report.managers) - len(shown), lang)}")
    return lines


def group_line(g: GroupOut, lang: str) -> str:
    """One group: severity, rule, where, how many, money, a few examples."""
    bits = [affected(g.deals, g.contacts, g.count, lang)]
    if g.money.by_currency:
        bits.append(money(g.money.by_currency, lang))
    examples = "; ".join(g.examples)
    title = g.title or g.name
    text = f"[{t(g.severity, lang)}] {g.code} {title} — {where(g, lang)}: {', '.join(bits)}"
    return f"{text}; {t('examples', lang)}: {examples}" if examples else text


def _groups(report: AuditReport, details: bool) -> list[str]:
    lang = report.lang
    if not report.groups:
        return []
    shown = report.groups if details else report.groups[:GROUPS_SHOWN]
    lines = [t("groups", lang), *(group_line(g, lang) for g in shown)]
    rest = len(report.groups) - len(shown)
    if rest:
        lines.append(f"… {noun(rest, 'group', lang)} {t('left_out', lang)}")
    return lines


def _details(report: AuditReport) -> list[str]:
    lang = report.lang
    lines = [t("details", lang)]
    for f in flat_rows(report.findings):
        place = " / ".join(x for x in (f.funnel_name, f.stage_name) if x)
        name = f"{kind(f.kind, lang)} {f.subject_name or f.id}"
        lines.append(f"[{t(f.severity, lang)}] {f.code} {place} · {name}: {f.message}")
    return lines


MOVES_SHOWN = 30


def compare_summary(report: AuditReport) -> list[str]:
    """Since last visit, in a few lines: findings new / resolved / open, movements by kind."""
    c, lang = report.compare, report.lang
    if c is None:
        return []
    f = c.findings
    moves = ", ".join(
        f"{t('mv_' + k, lang)}: {number(n, lang)}" for k, n in c.movement_counts.items() if n
    )
    return [
        f"{t('since', lang)} ({when(c.old_pulled_at, lang)})",
        f"{t('findings', lang)}: {t('new', lang)} {number(len(f.new), lang)}, "
        f"{t('resolved', lang)} {number(len(f.resolved), lang)}, "
        f"{t('still_open', lang)} {number(len(f.open), lang)}",
        f"{t('movements', lang)}: {moves or '—'}",
    ]


def _compare(report: AuditReport, details: bool) -> list[str]:
    c, lang = report.compare, report.lang
    if c is None:
        return []
    lines = compare_summary(report)
    moved = [m for m in c.movements if m.kind != "idle"]
    for m in moved if details else moved[:MOVES_SHOWN]:
        frm = m.from_stage_name or "—"
        lines.append(
            f"  {t('mv_' + m.kind, lang)}: {m.deal_name or m.deal_id} ({frm} → {m.to_stage_name})"
        )
    if not details and len(moved) > MOVES_SHOWN:
        lines.append(f"  … +{number(len(moved) - MOVES_SHOWN, lang)}")
    for d in c.funnels:
        change = ", ".join(
            f"{t(k, lang)} {_fmt(d.before.get(k), lang)} → {_fmt(d.after.get(k), lang)}"
            for k in ("open", "won", "lost")
            if d.before.get(k) != d.after.get(k)
        )
        if change:
            lines.append(f"  {t('funnel', lang)} {d.name}: {change}")
    changed = [d for d in c.managers if d.before != d.after]
    for d in changed if details else changed[:MANAGERS_SHOWN]:
        change = ", ".join(
            f"{t(k, lang)} {_fmt(d.before.get(m), lang)} → {_fmt(d.after.get(m), lang)}"
            for k in ("open", "won", "lost", "untasked")
            for m in [_KEYS.get(k, k)]
            if d.before.get(m) != d.after.get(m)
        )
        lines.append(f"  {t('manager', lang)} {d.name}: {change}")
    return lines


_KEYS = {"untasked": "open_without_task"}


def _fmt(value: float | None, lang: str) -> str:
    return number(value, lang) if value is not None else "—"


def text_lines(
    report: AuditReport, *, statistics: bool = False, details: bool = False
) -> list[str]:
    """The whole text report as lines, summary first."""
    lang = report.lang
    blocks = [_head(report), _compare(report, details), _actions(report), _scorecards(report)]
    blocks += [_managers(report, details), _groups(report, details)]
    if details:
        blocks.append(_details(report))
    if statistics:
        rows = [[f"{r.code} {r.name}", number(r.findings, lang)] for r in report.rules]
        blocks.append(table([t("rule", lang), t("count", lang)], rows, {1}))
    skipped = [r for r in report.rules if r.status == "skipped"]
    if skipped:
        blocks.append(
            [t("skipped_rules", lang) + ":", *(f"  {r.code} {r.name}: {r.reason}" for r in skipped)]
        )
    partly = [r for r in report.rules if r.status == "ran" and r.reason]
    if partly:
        lines = [f"  {r.code} {r.name}: {r.reason}" for r in partly]
        blocks.append([t("partly_run_rules", lang) + ":", *lines])
    notes = [
        f"{t(key, lang)}: #{n.entry} {n.rule} ({n.reason})"
        for key in ("unused_suppressions", "expired_suppressions")
        for n in getattr(report, key)
    ]
    if report.summary.suppressed:
        notes.append(f"{t('suppressed', lang)}: {number(report.summary.suppressed, lang)}")
    blocks += [notes, [summary_line(report)]]
    out: list[str] = []
    for block in blocks:
        if block:
            out += [*block, ""]
    return out[:-1]
