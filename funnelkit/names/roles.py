"""Guess a funnel's role (rules.md roles) from its name and its stage names."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from funnelkit.model.enums import FunnelRole as R
from funnelkit.names import cues
from funnelkit.names import lexicon as lx
from funnelkit.names.normalize import parse
from funnelkit.names.reasons import render
from funnelkit.names.types import RoleGuess

_PAREN = re.compile(r"\([^)]*\)")
# Funnel-name cues: the strongest evidence, since consultants name funnels by purpose.
_NAME_CUES: tuple[tuple[R, cues.Cue], ...] = (
    (
        R.REFUSALS,
        cues.cue(
            "refusals",
            """
            отказ | відмова | подогрев | прогрев | реанимация | реанімація | =warm | nurture |
            refusal | win back | =lost | отложить | відкласти | відкладений | дожим | думка
            """,
        ),
    ),
    (
        R.COLD_CALLS,
        cues.cue(
            "cold calls",
            """
            холодный | холодний | =cold | обзвон | прозвон | outbound | телемаркетинг |
            telemarketing
            """,
        ),
    ),
    (
        R.LEAD_QUALIFICATION,
        cues.cue(
            "leads",
            """
            лид | лід | =ліди | lead | квалификация | кваліфікація | qualification | qualify |
            заявка |
            обращение | звернення | inbound | =lead_stage | =leadstage | lead stage | lead status
            """,
        ),
    ),
    (
        R.PRE_SALE,
        cues.cue(
            "pre-sale",
            """
            предпродажа | предпродажный | передпродаж* | pre sale | presale | замер | замір
            """,
        ),
    ),
    (
        R.CLIENT_BASE,
        cues.cue(
            "client base",
            """
            повторный | повторний | допродажа | upsell | up sell | cross sell | repeat | retention |
            постоянный | постійний | лояльность | лояльність | клиентский база | клієнтський база |
            база клиент | база клієнт | customer base
            """,
        ),
    ),
    (
        R.PRODUCTION,
        cues.cue(
            "production",
            """
            производство | виробництво | исполнение | виконання | монтаж | delivery | fulfilment |
            fulfillment | сервис | сервіс | service | обслуживание | обслуговування | проект |
            project | доставка | onboarding | выполнение | реализация | реалізація | помощь |
            support | тикет | ticket
            """,
        ),
    ),
    (
        R.SUPPLIES,
        cues.cue(
            "supplies",
            """
            закупка | закупівля | поставка | постачання | снабжение | procurement | purchasing |
            supply | supplier
            """,
        ),
    ),
    (
        R.WARRANTY,
        cues.cue(
            "warranty",
            """
            гарантия | гарантія | гарантийный | гарантійний | warranty | рекламация | рекламація |
            return
            """,
        ),
    ),
    (
        R.NPS,
        cues.cue(
            "nps",
            """
            =nps | отзыв | відгук | опрос | опитування | satisfaction | review
            """,
        ),
    ),
    (
        R.PARTNERS,
        cues.cue(
            "partners",
            """
            партнер | partner | агент | agent | дилер | dealer | broker | брокер | посредник |
            посередник | франшиза | франшизa | franchise | реферал | referral | сеть | мережа
            """,
        ),
    ),
    (
        R.OTHER,
        cues.cue(
            "other processes",
            """
            =hr | рекрутинг | recruiting | найм | вакансия | вакансія | кадры | кадри |
            рассрочка | розстрочка | instalment | installment | взыскание | стягнення | collection |
            бухгалтерия | бухгалтерія | accounting
            """,
        ),
    ),
    (
        R.LISTS,
        cues.cue(
            "lists",
            """
            список | list | рассылка | розсилка | newsletter | подписка | підписка
            """,
        ),
    ),
    (
        R.PRIMARY_SALES,
        cues.cue(
            "sales",
            """
            продажа | продаж | sales | sale | sales pipeline | opportunity | сделка | угода | deal |
            воронка продажа | order | заказ | замовлення
            """,
        ),
    ),
)
# Words that name "a funnel" without a purpose: weak evidence of a sales funnel.
_GENERIC = cues.cue(
    "generic funnel name",
    "=pipeline | =воронка | =лійка | =общая | =загальна | основной | основний | =default | =main"
    " | =general",
)
# Stage-name cues: each matching stage is one vote.
_STAGE_CUES: tuple[tuple[R, cues.Cue], ...] = (
    (R.PRIMARY_SALES, lx.SALES),
    (
        R.PRIMARY_SALES,
        cues.cue(
            "sales activity",
            """
            переговоры | переговори | negotiation | =won | выиграть
            """,
        ),
    ),
    (
        R.LEAD_QUALIFICATION,
        cues.cue(
            "lead stages",
            """
            квалификация | кваліфікація | qualify | qualification | лид | лід | lead | нецелевой |
            нецільовий | спам | =spam | сконвертировать | convert | заявка | брак | =junk |
            contacted | attempted | недозвон* | не дозвониться | недодзвон* | no answer | =лпр |
            decision maker
            """,
        ),
    ),
    (
        R.PRODUCTION,
        cues.cue(
            "work stages",
            """
            в работа | в робота | выполнить | выполнение | виконання | сдать | здати | монтаж |
            комплектация | отгрузка | відвантаження | доставка | курьер | кур'єр | на проверка |
            на перевірка | исполнитель | виконавець | бэклог | backlog
            """,
        ),
    ),
    (
        R.PARTNERS,
        cues.cue(
            "partner stages",
            """
            партнер | посредник | посередник | агент | partner | broker | сотрудничество |
            співпраця
            """,
        ),
    ),
    (
        R.REFUSALS,
        cues.cue(
            "refusal reasons",
            """
            дорого | expensive | конкурент | competitor | не актуально | неактуальный |
            неактуальний | не устраивать | не влаштовувати | no budget | нет бюджет | немає бюджет
            """,
        ),
    ),
)


def guess_role(name: str, stage_names: Sequence[str]) -> RoleGuess:
    """The most likely role with a confidence in 0..1 and the words that decided it.

    The funnel's own name weighs most (a parenthesised note counts half); stage names add
    the share of stages that look typical of a role. A lead funnel shows no sales step.
    """
    scores: dict[R, float] = defaultdict(float)
    why: dict[R, tuple[str, dict[str, str]]] = {}
    parsed = parse(name)
    outside = parse(_PAREN.sub(" ", name)).words
    for role, cue in _NAME_CUES:
        hit = cue.match(outside) or cue.match(parsed.words)
        if hit:
            scores[role] += 2.0 if cue.match(outside) else 1.0
            why.setdefault(role, ("role.name", {"trigger": hit}))
    if scores.get(R.PRIMARY_SALES) and len(scores) > 1:
        # «Повторные продажи», «Продажи партнёрам»: "sales" is the generic word there and the
        # other cue says which sales; the specific role must outweigh sales-like stages too.
        for role in scores:
            if role is not R.PRIMARY_SALES:
                scores[role] += 2.0
    generic = _GENERIC.match(outside)
    if generic:
        scores[R.PRIMARY_SALES] += 1.0
        why.setdefault(R.PRIMARY_SALES, ("role.generic", {"trigger": generic}))
    stages = [parse(s).words for s in stage_names]
    for role, cue in _STAGE_CUES:
        share = sum(1 for f in stages if cue.match(f)) / max(1, len(stages))
        if share:
            scores[role] += 2.0 * share
            why.setdefault(role, ("role.stages", {"share": f"{share:.0%}", "role": role.value}))
    if any(lx.SALES.match(f) for f in stages):
        scores[R.LEAD_QUALIFICATION] -= 0.5
        scores[R.COLD_CALLS] -= 0.5
    elif scores.get(R.LEAD_QUALIFICATION, 0.0) > 0:
        # article 004: a lead funnel qualifies and hands over; it never reaches the offer
        scores[R.LEAD_QUALIFICATION] += 0.5
    ranked = sorted(((r, sc) for r, sc in scores.items() if sc > 0), key=lambda x: -x[1])
    if ranked and ranked[0][0] is R.REFUSALS and not _refusal_stages(stages):
        # A sales funnel named «… отказы / подогрев» is not a refusals funnel unless its
        # stages are reasons; trusting the name alone would hide every parking stage (issue 20).
        ranked = ranked[1:]
    if not ranked:
        # Most funnels on a portal are sales funnels (each vendor's default pipeline is one).
        return _guess(R.PRIMARY_SALES, 0.3, "role.default", {})
    role, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    conf = 0.35 + 0.25 * min(best, 2.0) / 2.0 + 0.3 * min(best - runner_up, 1.5) / 1.5
    return _guess(role, round(min(conf, 0.9), 2), *why[role])


def _guess(role: R, confidence: float, code: str, params: dict[str, str]) -> RoleGuess:
    reason = render(code, params)
    return RoleGuess(role, confidence, reason, code, tuple(sorted(params.items())))


_REFUSAL_REASONS = _STAGE_CUES[-1][1]


def _refusal_stages(stages: Sequence[Sequence[str]]) -> bool:
    """Most stages read as reasons or parked outcomes, and none is a sales step."""
    if not stages:
        return True  # nothing contradicts the name
    if any(lx.SALES.match(f) for f in stages):
        return False
    cues = (_REFUSAL_REASONS, lx.FAILURE, lx.POSTPONED, lx.THINKING, lx.NO_ANSWER)
    reasons = sum(1 for f in stages if any(c.match(f) for c in cues))
    return reasons * 2 >= len(stages)
