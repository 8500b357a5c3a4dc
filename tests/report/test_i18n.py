"""Reports in Russian and Ukrainian: complete catalogs, plural forms, no stray English."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from funnelkit.audit import run_audit
from funnelkit.audit.registry import default_registry
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.metrics import compute_metrics
from funnelkit.model import DataSet, EntityKind, FunnelRole, Snapshot, Vendor
from funnelkit.report import build_report, render
from funnelkit.report.catalog import gettext
from funnelkit.report.catalog_sync import missing
from funnelkit.report.catalogue import readme_table
from funnelkit.report.i18n import noun

README = Path(__file__).resolve().parents[2] / "README.md"
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: Words that stay Latin in any language: formats, units, vendors, acronyms, flags.
ALLOWED = {
    "JSON", "CSV", "SARIF", "HTML", "UTC", "SLA", "LTV", "KPI", "RUB", "UAH", "USD", "EUR",
    "bitrix24", "amocrm", "Bitrix24", "amoCRM", "REST", "API", "p", "details", "ids", "CRM",
    "rules", "audit", "params",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _portal_words(snap: Snapshot) -> set[str]:
    """Every Latin word of the portal's own data (names are the client's, not ours)."""
    s = snap.structure
    texts = [s.portal.domain, s.portal.name or ""]
    named: list[Any] = [*s.users, *s.funnels, *s.stages, *s.loss_reasons, *s.custom_fields]
    texts += [x.name for x in named] + [x.id for x in named]
    people: list[Any] = [*snap.contacts, *snap.companies]
    texts += [c.name for c in people]
    for d in snap.deals:
        texts += [d.title, d.source or "", *d.tags, *d.products, d.id]
    rules = list(default_registry())
    slugs = [r.meta.name for r in rules] + [r.meta.code for r in rules]
    slugs += [name for r in rules for name in r.Params.model_fields]  # config keys
    slugs += (
        [d.value for d in DataSet] + [r.value for r in FunnelRole] + [k.value for k in EntityKind]
    )
    words = {w for t in texts + slugs for w in LATIN.findall(t)}
    for slug in slugs:
        words.update(re.split(r"[._-]", slug))
    return words


@lru_cache(maxsize=2)
def _snapshot(vendor: Vendor) -> Snapshot:
    return state_to_snapshot(generate(vendor, deals=600, seed=11))


def test_every_rule_fires_on_the_two_portals() -> None:
    fired = {f.code for v in Vendor for f in run_audit(_snapshot(v)).findings}
    assert fired == {r.meta.code for r in default_registry()}


@pytest.mark.parametrize("vendor", list(Vendor), ids=lambda v: v.value)
@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_no_english_outside_the_allow_list(vendor: Vendor, lang: str) -> None:
    snap = _snapshot(vendor)
    result = run_audit(snap)
    report = build_report(
        result, snap, compute_metrics(snap, result.now), lang, 0, portal_name="acme"
    )
    allowed = ALLOWED | _portal_words(snap) | {"acme"}
    for fmt, details in [(f, d) for f in ("text", "markdown", "html") for d in (False, True)]:
        out = render(report, fmt, details=details, statistics=True)
        text = _visible(out) if fmt == "html" else re.sub(r"\\(.)", r"\1", out)
        text = html.unescape(text)  # `&amp;` is markup the escaping added, not a word
        text = re.sub(r"`[^`]*`|--[a-z-]+|[\w.-]+\.[a-z][\w-]+", " ", text)
        stray = sorted({w for w in LATIN.findall(text) if w not in allowed})
        assert stray == [], (fmt, stray[:40])
        assert "§" not in out and ".md" not in text
        if lang == "uk":
            assert "лійк" not in out.lower()


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_catalogs_translate_every_text(lang: str) -> None:
    assert missing(lang) == []


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("ru", ["1 сделка", "2 сделки", "5 сделок", "21 сделка"]),
        ("uk", ["1 угода", "2 угоди", "5 угод", "21 угода"]),
        ("en", ["1 deal", "2 deals", "5 deals", "21 deals"]),
    ],
)
def test_plural_forms(lang: str, forms: list[str]) -> None:
    assert [noun(n, "deal", lang) for n in (1, 2, 5, 21)] == forms


def test_readme_rule_table_is_generated_from_the_rules() -> None:
    assert readme_table() in README.read_text(encoding="utf-8")


NAMES = {"subject", "role", "funnel", "stage", "reason", "handoff_stage"}


def test_no_message_puts_a_count_before_a_noun_that_must_agree_with_it() -> None:
    """«2 этапов» is wrong and «этапов: 2» is not: counts stand where no agreement is needed."""
    found = []
    for rule in default_registry():
        for variant in rule.meta.messages.values():
            for lang in ("ru", "uk"):
                text = gettext(variant.en, lang, f"{rule.meta.code}.message")
                for field, word in re.findall(r"\{(\w+)\}\s+(\w+)", text):
                    if field in NAMES or field.endswith("share") or field == "signs":
                        continue  # names, percentages («30 % сделок») and «3 из 4» agree anyway
                    if re.match(r"[а-яіїєґ]", word) and word not in ("дн", "в", "на"):
                        found.append((rule.meta.code, lang, field, word))
    assert found == []
