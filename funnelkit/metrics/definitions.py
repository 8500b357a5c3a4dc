"""Name and definition of every metric in en, ru and uk: the report footer prints these."""

from __future__ import annotations

# key → language → (name, definition)
DEFINITIONS: dict[str, dict[str, tuple[str, str]]] = {
    "open": {
        "en": ("Open now", "Deals currently in the stage (process stages only)."),
        "ru": (
            "Открыто сейчас",
            "Сделки, которые сейчас находятся на этапе (только рабочие этапы).",
        ),
        "uk": ("Відкрито зараз", "Угоди, що зараз перебувають на етапі (лише робочі етапи)."),
    },
    "entered_strict": {
        "en": (
            "Reached in order",
            "Deals that entered this stage and every earlier stage of the "
            "forward sequence; a deal that skipped a stage is not counted further on.",
        ),
        "ru": (
            "Дошли по порядку",
            "Сделки, побывавшие на этом этапе и на всех предыдущих; сделка, "
            "пропустившая этап, дальше не считается.",
        ),
        "uk": (
            "Дійшли по черзі",
            "Угоди, що побували на цьому етапі та на всіх попередніх; угода, "
            "яка пропустила етап, далі не рахується.",
        ),
    },
    "entered_any": {
        "en": (
            "Reached in any order",
            "Deals that entered this stage at least once, whatever the order.",
        ),
        "ru": (
            "Дошли в любом порядке",
            "Сделки, хотя бы раз побывавшие на этапе, в любом порядке.",
        ),
        "uk": (
            "Дійшли в будь-якому порядку",
            "Угоди, що хоча б раз побували на етапі, у будь-якому порядку.",
        ),
    },
    "next_step": {
        "en": (
            "Next-step conversion",
            "Deals reaching the next stage ÷ deals reaching this one "
            "(strict: in order; any: any order).",
        ),
        "ru": (
            "Конверсия в следующий этап",
            "Дошедшие до следующего этапа ÷ дошедшие до этого "
            "(строго: по порядку; любая: в любом порядке).",
        ),
        "uk": (
            "Конверсія в наступний етап",
            "Ті, що дійшли до наступного етапу ÷ ті, що дійшли до "
            "цього (строго: по черзі; будь-яка: у будь-якому порядку).",
        ),
    },
    "cumulative": {
        "en": (
            "Cumulative conversion",
            "Deals reaching this stage ÷ deals reaching the first one.",
        ),
        "ru": ("Накопленная конверсия", "Дошедшие до этого этапа ÷ дошедшие до первого."),
        "uk": ("Накопичена конверсія", "Ті, що дійшли до цього етапу ÷ ті, що дійшли до першого."),
    },
    "key_stage": {
        "en": (
            "Key stage",
            "The step with the lowest in-order next-step conversion among steps "
            "entered by at least 5 deals: where the funnel loses most revenue.",
        ),
        "ru": (
            "Ключевой этап",
            "Шаг с самой низкой конверсией по порядку среди шагов, через "
            "которые прошло не меньше 5 сделок: здесь воронка теряет больше всего выручки.",
        ),
        "uk": (
            "Ключовий етап",
            "Крок із найнижчою конверсією по черзі серед кроків, через які "
            "пройшло щонайменше 5 угод: тут воронка втрачає найбільше виручки.",
        ),
    },
    "latest_days": {
        "en": (
            "Time in stage, latest",
            "Days of each deal's most recent completed visit; deals "
            "still in the stage are not counted (median and p90).",
        ),
        "ru": (
            "Время на этапе, последнее",
            "Дни последнего завершённого пребывания сделки на "
            "этапе; сделки, ещё стоящие на нём, не учитываются (медиана и p90).",
        ),
        "uk": (
            "Час на етапі, останній",
            "Дні останнього завершеного перебування угоди на етапі; "
            "угоди, що ще стоять на ньому, не враховуються (медіана та p90).",
        ),
    },
    "cumulative_days": {
        "en": (
            "Time in stage, cumulative",
            "All completed visits of a deal to the stage summed, "
            "returns included (median and p90).",
        ),
        "ru": (
            "Время на этапе, суммарное",
            "Сумма всех завершённых пребываний сделки на этапе, включая возвраты (медиана и p90).",
        ),
        "uk": (
            "Час на етапі, сумарний",
            "Сума всіх завершених перебувань угоди на етапі, разом "
            "із поверненнями (медіана та p90).",
        ),
    },
    "win_rate": {
        "en": (
            "Win rate",
            "Won ÷ (won + lost) over closed deals; by value: the same in amounts, "
            "portal currency only.",
        ),
        "ru": (
            "Доля выигранных",
            "Выигранные ÷ (выигранные + проигранные) среди закрытых; по "
            "сумме — то же в деньгах, только в валюте портала.",
        ),
        "uk": (
            "Частка виграних",
            "Виграні ÷ (виграні + програні) серед закритих; за сумою — те "
            "саме в грошах, лише у валюті порталу.",
        ),
    },
    "sales_cycle": {
        "en": ("Sales cycle", "Days from creation to close, over closed deals (median and p90)."),
        "ru": ("Цикл сделки", "Дни от создания до закрытия по закрытым сделкам (медиана и p90)."),
        "uk": ("Цикл угоди", "Дні від створення до закриття по закритих угодах (медіана та p90)."),
    },
    "lost_by_reason": {
        "en": (
            "Lost by reason",
            "Lost deals per loss reason (amoCRM) or per failure stage "
            "(Bitrix24, where there are several).",
        ),
        "ru": (
            "Проигрыши по причинам",
            "Проигранные сделки по причине отказа (amoCRM) или по "
            "этапу провала (Битрикс24, если их несколько).",
        ),
        "uk": (
            "Програші за причинами",
            "Програні угоди за причиною відмови (amoCRM) або за "
            "етапом провалу (Бітрікс24, якщо їх кілька).",
        ),
    },
    "reentering_clients": {
        "en": ("Clients entering twice", "Contacts with more than one deal in the same funnel."),
        "ru": ("Повторные входы", "Контакты, у которых больше одной сделки в одной воронке."),
        "uk": ("Повторні входи", "Контакти, що мають більше однієї угоди в одній воронці."),
    },
    "weighted_pipeline": {
        "en": ("Weighted pipeline", "Open amounts × the stage probability from the blueprint."),
        "ru": ("Взвешенная воронка", "Суммы открытых сделок × вероятность этапа из блюпринта."),
        "uk": ("Зважена воронка", "Суми відкритих угод × імовірність етапу з блюпринта."),
    },
    "open_without_task": {
        "en": ("Open deals without a task", "Open deals of the manager with no open task."),
        "ru": ("Открытые сделки без задачи", "Открытые сделки менеджера без открытой задачи."),
        "uk": ("Відкриті угоди без задачі", "Відкриті угоди менеджера без відкритої задачі."),
    },
    "ltv": {
        "en": (
            "LTV",
            "Sum of the client's won deals, per currency (never added across currencies).",
        ),
        "ru": (
            "LTV",
            "Сумма выигранных сделок клиента по валютам (разные валюты не складываются).",
        ),
        "uk": ("LTV", "Сума виграних угод клієнта за валютами (різні валюти не додаються)."),
    },
    "days_since_interaction": {
        "en": (
            "Days since interaction",
            "Days since the last call, e-mail, meeting, message or "
            "recorded activity with the client.",
        ),
        "ru": (
            "Дней без контакта",
            "Дни с последнего звонка, письма, встречи, сообщения или "
            "отмеченной активности с клиентом.",
        ),
        "uk": (
            "Днів без контакту",
            "Дні від останнього дзвінка, листа, зустрічі, повідомлення чи "
            "зафіксованої активності з клієнтом.",
        ),
    },
    "lead_conversion": {
        "en": ("Lead → deal by source", "Leads of each source that reached the converted status."),
        "ru": (
            "Лид → сделка по источнику",
            "Лиды каждого источника, дошедшие до статуса «сконвертирован».",
        ),
        "uk": (
            "Лід → угода за джерелом",
            "Ліди кожного джерела, що дійшли до статусу «сконвертовано».",
        ),
    },
}


def definition(key: str, lang: str) -> tuple[str, str]:
    """(name, definition) of a metric in a language, English when missing."""
    entry = DEFINITIONS[key]
    return entry.get(lang) or entry["en"]
