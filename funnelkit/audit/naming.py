"""Name evidence for the stage rules: `funnelkit.names` when present, else a small fallback.

The stage-name analyser is its own package (issue 8); the audit only needs its
per-stage labels and its role guess. Until that package is importable the audit
falls back to a handful of keyword heuristics so rules still run; the fallback
is deliberately conservative (it labels only obvious cases).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from funnelkit.model import Funnel, FunnelKind, FunnelRole, Stage

LABELS = ("ok", "dump", "vague", "merged", "too-granular", "sales-stage-in-lead-funnel")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One stage's name label, the analyser's reason and confidence."""

    label: str
    reason: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Guess:
    """A funnel role guessed from names."""

    role: FunnelRole
    confidence: float
    reason: str


def _names_module() -> Any | None:
    try:
        mod = importlib.import_module("funnelkit.names")
    except ImportError:
        return None
    needed = ("analyse_funnel", "guess_role", "FunnelInput", "StageInput")
    return mod if all(hasattr(mod, n) for n in needed) else None


def analyse(funnel: Funnel, stages: list[Stage], role: FunnelRole | None) -> dict[str, Verdict]:
    """Stage id → name verdict for one funnel."""
    mod = _names_module()
    if mod is None:
        return _fallback_analyse(funnel, stages, role)
    inputs = tuple(
        mod.StageInput(id=s.id, name=s.name, sort=s.sort, semantics=s.semantics) for s in stages
    )
    analysis = mod.analyse_funnel(
        mod.FunnelInput(id=funnel.id, name=funnel.name, kind=funnel.kind, role=role, stages=inputs)
    )
    return {
        str(v.stage_id): Verdict(str(v.label), str(v.reason), float(v.confidence))
        for v in analysis.verdicts
    }


def guess(funnel: Funnel, stages: list[Stage]) -> Guess:
    """The role the names suggest."""
    mod = _names_module()
    names = [s.name for s in stages]
    if mod is None:
        return _fallback_guess(funnel, names)
    found = mod.guess_role(funnel.name, names)
    return Guess(FunnelRole(found.role), float(found.confidence), str(found.reason))


# --- fallback heuristics (used only while funnelkit.names is absent) -------------------------

_DUMP = re.compile(
    r"дума|отлож|не отвеч|перезвон|недозвон|думає|відклад|не відпов|передзвон|"
    r"think|postpon|no answer|call back",
    re.I,
)
_VAGUE = re.compile(
    r"^(в работе|в процессе|обработка|в роботі|обробка|in progress|processing)$", re.I
)
_MERGED = re.compile(r"(подготов|підготув|prepare).*\b(и|і|and)\b.*(соглас|узгод|agree)", re.I)
_SALES = re.compile(r"\bкп\b|сч[её]т|рахун|договор|оплат|invoice|contract|payment|proposal", re.I)
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.)]?\s*(.+?)\s*$|^\s*(.+?)\s*[#№]?\s*(\d+)\s*$")
_ROLES: tuple[tuple[str, FunnelRole], ...] = (
    (r"отказ|відмов|подогрев|підігрів|refus|warm", FunnelRole.REFUSALS),
    (r"лид|лід|lead|квалиф|кваліф", FunnelRole.LEAD_QUALIFICATION),
    (r"холод|cold", FunnelRole.COLD_CALLS),
    (r"повтор|клиентск|клієнтськ|база|repeat|client base", FunnelRole.CLIENT_BASE),
    (r"производ|виробниц|production|монтаж|delivery", FunnelRole.PRODUCTION),
    (r"постав|suppl", FunnelRole.SUPPLIES),
    (r"гарант|warranty", FunnelRole.WARRANTY),
    (r"\bnps\b", FunnelRole.NPS),
    (r"партн|partner", FunnelRole.PARTNERS),
    (r"продаж|sales|заказ|замовл|order", FunnelRole.PRIMARY_SALES),
)


def _stem(name: str) -> str | None:
    match = _NUMBERED.match(name)
    if not match:
        return None
    return (match.group(2) or match.group(3) or "").lower()


def _fallback_analyse(
    funnel: Funnel, stages: list[Stage], role: FunnelRole | None
) -> dict[str, Verdict]:
    stems = [_stem(s.name) for s in stages]
    lead = funnel.kind is FunnelKind.LEAD or role is FunnelRole.LEAD_QUALIFICATION
    out: dict[str, Verdict] = {}
    for stage, stem in zip(stages, stems, strict=True):
        label, reason = "ok", "no pattern"
        if stem and stems.count(stem) > 1:
            label, reason = "too-granular", f"numbered repeat of «{stem}»"
        elif role is not FunnelRole.REFUSALS and _DUMP.search(stage.name):
            label, reason = "dump", "a waiting / reminder wording"
        elif _MERGED.search(stage.name):
            label, reason = "merged", "a task and a client wait in one name"
        elif lead and _SALES.search(stage.name):
            label, reason = "sales-stage-in-lead-funnel", "a sales step in a lead funnel"
        elif _VAGUE.match(stage.name.strip()):
            label, reason = "vague", "says neither situation nor task"
        out[stage.id] = Verdict(label, reason, 0.6 if label != "ok" else 0.5)
    return out


def _fallback_guess(funnel: Funnel, stage_names: list[str]) -> Guess:
    if funnel.kind is FunnelKind.LEAD:
        return Guess(FunnelRole.LEAD_QUALIFICATION, 0.9, "the vendor's lead funnel")
    for pattern, role in _ROLES:
        if re.search(pattern, funnel.name, re.I):
            return Guess(role, 0.7, f"funnel name matches {role.value}")
    return Guess(FunnelRole.PRIMARY_SALES, 0.3, "no role words; assumed primary sales")
