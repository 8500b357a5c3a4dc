"""Plans as a self-contained HTML page, through the same templates and words as the audit."""

from __future__ import annotations

from typing import Any

from funnelkit.blueprint.plan import Plan
from funnelkit.report.catalog import gettext
from funnelkit.report.html import _environment
from funnelkit.report.plan_words import line, word


def plan_document(plan: Plan) -> dict[str, Any]:
    """A plan as template data: its JSON form, with each change's kind beside it."""
    data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True)
    data["counts"] = plan.counts()
    for change, row in zip(plan.changes, data["changes"], strict=True):
        row["kind"] = change.kind
    return data


def plan_to_html(plan: Plan, lang: str) -> str:
    """Render a plan."""
    env = _environment()
    env.globals.update(
        line=line,
        plan_word=word,
        plan_kind=lambda kind, lang: gettext(kind, lang, "plan.kind"),
    )
    template = env.get_template("plan.html.j2")
    return template.render(plan=plan_document(plan), lang=lang)
