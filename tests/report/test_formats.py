"""Every report format renders the same document, safely."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest

from funnelkit.report import FORMATS, only_failing, render, report_schema
from funnelkit.report.schema import AuditReport
from tests.report.sample import EVIL, document


def test_json_matches_its_schema() -> None:
    doc = json.loads(render(document(), "json", "en"))
    AuditReport.model_validate(doc)
    assert doc["schema"] == "funnelkit.audit/1"
    assert doc["summary"]["failing"] == 1
    assert report_schema()["title"].startswith("funnelkit audit report")


def test_json_is_stable() -> None:
    assert render(document(), "json", "en") == render(document(), "json", "en")


def test_html_escapes_portal_names_and_is_self_contained() -> None:
    html = render(document(), "html", "en")
    assert EVIL not in html
    assert "&lt;script&gt;alert" in html
    assert "<script>alert" not in html
    for external in ("https://", "//cdn", "@import", "<link", "src="):
        assert external not in html
    assert "http://" not in html.replace("&#34;http://x&#34;", "")
    assert "<svg" in html and "filter-funnel" in html


def test_csv_neutralises_formulas() -> None:
    rows = list(csv.reader(io.StringIO(render(document(), "csv", "en"))))
    assert rows[0][0] == "severity"
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=cmd|' /C calc'!A0" in cells


def test_sarif_and_junit_are_well_formed() -> None:
    sarif = json.loads(render(document(), "sarif", "en"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert results[0]["level"] == "error" and results[0]["partialFingerprints"]
    suite = ET.fromstring(render(document(), "junit", "en").split("?>", 1)[1])
    assert (
        suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    )


@pytest.mark.parametrize(
    ("lang", "word"), [("en", "Findings"), ("ru", "Замечания"), ("uk", "Зауваження")]
)
def test_languages(lang: str, word: str) -> None:
    for fmt in ("text", "markdown", "html"):
        assert word in render(document(lang), fmt, lang)
    assert "45,0" in render(document("uk"), "html", "uk") or "%" in render(document(), "html", "en")


def test_every_format_renders() -> None:
    for fmt in FORMATS:
        assert render(document(), fmt, "en").strip()


def test_status_fail_keeps_only_failing() -> None:
    kept = only_failing(document())
    assert [f["code"] for f in kept["findings"]] == ["FK101"]


def test_markdown_escapes_pipes() -> None:
    doc = document()
    doc["findings"][0]["message"] = "a | b"
    assert "a \\| b" in render(doc, "markdown", "en")


def test_html_names_entity_kinds_in_the_language() -> None:
    doc = document("ru")
    doc["findings"][0]["subject"]["kind"] = "deal"
    assert "сделка" in render(doc, "html", "ru")
