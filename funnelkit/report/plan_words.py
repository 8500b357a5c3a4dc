"""The lines a plan or drift report prints, in the reader's language.

The planner writes each change's summary, each refusal, warning and manual step in English
(they are part of the saved plan, whose checksum must not depend on a language). Their shapes
are few and fixed; each is listed here once with its slots, so a line is read back into its
shape and values and written again from the catalog (context `plan.line`). A line of no known
shape stays as the planner wrote it.

Slots: `{deals}` is "12 deals" or "an unknown number of deals" (said with the plural form
the language needs), `{n}` a whole number, `{pct}` a percentage, `{key}` a quoted blueprint
key; any other slot is text, itself read again (a `{where}` is "stage «X» of «Y»").
"""

from __future__ import annotations

import re
from functools import lru_cache

from funnelkit.report.catalog import gettext
from funnelkit.report.i18n import noun, number
from funnelkit.report.phrases import without_doc_refs

#: Every line shape of a plan or drift, in English.
LINES: tuple[str, ...] = (
    # changes
    "create funnel «{name}» in smart process «{process}»",  # before the shape it extends
    "create funnel «{name}»",
    "rename funnel «{old}» → «{new}»",
    "rename funnel «{old}» → «{new}» ({deals})",
    "create stage «{name}» in «{funnel}»",
    "create stage «{name}» ({semantics}) in «{funnel}»",
    "rename stage «{old}» → «{new}» in «{funnel}»",
    "rename stage «{old}» → «{new}» ({deals}) in «{funnel}»",
    "recolour «{name}» in «{funnel}»",
    "delete the old «{name}» ({semantics})",
    "delete the unused default stage {code} of the new «{funnel}»",
    "reorder the stages of «{funnel}»",
    "move {deals} from «{stage}» to {target}",
    "merge {where} ({deals}) into {target}, then delete it",
    "merge {where} into {target}, then delete it",
    "move deals (merge) {step}",
    "delete (after merge) {step}",
    "delete {where}",
    "create loss reason «{name}»",
    "delete loss reason «{name}»",
    "«{stage}» of «{funnel}»",
    "stage «{stage}» of «{funnel}»",
    "funnel «{funnel}»",
    # safety, refusals and warnings
    "removes {where} holding {deals}",
    "{where} holds {deals} and the blueprint gives no move_deals_to",
    "{where} cannot be removed: {why}",
    "stage «{stage}» changes from {old} to {new} (recreated; {deals} move)",
    "stage «{stage}» changes from {old} to {new}: {why}",
    "funnel «{funnel}»: {done} of {total} stages would be created (more than {pct})",
    "funnel «{funnel}»: {done} of {total} stages would be updated (more than {pct})",
    "funnel «{funnel}»: {done} of {total} stages would be deleted (more than {pct})",
    "{done} of {total} funnels would be created (more than {pct})",
    "{done} of {total} funnels would be updated (more than {pct})",
    "{done} of {total} funnels would be deleted (more than {pct})",
    "funnel {key}: the portal shows no lead funnel; Bitrix24 cannot create one over REST "
    "(turn leads on in CRM settings, then plan again)",
    "funnel {key}: amoCRM has no lead entity; it becomes an ordinary pipeline",
    "funnel {key}: amoCRM has no smart processes; it becomes an ordinary pipeline",
    "funnel {key}: the portal has no smart process «{process}» (or several by that name); "
    "create it in Bitrix24 (CRM → Smart processes), then plan again",
    "funnel {key}: the smart process «{process}» has funnels switched off; switch them on in "
    "its settings in Bitrix24, then plan again",
    "loss reason «{old}» differs from «{new}»; rename it by hand",
    "stage {ref}: amoCRM has one won (142) and one lost (143) status per pipeline; declare "
    "further reasons as loss_reasons",
    "stage {ref}: the funnel keeps its success stage «{old}» (one per funnel); declare "
    "`renamed_from: {same}` to make it «{new}»",
    "stage {ref}: amoCRM names and colours its won/lost status only when the pipeline is "
    "created; «{name}» stays as it is",
    "{kind} «{old}» holds {deals}: renaming it to «{new}» would change what they mean; "
    "declare `renamed_from: {same}` on {kind2} {key} to rename it",
    # manual steps
    "tunnel (move): «{from_funnel}» / «{from_stage}» ⇒ «{to_funnel}» / «{to_stage}»",
    "tunnel (copy): «{from_funnel}» / «{from_stage}» ⇒ «{to_funnel}» / «{to_stage}»",
    "Bitrix24 has no REST method for tunnels: set it up by hand.",
    "CRM → Deals → funnel «{funnel}» → Sales tunnels («Туннели продаж»).",
    "Drag a tunnel from stage «{stage}» to funnel «{to_funnel}», stage «{to_stage}».",
    "Set the tunnel to copy the deal.",
    "Set the tunnel to move the deal.",
    "amoCRM's Digital Pipeline cannot be written over the API.",
    "Leads → pipeline «{funnel}» → Automate («Цифровая воронка»).",
    "On stage «{stage}» add the action «Change stage» («Сменить этап») → pipeline «{to_funnel}», "
    "stage «{to_stage}».",
    "On stage «{stage}» add an action creating a lead for the same contact in «{to_funnel}» / "
    "«{to_stage}» (no copy action is documented; unverified: a Salesbot or widget may be "
    "needed).",
    "Settings → Leads → loss reasons: create «{name}».",
    "Settings → Leads → loss reasons: delete «{name}».",
    "Note: {note}",
    "its funnels do not exist yet",
    "the portal reports this tunnel ({source})",
    "{deals} moved from the source funnel to the target",
    "{deals} appeared in the target for the same contacts",
    # drift
    "funnel «{name}» (id {id})",
    "stage «{name}» (id {id})",
    "loss_reason «{name}» (id {id})",
)

