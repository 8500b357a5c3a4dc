"""Cross-reference checks of a fixture: every id it mentions must exist where it points."""

from __future__ import annotations

from collections.abc import Iterable

from funnelkit.emulator.fixture_model import Fixture, FxActivity, FxDeal

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def _duplicates(ids: Iterable[str], where: str) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for index, value in enumerate(ids):
        if value in seen:
            out.append(((where, index, "id"), f"duplicate id {value!r}"))
        seen.add(value)
    return out


def check_fixture(fx: Fixture) -> list[Problem]:
    """Every dangling reference, duplicate id and out-of-order history entry."""
    problems: list[Problem] = []
    for name in ("users", "funnels", "loss_reasons", "contacts", "companies", "deals"):
        problems += _duplicates((item.id for item in getattr(fx, name)), name)
    stages: set[tuple[str, str]] = set()
    for f_index, funnel in enumerate(fx.funnels):
        seen: set[str] = set()
        for s_index, stage in enumerate(funnel.stages):
            if stage.id in seen:
                loc: Loc = ("funnels", f_index, "stages", s_index, "id")
                problems.append((loc, f"duplicate stage id {stage.id!r} in funnel {funnel.id!r}"))
            seen.add(stage.id)
            stages.add((funnel.id, stage.id))
    refs = _Refs(fx, stages)
    for index, tunnel in enumerate(fx.tunnels):
        for side, ref in (("from", tunnel.from_), ("to", tunnel.to)):
            problems += refs.stage(("tunnels", index, side), ref.funnel, ref.stage)
    for index, contact in enumerate(fx.contacts):
        problems += refs.company(("contacts", index, "company"), contact.company)
        problems += refs.user(("contacts", index, "responsible"), contact.responsible)
    for index, company in enumerate(fx.companies):
        problems += refs.user(("companies", index, "responsible"), company.responsible)
    for index, deal in enumerate(fx.deals):
        problems += _check_deal(refs, index, deal)
    for index, activity in enumerate(fx.activities):
        problems += _check_activity(refs, ("activities", index), activity)
    return problems


class _Refs:
    """The ids a fixture defines, and messages for references that miss them."""

    def __init__(self, fx: Fixture, stages: set[tuple[str, str]]) -> None:
        self.users = {u.id for u in fx.users}
        self.funnels = {f.id for f in fx.funnels}
        self.stages = stages
        self.contacts = {c.id for c in fx.contacts}
        self.companies = {c.id for c in fx.companies}
        self.reasons = {r.id for r in fx.loss_reasons}

    def user(self, loc: Loc, value: str | None) -> list[Problem]:
        if value is None or value in self.users:
            return []
        return [(loc, f"unknown user {value!r} (not in users)")]

    def company(self, loc: Loc, value: str | None) -> list[Problem]:
        if value is None or value in self.companies:
            return []
        return [(loc, f"unknown company {value!r} (not in companies)")]

    def contact(self, loc: Loc, value: str | None) -> list[Problem]:
        if value is None or value in self.contacts:
            return []
        return [(loc, f"unknown contact {value!r} (not in contacts)")]

    def stage(self, loc: Loc, funnel: str, stage: str | None) -> list[Problem]:
        if funnel not in self.funnels:
            return [((*loc, "funnel"), f"unknown funnel {funnel!r}")]
        if stage is not None and (funnel, stage) not in self.stages:
            return [((*loc, "stage"), f"stage {stage!r} is not a stage of funnel {funnel!r}")]
        return []


def _check_deal(refs: _Refs, index: int, deal: FxDeal) -> list[Problem]:
    base: Loc = ("deals", index)
    out = refs.stage(base, deal.funnel, None)
    out += refs.user((*base, "responsible"), deal.responsible)
    out += refs.user((*base, "creator"), deal.creator)
    out += refs.company((*base, "company"), deal.company)
    for c_index, contact in enumerate(deal.contacts):
        out += refs.contact((*base, "contacts", c_index), contact)
    if deal.loss_reason is not None and deal.loss_reason not in refs.reasons:
        out.append(((*base, "loss_reason"), f"unknown loss reason {deal.loss_reason!r}"))
    funnel, previous = deal.funnel, None
    for h_index, move in enumerate(deal.history):
        loc: Loc = (*base, "history", h_index)
        funnel = move.funnel or funnel
        out += refs.stage(loc, funnel, move.stage)
        out += refs.user((*loc, "by"), move.by)
        if previous is not None and move.at < previous:
            out.append(((*loc, "at"), "history must be in time order (this entry is earlier)"))
        previous = move.at
    for r_index, change in enumerate(deal.responsible_changes):
        loc = (*base, "responsible_changes", r_index)
        out += refs.user((*loc, "to"), change.to)
        out += refs.user((*loc, "from"), change.from_)
        out += refs.user((*loc, "by"), change.by)
    for a_index, activity in enumerate(deal.activities):
        out += _check_activity(refs, (*base, "activities", a_index), activity)
    return out


def _check_activity(refs: _Refs, loc: Loc, activity: FxActivity) -> list[Problem]:
    out = refs.user((*loc, "responsible"), activity.responsible)
    out += refs.contact((*loc, "contact"), activity.contact)
    for index, change in enumerate(activity.deadline_changes):
        out += refs.user((*loc, "deadline_changes", index, "by"), change.by)
    return out
