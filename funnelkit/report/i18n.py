"""Report words in en, ru and uk; numbers, dates and plural forms by Babel (CLDR rules).

Evidence phrases and their vocabulary are translated in `phrases`, on top of this module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import localcontext
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from funnelkit.model.enums import LANGS
from funnelkit.report.catalog import gettext, ngettext

__all__ = [
    "LANGS",
    "date",
    "kind",
    "money",
    "noun",
    "number",
    "percent",
    "t",
    "when",
]

#: Nouns counted in reports: (singular, plural) in English; the catalogs hold every form.
NOUNS: dict[str, tuple[str, str]] = {
    "finding": ("finding", "findings"),
    "deal": ("deal", "deals"),
    "contact": ("contact", "contacts"),
    "stage": ("stage", "stages"),
    "day": ("day", "days"),
    "group": ("group", "groups"),
}


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else "en")


def noun(count: int | float, name: str, lang: str) -> str:
    """`count` and the noun in the plural form the language needs: 1 сделка, 2 сделки, 5 сделок."""
    one, many = NOUNS[name]
    digits = 0 if float(count).is_integer() else 1
    return f"{number(count, lang, digits)} {ngettext(one, many, count, lang, f'noun.{name}')}"


#: Report words: key → English; ru and uk live in the gettext catalogs (context `ui.KEY`).
UI: dict[str, str] = {
    "title": "Funnel audit",
    "portal": "Portal",
    "pulled": "Data as of",
    "config_used": "Config file",
    "generated": "Report generated",
    "summary": "Summary",
    "findings": "Findings",
    "no_findings": "No findings.",
    "severity": "Severity",
    "rule": "Rule",
    "subject": "Where",
    "message": "What we found",
    "remedy": "What to do",
    "evidence": "Evidence",
    "funnel": "Funnel",
    "stage": "Stage",
    "all": "All",
    "metrics": "Metrics",
    "funnels": "Funnels",
    "managers": "Managers",
    "clients": "Top clients",
    "lead_sources": "Lead sources",
    "deals": "Deals",
    "open": "Open",
    "won": "Won",
    "lost": "Lost",
    "win_rate": "Win rate",
    "key_stage": "Key stage",
    "skipped_rules": "Rules not run",
    "partly_run_rules": "Rules not run on some funnels",
    "suppressed": "Suppressed findings",
    "unused_suppressions": "Unused suppressions",
    "expired_suppressions": "Expired suppressions",
    "roles": "Funnel roles",
    "role_source": "from",
    "definitions": "How the metrics are defined",
    "verdict_fail": "needs attention",
    "verdict_pass": "no findings at or above",
    "total": "Total",
    "reason": "Reason",
    "time_in_stage": "Time in stage, days (median / p90)",
    "conversion": "Conversion",
    "next_step": "Next step",
    "cumulative": "From start",
    "reached": "Reached",
    "sales_cycle": "Sales cycle, days",
    "ltv": "LTV",
    "days_since": "Days since contact",
    "no_history": "Stage history was not pulled: conversion counts only where deals stand now.",
    "filter": "Filter",
    "open_without_task": "Open without task",
    "lost_by_reason": "Lost by reason",
    "count": "Count",
    "plan_title": "Plan",
    "blueprint": "Blueprint",
    "checksum": "Checksum",
    "changes": "Changes",
    "no_changes": "No changes: the portal matches the blueprint.",
    "create": "create",
    "update": "update",
    "reorder": "reorder",
    "move": "move deals",
    "delete": "delete",
    "unsafe": "needs --force",
    "manual": "Manual steps",
    "unmanaged": "Not in the blueprint (left alone)",
    "warnings": "Warnings",
    "refusals": "Refused",
    "info": "info",
    "kind_deal": "deal",
    "kind_lead": "lead",
    "kind_contact": "contact",
    "kind_task": "task",
    "kind_user": "manager",
    "kind_field": "field",
    "kind_portal": "portal",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
    "score": "Portal score",
    "score_note": "0–100: deal hygiene (60) + set-up (40)",
    "money_at_stake": "Money at stake",
    "money_note": "open amounts of stuck, neglected or untasked deals",
    "actions": "What to do first",
    "effort": "effort",
    "effort_low": "low",
    "effort_medium": "medium",
    "effort_high": "high",
    "affected": "Affected",
    "scorecards": "Funnels at a glance",
    "manager": "Manager",
    "managers_table": "Managers",
    "stuck": "Stuck",
    "stuck_money": "Stuck money",
    "untasked": "Without task",
    "neglected": "Neglected",
    "groups": "Findings by rule and place",
    "examples": "e.g.",
    "details": "Every finding",
    "left_out": (
        "left out here; every finding is in the JSON, CSV and SARIF reports and with --details"
    ),
    "more_groups": "more groups",
    "where_portal": "whole portal",
    "since": "Since last visit",
    "new": "new",
    "resolved": "resolved",
    "still_open": "still open",
    "movements": "Deal movements",
    "mv_won": "won",
    "mv_lost": "lost",
    "mv_advanced": "advanced",
    "mv_moved_back": "moved back",
    "mv_idle": "idle",
    "mv_new": "new",
    "before": "before",
    "after": "after",
    "day_unit": "d",
    "default_severity": "default severity",
    "needs": "needs",
    "aliases": "aliases",
    "parameters": "parameters",
    "from_to": "From → to",
    "yes": "yes",
    "no": "no",
    "ids": "objects",
}


def kind(name: str, lang: str) -> str:
    """An entity kind (deal, contact, …) in `lang`; unknown kinds as they are."""
    key = f"kind_{name}"
    return t(key, lang) if key in UI else name


def t(key: str, lang: str) -> str:
    """A UI string in `lang` (English when the language is unknown)."""
    return gettext(UI[key], lang, f"ui.{key}")


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A number as the language writes it (CLDR): 1,234.5 in English, 1 234,5 in ru and uk."""
    if value is None:
        return "—"
    return _number(value, lang, digits)


@lru_cache(maxsize=65536)
def _number(value: float | int, lang: str, digits: int) -> str:
    """Formatting through Babel is slow and reports repeat their numbers: remember them."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    # Babel rounds in the current decimal context (28 digits): a larger integer from a
    # portal's data (an amount typed with too many digits) would raise instead of printing.
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(f"{value:.0f}") + digits + 2)
        return str(format_decimal(value, pattern, locale=_locale(lang)))


def percent(value: float | None, lang: str) -> str:
    """A share as a percentage with one decimal (45.3% / 45,3 %)."""
    if value is None:
        return "—"
    return number(value * 100, lang, 1) + ("\u00a0%" if lang in ("ru", "uk") else "%")


def date(epoch: int | None, lang: str) -> str:
    """A day in the language's medium date format."""
    if epoch is None:
        return "—"
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return str(format_date(moment.date(), "medium", locale=_locale(lang)))


def when(iso_text: str | None, lang: str) -> str:
    """An ISO-8601 UTC moment as the language writes it, to the minute."""
    if not iso_text:
        return "—"
    try:
        moment = datetime.fromisoformat(iso_text.replace("Z", "+00:00"))
    except ValueError:
        return iso_text
    text = format_datetime(moment.astimezone(UTC), "medium", tzinfo=UTC, locale=_locale(lang))
    return f"{text} UTC"


def money(by_currency: dict[str, float], lang: str) -> str:
    """Sums per currency, never added across currencies."""
    if not by_currency:
        return "—"
    return ", ".join(f"{number(v, lang)} {c}" for c, v in sorted(by_currency.items()))
