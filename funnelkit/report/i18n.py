"""Report words in en, ru and uk; numbers and dates the way each language writes them."""

from __future__ import annotations

from datetime import UTC, datetime

LANGS = ("en", "ru", "uk")

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
}


def kind(name: str, lang: str) -> str:
    """An entity kind (deal, contact, …) in `lang`; unknown kinds as they are."""
    key = f"kind_{name}"
    return t(key, lang) if key in _UI else name


def t(key: str, lang: str) -> str:
    """A UI string in `lang` (English when the language is unknown)."""
    en, ru, uk = _UI[key]
    return {"ru": ru, "uk": uk}.get(lang, en)


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """1,234.5 in English; 1 234,5 in Russian and Ukrainian (narrow no-break space)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang in ("ru", "uk"):
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float | None, lang: str) -> str:
    """A share as a percentage with one decimal."""
    if value is None:
        return "—"
    return number(value * 100, lang, 1) + ("\u00a0%" if lang in ("ru", "uk") else "%")


def date(epoch: int | None, lang: str) -> str:
    """A day: 2026-01-31 in English, 31.01.2026 in ru/uk."""
    if epoch is None:
        return "—"
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%d.%m.%Y") if lang in ("ru", "uk") else moment.strftime("%Y-%m-%d")


def when(iso_text: str | None, lang: str) -> str:
    """An ISO-8601 UTC moment as the language writes it, to the minute."""
    if not iso_text:
        return "—"
    try:
        moment = datetime.fromisoformat(iso_text.replace("Z", "+00:00"))
    except ValueError:
        return iso_text
    pattern = "%d.%m.%Y %H:%M UTC" if lang in ("ru", "uk") else "%Y-%m-%d %H:%M UTC"
    return moment.astimezone(UTC).strftime(pattern)


def money(by_currency: dict[str, float], lang: str) -> str:
    """Sums per currency, never added across currencies."""
    if not by_currency:
        return "—"
    return ", ".join(f"{number(v, lang)} {c}" for c, v in sorted(by_currency.items()))
