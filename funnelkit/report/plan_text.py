"""Plans and drift as text and markdown (PR comments, CI summaries), in the reader's language.

The layout words come from `plan_words.WORDS`, each planner line goes through
`plan_words.line`; the plan itself (and its checksum) stays as the planner wrote it.
"""

from __future__ import annotations

from functools import partial

from funnelkit.blueprint.drift import DriftReport
from funnelkit.blueprint.plan import Plan
from funnelkit.model import Change, MergeStage
from funnelkit.report.plan_words import line, word

_SIGN = {"create": "+", "update": "~", "reorder": "↕", "move": "→", "delete": "-"}


def _sign(change: Change) -> str:
    """One character per kind of change; a merge moves and deletes, so it has its own."""
    return "⇉" if isinstance(change, MergeStage) else _SIGN[change.kind]


def _counts(plan: Plan, lang: str, bold: bool = False) -> list[str]:
    """«10 to create, 40 to update» (markdown: every kind, the count in bold)."""
    out = []
    for kind, n in plan.counts().items():
        if n or bold:
            out.append(word(f"to_{kind}", lang).format(n=f"**{n}**" if bold else str(n)))
    return out


def plan_text(plan: Plan, lang: str = "en") -> str:
    """The plan for a terminal: counts, ordered changes, refusals, manual steps."""
    w = partial(word, lang=lang)
    title = w("plan_for").format(
        vendor=plan.vendor, domain=plan.domain, blueprint=repr(plan.blueprint)
    )
    lines = [title, f"  {', '.join(_counts(plan, lang)) or w('no_changes')}"]
    for change in plan.changes:
        unsafe = change.unsafe_reason
        extra = f"  [{w('needs_force')}: {line(unsafe, lang)}]" if unsafe else ""
        lines.append(f"  {_sign(change)} {line(change.summary, lang)}{extra}")
    for refusal in plan.refusals:
        lines.append(f"  ✗ {w('refused')}: {line(refusal, lang)}")
    for problem in plan.threshold_problems:
        lines.append(f"  ! {w('threshold')}: {line(problem, lang)} ({w('needs_force')})")
    if plan.unmanaged:
        lines.append(w("unmanaged"))
        for u in plan.unmanaged:
            where = " " + w("in_funnel").format(funnel=u.funnel_name) if u.funnel_name else ""
            what = line(f"{u.kind} «{u.name}» (id {u.id})", lang)
            lines.append(f"  · {what}{where}")
    if plan.manual:
        lines.append(w("manual"))
        for step in plan.manual:
            evidence = f" — {line(step.evidence, lang)}" if step.evidence else ""
            lines.append(f"  [{w(step.status)}] {line(step.title, lang)}{evidence}")
            lines.extend(f"      {n}. {line(text, lang)}" for n, text in enumerate(step.steps, 1))
    for warning in plan.warnings:
        lines.append(f"{w('warning')}: {line(warning, lang)}")
    lines.append(f"{w('checksum')}: {plan.checksum}")
    return "\n".join(lines) + "\n"


def plan_markdown(plan: Plan, lang: str = "en") -> str:
    """The plan as a PR comment."""
    w = partial(word, lang=lang)
    out = [f"### {w('plan_md')}: `{plan.blueprint}` → {plan.vendor} `{plan.domain}`", ""]
    out.append(" | ".join(_counts(plan, lang, bold=True)))
    out.append("")
    if plan.changes:
        out += [f"| | {w('change')} | {w('safety')} |", "|---|---|---|"]
        for change in plan.changes:
            unsafe = change.unsafe_reason
            safety = f"{w('needs_force')}: {line(unsafe, lang)}" if unsafe else ""
            summary = line(change.summary, lang)
            out.append(f"| {_sign(change)} | {_md(summary)} | {_md(safety)} |")
        out.append("")
    for refusal in plan.refusals:
        out.append(f"- ✗ **{w('refused')}**: {_md(line(refusal, lang))}")
    for problem in plan.threshold_problems:
        out.append(f"- ⚠ {w('threshold')}: {_md(line(problem, lang))}")
    if plan.manual:
        out += ["", f"<details><summary>{w('manual_short')}</summary>", ""]
        for step in plan.manual:
            mark = "x" if step.status == "verified" else " "
            out.append(f"- [{mark}] {_md(line(step.title, lang))}")
            out.extend(f"  {n}. {_md(line(text, lang))}" for n, text in enumerate(step.steps, 1))
        out += ["", "</details>"]
    if plan.unmanaged:
        out += ["", f"{w('unmanaged_left')}: {len(plan.unmanaged)}."]
    out += ["", f"{w('checksum')} `{plan.checksum}`"]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _state(report: DriftReport, lang: str) -> str:
    if report.in_sync:
        state = word("in_sync", lang)
    else:
        state = f"{word('drifted', lang)}: {len(report.drifted)}"
    if report.unmanaged:
        state += f"; {word('unmanaged_count', lang)}: {len(report.unmanaged)}"
    return state


def drift_text(report: DriftReport, lang: str = "en") -> str:
    """Drift for a terminal."""
    title = word("drift_of", lang).format(
        vendor=report.vendor,
        domain=report.domain,
        blueprint=repr(report.blueprint),
        state=_state(report, lang),
    )
    lines = [title]
    for category in ("changed", "missing", "unmanaged"):
        rows = [i for i in report.items if i.category == category]
        if rows and category == "unmanaged":
            key = "unmanaged_fails" if report.fail_on_unmanaged else "unmanaged_listed"
            lines.append(word(key, lang))
        elif rows:
            lines.append(f"{word(category, lang)}:")
        for item in rows:
            accepted = f"  ({word('accepted', lang)}: {item.accepted})" if item.accepted else ""
            lines.append(f"  {line(item.detail, lang)}{accepted}")
    if report.tunnels:
        lines.append(word("tunnels", lang))
        lines.extend(f"  {line(t, lang)}" for t in report.tunnels)
    return "\n".join(lines) + "\n"


def drift_markdown(report: DriftReport, lang: str = "en") -> str:
    """Drift as a CI job summary or PR comment."""
    w = partial(word, lang=lang)
    icon = "✅" if report.in_sync else "⚠️"
    title = f"{w('drift_md')}: {report.vendor} `{report.domain}` — {_state(report, lang)}"
    out = [f"### {icon} {title}", ""]
    managed = [i for i in report.items if i.category != "unmanaged"]
    if managed:
        head = f"| {w('category')} | {w('object')} | {w('detail')} | {w('accepted')} |"
        out += [head, "|---|---|---|---|"]
        for item in managed:
            target = f"{item.funnel}/{item.stage}" if item.stage else item.funnel
            accepted = _md(item.accepted or "")
            detail = _md(line(item.detail, lang))
            out.append(f"| {w(item.category)} | {_md(target)} | {detail} | {accepted} |")
    unmanaged = [i for i in report.items if i.category == "unmanaged"]
    if unmanaged:
        out += ["", f"<details><summary>{w('unmanaged_md')}</summary>", ""]
        out.extend(f"- {_md(line(i.detail, lang))}" for i in unmanaged)
        out += ["", "</details>"]
    if report.tunnels:
        out += ["", w("tunnels_md")]
        out.extend(f"- {_md(line(t, lang))}" for t in report.tunnels)
    return "\n".join(out) + "\n"
