"""Plans and drift as terminal text and markdown (PR comments, CI summaries).

Siblings of plan_html.py over the same typed `Plan` and `DriftReport`: renderers only,
nothing here plans or compares.
"""

from __future__ import annotations

from funnelkit.blueprint.drift import DriftReport
from funnelkit.blueprint.plan import Plan
from funnelkit.model import Change, MergeStage

_SIGN = {"create": "+", "update": "~", "reorder": "↕", "move": "→", "delete": "-"}


def _sign(change: Change) -> str:
    """One character per kind of change; a merge moves and deletes, so it has its own."""
    return "⇉" if isinstance(change, MergeStage) else _SIGN[change.kind]


def plan_text(plan: Plan) -> str:
    """The plan for a terminal: counts, ordered changes, refusals, manual steps."""
    counts = plan.counts()
    lines = [f"Plan for {plan.vendor} {plan.domain} from blueprint {plan.blueprint!r}"]
    summary = ", ".join(f"{n} to {k}" for k, n in counts.items() if n) or "no changes"
    lines.append(f"  {summary}")
    for change in plan.changes:
        extra = f"  [needs --force: {change.unsafe_reason}]" if change.unsafe_reason else ""
        lines.append(f"  {_sign(change)} {change.summary}{extra}")
    for refusal in plan.refusals:
        lines.append(f"  ✗ refused: {refusal}")
    for problem in plan.threshold_problems:
        lines.append(f"  ! threshold: {problem} (needs --force)")
    if plan.unmanaged:
        lines.append("Unmanaged (left alone):")
        for u in plan.unmanaged:
            where = f" in «{u.funnel_name}»" if u.funnel_name else ""
            lines.append(f"  · {u.kind} «{u.name}»{where} (id {u.id})")
    if plan.manual:
        lines.append("Manual steps (not counted as changes):")
        for step in plan.manual:
            evidence = f" — {step.evidence}" if step.evidence else ""
            lines.append(f"  [{step.status}] {step.title}{evidence}")
            lines.extend(f"      {n}. {text}" for n, text in enumerate(step.steps, 1))
    for warning in plan.warnings:
        lines.append(f"warning: {warning}")
    lines.append(f"checksum: {plan.checksum}")
    return "\n".join(lines) + "\n"


def plan_markdown(plan: Plan) -> str:
    """The plan as a PR comment."""
    counts = plan.counts()
    out = [f"### funnelkit plan: `{plan.blueprint}` → {plan.vendor} `{plan.domain}`", ""]
    out.append(" | ".join(f"**{n}** {k}" for k, n in counts.items()))
    out.append("")
    if plan.changes:
        out += ["| | change | safety |", "|---|---|---|"]
        for change in plan.changes:
            safety = f"needs `--force`: {change.unsafe_reason}" if change.unsafe_reason else ""
            out.append(f"| {_sign(change)} | {_md(change.summary)} | {_md(safety)} |")
        out.append("")
    for refusal in plan.refusals:
        out.append(f"- ✗ **refused**: {_md(refusal)}")
    for problem in plan.threshold_problems:
        out.append(f"- ⚠ threshold: {_md(problem)}")
    if plan.manual:
        out += ["", "<details><summary>Manual steps</summary>", ""]
        for step in plan.manual:
            out.append(f"- [{'x' if step.status == 'verified' else ' '}] {_md(step.title)}")
            out.extend(f"  {n}. {_md(text)}" for n, text in enumerate(step.steps, 1))
        out += ["", "</details>"]
    if plan.unmanaged:
        out += ["", f"{len(plan.unmanaged)} unmanaged object(s) left alone."]
    out += ["", f"checksum `{plan.checksum}`"]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def drift_text(report: DriftReport) -> str:
    """Drift for a terminal."""
    state = "in sync" if report.in_sync else f"{len(report.drifted)} drifted"
    if report.unmanaged:
        state += f"; {len(report.unmanaged)} unmanaged"
    lines = [f"Drift of {report.vendor} {report.domain} from {report.blueprint!r}: {state}"]
    for category in ("changed", "missing", "unmanaged"):
        rows = [i for i in report.items if i.category == category]
        if rows and category == "unmanaged":
            fails = "drift" if report.fail_on_unmanaged else "listed; --fail-on-unmanaged fails"
            lines.append(f"unmanaged (not declared by the blueprint; {fails}):")
        elif rows:
            lines.append(f"{category}:")
        for item in rows:
            accepted = f"  (accepted: {item.accepted})" if item.accepted else ""
            lines.append(f"  {item.detail}{accepted}")
    if report.tunnels:
        lines.append("tunnels not verified yet (informational):")
        lines.extend(f"  {t}" for t in report.tunnels)
    return "\n".join(lines) + "\n"


def drift_markdown(report: DriftReport) -> str:
    """Drift as a CI job summary or PR comment."""
    icon = "✅" if report.in_sync else "⚠️"
    state = "in sync" if report.in_sync else f"{len(report.drifted)} drifted object(s)"
    if report.unmanaged:
        state += f", {len(report.unmanaged)} unmanaged"
    out = [f"### {icon} funnelkit drift: {report.vendor} `{report.domain}` — {state}", ""]
    managed = [i for i in report.items if i.category != "unmanaged"]
    if managed:
        out += ["| category | object | detail | accepted |", "|---|---|---|---|"]
        for item in managed:
            target = f"{item.funnel}/{item.stage}" if item.stage else item.funnel
            accepted = _md(item.accepted or "")
            out.append(f"| {item.category} | {_md(target)} | {_md(item.detail)} | {accepted} |")
    unmanaged = [i for i in report.items if i.category == "unmanaged"]
    if unmanaged:
        out += ["", "<details><summary>Unmanaged (not declared by the blueprint)</summary>", ""]
        out.extend(f"- {_md(i.detail)}" for i in unmanaged)
        out += ["", "</details>"]
    if report.tunnels:
        out += ["", "Tunnels not verified yet:"]
        out.extend(f"- {_md(t)}" for t in report.tunnels)
    return "\n".join(out) + "\n"
