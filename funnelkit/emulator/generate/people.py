"""Users, contact names and companies of a generated portal, from the real sample's names."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from funnelkit.emulator.generate.data import sample
from funnelkit.model import User, Vendor

DEPT_A = "Отдел продаж"  # takes and qualifies deals
DEPT_B = "Отдел закрытия сделок"  # takes deals over at the late stage (FK405)
DEPT_C = "Клиентский отдел"  # client base and production
DEPT_HEAD = "Руководство"
REGION_DEPT = {"Central": DEPT_A, "East": DEPT_B, "West": DEPT_C}


@dataclass(frozen=True)
class People:
    """Users (index = position) and the pools names are drawn from."""

    users: tuple[User, ...]
    by_dept: dict[str, list[int]]
    heads: list[int]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]

    def contact_name(self, number: int) -> str:
        """A deterministic name for contact number `number` (first × last name pools)."""
        first = self.first_names[number % len(self.first_names)]
        last = self.last_names[(number // len(self.first_names)) % len(self.last_names)]
        return f"{first} {last}"

    def contact_names(self, numbers: np.ndarray) -> np.ndarray:
        """`contact_name` for many numbers at once (an object array)."""
        f, g = len(self.first_names), len(self.last_names)
        pool = np.empty(f * g, dtype=object)
        pool[:] = [self.contact_name(k) for k in range(f * g)]
        names: np.ndarray = pool[numbers % (f * g)]
        return names


def people(vendor: Vendor, rng: random.Random) -> People:
    """Managers first (Bitrix24 user 1 is the webhook owner), then the sales agents."""
    s = sample()
    base = 1 if vendor == Vendor.BITRIX24 else 5_012_301 + rng.randrange(100) * 100
    users: list[User] = []
    by_dept: dict[str, list[int]] = {DEPT_A: [], DEPT_B: [], DEPT_C: [], DEPT_HEAD: []}
    for name in s.managers:
        by_dept[DEPT_HEAD].append(len(users))
        users.append(User(id=str(base + len(users)), name=name, departments=(DEPT_HEAD,)))
    for agent, _manager, region in s.agents:
        dept = REGION_DEPT.get(region, DEPT_A)
        by_dept[dept].append(len(users))
        users.append(User(id=str(base + len(users)), name=agent, departments=(dept,)))
    names = [name for name, _m, _r in s.agents] + list(s.managers)
    firsts = sorted({n.split()[0] for n in names})
    lasts = sorted({n.split()[-1] for n in names})
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    return People(
        users=tuple(users),
        by_dept=by_dept,
        heads=by_dept[DEPT_HEAD],
        first_names=tuple(firsts),
        last_names=tuple(lasts),
    )


def company_name(number: int) -> str:
    """Company `number`: the sample's 85 accounts, then numbered branches of them."""
    accounts = sample().accounts
    name = accounts[number % len(accounts)]
    round_ = number // len(accounts)
    return name if round_ == 0 else f"{name} {round_ + 1}"
