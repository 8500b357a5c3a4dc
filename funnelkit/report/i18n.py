"""Report words in en, ru and uk; numbers, dates and plural forms by Babel (CLDR rules)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from funnelkit.report.schema import LANGS

__all__ = ["LANGS", "date", "kind", "money", "noun", "number", "percent", "t", "when"]

#: Nouns counted in reports, per language and CLDR plural category.
_NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "finding": {
        "en": {"one": "finding", "other": "findings"},
        "ru": {"one": "замечание", "few": "замечания", "many": "замечаний", "other": "замечания"},
        "uk": {
            "one": "зауваження",
            "few": "зауваження",
            "many": "зауважень",
            "other": "зауваження",
        },
    },
    "deal": {
        "en": {"one": "deal", "other": "deals"},
        "ru": {"one": "сделка", "few": "сделки", "many": "сделок", "other": "сделки"},
        "uk": {"one": "угода", "few": "угоди", "many": "угод", "other": "угоди"},
    },
    "contact": {
        "en": {"one": "contact", "other": "contacts"},
        "ru": {"one": "контакт", "few": "контакта", "many": "контактов", "other": "контакта"},
        "uk": {"one": "контакт", "few": "контакти", "many": "контактів", "other": "контакту"},
    },
    "stage": {
        "en": {"one": "stage", "other": "stages"},
        "ru": {"one": "этап", "few": "этапа", "many": "этапов", "other": "этапа"},
        "uk": {"one": "етап", "few": "етапи", "many": "етапів", "other": "етапу"},
    },
    "day": {
        "en": {"one": "day", "other": "days"},
        "ru": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
        "uk": {"one": "день", "few": "дні", "many": "днів", "other": "дня"},
    },
    "group": {
        "en": {"one": "group", "other": "groups"},
        "ru": {"one": "группа", "few": "группы", "many": "групп", "other": "группы"},
        "uk": {"one": "група", "few": "групи", "many": "груп", "other": "групи"},
    },
}


def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else "en")


def noun(count: int | float, name: str, lang: str) -> str:
    """`count` and the noun in the plural form the language needs: 1 сделка, 2 сделки, 5 сделок."""
    forms = _NOUNS[name].get(lang) or _NOUNS[name]["en"]
    form = _locale(lang).plural_form(count)
    digits = 0 if float(count).is_integer() else 1
    return f"{number(count, lang, digits)} {forms.get(form, forms['other'])}"


_UI: dict[str, tuple[str, str, str]] = {
    # key: (en, ru, uk)
    "title": ("Funnel audit", "Аудит воронок", "Аудит воронок"),
    "portal": ("Portal", "Портал", "Портал"),
    "pulled": ("Data as of", "Данные на", "Дані на"),
    "generated": ("Report generated", "Отчёт создан", "Звіт створено"),
    "summary": ("Summary", "Итоги", "Підсумки"),
    "findings": ("Findings", "Замечания", "Зауваження"),
    "no_findings": ("No findings.", "Замечаний нет.", "Зауважень немає."),
    "severity": ("Severity", "Важность", "Важливість"),
    "rule": ("Rule", "Правило", "Правило"),
    "subject": ("Where", "Где", "Де"),
    "message": ("What we found", "Что найдено", "Що знайдено"),
    "remedy": ("What to do", "Что делать", "Що робити"),
    "evidence": ("Evidence", "Подтверждение", "Підтвердження"),
    "funnel": ("Funnel", "Воронка", "Воронка"),
    "stage": ("Stage", "Этап", "Етап"),
    "all": ("All", "Все", "Усі"),
    "metrics": ("Metrics", "Показатели", "Показники"),
    "funnels": ("Funnels", "Воронки", "Воронки"),
    "managers": ("Managers", "Менеджеры", "Менеджери"),
    "clients": ("Top clients", "Лучшие клиенты", "Найкращі клієнти"),
    "lead_sources": ("Lead sources", "Источники лидов", "Джерела лідів"),
    "deals": ("Deals", "Сделки", "Угоди"),
    "open": ("Open", "Открыто", "Відкрито"),
    "won": ("Won", "Выиграно", "Виграно"),
    "lost": ("Lost", "Проиграно", "Програно"),
    "win_rate": ("Win rate", "Доля выигранных", "Частка виграних"),
    "key_stage": ("Key stage", "Ключевой этап", "Ключовий етап"),
    "skipped_rules": (
        "Rules not run",
        "Правила, которые не выполнялись",
        "Правила, які не виконувались",
    ),
    "suppressed": ("Suppressed findings", "Подавленные замечания", "Приглушені зауваження"),
    "unused_suppressions": (
        "Unused suppressions",
        "Неиспользованные исключения",
        "Невикористані винятки",
    ),
    "expired_suppressions": ("Expired suppressions", "Истёкшие исключения", "Прострочені винятки"),
    "roles": ("Funnel roles", "Роли воронок", "Ролі воронок"),
    "role_source": ("from", "источник", "джерело"),
    "definitions": (
        "How the metrics are defined",
        "Как считаются показатели",
        "Як рахуються показники",
    ),
    "verdict_fail": ("needs attention", "требует внимания", "потребує уваги"),
    "verdict_pass": ("no findings at or above", "нет замечаний уровня", "немає зауважень рівня"),
    "total": ("Total", "Всего", "Усього"),
    "reason": ("Reason", "Причина", "Причина"),
    "time_in_stage": (
        "Time in stage, days (median / p90)",
        "Время на этапе, дней (медиана / p90)",
        "Час на етапі, днів (медіана / p90)",
    ),
    "conversion": ("Conversion", "Конверсия", "Конверсія"),
    "next_step": ("Next step", "В следующий", "У наступний"),
    "cumulative": ("From start", "От начала", "Від початку"),
    "reached": ("Reached", "Дошли", "Дійшли"),
    "sales_cycle": ("Sales cycle, days", "Цикл сделки, дней", "Цикл угоди, днів"),
    "ltv": ("LTV", "LTV", "LTV"),
    "days_since": ("Days since contact", "Дней без контакта", "Днів без контакту"),
    "no_history": (
        "Stage history was not pulled: conversion counts only where deals stand now.",
        "История этапов не загружена: конверсия считается только по текущему этапу сделок.",
        "Історію етапів не завантажено: конверсія рахується лише за поточним етапом угод.",
    ),
    "filter": ("Filter", "Фильтр", "Фільтр"),
    "open_without_task": ("Open without task", "Открыто без задачи", "Відкрито без задачі"),
    "lost_by_reason": ("Lost by reason", "Проигрыши по причинам", "Програші за причинами"),
    "count": ("Count", "Количество", "Кількість"),
    "plan_title": ("Plan", "План изменений", "План змін"),
    "blueprint": ("Blueprint", "Блюпринт", "Блюпринт"),
    "checksum": ("Checksum", "Контрольная сумма", "Контрольна сума"),
    "changes": ("Changes", "Изменения", "Зміни"),
    "no_changes": (
        "No changes: the portal matches the blueprint.",
        "Изменений нет: портал соответствует блюпринту.",
        "Змін немає: портал відповідає блюпринту.",
    ),
    "create": ("create", "создать", "створити"),
    "update": ("update", "изменить", "змінити"),
    "reorder": ("reorder", "переставить", "переставити"),
    "move": ("move deals", "перенести сделки", "перенести угоди"),
    "delete": ("delete", "удалить", "видалити"),
    "unsafe": ("needs --force", "нужен --force", "потрібен --force"),
    "manual": ("Manual steps", "Ручные шаги", "Ручні кроки"),
    "unmanaged": (
        "Not in the blueprint (left alone)",
        "Нет в блюпринте (не трогаем)",
        "Немає в блюпринті (не чіпаємо)",
    ),
    "warnings": ("Warnings", "Предупреждения", "Попередження"),
    "refusals": ("Refused", "Отказано", "Відмовлено"),
    "info": ("info", "инфо", "інфо"),
    "kind_deal": ("deal", "сделка", "угода"),
    "kind_lead": ("lead", "лид", "лід"),
    "kind_contact": ("contact", "контакт", "контакт"),
    "kind_task": ("task", "задача", "задача"),
    "kind_user": ("manager", "менеджер", "менеджер"),
    "kind_field": ("field", "поле", "поле"),
    "kind_portal": ("portal", "портал", "портал"),
    "low": ("low", "низкая", "низька"),
    "medium": ("medium", "средняя", "середня"),
    "high": ("high", "высокая", "висока"),
    "critical": ("critical", "критическая", "критична"),
    "score": ("Portal score", "Оценка портала", "Оцінка порталу"),
    "score_note": (
        "0–100: deal hygiene (60) + set-up (40)",
        "0–100: порядок в сделках (60) + настройка (40)",
        "0–100: порядок в угодах (60) + налаштування (40)",
    ),
    "money_at_stake": ("Money at stake", "Деньги под угрозой", "Гроші під загрозою"),
    "money_note": (
        "open amounts of stuck, neglected or untasked deals",
        "суммы открытых сделок: зависших, заброшенных или без задач",
        "суми відкритих угод: завислих, занедбаних або без задач",
    ),
    "actions": ("What to do first", "Что сделать в первую очередь", "Що зробити насамперед"),
    "effort": ("effort", "трудоёмкость", "трудомісткість"),
    "effort_low": ("low", "низкая", "низька"),
    "effort_medium": ("medium", "средняя", "середня"),
    "effort_high": ("high", "высокая", "висока"),
    "affected": ("Affected", "Затронуто", "Зачеплено"),
    "scorecards": ("Funnels at a glance", "Воронки коротко", "Воронки коротко"),
    "manager": ("Manager", "Менеджер", "Менеджер"),
    "managers_table": ("Managers", "Менеджеры", "Менеджери"),
    "stuck": ("Stuck", "Зависли", "Зависли"),
    "stuck_money": ("Stuck money", "Деньги в зависших", "Гроші в завислих"),
    "untasked": ("Without task", "Без задачи", "Без задачі"),
    "neglected": ("Neglected", "Без контакта", "Без контакту"),
    "groups": (
        "Findings by rule and place",
        "Замечания по правилам и местам",
        "Зауваження за правилами й місцями",
    ),
    "examples": ("e.g.", "например", "наприклад"),
    "details": ("Every finding", "Все замечания", "Усі зауваження"),
    "left_out": (
        "left out here; every finding is in the JSON, CSV and SARIF reports and with --details",
        "здесь не показаны; все замечания есть в отчётах JSON, CSV и SARIF и с --details",
        "тут не показано; усі зауваження є у звітах JSON, CSV і SARIF та з --details",
    ),
    "more_groups": ("more groups", "ещё групп", "ще груп"),
    "where_portal": ("whole portal", "весь портал", "увесь портал"),
    "since": ("Since last visit", "С прошлого визита", "Від минулого візиту"),
    "new": ("new", "новые", "нові"),
    "resolved": ("resolved", "устранены", "усунуто"),
    "still_open": ("still open", "остаются", "залишаються"),
    "movements": ("Deal movements", "Движение сделок", "Рух угод"),
    "mv_won": ("won", "выиграны", "виграно"),
    "mv_lost": ("lost", "проиграны", "програно"),
    "mv_advanced": ("advanced", "продвинулись", "просунулися"),
    "mv_moved_back": ("moved back", "откатились", "відкотилися"),
    "mv_idle": ("idle", "без движения", "без руху"),
    "mv_new": ("new", "новые", "нові"),
    "before": ("before", "было", "було"),
    "after": ("after", "стало", "стало"),
    "day_unit": ("d", "дн.", "дн."),
    "from_to": ("From → to", "Откуда → куда", "Звідки → куди"),
}


_DOC_REF = re.compile(r"\s*\(?\b[\w-]+\.md\s*§\s*[\w.]+\)?")
_NEEDS = re.compile(r"^needs (?P<data>[\w ]+), which is (?P<state>[\w ]+?)(?:: (?P<why>.*))?$")
_NEEDS_TEXT = {
    "ru": "нужны данные «{data}», а они {state}",
    "uk": "потрібні дані «{data}», а вони {state}",
}
_STATES = {
    "ru": {
        "unavailable": "недоступны",
        "not_pulled": "не загружены",
        "partial": "загружены частично",
    },
    "uk": {
        "unavailable": "недоступні",
        "not_pulled": "не завантажені",
        "partial": "завантажені частково",
    },
}


def without_doc_refs(text: str) -> str:
    """A sentence without references to funnelkit's internal notes ("bitrix24.md §9")."""
    return _DOC_REF.sub("", text).strip()


def skip_reason(reason: str | None, lang: str) -> str | None:
    """Why a rule did not run, in `lang` (the vendor's own explanation stays as given)."""
    if reason is None:
        return None
    reason = without_doc_refs(reason)
    found = _NEEDS.match(reason)
    if found is None or lang not in _NEEDS_TEXT:
        return reason
    state = found["state"].replace(" ", "_")
    text = _NEEDS_TEXT[lang].format(data=found["data"], state=_STATES[lang].get(state, state))
    return f"{text}: {found['why']}" if found["why"] else text


def kind(name: str, lang: str) -> str:
    """An entity kind (deal, contact, …) in `lang`; unknown kinds as they are."""
    key = f"kind_{name}"
    return t(key, lang) if key in _UI else name


def t(key: str, lang: str) -> str:
    """A UI string in `lang` (English when the language is unknown)."""
    en, ru, uk = _UI[key]
    return {"ru": ru, "uk": uk}.get(lang, en)


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A number as the language writes it (CLDR): 1,234.5 in English, 1 234,5 in ru and uk."""
    if value is None:
        return "—"
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