_SLOTS = {
    "deals": r"(?:\d+|an unknown number of) deals",
    "n": r"\d+",
    "done": r"\d+",
    "total": r"\d+",
    "pct": r"\d+%",
    "key": r"'[^']*'",
    "ref": r"[\w./-]+",
}
_SLOT = re.compile(r"\{(\w+)\}")
#: Slots holding text from the portal or the blueprint, never read again as a line.
_OPAQUE = frozenset(
    {"name", "old", "new", "funnel", "stage", "to_funnel", "to_stage", "from_funnel",
     "from_stage", "code", "id", "same", "note", "source", "semantics", "kind", "kind2", "ref"}
)  # fmt: skip


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for line in LINES:
        parts, pos = [], 0
        for slot in _SLOT.finditer(line):
            parts.append(re.escape(line[pos : slot.start()]))
            name = slot[1]
            parts.append(f"(?P<{name}>{_SLOTS.get(name, '.+?')})")
            pos = slot.end()
        parts.append(re.escape(line[pos:]))
        out.append((re.compile("".join(parts)), line))
    return out


def _slot(name: str, value: str, lang: str) -> str:
    if name == "deals":
        count = value.removesuffix(" deals")
        if not count.isdigit():
            return gettext("an unknown number of deals", lang, "plan.word")
        return noun(int(count), "deal", lang)
    if name in ("n", "done", "total"):
        return number(int(value), lang)
    if name == "pct":
        return number(int(value[:-1]), lang) + ("\u00a0%" if lang in ("ru", "uk") else "%")
    if name in ("semantics", "old", "new") and value in SEMANTICS:
        return gettext(value, lang, "plan.semantics")
    if name in ("kind", "kind2"):
        return gettext(value, lang, "plan.kind") if value in KINDS else value
    if name in _OPAQUE:
        return value
    return line(value, lang)


def line(text: str, lang: str) -> str:
    """One plan or drift line in `lang`; a line of no known shape as the planner wrote it."""
    text = without_doc_refs(text)
    if lang == "en" or not text:
        return text
    for pattern, english in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            values = {k: _slot(k, v, lang) for k, v in found.groupdict().items()}
            return gettext(english, lang, "plan.line").format(**values)
    return text


#: What a plan line can be about (the `{kind}` slots).
KINDS = ("funnel", "stage", "loss_reason")
#: Stage semantics as plans name them.
SEMANTICS = ("process", "success", "failure")
#: Words of the plan and drift layout (context `plan.word`).
WORDS: dict[str, str] = {
    "plan_for": "Plan for {vendor} {domain} from blueprint {blueprint}",
    "to_create": "{n} to create",
    "to_update": "{n} to update",
    "to_reorder": "{n} to reorder",
    "to_move": "{n} to move",
    "to_delete": "{n} to delete",
    "no_changes": "no changes",
    "needs_force": "needs --force",
    "refused": "refused",
    "threshold": "threshold",
    "unmanaged": "Unmanaged (left alone):",
    "in_funnel": "in «{funnel}»",
    "manual": "Manual steps (not counted as changes):",
    "warning": "warning",
    "checksum": "checksum",
    "pending": "pending",
    "verified": "verified",
    "unverifiable": "unverifiable",
    "done": "done",
    "unknown_deals": "an unknown number of deals",
    "drift_of": "Drift of {vendor} {domain} from {blueprint}: {state}",
    "in_sync": "in sync",
    "drifted": "drifted",
    "unmanaged_count": "unmanaged",
    "changed": "changed",
    "missing": "missing",
    "unmanaged_fails": "unmanaged (not declared by the blueprint; drift):",
    "unmanaged_listed": "unmanaged (not declared by the blueprint; listed; --fail-on-unmanaged "
    "fails):",
    "accepted": "accepted",
    "tunnels": "tunnels not verified yet (informational):",
    "change": "change",
    "safety": "safety",
    "category": "category",
    "object": "object",
    "detail": "detail",
    "manual_short": "Manual steps",
    "unmanaged_left": "unmanaged objects left alone",
    "unmanaged_md": "Unmanaged (not declared by the blueprint)",
    "tunnels_md": "Tunnels not verified yet:",
    "plan_md": "funnelkit plan",
    "drift_md": "funnelkit drift",
}


def word(key: str, lang: str) -> str:
    """A word of the plan and drift layout in `lang`."""
    return gettext(WORDS[key], lang, "plan.word")
