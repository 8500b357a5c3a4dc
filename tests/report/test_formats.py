"""Every report format renders the same typed document, safely."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from funnelkit.report import FORMATS, AuditReport, only_failing, render, report_schema
from tests.report.sample import EVIL, IMG, document


def test_json_matches_its_schema_with_groups_beside_findings() -> None:
    doc = json.loads(render(document(), "json"))
    AuditReport.model_validate(doc)
    assert doc["schema"] == "funnelkit.audit/1"
    assert doc["summary"]["failing"] == 6
    assert len(doc["findings"]) == 18 and all(f["subject"]["kind"] for f in doc["findings"])
    assert sum(g["count"] for g in doc["groups"]) == len(doc["findings"])
    assert doc["portal"]["name"] == "acme"
    assert report_schema()["title"].startswith("funnelkit audit report")


def test_json_is_stable() -> None:
    assert render(document(), "json") == render(document(), "json")


@pytest.mark.parametrize("details", [False, True])
def test_html_escapes_portal_names_and_is_self_contained(details: bool) -> None:
    html = render(document(), "html", details=details)
    for bad in (EVIL, IMG, "<script>alert", "<img src=x"):
        assert bad not in html
    assert "&lt;script&gt;alert" in html
    for external in ('="https://', '="//', "@import", "<link", "<img", "url("):
        assert external not in html
    assert "<svg" in html and "filter-funnel" in html


def test_csv_neutralises_formulas_and_names_every_subject() -> None:
    rows = list(csv.reader(io.StringIO(render(document(), "csv"))))
    assert rows[0][0] == "severity" and len(rows) == 19
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert '\'=HYPERLINK("http://x")' in cells
    assert all(row[7] for row in rows[1:])


def test_sarif_is_well_formed() -> None:
    sarif = json.loads(render(document(), "sarif"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert len(results) == 18 and results[0]["level"] == "error"
    assert results[0]["locations"][0]["logicalLocations"][0]["name"]


def test_junit_fails_every_finding_at_fail_on_and_keeps_the_rest_as_output() -> None:
    suite = ET.fromstring(render(document(), "junit").split("?>", 1)[1])
    failures = suite.findall(".//failure")
    assert len(failures) == 6 == int(suite.get("failures") or 0)
    assert all(f.get("type") == "high" for f in failures)
    out = [c for c in suite.iter("testcase") if c.get("classname") == "funnelkit.FK301"]
    assert out and "[medium]" in (out[0].findtext("system-out") or "")
    assert suite.findall(".//skipped")


@pytest.mark.parametrize(
    ("lang", "word"), [("en", "Findings"), ("ru", "Замечания"), ("uk", "Зауваження")]
)
def test_languages(lang: str, word: str) -> None:
    for fmt in ("text", "markdown", "html"):
        assert word in render(document(lang), fmt)


def test_every_format_renders() -> None:
    for fmt in FORMATS:
        assert render(document(), fmt).strip()


def test_status_fail_keeps_only_failing() -> None:
    kept = only_failing(document())
    assert {f.code for f in kept.findings} == {"FK201"}
    assert {g.code for g in kept.groups} == {"FK201"}


def test_text_is_plain_summary_first_and_never_cut() -> None:
    report = document()
    text = render(report, "text")
    assert not set(text) & set("─│┃━┏┓└┘├┤┌┐╭╮╰╯")
    lines = text.splitlines()
    assert lines[0].startswith("Funnel audit: acme")
    assert lines[1].startswith("Portal score:")
    assert lines.index("What to do first") < lines.index("Findings by rule and place")
    assert EVIL in text  # plain text shows names exactly as the portal has them


def test_details_lists_every_finding_with_its_subject() -> None:
    report = document()
    text = render(report, "text", details=True)
    for f in report.findings:
        assert f.subject.name in text and f.message in text


def test_html_names_entity_kinds_in_the_language() -> None:
    assert "угода" in render(document("uk"), "html", details=True)


def test_one_list_of_severities_languages_and_formats() -> None:
    from funnelkit.audit.findings import Severity
    from funnelkit.cli.audit import Format
    from funnelkit.model.enums import LANGS as MODEL_LANGS
    from funnelkit.report import LANGS, SEVERITIES

    assert tuple(s.value for s in Severity) == SEVERITIES
    assert LANGS is MODEL_LANGS  # one list, re-exported, not a copy
    assert set(FORMATS) == {f.value for f in Format}


def _sarif_of_rows(report: AuditReport) -> str:
    """SARIF as the standard encoder writes it from the report's rows (the reference)."""
    codes: dict[str, dict[str, Any]] = {}
    results = []
    for f in report.findings:
        s = f.subject
        codes.setdefault(
            f.code,
            {
                "id": f.code,
                "name": f.name,
                "shortDescription": {"text": f.title or f.name},
                "help": {"text": f.remedy or ""},
            },
        )
        uri = f"crm://{report.portal.domain}/" + "/".join(
            [*[p for p in (s.funnel_id, s.stage_id) if p], f"{s.kind}-{s.id}"]
        )
        results.append(
            {
                "ruleId": f.code,
                "level": {"critical": "error", "high": "error", "medium": "warning"}.get(
                    f.severity, "note"
                ),
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": uri}},
                        "logicalLocations": [{"name": s.name or s.id, "kind": s.kind}],
                    }
                ],
                "partialFingerprints": {"funnelkit/v1": f.key},
                "properties": {"severity": f.severity, "evidence": f.evidence},
            }
        )
    driver: dict[str, Any] = {"name": "funnelkit", "version": report.funnelkit_version}
    driver["rules"] = [codes[c] for c in sorted(codes)]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_sarif_is_what_the_standard_encoder_writes(lang: str) -> None:
    report = document(lang)
    assert render(report, "sarif") == _sarif_of_rows(report)
    rows = report.model_copy(update={"findings": list(report.findings)})
    assert render(rows, "sarif") == _sarif_of_rows(report)
    empty = report.model_copy(update={"findings": []})
    assert render(empty, "sarif") == _sarif_of_rows(empty)
