"""Formats for machines: json, csv (spreadsheet-safe), sarif and junit."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

from funnelkit.report import jsonfast
from funnelkit.report.jsonrows import FindingJson
from funnelkit.report.rows import FindingList, FlatRow, flat_rows
from funnelkit.report.schema import AuditReport, severity_rank

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(report: AuditReport) -> str:
    """Stable JSON: sorted keys, unicode kept."""
    return "".join(json_pieces(report))


def json_pieces(report: AuditReport) -> Iterator[str]:
    """`to_json` in pieces: the findings are dumped one at a time as they are written, so a
    million of them never exist at once as dicts or as one string."""
    # = json.dumps(indent=2, sort_keys=True), faster (jsonfast)
    data = report.model_dump(mode="json", by_alias=True, exclude={"findings"})
    found = report.findings
    writer = FindingJson()
    findings: Iterator[str]
    if isinstance(found, FindingList):  # straight from the audit's findings, no rows
        rows, encode = found.rows, writer.encode_finding
        findings = (encode(f, rows) for f in found.source)
    else:
        findings = map(writer.encode, found)
    yield from jsonfast.stream_object(data, {}, {"findings": findings})
    yield "\n"


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (portal names are untrusted)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_CSV_HEAD = [
    "severity",
    "code",
    "rule",
    "funnel",
    "stage",
    "subject_kind",
    "subject_id",
    "subject_name",
    "message",
    "remedy",
    "key",
]


def to_csv(report: AuditReport) -> str:
    """One row per finding."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_HEAD)
    start = _FORMULA_START
    # `safe_cell` inline (a flat row holds strings and None): ten cells a finding
    writer.writerows(
        [("'" + v if v.startswith(start) else v) if v is not None else "" for v in row]
        for row in flat_rows(report.findings)
    )
    return out.getvalue()


def to_sarif(report: AuditReport) -> str:
    """SARIF 2.1.0: one run, rules from the findings' codes, results with stable fingerprints."""
    from funnelkit.report.sarif import sarif_pieces

    return "".join(sarif_pieces(report))


def _line(f: FlatRow) -> str:
    return f"[{f.severity}] {f.key}: {f.message}"


def to_junit(report: AuditReport) -> str:
    """JUnit XML: every finding at or above --fail-on is a failed test case of its own;
    findings below it go to their rule's properties and system-out; skipped rules are skipped.
    """
    floor = severity_rank(report.summary.fail_on)
    by_code: dict[str, list[FlatRow]] = {}
    for f in flat_rows(report.findings):
        by_code.setdefault(f.code, []).append(f)
    suite = ET.Element("testsuite", name=f"funnelkit audit {report.portal.name}")
    tests = failures = skipped = 0
    for rule in report.rules:
        cls = f"funnelkit.{rule.code}"
        found = by_code.get(rule.code, [])
        failing = [f for f in found if severity_rank(f.severity) >= floor]
        below = [f for f in found if severity_rank(f.severity) < floor]
        for f in failing:
            tests += 1
            failures += 1
            case = ET.SubElement(suite, "testcase", classname=cls, name=f.subject_name or f.key)
            node = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            node.text = _line(f)
        if failing and not below and rule.status == "ran":
            continue
        tests += 1
        case = ET.SubElement(suite, "testcase", classname=cls, name=rule.name)
        if rule.status == "skipped":
            skipped += 1
            ET.SubElement(case, "skipped", message=rule.reason or "")
            continue
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="findings_below_fail_on", value=str(len(below)))
        ET.SubElement(props, "property", name="fail_on", value=report.summary.fail_on)
        if below:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in below)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
