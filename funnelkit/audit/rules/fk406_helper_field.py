"""FK406 funnels.helper-employee-field: user fields naming a helper employee (informational)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet

# Field types that hold a portal user (Bitrix24 `employee`). amoCRM has no user field type,
# so there a helper is a select / text field named after the role («Замерщик»).
USER_TYPES = frozenset({"employee", "user", "users", "responsible"})
CHOICE_TYPES = frozenset({"select", "multiselect", "radiobutton", "enumeration", "string", "text"})
# A helper field is one named after a role (article 001: «Замерщик», the measurer who
# joins the deal), whatever the role is: roles are recognised by the word, not by a list
# of the few the article happens to mention. Known role words first, then the suffixes
# Russian and Ukrainian build person-by-occupation nouns with (-щик, -чик, -тель, -ист,
# -ник, -лог, -ач), minus the common non-person nouns those suffixes also build.
ROLE_WORDS = re.compile(
    r"^(менеджер|специалист|спеціаліст|ответствен|відповідальн|сотрудник|співробітник|"
    r"помощ|поміч|исполнител|виконав|мастер|майстер|бухгалтер|логист|логіст|водител|"
    r"водій|оператор|консультант|эксперт|експерт|юрист|дизайнер|курьер|кур.єр|технолог|"
    r"инженер|інженер|прораб|монтаж|замерщик|замірник|сметчик|кошторисник|агент|"
    r"координатор|куратор|наставник|архитектор|архітектор|фотограф|врач|лікар|"
    r"manager|specialist|assistant|engineer|designer|installer|measurer|surveyor|lawyer|"
    r"courier|estimator|consultant|coordinator|agent|expert|driver|accountant)",
    re.I,
)
ROLE_SUFFIX = re.compile(r"(щик|щиц|чик|тель|ист|ник|лог|ач)(а|у|ом|и|ы|ів|ей)?$", re.I)
NOT_PERSONS = frozenset(
    {
        "источник",
        "джерело",
        "понедельник",
        "вторник",
        "праздник",
        "справочник",
        "довідник",
        "ежедневник",
        "список",
        "счётчик",
        "счетчик",
        "лічильник",
        "каталог",
        "диалог",
        "діалог",
        "налог",
        "аналог",
        "некролог",
        "пролог",
        "числитель",
        "показатель",
        "показник",
        "двигатель",
        "выключатель",
        "вимикач",
        "смеситель",
        "носитель",
        "регистр",
        "твист",
        "лист",
        "аркуш",
    }
)
WORD = re.compile(r"[^\W\d_]+", re.U)


def names_a_role(name: str) -> bool:
    """True when some word of a field's name is a person by occupation."""
    for word in WORD.findall(name.lower()):
        if word in NOT_PERSONS or len(word) < 4:
            continue
        if ROLE_WORDS.match(word) or (len(word) >= 6 and ROLE_SUFFIX.search(word)):
            return True
    return False


DEAL_ENTITIES = frozenset({"deal", "deals", "lead", "leads", "crm_deal", "crm_lead"})


class HelperEmployeeField(Rule):
    """Deal fields that name a helper employee («Замерщик», «Юрист»); informational.

    What it finds: staff-valued custom fields of deals or leads (a portal user, or on amoCRM,
    which has no user type, a choice / text field) named after a role — any role, recognised
    by the word («Логист», «Установщик»), not only the roles the article names.
    Why it matters (article 001): a helper-employee field is a fine way to involve a
    measurer or lawyer at one stage without handing the deal over; listed so the consultant
    can check it is used that way and not as a second responsible.
    How it is detected: custom field definitions only (type, and the name for choice fields).
    Configuration: none.
    """

    meta = RuleMeta(
        code="FK406",
        name="funnels.helper-employee-field",
        group="funnels",
        domain_item="6",
        severity=Severity.INFO,
        requires=frozenset({DataSet.CUSTOM_FIELDS}),
        title=Text(
            en="Helper employees are involved through a field, not by handing the deal over",
        ),
        rationale=Text(
            en="A user field such as «Measurer» lets a helper do one step while the deal "
            "stays with its manager; check it is not a hidden second owner.",
        ),
        remedy=Text(
            en="Keep the field for one-stage help; if the helper runs a whole process, give "
            "it its own funnel.",
        ),
        messages={
            "default": Text(
                en="Field «{subject}» ({entity}) names a helper employee",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for field in sorted(ctx.structure.custom_fields, key=lambda f: (f.entity, f.id)):
            if field.entity.lower() not in DEAL_ENTITIES:
                continue
            kind = field.type.lower()
            # a staff-valued field (a portal user, or a choice / text field on amoCRM, which
            # has no user type) is a helper field when it is named after a role
            if (kind in USER_TYPES or kind in CHOICE_TYPES) and names_a_role(field.name):
                yield self.finding(
                    Subject("field", field.id, field.name), entity=field.entity, type=field.type
                )
