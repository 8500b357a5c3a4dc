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
HELPER_NAMES = re.compile(
    r"замерщик|замірник|юрист|монтажник|дизайнер|инженер|інженер|технолог|курьер|кур.єр|"
    r"сметчик|кошторисник|прораб|помощник|помічник|исполнитель|виконавець|"
    r"measurer|surveyor|lawyer|installer|designer|engineer|courier|estimator|assistant",
    re.I,
)
DEAL_ENTITIES = frozenset({"deal", "deals", "lead", "leads", "crm_deal", "crm_lead"})


class HelperEmployeeField(Rule):
    """Deal fields that name a helper employee («Замерщик», «Юрист»); informational.

    What it finds: custom fields of deals or leads whose type is a portal user, or a choice /
    text field named after a helper role (amoCRM has no user-type field).
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
                ru="Поле «{subject}» ({entity}) указывает сотрудника-помощника",
                uk="Поле «{subject}» ({entity}) вказує співробітника-помічника",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for field in sorted(ctx.structure.custom_fields, key=lambda f: (f.entity, f.id)):
            if field.entity.lower() not in DEAL_ENTITIES:
                continue
            kind = field.type.lower()
            if kind in USER_TYPES or (kind in CHOICE_TYPES and HELPER_NAMES.search(field.name)):
                yield self.finding(
                    Subject("field", field.id, field.name), entity=field.entity, type=field.type
                )
