"""The rule registry: lookup by code or alias, and Ruff-style selection."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Sequence

from funnelkit.audit.rule import GROUPS, Rule
from funnelkit.errors import ConfigError

_PREFIX = re.compile(r"^FK\d{0,3}$", re.I)


class Registry:
    """Every known rule, checked for duplicate codes, names and aliases."""

    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self.rules: list[Rule] = []
        self._by_id: dict[str, Rule] = {}
        for cls in rules:
            self.register(cls())
        self.rules.sort(key=lambda r: r.meta.code)

    def register(self, rule: Rule) -> None:
        """Add a rule; a code, alias or name used twice is a programming error."""
        meta = rule.meta
        for ident in (meta.code, meta.name, *meta.aliases):
            if ident.upper() in self._by_id:
                raise ValueError(f"duplicate rule identifier {ident!r} ({meta.code})")
            self._by_id[ident.upper()] = rule
        self.rules.append(rule)

    def get(self, ident: str) -> Rule | None:
        """A rule by code, alias or dotted name (case-insensitive)."""
        return self._by_id.get(ident.strip().upper())

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def matches(self, selector: str) -> list[Rule]:
        """Rules a selector names: code/alias, code prefix, group, name glob, or ALL."""
        sel = selector.strip()
        if sel.upper() == "ALL":
            return list(self.rules)
        exact = self.get(sel)
        if exact is not None:
            return [exact]
        if _PREFIX.match(sel):
            return [r for r in self.rules if r.meta.code.startswith(sel.upper())]
        if sel.lower() in GROUPS:
            return [r for r in self.rules if r.meta.group == sel.lower()]
        return [r for r in self.rules if fnmatch.fnmatchcase(r.meta.name, sel.lower())]

    def _expand(self, selectors: Sequence[str], flag: str) -> set[str]:
        codes: set[str] = set()
        for sel in selectors:
            found = self.matches(sel)
            if not found:
                raise ConfigError(
                    f"{flag}: {sel!r} matches no rule",
                    "use a code (FK201), a prefix (FK2), a group (deals) or a name glob "
                    "(deals.*); `funnelkit rules list` shows them",
                )
            codes.update(r.meta.code for r in found)
        return codes

    def select(
        self,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> list[Rule]:
        """`select` replaces the default (all rules), `extend_select` adds, `ignore` removes."""
        chosen = self._expand(select, "--select") if select else {r.meta.code for r in self.rules}
        chosen |= self._expand(extend_select, "--extend-select")
        chosen -= self._expand(ignore, "--ignore")
        return [r for r in self.rules if r.meta.code in chosen]


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The registry of ALL_RULES, built once."""
    global _DEFAULT
    if _DEFAULT is None:
        from funnelkit.audit.rules import ALL_RULES

        _DEFAULT = Registry(ALL_RULES)
    return _DEFAULT
