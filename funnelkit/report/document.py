"""One report document for every format: the audit's findings, rule texts and the metrics."""

from __future__ import annotations

from typing import Any

from funnelkit import __version__
from funnelkit.metrics import DEFINITIONS, PortalMetrics, definition
from funnelkit.model import Manifest, Portal
from funnelkit.model.timeutil import iso
from funnelkit.report.schema import REPORT_SCHEMA

SEVERITIES = ("critical", "high", "medium", "low", "info")


def _with_texts(finding: dict[str, Any], texts: dict[str, dict[str, str]]) -> dict[str, Any]:
    meta = texts.get(finding["code"], {})
    return {**finding, "title": meta.get("title", ""), "remedy": meta.get("remedy", "")}


def build_document(
    audit: dict[str, Any],
    metrics: PortalMetrics | None,
    manifest: Manifest,
    portal: Portal,
    rule_texts: dict[str, dict[str, str]],
    lang: str,
    generated_at: int,
) -> dict[str, Any]:
    """The report as JSON-ready data (`funnelkit.audit/1`).

    `audit` is the audit's own dict view (`funnelkit.audit.result_to_dict`);
    `rule_texts` maps a rule code to its title / rationale / remedy in `lang`.
    """
    rules = audit.get("rules", [])
    counts = {s: audit.get("counts", {}).get(s, 0) for s in SEVERITIES}
    findings = [_with_texts(f, rule_texts) for f in audit.get("findings", [])]
    failing = sum(
        1 for f in findings if SEVERITIES.index(f["severity"]) <= SEVERITIES.index(audit["fail_on"])
    )
    return {
        "schema": REPORT_SCHEMA,
        "funnelkit_version": __version__,
        "lang": lang,
        "generated_at": iso(generated_at),
        "now": audit.get("now"),
        "now_source": audit.get("now_source", "snapshot as-of"),
        "clock": audit.get("clock", ""),
        "portal": {
            "vendor": manifest.vendor.value,
            "domain": manifest.domain,
            "currency": portal.currency,
            "pulled_at": iso(manifest.pulled_at),
        },
        "summary": {
            "findings": len(findings),
            "by_severity": counts,
            "failing": failing,
            "fail_on": audit["fail_on"],
            "exit_code": audit.get("exit_code", 0),
            "rules_run": sum(1 for r in rules if r["status"] == "ran"),
            "rules_skipped": sum(1 for r in rules if r["status"] == "skipped"),
            "suppressed": len(audit.get("suppressed", [])),
            "baseline_filtered": audit.get("baseline_filtered", 0),
        },
        "findings": findings,
        "rules": rules,
        "suppressed": [_with_texts(f, rule_texts) for f in audit.get("suppressed", [])],
        "unused_suppressions": audit.get("unused_suppressions", []),
        "expired_suppressions": audit.get("expired_suppressions", []),
        "roles": audit.get("roles", []),
        "metrics": metrics.model_dump(mode="json") if metrics else None,
        "definitions": {
            key: dict(zip(("name", "definition"), definition(key, lang), strict=True))
            for key in DEFINITIONS
        },
    }
