"""The messy portal's funnels per vendor; stage names come from real portals.

Names are taken from `shared/data/fast_bitrix24/deal_category_stages.json`, from
`shared/data/labelled-funnels/dev.yaml` and from the standard funnels of article 000
(see `data/README.md`). Planted names carry the label dev.yaml gives them.
"""

from __future__ import annotations

import random

from funnelkit.emulator.generate.layout import (
    DUMP,
    GENERIC_LOST,
    GRANULAR,
    LOST,
    MERGED,
    OTHER_LOST,
    UNSORTED,
    WON,
    FunnelSpec,
    StageSpec,
)
from funnelkit.emulator.state import LEAD_FUNNEL_ID
from funnelkit.model import FunnelKind

S = StageSpec
REASONS = ("Дорого", "Выбрал конкурента", "Не актуально", "Нашел дешевле", "Не лид")
SALES_IN_LEAD = ("FK401",)
GRANULAR_CODES = ("FK104",)
# Planted stages are not always the textbook example: the parking stage and the task glued
# to a wait come in the wordings portals actually use (article 001's are the first ones).
DUMP_NAMES = (
    "Клиент думает",
    "Думает над предложением",
    "Отложенное решение",
    "Вернуться позже",
    "Клиент взял паузу",
)
MERGED_NAMES = (
    "Подготовить КП и согласовать с клиентом",
    "Расчёт сметы и согласование",
    "Подготовка договора и ожидание подписи",
    "Подготовка КП и ожидание ответа",
)

# Funnel-level notes, shared by both vendors.
NOTE_402 = "few leads; the same manager qualifies the lead and sells the deal"
NOTE_403 = "every product goes through this one funnel"
NOTE_405 = "a second department takes deals over by reassignment from «Договор/счет отправлен»"
NOTE_105 = "12 working stages in a cold-calls funnel"
NOTE_501 = "no tunnel in or out, no deal moves or shared contacts"


def _uc(rng: random.Random) -> str:
    """A custom Bitrix24 stage code: UC_ and six random letters/digits, as the portal makes."""
    return "UC_" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(6))


