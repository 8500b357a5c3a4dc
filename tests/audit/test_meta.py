"""Rule metadata lint: codes match rules.md, texts in en/ru/uk, unique identifiers."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from funnelkit.audit.registry import Registry, default_registry
from funnelkit.audit.rule import GROUPS, Rule
from funnelkit.audit.rules import ALL_RULES
from funnelkit.model.enums import LANGS
from funnelkit.report.catalog import gettext
from funnelkit.report.catalogue import text

RULES_MD = Path("/work/shared/rules.md")
CATALOGUE = {
    "FK101": "stages.dump", "FK102": "stages.vague-name", "FK103": "stages.merged",
    "FK104": "stages.too-granular", "FK105": "stages.count", "FK201": "deals.stuck",
    "FK202": "deals.skipped-by-neglect", "FK203": "deals.lost-without-reason",
    "FK204": "deals.reentry", "FK301": "tasks.none-or-overdue", "FK302": "tasks.postponed",
    "FK303": "tasks.no-recent-interaction", "FK401": "funnels.mixed-lead-deal",
    "FK402": "funnels.needless-lead-funnel", "FK403": "funnels.single-for-all-products",
    "FK404": "funnels.no-refusal-funnel", "FK405": "funnels.handoff-by-reassignment",
    "FK406": "funnels.helper-employee-field", "FK501": "links.isolated-funnel",
    "FK502": "links.contact-without-open-deal",
}  # fmt: skip


def test_codes_and_names_match_the_catalogue() -> None:
    found = {r.meta.code: r.meta.name for r in default_registry().rules}
    assert found == CATALOGUE
    if RULES_MD.exists():
        table = dict(re.findall(r"^\| (FK\d{3}) \| ([a-z.-]+) \|", RULES_MD.read_text(), re.M))
        assert table == CATALOGUE


@pytest.mark.parametrize("rule", [cls() for cls in ALL_RULES], ids=lambda r: r.meta.code)
def test_metadata_is_complete(rule: Rule) -> None:
    meta = rule.meta
    assert meta.group in GROUPS and meta.name.startswith(meta.group + ".")
    assert meta.code[2] == "12345"[GROUPS.index(meta.group)]
    for field in ("title", "rationale", "remedy"):
        source = getattr(meta, field)
        # written once, in English; ru / uk come from the report's gettext catalogs
        assert source.en.strip() and set(type(source).model_fields) == {"en"}, (meta.code, field)
        texts = {lang: text(rule, field, lang) for lang in ("en", "ru", "uk")}
        assert len(set(texts.values())) == 3, (meta.code, field)
    for lang in ("en", "ru", "uk"):
        assert len(text(rule, "title", lang)) <= 80, (meta.code, lang)
    assert meta.messages and rule.__doc__ and "How it is detected" in rule.__doc__
    assert "Remedy:" not in rule.__doc__  # the remedy is the RuleMeta's, not repeated here
    for variant in meta.messages.values():
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(text) if f}
            for text in [gettext(variant.en, lang, f"{meta.code}.message") for lang in LANGS]
        ]
        assert fields[0] == fields[1] == fields[2], meta.code
    for name, info in rule.Params.model_fields.items():
        assert info.description, f"{meta.code}.{name} lacks a description"
        assert info.default is not None
    rule.Params()  # defaults are within their own bounds


def test_duplicate_codes_and_aliases_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Registry([ALL_RULES[0], ALL_RULES[0]])
