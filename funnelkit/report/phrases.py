"""Evidence in the reader's language: phrases rules write, their values, skip reasons.

Rules and the name analyser write English phrases with message ids and values
(`model.phrase.Phrase`); this module turns them, and the vocabulary their values use, into
en / ru / uk through the catalogs, with numbers written by `i18n`.
"""

from __future__ import annotations

import re

from funnelkit.metrics.definitions import DEFINITIONS
from funnelkit.model.phrase import Phrase
from funnelkit.names.reasons import REASONS
from funnelkit.report.catalog import gettext, ngettext
from funnelkit.report.i18n import kind, number, t

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
    "crm.stagehistory.list does not support smart processes",
    "tasks and activities are read for deals and leads only",
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
