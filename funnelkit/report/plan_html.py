"""Plans as a self-contained HTML page, through the same templates and words as the audit."""

from __future__ import annotations

import json
from typing import Any

from funnelkit.report.catalog import gettext
from funnelkit.report.html import _environment
from funnelkit.report.plan_words import line, word


def plan_document(plan_json: str) -> dict[str, Any]:
    """A saved or rendered plan (`funnelkit.plan/1` JSON) as template data."""
    data: dict[str, Any] = json.loads(plan_json)
    for change in data.get("changes", []):
        change["kind"] = str(change["op"]).split("_")[0]
    return data


def plan_to_html(plan_json: str, lang: str) -> str:
    """Render a plan."""
    env = _environment()
    env.globals.update(
        line=line,
        plan_word=word,
        plan_kind=lambda kind, lang: gettext(kind, lang, "plan.kind"),
    )
    template = env.get_template("plan.html.j2")
    return template.render(plan=plan_document(plan_json), lang=lang)
