"""Formats for machines: json, csv (spreadsheet-safe), sarif and junit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

from funnelkit.report import jsonfast

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SARIF_LEVEL = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}


def to_json(doc: dict[str, Any]) -> str:
    """Stable JSON: sorted keys, unicode kept."""
    return jsonfast.dumps(doc) + "\n"  # = json.dumps(indent=2, sort_keys=True), faster


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (portal names are untrusted)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(doc: dict[str, Any]) -> str:
    """One row per finding."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
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
    )
    for f in doc["findings"]:
        s = f["subject"]
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    f["severity"],
                    f["code"],
                    f["name"],
                    s.get("funnel_name"),
                    s.get("stage_name"),
                    s["kind"],
                    s["id"],
                    s.get("name"),
                    f["message"],
                    f.get("remedy"),
                    f["key"],
                )
            ]
        )
    return out.getvalue()


def _location(f: dict[str, Any], domain: str) -> dict[str, Any]:
    s = f["subject"]
    parts = [p for p in (s.get("funnel_id"), s.get("stage_id")) if p]
    uri = f"crm://{domain}/" + "/".join([*parts, f"{s['kind']}-{s['id']}"])
    return {"physicalLocation": {"artifactLocation": {"uri": uri}}}


def to_sarif(doc: dict[str, Any]) -> str:
    """SARIF 2.1.0: one run, rules from the findings' codes, results with stable fingerprints."""
    domain = doc["portal"]["domain"]
    codes: dict[str, dict[str, Any]] = {}
    for f in doc["findings"]:
        codes.setdefault(
            f["code"],
            {
                "id": f["code"],
                "name": f["name"],
                "shortDescription": {"text": f.get("title") or f["name"]},
                "help": {"text": f.get("remedy") or ""},
            },
        )
    results = [
        {
            "ruleId": f["code"],
            "level": _SARIF_LEVEL[f["severity"]],
            "message": {"text": f["message"]},
            "locations": [_location(f, domain)],
            "partialFingerprints": {"funnelkit/v1": f["key"]},
            "properties": {"severity": f["severity"], "evidence": f["evidence"]},
        }
        for f in doc["findings"]
    ]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "funnelkit",
                        "version": doc["funnelkit_version"],
                        "rules": [codes[c] for c in sorted(codes)],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"


def to_junit(doc: dict[str, Any]) -> str:
    """JUnit XML: a test case per rule; failing findings are failures, skipped rules skipped."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    suite = ET.Element("testsuite", name=f"funnelkit audit {doc['portal']['domain']}")
    failures = skipped = 0
    fail_on = doc["summary"]["fail_on"]
    order = ["info", "low", "medium", "high", "critical"]
    for rule in doc["rules"]:
        case = ET.SubElement(
            suite, "testcase", classname="funnelkit." + rule["code"], name=rule["name"]
        )
        if rule["status"] == "skipped":
            skipped += 1
            ET.SubElement(case, "skipped", message=rule.get("reason") or "")
            continue
        failing = [
            f
            for f in by_code.get(rule["code"], [])
            if order.index(f["severity"]) >= order.index(fail_on)
        ]
        if failing:
            failures += 1
            node = ET.SubElement(
                case, "failure", message=f"{len(failing)} finding(s)", type=failing[0]["severity"]
            )
            node.text = "\n".join(f"[{f['severity']}] {f['message']}" for f in failing)
    suite.set("tests", str(len(doc["rules"])))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
