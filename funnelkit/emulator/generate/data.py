"""The real sample the generator draws amounts, products, names and durations from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "crm_sample.json"


@dataclass(frozen=True)
class Sample:
    """The parts of crm-sales-opportunities the generator uses (see data/README.md)."""

    durations_days: np.ndarray  # engage → close, 1…138 days
    products: tuple[str, ...]
    product_series: tuple[str, ...]
    product_prices: np.ndarray
    product_weights: np.ndarray  # how often each product sells in the sample
    accounts: tuple[str, ...]
    agents: tuple[tuple[str, str, str], ...]  # (agent, manager, regional office)
    managers: tuple[str, ...]


@cache
def sample() -> Sample:
    """Load once per process; the file ships with the package."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    products = raw["products"]
    counts = raw["product_counts"]
    weights = np.array([counts.get(p["product"], 1) for p in products], dtype=float)
    teams = raw["sales_teams"]
    return Sample(
        durations_days=np.array(raw["engage_to_close_days"], dtype=float),
        products=tuple(p["product"] for p in products),
        product_series=tuple(p["series"] for p in products),
        product_prices=np.array([p["sales_price"] for p in products], dtype=float),
        product_weights=weights / weights.sum(),
        accounts=tuple(a["account"] for a in raw["accounts"]),
        agents=tuple((t["sales_agent"], t["manager"], t["regional_office"]) for t in teams),
        managers=tuple(sorted({t["manager"] for t in teams})),
    )


def stage_dwell(rng: np.random.Generator, size: int) -> np.ndarray:
    """Seconds in one stage: the sample's deal duration split over ~4 stages, lognormal jitter.

    The sample gives engage → close durations only (no per-stage history), so a stage's
    dwell is a draw of that distribution scaled to one of about four working stages.
    """
    days = rng.choice(sample().durations_days, size=size) / 4.0
    days *= rng.lognormal(0.0, 0.6, size=size)
    return (days * 86_400).astype(np.int64)
