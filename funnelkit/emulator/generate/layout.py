"""What a generated funnel looks like: stage roles, dwell factors, planted structure defects."""

from __future__ import annotations

from dataclasses import dataclass, field

from funnelkit.model import FunnelKind, Semantics

# Stage tags: how the deal engine treats a stage.
WORK = "work"  # a forward step
DUMP = "dump"  # parking stage outside the forward sequence (FK101)
MERGED = "merged"  # fixed task glued to an open wait: bimodal dwell (FK103)
GRANULAR = "granular"  # elementary repeat: short dwell (FK104)
UNSORTED = "unsorted"  # amoCRM inbox (type 1), left within hours
WON = "won"
LOST = "lost"  # a failure stage that names the reason (or amoCRM 143)
GENERIC_LOST = "generic_lost"  # Bitrix24 failure stage that names no reason
OTHER_LOST = "other_lost"  # a failure stage the engine never sends deals to (APOLOGY)

PROCESS_TAGS = frozenset({WORK, DUMP, MERGED, GRANULAR, UNSORTED})


@dataclass(frozen=True)
class StageSpec:
    """One stage as the generator lays it out."""

    id: str
    name: str
    tag: str = WORK
    factor: float = 1.0  # dwell multiplier against the sample's stage dwell
    codes: tuple[str, ...] = ()  # planted stage-level rule codes
    late: bool = False  # a hand-off stage: a second department holds deals from here on
    system: bool = False
    color: str | None = None
    extras: tuple[tuple[str, str], ...] = ()

    @property
    def semantics(self) -> Semantics:
        """Process, success or failure, from the tag."""
        if self.tag == WON:
            return Semantics.SUCCESS
        if self.tag in (LOST, GENERIC_LOST, OTHER_LOST):
            return Semantics.FAILURE
        return Semantics.PROCESS


@dataclass(frozen=True)
class FunnelSpec:
    """One funnel: its stages and how deals arrive in it."""

    key: str  # lead | cold | primary | client | production
    id: str
    name: str
    stages: tuple[StageSpec, ...]
    kind: FunnelKind = FunnelKind.DEAL
    share: float = 0.0  # share of root deals (client-base deals are copies only)
    spawn: str | None = None  # a won deal is copied into this funnel (a tunnel)
    dept: str = "A"  # user group that works it
    products: str = "none"  # all | gtx | none
    is_default: bool = False
    codes: tuple[tuple[str, str], ...] = ()  # planted funnel-level (code, note)
    extras: dict[str, str] = field(default_factory=dict)

    def tagged(self, *tags: str) -> list[StageSpec]:
        """The stages carrying any of these tags, in order."""
        return [s for s in self.stages if s.tag in tags]


def funnel_order(specs: list[FunnelSpec]) -> list[FunnelSpec]:
    """Parents before the funnels their won deals are copied into; the isolated one last."""
    rank = {"lead": 0, "cold": 1, "primary": 2, "client": 3, "production": 4}
    return sorted(specs, key=lambda f: rank.get(f.key, 9))
