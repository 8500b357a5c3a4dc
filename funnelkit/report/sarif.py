"""The sarif report (SARIF 2.1.0), written a result at a time.

Byte for byte what `jsonfast.dumps(..., sort_keys=False)` writes for the whole document (its
own key order, two-space indentation, unicode kept), but a result's shape is fixed, so its
text is laid out directly: per result only its own strings and its evidence are encoded (the
evidence in one call of the C encoder), and the results are handed on in batches instead of
being held as a million dicts and one string.
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from funnelkit.report import jsonfast
from funnelkit.report.jsonfast import flat_encoder
from funnelkit.report.rows import FindingList

if TYPE_CHECKING:
    from funnelkit.report.schema import AuditReport

LEVELS = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
_PLAIN = frozenset({str, int, float, bool, type(None)})
# a result sits at depth 4 (document → runs → run → results → result)
_ITEM = "\n        "  # before a result
_M = "\n          "  # before a member of the result
_EVIDENCE_DEPTH = 6  # result → properties → evidence
_EVIDENCE = flat_encoder(",\n" + "  " * (_EVIDENCE_DEPTH + 1), sort_keys=True)


def _location_text(uri: str, name: str, kind: str) -> str:
    return (
        '"locations": [\n            {\n              "physicalLocation": {\n'
        '                "artifactLocation": {\n                  "uri": '
        + encode_basestring(uri)
        + '\n                }\n              },\n              "logicalLocations": [\n'
        '                {\n                  "name": '
        + encode_basestring(name)
        + ',\n                  "kind": '
        + encode_basestring(kind)
        + "\n                }\n              ]\n            }\n          ],"
    )


def _evidence(evidence: dict[str, Any]) -> str:
    if not evidence:
        return "{}"
    if all(type(v) in _PLAIN for v in evidence.values()):
        pad = "\n" + "  " * _EVIDENCE_DEPTH
        return "{" + pad + "  " + _EVIDENCE(evidence)[1:-1] + pad + "}"
    # anything unusual: the general writer, in the order the report row keeps (sorted)
    ordered = dict(sorted(evidence.items()))
    return "".join(jsonfast.pieces(ordered, _EVIDENCE_DEPTH, sort_keys=False))


def result_text(
    code: str,
    severity: str,
    message: str,
    uri: str,
    name: str,
    kind: str,
    key: str,
    evidence: dict[str, Any],
) -> str:
    """One result as the results list holds it (no indentation before it)."""
    return "".join(
        (
            "{" + _M + '"ruleId": ',
            encode_basestring(code),
            "," + _M + '"level": ' + encode_basestring(LEVELS[severity]) + ",",
            _M + '"message": {' + _M + '  "text": ',
            encode_basestring(message),
            _M + "}," + _M,
            _location_text(uri, name, kind),
            _M + '"partialFingerprints": {' + _M + '  "funnelkit/v1": ',
            encode_basestring(key),
            _M + "}," + _M + '"properties": {' + _M + '  "severity": ',
            encode_basestring(severity),
            "," + _M + '  "evidence": ',
            _evidence(evidence),
            _M + "}" + _ITEM + "}",
        )
    )


def location_uri(
    domain: str, funnel_id: str | None, stage_id: str | None, kind: str, id: str
) -> str:
    """`crm://DOMAIN/FUNNEL/STAGE/KIND-ID`, leaving out what the subject has not."""
    parts = [p for p in (funnel_id, stage_id) if p]
    return f"crm://{domain}/" + "/".join([*parts, f"{kind}-{id}"])


def _results(report: AuditReport) -> Iterator[str]:
    domain = report.portal.domain
    found = report.findings
    if isinstance(found, FindingList):
        rows = found.rows
        for f in found.source:
            s = f.subject
            name = str(s.name)
            yield result_text(
                f.code,
                rows.severity(f.severity),
                rows.message(f),
                location_uri(domain, s.funnel_id, s.stage_id, s.kind, s.id),
                name or s.id,
                s.kind,
                f.key,
                f.evidence,
            )
        return
    for row in found:
        place = row.subject
        yield result_text(
            row.code,
            row.severity,
            row.message,
            location_uri(domain, place.funnel_id, place.stage_id, place.kind, place.id),
            place.name or place.id,
            place.kind,
            row.key,
            row.evidence,
        )


def _rules(report: AuditReport) -> list[dict[str, Any]]:
    """A rule entry per code found, from its first finding, by code."""
    found = report.findings
    first: dict[str, tuple[str, str, str]] = {}
    if isinstance(found, FindingList):
        rows = found.rows
        for f in found.source:
            if f.code not in first:
                first[f.code] = (f.name, rows.title(f.code), rows.remedy(f.code))
    else:
        for row in found:
            if row.code not in first:
                first[row.code] = (row.name, row.title, row.remedy)
    return [
        {
            "id": code,
            "name": name,
            "shortDescription": {"text": title or name},
            "help": {"text": remedy or ""},
        }
        for code, (name, title, remedy) in sorted(first.items())
    ]


def sarif_pieces(report: AuditReport) -> Iterator[str]:
    """SARIF 2.1.0: one run, rules from the findings' codes, results with stable fingerprints."""
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "funnelkit",
                        "version": report.funnelkit_version,
                        "rules": _rules(report),
                    }
                },
                "results": [],
            }
        ],
    }
    # the document without its results; the key is written once, outside any string
    head, tail = jsonfast.dumps(sarif, sort_keys=False).split('"results": []', 1)
    yield head + '"results": '
    yield from _batched(_results(report))
    yield tail + "\n"


def _batched(texts: Iterator[str], size: int = jsonfast.BATCH) -> Iterator[str]:
    opened = False
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield ("," if opened else "[") + _ITEM + ("," + _ITEM).join(batch)
            opened, batch = True, []
    if batch:
        yield ("," if opened else "[") + _ITEM + ("," + _ITEM).join(batch)
        opened = True
    yield "\n      ]" if opened else "[]"