def bitrix24_layout(rng: random.Random) -> list[FunnelSpec]:
    """Category 0 plus three, and the lead statuses (bitrix24.md §6.3 ids and prefixes)."""

    def cat(n: int, codes: list[str]) -> list[str]:
        return [f"C{n}:{c}" for c in codes]

    lead = FunnelSpec(
        key="lead",
        id=LEAD_FUNNEL_ID,
        name="Лиды",
        kind=FunnelKind.LEAD,
        share=0.03,
        spawn="primary",
        codes=(("FK401", "sales stages in the lead statuses"), ("FK402", NOTE_402)),
        stages=(
            S("NEW", "Не обработан", system=True),
            S("IN_PROCESS", "Квалификация"),
            S(_uc(rng), "Отправлено КП", codes=SALES_IN_LEAD),
            S(_uc(rng), "Счёт выставлен", codes=SALES_IN_LEAD),
            S("CONVERTED", "Качественный лид", WON, system=True),
            S("JUNK", "Некачественный лид", LOST, system=True),
        ),
    )
    reasons = [S(_uc(rng), name, LOST) for name in REASONS[:3]]
    primary = FunnelSpec(
        key="primary",
        id="0",
        name="Общая",
        is_default=True,
        share=0.55,
        spawn="client",
        products="all",
        codes=(("FK403", NOTE_403), ("FK405", NOTE_405)),
        stages=(
            S("NEW", "Новая заявка", system=True),
            S("PREPARATION", "Квалификация пройдена"),
            S(
                "PREPAYMENT_INVOICE",
                rng.choice(MERGED_NAMES),
                MERGED,
                codes=("FK103",),
            ),
            S("EXECUTING", "В работе", codes=("FK102",)),
            S("FINAL_INVOICE", "Договор/счет отправлен", late=True),
            S(_uc(rng), rng.choice(DUMP_NAMES), DUMP, factor=3.0, codes=("FK101",)),
            S("WON", "Сделка успешна", WON, system=True),
            S("LOSE", "Сделка провалена", GENERIC_LOST, system=True),
            S("APOLOGY", "Анализ причины провала", OTHER_LOST),
            *reasons,
        ),
    )
    cold_names = [
        ("Новый контакт", ()),
        ("Недозвон 1", GRANULAR_CODES),
        ("Недозвон 2", GRANULAR_CODES),
        ("Недозвон 3", GRANULAR_CODES),
        ("Не прошёл секретаря", ()),
        ("Вышел на ЛПР", ()),
        ("Презентовали компанию", ()),
        ("Презентовали платформу", GRANULAR_CODES),
        ("Вручили оффер", ()),
        ("Согласие", ()),
        ("Заполнена анкета", ()),
        ("Готов к сотрудничеству", ()),
    ]
    cold_ids = cat(2, ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"])
    cold_ids += [f"C2:{_uc(rng)[3:]}" for _ in range(len(cold_names) - len(cold_ids))]
    cold = FunnelSpec(
        key="cold",
        id="2",
        name="Холодные звонки",
        share=0.15,
        spawn="primary",
        codes=(("FK105", NOTE_105),),
        stages=(
            *(
                S(
                    sid,
                    name,
                    GRANULAR if codes else "work",
                    factor=0.1 if codes else 0.5,
                    codes=codes,
                )
                for sid, (name, codes) in zip(cold_ids, cold_names, strict=True)
            ),
            S("C2:WON", "Передан в продажи", WON, system=True),
            S("C2:LOSE", "Отказ", LOST, system=True),
        ),
    )
    client = FunnelSpec(
        key="client",
        id="4",
        name="Повторные продажи",
        dept="C",
        stages=(
            S("C4:NEW", "Активный клиент", factor=4.0, system=True),
            S("C4:PREPARATION", "Заявка получена"),
            S("C4:EXECUTING", "Договор/Счет отправлен"),
            S("C4:WON", "Оплата получена", WON, system=True),
            S("C4:LOSE", "Сделка провалена", LOST, system=True),
        ),
    )
    production = FunnelSpec(
        key="production",
        id="8",
        name="Производство",
        dept="C",
        products="gtx",
        codes=(("FK501", NOTE_501),),
        stages=(
            S("C8:NEW", "Заказ принят", system=True),
            S("C8:PREPARATION", "Передано в комплектацию"),
            S("C8:EXECUTING", "Комплектуется"),
            S("C8:FINAL_INVOICE", "Передано курьеру (служба доставки)"),
            S("C8:WON", "Выполнен", WON, system=True),
            S("C8:LOSE", "Отмена", LOST, system=True),
        ),
    )
    return [lead, primary, cold, client, production]


def amocrm_layout(rng: random.Random) -> list[FunnelSpec]:
    """Five pipelines, each with unsorted, 142 and 143 (amocrm.md §5.1, §12.1)."""
    counter = iter(range(61_000_001 + rng.randrange(1000) * 100, 10**9))
    base_pipeline = 7_010_001 + rng.randrange(1000) * 10

    def st(name: str, tag: str = "work", **kw: object) -> StageSpec:
        return S(str(next(counter)), name, tag, **kw)  # type: ignore[arg-type]

    def system(name_won: str) -> tuple[StageSpec, StageSpec]:
        return (
            S("142", name_won, WON, system=True, color="#CCFF66"),
            S("143", "Закрыто и не реализовано", LOST, system=True, color="#D5D8DB"),
        )

    def unsorted() -> StageSpec:
        extras = (("type", "1"),)
        return st(
            "Неразобранное", UNSORTED, factor=0.01, system=True, color="#c1c1c1", extras=extras
        )

    def pid(n: int) -> str:
        return str(base_pipeline + n)

    lead = FunnelSpec(
        key="lead",
        id=pid(1),
        name="Лиды",
        share=0.03,
        spawn="primary",
        codes=(("FK401", "sales stages in the lead pipeline"), ("FK402", NOTE_402)),
        stages=(
            unsorted(),
            st("Новая заявка"),
            st("Квалификация"),
            st("КП отправлено", codes=SALES_IN_LEAD),
            st("Счёт выставлен", codes=SALES_IN_LEAD),
            *system("Квалифицирован"),
        ),
    )
    primary = FunnelSpec(
        key="primary",
        id=pid(0),
        name="Продажи",
        is_default=True,
        share=0.55,
        spawn="client",
        products="all",
        codes=(("FK403", NOTE_403), ("FK405", NOTE_405)),
        stages=(
            unsorted(),
            st("Новая заявка"),
            st("Квалификация пройдена"),
            st(rng.choice(MERGED_NAMES), MERGED, codes=("FK103",)),
            st("Переговоры", codes=("FK102",)),
            st("Договор/счет отправлен", late=True),
            st(rng.choice(DUMP_NAMES), DUMP, factor=3.0, codes=("FK101",)),
            *system("Успешно реализовано"),
        ),
    )
    cold = FunnelSpec(
        key="cold",
        id=pid(2),
        name="Холодные звонки",
        share=0.15,
        spawn="primary",
        codes=(("FK105", NOTE_105),),
        stages=(
            unsorted(),
            st("Новый контакт", factor=0.5),
            *(st(f"Недозвон {n}", GRANULAR, factor=0.1, codes=GRANULAR_CODES) for n in (1, 2, 3)),
            st("Не прошёл секретаря", factor=0.5),
            st("Вышел на ЛПР", factor=0.5),
            st("Презентовали компанию", factor=0.5),
            st("Презентовали платформу", GRANULAR, factor=0.1, codes=GRANULAR_CODES),
            st("Вручили оффер", factor=0.5),
            st("Согласие", factor=0.5),
            st("Заполнена анкета", factor=0.5),
            st("Готов к сотрудничеству", factor=0.5),
            *system("Передан в продажи"),
        ),
    )
    client = FunnelSpec(
        key="client",
        id=pid(3),
        name="Клиентская база",
        dept="C",
        stages=(
            unsorted(),
            st("Активный клиент", factor=4.0),
            st("Заявка получена"),
            st("Договор/Счет отправлен"),
            *system("Оплата получена"),
        ),
    )
    production = FunnelSpec(
        key="production",
        id=pid(4),
        name="Производство",
        dept="C",
        products="gtx",
        codes=(("FK501", NOTE_501),),
        stages=(
            unsorted(),
            st("Заказ принят"),
            st("Передано в комплектацию"),
            st("Комплектуется"),
            st("Передано курьеру (служба доставки)"),
            *system("Выполнен"),
        ),
    )
    return [lead, primary, cold, client, production]


TASK_SUBJECTS = ("Перезвонить клиенту", "Отправить КП", "Уточнить потребность", "Получить оплату")
DEAL_SOURCES = ("WEB", "CALL", "EMAIL", "ADVERTISING", "RECOMMENDATION")
REASON_NAMES = (*REASONS, "Ищет другой товар", "Отложенный спрос")
