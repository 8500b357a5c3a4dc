"""Deals as numpy columns: which path each takes, when it entered each stage, who held it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from funnelkit.emulator.generate.data import stage_dwell
from funnelkit.emulator.generate.layout import MERGED, WON
from funnelkit.emulator.generate.paths import GENERIC, ORGANIC, SKIP, STUCK, Compiled

DAY = 86_400
MAX_DWELL = 200 * DAY  # organic deals never sit a year: everything older is planted (FK201)
HISTORY_YEARS = 3
HEALTHY_TAIL = 1.5  # an organic stay is at most this many p90s of the stage's dwell


@dataclass
class Columns:
    """One row per deal record; index order is creation of the group, not the final id order."""

    funnel: np.ndarray
    template: np.ndarray
    created: np.ndarray
    times: np.ndarray  # (deals, width) stage entry times
    n_valid: np.ndarray  # entries that happened by `now`
    resp0: np.ndarray  # who took the deal (user index)
    resp1: np.ndarray  # who holds it after a hand-off (== resp0 when none)
    handoff: np.ndarray  # position of the hand-off entry, -1 when none
    contact: np.ndarray
    parent: np.ndarray  # the deal it was copied from, -1 for roots
    reentry: np.ndarray  # bool: a contact entering the same funnel again (FK204)


@dataclass
class Groups:
    """Columns collected funnel by funnel, then concatenated."""

    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def total(self) -> int:
        return sum(len(p["funnel"]) for p in self.parts)

    def concat(self) -> Columns:
        width = max(p["times"].shape[1] for p in self.parts)
        joined: dict[str, np.ndarray] = {}
        for name in Columns.__dataclass_fields__:
            chunks = [p[name] for p in self.parts]
            if name == "times":
                chunks = [
                    np.pad(c, ((0, 0), (0, width - c.shape[1])), constant_values=-1) for c in chunks
                ]
            joined[name] = np.concatenate(chunks)
        return Columns(**joined)


def simulate(
    c: Compiled, rng: np.random.Generator, template: np.ndarray, created: np.ndarray, now: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stage entry times along each deal's path, cut at `now`."""
    paths = c.paths[template]
    lengths = c.lengths[template]
    n, width = paths.shape
    codes = paths[:, :-1]
    dwell = stage_dwell(rng, n * (width - 1)).reshape(n, width - 1).astype(float)
    # Healthy deals leave a stage within its normal spread: the sample's long tail (deals
    # that waited months) is what FK201 plants on purpose, so an organic stay is capped at
    # HEALTHY_TAIL times the draws' p90 instead of being a stuck deal nobody planted.
    dwell *= c.factor[codes]
    merged = np.array(c.tags)[codes] == MERGED
    # FK103 (article 001): preparing the offer takes about two days (a narrow hump), the
    # client's answer an open-ended wait (the stage's usual spread, longer): two humps
    task = rng.random(int(merged.sum())) < 0.5
    fixed = 2 * DAY * rng.lognormal(0.0, 0.25, size=int(merged.sum()))
    dwell[merged] = np.where(task, fixed, dwell[merged] * 3.0)
    _cap_tails(dwell, codes, (lengths - 1)[:, None] > np.arange(width - 1)[None, :])
    dwell = np.clip(dwell, 60, MAX_DWELL).astype(np.int64)
    dwell[np.arange(width - 1)[None, :] >= (lengths - 1)[:, None]] = 0
    times = np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(dwell, axis=1)], axis=1)
    times += created[:, None]
    inside = np.arange(width)[None, :] < lengths[:, None]
    times[~inside] = -1
    n_valid = (inside & (times <= now)).sum(axis=1).astype(np.int32)
    kinds = np.array(c.kinds)[template]
    stuck = np.flatnonzero(kinds == STUCK)
    if len(stuck):  # parked 400–1000 days ago and never moved since
        age = rng.integers(400 * DAY, 1000 * DAY, size=len(stuck))
        span = times[stuck, lengths[stuck] - 1] - created[stuck]
        shift = (now - age - span) - created[stuck]
        times[stuck] = np.where(inside[stuck], times[stuck] + shift[:, None], -1)
        n_valid[stuck] = lengths[stuck]
    done = np.flatnonzero(np.isin(kinds, [SKIP, GENERIC]) & (n_valid < lengths))
    if len(done):  # a planted skip or loss must have happened: move it back before now
        end = times[done, lengths[done] - 1]
        back = end - now + rng.integers(DAY, 60 * DAY, size=len(done))
        times[done] = np.where(inside[done], times[done] - back[:, None], -1)
        n_valid[done] = lengths[done]
    return times, n_valid


def _cap_tails(dwell: np.ndarray, codes: np.ndarray, valid: np.ndarray) -> None:
    """Cap each stage's stays at HEALTHY_TAIL times that stage's p90, in place."""
    for code in np.unique(codes[valid]).tolist():
        cell = valid & (codes == code)
        cap = HEALTHY_TAIL * float(np.quantile(dwell[cell], 0.9))
        np.minimum(dwell, cap, out=dwell, where=cell)


def final_codes(c: Compiled, template: np.ndarray, n_valid: np.ndarray) -> np.ndarray:
    """The stage each deal is in now."""
    codes: np.ndarray = c.paths[template, n_valid - 1]
    return codes


def won_mask(c: Compiled, template: np.ndarray, n_valid: np.ndarray) -> np.ndarray:
    """Deals that reached their funnel's success stage by now."""
    tags = np.array(c.tags)
    won: np.ndarray = tags[final_codes(c, template, n_valid)] == WON
    return won


def pick_templates(c: Compiled, rng: np.random.Generator, funnel: int, n: int) -> np.ndarray:
    """Organic paths for `n` deals of one funnel, by their weights."""
    options = c.templates(funnel, ORGANIC)
    weights = c.weights[options] / c.weights[options].sum()
    return options[rng.choice(len(options), size=n, p=weights)].astype(np.int32)


def plant_paths(
    c: Compiled, rng: np.random.Generator, funnel: int, template: np.ndarray, quota: dict[str, int]
) -> dict[str, np.ndarray]:
    """Overwrite some deals' paths with planted ones; returns the chosen row indexes per kind."""
    order = rng.permutation(len(template))
    chosen: dict[str, np.ndarray] = {}
    start = 0
    for kind in (STUCK, SKIP, GENERIC):
        options = c.templates(funnel, kind)
        count = quota.get(kind, 0) if len(options) else 0
        rows = order[start : start + count]
        start += count
        template[rows] = options[rng.integers(0, len(options), size=len(rows))] if count else 0
        chosen[kind] = rows
    chosen["rest"] = order[start:]
    return chosen


def handoffs(c: Compiled, template: np.ndarray, n_valid: np.ndarray) -> np.ndarray:
    """Position of the first late (hand-off) stage each deal reached, -1 if none."""
    paths = c.paths[template]
    reached = np.arange(paths.shape[1])[None, :] < n_valid[:, None]
    late = c.late[np.maximum(paths, 0)] & (paths >= 0) & reached
    first = np.argmax(late, axis=1).astype(np.int32)
    return np.where(late.any(axis=1), first, -1).astype(np.int32)
