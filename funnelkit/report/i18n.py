"""Report words in en, ru and uk; numbers, dates and plural forms by Babel (CLDR rules)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from funnelkit.metrics.definitions import DEFINITIONS
from funnelkit.model.enums import LANGS
from funnelkit.model.phrase import Phrase
from funnelkit.names.reasons import REASONS
from funnelkit.report.catalog import gettext, ngettext

__all__ = [
    "LANGS",
    "date",
    "evidence_word",
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


_DOC_REF = re.compile(r"\s*\(?\b[\w-]+\.md\s*§\s*[\w.]+\)?")
#: What each evidence value is, as the HTML evidence tables label it (context `evidence.KEY`).
EVIDENCE_KEYS: dict[str, str] = {
    "basis": "judged by",
    "bimodal": "two humps",
    "bimodality": "two-hump coefficient",
    "clock": "clock",
    "confidence": "confidence",
    "count": "count",
    "coverage_share": "coverage",
    "days": "days",
    "days_overdue": "days overdue",
    "days_pushed": "days postponed",
    "deals": "deals",
    "deals_through": "deals through the stage",
    "entity": "entity",
    "evidence_partial": "what the data leaves out",
    "groups": "groups",
    "handed_share": "share handed over",
    "handoff_stage": "hand-over stage",
    "last_outcome": "last outcome",
    "late_only_people": "people in late stages only",
    "leads": "leads",
    "leads_per_month": "leads a month",
    "limit": "limit",
    "limit_days": "limit, days",
    "limit_how": "how the limit was set",
    "limit_source": "limit from",
    "lost": "lost deals",
    "lost_or_back_share": "share lost or sent back",
    "median_dwell_days": "median stay, days",
    "method": "method",
    "name_label": "name verdict",
    "no_task_share": "share without a task",
    "open_tasks": "open tasks",
    "overdue_tasks": "overdue tasks",
    "pass_share": "share passing through",
    "postponements": "postponements",
    "rare": "rarely used",
    "reason": "reason",
    "reasons": "refusal reasons",
    "reassigned_share": "share reassigned",
    "responsibles": "managers",
    "role": "funnel role",
    "role_source": "role from",
    "same_person_share": "share handled by the same person",
    "samples": "completed visits",
    "signs": "signs",
    "skip_share": "share skipping stages",
    "sources": "stages deals come from",
    "stages": "stages",
    "tunnels_known": "tunnels known",
    "type": "field type",
    "why": "why",
    "wins": "wins",
}
#: Custom-field types the vendors report (FK406's `type`), named for the reader (`field.type`).
FIELD_TYPES = (
    "employee", "user", "users", "responsible", "select", "multiselect", "radiobutton",
    "enumeration", "string", "text",
)  # fmt: skip
#: Entities a custom field belongs to, as the vendors spell them (FK406's `entity`).
FIELD_ENTITIES = {
    "deal": "deal", "deals": "deal", "crm_deal": "deal",
    "lead": "lead", "leads": "lead", "crm_lead": "lead",
}  # fmt: skip
#: Evidence values rules write in English, translated for the report (context `evidence`).
EVIDENCE_WORDS = (
    "time in stage",
    "deal age (no stage history)",
    "default",
    "blueprint",
    "config",
    "portal p{n}",
    "portal typical stay",
    "ok",
    "dump",
    "deal",
    "contact",
    "employee",
)
#: The data states a manifest records (how a rule that did not run says why).
DATA_STATES = ("unavailable", "not pulled")
#: The vendors' reasons for missing data that connectors and the emulator record.
WHY = (
    "Bitrix24 keeps no history of responsible changes",
    "Bitrix24 REST offers no history of task deadline changes",
    "Bitrix24 keeps no responsible-change history",
    "Bitrix24 keeps no task deadline history",
    "amoCRM has no separate lead entity; the unsorted status plays that part",
    "structure only",
    "structure-only pull",
)
#: The audit's own description of its clock (`AuditResult.clock`).
CLOCKS = ("time in current stage (stage history), else deal age",)
_PERCENTILE = re.compile(r"^portal p(?P<n>[\d.]+)$")


def phrase(p: Phrase, lang: str) -> str:
    """A phrase in `lang`: its message id translated, its values written the language's way.

    The name analyser keeps its reasons with their ru / uk in `funnelkit.names.reasons`
    (context `names.CODE`); everything else comes from the catalogs.
    """
    if p.context is None:
        template = p.msgid
    elif p.context.startswith("names.") and p.context[6:] in REASONS:
        template = REASONS[p.context[6:]].text(lang)
    elif p.context == "reason.why":
        # the vendor's own explanation: translated when we know it, as given otherwise
        return gettext(without_doc_refs(p.msgid), lang, p.context)
    elif p.plural is not None and p.counter:
        template = ngettext(p.msgid, p.plural, float(p.params[p.counter]), lang, p.context)
    else:
        template = gettext(p.msgid, lang, p.context)
    if not p.params:
        return template
    return template.format(**{k: value(k, v, lang) for k, v in p.params.items()})


def value(key: str, v: object, lang: str) -> str:
    """An evidence value inside a sentence: shares as percentages, numbers the language's way."""
    if isinstance(v, Phrase):
        return phrase(v, lang)
    if isinstance(v, bool) or v is None:
        return "" if v is None else t("yes" if v else "no", lang)
    if isinstance(v, float):
        if key.endswith("share"):
            return number(v * 100, lang) + ("\u00a0%" if lang in ("ru", "uk") else "%")
        # coefficients below one keep two decimals (a bimodality of 0.68, not 0.7)
        fine = abs(v) < 1 and round(v, 1) != v
        return number(v, lang, 0 if v.is_integer() else 2 if fine else 1)
    if isinstance(v, int):
        return number(v, lang)
    if key == "role":
        return role_name(str(v), lang)
    if key == "role_source":
        return gettext(str(v), lang, "role.source")
    if key == "type" and v in FIELD_TYPES:
        return gettext(str(v), lang, "field.type")
    if key == "entity" and v in FIELD_ENTITIES:
        return kind(FIELD_ENTITIES[str(v)], lang)
    return evidence_word(str(v), lang)


def metric_definition(key: str, lang: str) -> tuple[str, str]:
    """(name, definition) of a metric in `lang`."""
    name, text = DEFINITIONS[key]
    return (
        gettext(name, lang, f"metric.{key}.name"),
        gettext(text, lang, f"metric.{key}.definition"),
    )


def role_name(role: str, lang: str) -> str:
    """A funnel role (`primary-sales`, …) as the reader's language names it."""
    return gettext(role, lang, "role")


def evidence_key(key: str, lang: str) -> str:
    """How the evidence tables label one evidence value."""
    return gettext(EVIDENCE_KEYS[key], lang, f"evidence.{key}") if key in EVIDENCE_KEYS else key


def evidence_word(value: str, lang: str) -> str:
    """A rule's English evidence value in `lang` (portal data and unknown values unchanged)."""
    found = _PERCENTILE.match(value)
    if found:
        return gettext("portal p{n}", lang, "evidence").format(n=found["n"])
    return gettext(value, lang, "evidence") if value in EVIDENCE_WORDS else value


def without_doc_refs(text: str) -> str:
    """A sentence without references to funnelkit's internal notes ("bitrix24.md §9")."""
    return _DOC_REF.sub("", text).strip()


def skip_reason(reason: str | None, lang: str) -> str | None:
    """Why a rule did not run, in `lang` (a reason not written as a phrase stays as given)."""
    if reason is None:
        return None
    if isinstance(reason, Phrase):
        return phrase(reason, lang)
    return without_doc_refs(reason)


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
