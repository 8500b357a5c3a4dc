"""Findings are written without pydantic on the way; the schema must still say what is written."""

from __future__ import annotations

import gc
import json
import math
from typing import Any

import pytest
from pydantic import TypeAdapter

from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.model.phrase import Phrase
from funnelkit.report import only_failing, render
from funnelkit.report.jsonrows import FindingJson
from funnelkit.report.rows import FindingList, FindingRows
from funnelkit.report.schema import FindingOut, SuppressedOut
from tests.report.sample import document

FINDING = TypeAdapter(FindingOut)


def schema_text(f: FindingOut) -> str:
    """A finding as the report's findings list holds it: pydantic's dump, standard encoder."""
    data = FINDING.dump_python(f, mode="json")
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n    ")  # the list's items sit two levels deep


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_every_emitted_finding_validates_and_reads_back_the_same(lang: str) -> None:
    report = document(lang)
    emitted = json.loads(render(report, "json"))["findings"]
    assert len(emitted) == len(report.findings) > 0
    for text, row in zip(emitted, report.findings, strict=True):
        # extra fields forbidden: a field written but not in the schema fails here
        assert FINDING.validate_python(text) == row


def test_fast_finding_text_is_the_schema_dump_byte_for_byte() -> None:
    encode = FindingJson().encode
    rows = [*document("ru").findings, *[finding(e) for e in ODD_EVIDENCE]]
    for row in rows:
        assert encode(row) == schema_text(row)


ODD_EVIDENCE: list[dict[str, Any]] = [
    {},
    {"nan": math.nan, "inf": -math.inf, "ok": 0.1},
    {"quote": 'a "b" \\ c\n\t\u2028', "big": 2**63, "yes": True, "none": None},
    {"phrase": Phrase("{n} days", "evidence", n=3), "ё": "ключ"},
]


def finding(evidence: dict[str, Any]) -> FindingOut:
    subject = Subject(kind="deal", id="7", name=Phrase("deal {n}", None, n=7), funnel_id="1")
    f = Finding(
        code="FK201",
        name="deals.stuck",
        severity=Severity.HIGH,
        subject=subject,
        template="{subject}",
        evidence=evidence,
        related=tuple(str(i) for i in range(60)),
    )
    return FindingRows("en", {}).row(f)


def test_rows_keep_what_the_schema_declares() -> None:
    row = finding({"days": 3})
    assert type(row.subject.name) is str and row.subject.name == "deal 7"
    assert row.related_count == 60 and len(row.related) == 50
    assert row.severity == "high" and type(row.severity) is str
    suppressed = FindingRows("en", {}).suppressed(Finding(**_fields(row)), "known", 2)
    assert (
        TypeAdapter(SuppressedOut).validate_python(
            TypeAdapter(SuppressedOut).dump_python(suppressed, mode="json")
        )
        == suppressed
    )


def _fields(row: FindingOut) -> dict[str, Any]:
    s = row.subject
    return {
        "code": row.code,
        "name": row.name,
        "severity": Severity(row.severity),
        "subject": Subject(kind=s.kind, id=s.id, name=s.name, funnel_id=s.funnel_id),
        "template": "{subject}",
        "evidence": row.evidence,
        "related": tuple(row.related),
    }


@pytest.mark.parametrize("enabled", [True, False])
def test_building_a_report_leaves_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        document()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def audit_finding(evidence: dict[str, Any]) -> Finding:
    subject = Subject(kind="deal", id="7", name=Phrase("deal {n}", None, n=7), funnel_id="1")
    return Finding(
        code="FK201",
        name="deals.stuck",
        severity=Severity.HIGH,
        subject=subject,
        template="{subject}",
        evidence=evidence,
        related=tuple(str(i) for i in range(60)),
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_findings_written_from_the_audit_are_their_rows_schema_dump(lang: str) -> None:
    found = document(lang).findings
    assert isinstance(found, FindingList)
    rows = found.rows
    audit = [*found.source, *[audit_finding(e) for e in ODD_EVIDENCE]]
    encode = FindingJson().encode_finding
    for f in audit:
        assert encode(f, rows) == schema_text(rows.row(f))


def test_the_report_holds_the_audits_findings_not_rows() -> None:
    report = document()
    found = report.findings
    assert isinstance(found, FindingList) and len(found) > 0
    assert all(type(f) is Finding for f in found.source)
    assert found[0] == found.rows.row(found.source[0]) and found[:2] == list(found)[:2]
    failing = only_failing(report).findings
    assert [f.severity for f in failing] == ["high"] * len(failing) and len(failing) < len(found)
