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
from funnelkit.blueprint.drift import drift_from_plan
from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.planner import plan
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.metrics import compute_metrics
from funnelkit.model import DataSet, EntityKind, FunnelRole, Snapshot, Vendor
from funnelkit.report import build_report, render
from funnelkit.report.catalog import catalog, gettext
from funnelkit.report.catalog_sync import missing, wanted
from funnelkit.report.catalogue import readme_table, render_list, render_rule
from funnelkit.report.i18n import noun, number
from funnelkit.report.phrases import phrase
from funnelkit.report.plan_html import plan_to_html
from funnelkit.report.plan_text import drift_markdown, drift_text, plan_markdown, plan_text
from funnelkit.report.plan_words import line

README = Path(__file__).resolve().parents[2] / "README.md"
LATIN = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")
#: Words that stay Latin in any language: formats, units, vendors, acronyms, flags.
ALLOWED = {
    "JSON", "CSV", "SARIF", "HTML", "UTC", "SLA", "LTV", "KPI", "RUB", "UAH", "USD", "EUR",
    "bitrix24", "amocrm", "Bitrix24", "amoCRM", "REST", "API", "p", "details", "ids", "CRM",
    "rules", "audit", "params", "Salesbot", "NPS",
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


def _slug_words() -> set[str]:
    """Rule codes and slugs, config keys, data set, role and entity names: typed, not read."""
    rules = list(default_registry())
    slugs = [r.meta.name for r in rules] + [r.meta.code for r in rules]
    slugs += [name for r in rules for name in r.Params.model_fields]  # config keys
    slugs += (
        [d.value for d in DataSet] + [r.value for r in FunnelRole] + [k.value for k in EntityKind]
    )
    words = {w for slug in slugs for w in LATIN.findall(slug)}
    for slug in slugs:
        words.update(re.split(r"[._-]", slug))
    return words


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
    words = {w for t in texts for w in LATIN.findall(t)}
    for t in texts:
        words.update(re.split(r"[^A-Za-z]+", t))
    return words | _slug_words()


def _data_words(value: object) -> set[str]:
    """Every Latin word of a blueprint's own data (its keys, names and notes)."""
    if isinstance(value, str):
        return set(LATIN.findall(value)) | set(re.split(r"[^A-Za-z]+", value))
    if isinstance(value, dict):
        return {w for k, v in value.items() for w in _data_words(k) | _data_words(v)}
    if isinstance(value, list | tuple):
        return {w for v in value for w in _data_words(v)}
    return set()


def _stray(out: str, allowed: set[str], *, is_html: bool = False) -> list[str]:
    """Latin-script words a reader would see that are neither ours to keep nor the data's."""
    text = _visible(out) if is_html else re.sub(r"\\(.)", r"\1", out)
    text = html.unescape(text)  # `&amp;` is markup the escaping added, not a word
    text = re.sub(r"</?(details|summary)>", " ", text)  # markdown's own folding markup
    text = re.sub(r"`[^`]*`|--[a-z-]+|[\w.-]+\.[a-z][\w-]+|\b[0-9a-f]{64}\b", " ", text)
    return sorted({w for w in LATIN.findall(text) if w not in allowed})


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
        assert _stray(out, allowed, is_html=fmt == "html") == [], (fmt, details)
        assert "§" not in out and ".md " not in out
        if lang == "uk":
            assert "лійк" not in out.lower()


@pytest.mark.parametrize("vendor", list(Vendor), ids=lambda v: v.value)
@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_plans_and_drift_speak_the_language(vendor: Vendor, lang: str) -> None:
    snap = _snapshot(vendor)
    for name in ("000", "002", "003", "004"):
        bp = load_bundled(name)
        found = plan(snap, bp)
        report = drift_from_plan(found)
        allowed = ALLOWED | _portal_words(snap) | _data_words(bp.model_dump(mode="json"))
        outputs = {
            "plan text": plan_text(found, lang),
            "plan markdown": plan_markdown(found, lang),
            "drift text": drift_text(report, lang),
            "drift markdown": drift_markdown(report, lang),
        }
        for what, out in outputs.items():
            assert _stray(out, allowed) == [], (name, what, _stray(out, allowed))
            assert "§" not in out and ".md " not in out, (name, what)
        page = plan_to_html(found, lang)
        assert _stray(page, allowed, is_html=True) == [], (name, "plan html")


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_the_rule_catalogue_speaks_the_language(lang: str) -> None:
    allowed = ALLOWED | _slug_words()
    assert _stray(render_list(lang), allowed) == []
    for rule in default_registry():
        assert _stray(render_rule(rule, lang), allowed) == [], rule.meta.code


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
    """The whole table, so a row added, changed or left behind by hand fails too."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| code | name | severity |") :].split("\n\n")[0]
    assert table + "\n" == readme_table()


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_catalogs_hold_only_texts_the_code_has(lang: str) -> None:
    """Source strings come from the code's one English text: none is kept after it changed."""
    cat = catalog(lang)
    assert cat is not None
    want = {(ctx, m[0] if isinstance(m, tuple) else m) for ctx, m in wanted()}
    have = {(m.context, m.id[0] if isinstance(m.id, tuple | list) else m.id) for m in cat if m.id}
    assert sorted(have - want, key=str) == []


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


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("ru", ["1 завершённому", "2 завершённым", "5 завершённым", "21 завершённому"]),
        ("uk", ["1 завершеним", "2 завершеними", "5 завершеними", "21 завершеним"]),
        ("en", ["1 completed visit;", "2 completed visits", "5 completed visits", "21 completed"]),
    ],
)
def test_evidence_sentences_take_plural_forms(lang: str, forms: list[str]) -> None:
    rule = default_registry().get("FK201")
    assert rule is not None
    for n, form in zip((1, 2, 5, 21), forms, strict=True):
        how = rule.phrase("learned", "visits", multiple=2.0, p90=3.5, visits=n, median=1.26)
        assert form in phrase(how, lang), (n, phrase(how, lang))
        assert ("1,3" if lang != "en" else "1.3") in phrase(how, lang)  # Babel's decimals


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("ru", ["1 сделка", "2 сделки", "5 сделок", "21 сделка"]),
        ("uk", ["1 угода", "2 угоди", "5 угод", "21 угода"]),
    ],
)
def test_plan_lines_take_plural_forms(lang: str, forms: list[str]) -> None:
    for n, form in zip((1, 2, 5, 21), forms, strict=True):
        text = line(f"move {n} deals from «A» to «B» of «C»", lang)
        assert form in text and "«A»" in text and "«B» " in text, text
    assert "неизвест" in line("removes funnel «F» holding an unknown number of deals", "ru")
    assert line("a line of no known shape", "uk") == "a line of no known shape"


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_merge_lines_are_translated(lang: str) -> None:
    """A merge and the two steps apply splits it into read back in the reader's language."""
    from funnelkit.report.plan_words import line

    merge = "merge stage «A» of «B» (5 deals) into «C» of «B», then delete it"
    for text in (merge, f"move deals (merge) {merge}", f"delete (after merge) {merge}"):
        out = line(text, lang)
        assert _stray(out, ALLOWED | {"A", "B", "C"}) == [], out


def test_numbers_beyond_the_decimal_context_print_whole() -> None:
    # 30 digits: more than the default 28-digit decimal context Babel rounds in.
    assert number(10**30, "ru").replace("\u00a0", " ") == "1" + " 000" * 10
    assert number(10**30, "en", 1).endswith(",000.0")
