"""Stage paths a deal may take through a funnel, as rows of one padded code matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from funnelkit.emulator.generate.layout import (
    DUMP,
    GENERIC_LOST,
    GRANULAR,
    LOST,
    MERGED,
    UNSORTED,
    WON,
    WORK,
    FunnelSpec,
)

ORGANIC = "organic"
SKIP = "skip"  # FK202: first stage straight to won
GENERIC = "generic_lost"  # FK203 (Bitrix24): lost in the stage that names no reason
STUCK = "stuck"  # FK201: open, parked far beyond the stage's norm


@dataclass
class Compiled:
    """Every stage of every funnel as a global code, and every path as a matrix row."""

    specs: list[FunnelSpec]
    funnel_of: np.ndarray  # code → funnel index
    stage_ids: list[str]  # code → vendor stage id
    tags: list[str]  # code → stage tag
    factor: np.ndarray  # code → dwell multiplier
    late: np.ndarray  # code → a hand-off stage (bool)
    paths: np.ndarray  # template → codes, padded with -1
    lengths: np.ndarray  # template → number of codes
    weights: np.ndarray  # template → organic weight within its funnel (0 for planted)
    kinds: list[str]  # template → ORGANIC | SKIP | GENERIC | STUCK
    template_funnel: np.ndarray  # template → funnel index

    def templates(self, funnel: int, kind: str) -> np.ndarray:
        """Template indexes of one kind in one funnel."""
        mask = (self.template_funnel == funnel) & (np.array(self.kinds) == kind)
        return np.flatnonzero(mask)


def _funnel_paths(spec: FunnelSpec, code: dict[str, int]) -> list[tuple[list[int], float, str]]:
    """Paths through one funnel with their organic weights."""
    ids = [code[s.id] for s in spec.stages]
    tags = [s.tag for s in spec.stages]
    start = [c for c, t in zip(ids, tags, strict=True) if t == UNSORTED]
    work = [c for c, t in zip(ids, tags, strict=True) if t in (WORK, MERGED, GRANULAR)]
    dumps = [c for c, t in zip(ids, tags, strict=True) if t == DUMP]
    won = next(c for c, t in zip(ids, tags, strict=True) if t == WON)
    lost = [c for c, t in zip(ids, tags, strict=True) if t == LOST]
    generic = [c for c, t in zip(ids, tags, strict=True) if t == GENERIC_LOST]
    lost = lost or generic
    out: list[tuple[list[int], float, str]] = [(start + work + [won], 0.40, ORGANIC)]
    middle = range(1, len(work) - 1)
    for j in middle:  # a client who really jumps a step: organic, not FK202
        out.append((start + work[:j] + work[j + 1 :] + [won], 0.05 / len(middle), ORGANIC))
    depth_weights = np.array([1.0 / (k + 1) for k in range(len(work))])
    depth_weights /= depth_weights.sum()
    for k, dw in enumerate(depth_weights, 1):
        for reason in lost:
            out.append((start + work[:k] + [reason], 0.40 * dw / len(lost), ORGANIC))
        for dump in dumps:  # arrivals from every stage, mostly leaving to lost
            for reason in lost:
                share = 0.12 * dw / len(lost)
                out.append((start + work[:k] + [dump, reason], share, ORGANIC))
            out.append((start + work[:k] + [dump, *work[k:], won], 0.03 * dw, ORGANIC))
        out.append((start + work[:k], 0.0, STUCK))
        if generic and lost != generic:
            out.append((start + work[:k] + [generic[0]], 0.0, GENERIC))
        elif not generic:  # amoCRM: the loss itself is planted, its reason is left empty
            out.append((start + work[:k] + [lost[0]], 0.0, GENERIC))
    out.append((start + work[:1] + [won], 0.0, SKIP))
    return out


def compile_layout(specs: list[FunnelSpec]) -> Compiled:
    """Number every stage and enumerate every path of every funnel."""
    code: dict[str, int] = {}
    funnel_of: list[int] = []
    stages = [s for spec in specs for s in spec.stages]
    for f_index, spec in enumerate(specs):
        for stage in spec.stages:
            # amoCRM repeats 142/143 in every pipeline: codes are keyed by funnel and stage
            code[f"{spec.id}/{stage.id}"] = len(funnel_of)
            funnel_of.append(f_index)
    rows: list[list[int]] = []
    weights: list[float] = []
    kinds: list[str] = []
    owner: list[int] = []
    for f_index, spec in enumerate(specs):
        local = {s.id: code[f"{spec.id}/{s.id}"] for s in spec.stages}
        for path, weight, kind in _funnel_paths(spec, local):
            rows.append(path)
            weights.append(weight)
            kinds.append(kind)
            owner.append(f_index)
    paths = np.full((len(rows), max(len(r) for r in rows)), -1, dtype=np.int32)
    for index, row in enumerate(rows):
        paths[index, : len(row)] = row
    return Compiled(
        specs=specs,
        funnel_of=np.array(funnel_of, dtype=np.int32),
        stage_ids=[s.id for s in stages],
        tags=[s.tag for s in stages],
        factor=np.array([s.factor for s in stages]),
        late=np.array([s.late for s in stages], dtype=bool),
        paths=paths,
        lengths=np.array([len(r) for r in rows], dtype=np.int32),
        weights=np.array(weights),
        kinds=kinds,
        template_funnel=np.array(owner, dtype=np.int32),
    )
