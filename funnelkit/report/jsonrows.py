"""The json report's findings, written straight from the rows.

Byte for byte what `jsonfast` writes for a finding dumped by pydantic (`mode="json"`), at
the depth the report's `findings` list puts it: keys sorted, two-space indentation, unicode
kept, NaN and infinities as null (pydantic's json mode). A finding's shape is fixed, so its
text is laid out directly: the rule's texts are encoded once per rule, the subject's place
once per stage, and only the finding's own strings, evidence and related ids each time, each
container in one call of the C encoder.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from funnelkit.report.jsonfast import flat_encoder
from funnelkit.report.rows import RELATED_KEPT
from funnelkit.report.schema import FindingOut

if TYPE_CHECKING:
    from funnelkit.audit.findings import Finding
    from funnelkit.audit.findings import Severity as Level
    from funnelkit.report.rows import FindingRows

# the finding sits at depth 2 (report → findings → finding); its members at depth 3
_IN = "\n      "  # before a member of the finding
_IN2 = "\n        "  # before an item of a member (evidence, related, subject)


_EVIDENCE = flat_encoder("," + _IN2, sort_keys=True, allow_nan=False)
_RELATED = flat_encoder("," + _IN2, sort_keys=False)


def _text(value: str | None) -> str:
    return "null" if value is None else str(encode_basestring(value))


def _evidence(evidence: dict[str, Any]) -> str:
    if not evidence:
        return "{}"
    try:
        flat = _EVIDENCE(evidence)
    except ValueError:  # NaN or an infinity: pydantic's json mode writes null
        finite = {
            k: None if type(v) is float and not math.isfinite(v) else v for k, v in evidence.items()
        }
        flat = _EVIDENCE(finite)
    return "{" + _IN2 + flat[1:-1] + _IN + "}"


_Found = tuple[tuple[str, str, str], str]  # a rule's encoded parts, and its title


class FindingJson:
    """Encodes findings; remembers the encoded texts of rules and places."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, str, str, str], tuple[str, str, str]] = {}
        self._places: dict[tuple[str | None, str | None, str], str] = {}
        # the same, found from an audit finding's rule and severity in one wording
        self._audit_rules: dict[tuple[FindingRows, str, str, Level], _Found] = {}

    def encode(self, f: FindingOut) -> str:
        """One report row as the report's findings list holds it (no leading indentation)."""
        s = f.subject
        return self._layout(
            self._rule(f.code, f.name, f.severity, f.title, f.remedy),
            self._place(s.stage_id, s.stage_name, f.title),
            f.evidence,
            f.key,
            f.message,
            f.related,
            f.related_count,
            s.funnel_id,
            s.funnel_name,
            s.id,
            s.kind,
            s.name,
        )

    def encode_finding(self, f: Finding, rows: FindingRows) -> str:
        """`encode` of `rows.row(f)`, without making the row."""
        s, code = f.subject, f.code
        known = (rows, code, f.name, f.severity)
        found = self._audit_rules.get(known)
        if found is None:
            title = rows.title(code)
            rule = self._rule(code, f.name, rows.severity(f.severity), title, rows.remedy(code))
            found = self._audit_rules[known] = (rule, title)
        rule, title = found
        related = f.related
        return self._layout(
            rule,
            self._place(s.stage_id, s.stage_name, title),
            f.evidence,
            f.key,
            rows.message(f),
            related[:RELATED_KEPT],
            len(related),
            s.funnel_id,
            s.funnel_name,
            s.id,
            s.kind,
            str(s.name),  # a phrase's English text, as the row has it
        )

    def _rule(
        self, code: str, name: str, severity: str, title: str, remedy: str
    ) -> tuple[str, str, str]:
        rule = (code, name, severity, title, remedy)
        parts = self._rules.get(rule)
        if parts is None:
            parts = self._rules[rule] = (
                '{\n      "code": ' + _text(code) + "," + _IN + '"evidence": ',
                "," + _IN + '"name": ' + _text(name) + "," + _IN + '"related": ',
                ","
                + _IN
                + '"remedy": '
                + _text(remedy)
                + ","
                + _IN
                + '"severity": '
                + _text(severity)
                + ","
                + _IN
                + '"subject": {'
                + _IN2
                + '"funnel_id": ',
            )
        return parts

    def _place(self, stage_id: str | None, stage_name: str | None, title: str) -> str:
        place_key = (stage_id, stage_name, title)
        place = self._places.get(place_key)
        if place is None:
            place = self._places[place_key] = (
                ","
                + _IN2
                + '"stage_id": '
                + _text(stage_id)
                + ","
                + _IN2
                + '"stage_name": '
                + _text(stage_name)
                + _IN
                + "},"
                + _IN
                + '"title": '
                + _text(title)
                + "\n    }"
            )
        return place

    @staticmethod
    def _layout(
        rule: tuple[str, str, str],
        place: str,
        evidence: dict[str, Any],
        key: str,
        message: str,
        related: Sequence[str],
        related_count: int,
        funnel_id: str | None,
        funnel_name: str | None,
        subject_id: str,
        kind: str,
        name: str,
    ) -> str:
        head, middle, tail = rule
        return "".join(
            (
                head,
                _evidence(evidence),
                "," + _IN + '"key": ',
                encode_basestring(key),
                "," + _IN + '"message": ',
                encode_basestring(message),
                middle,
                "[" + _IN2 + _RELATED(related)[1:-1] + _IN + "]" if related else "[]",
                "," + _IN + '"related_count": ',
                int.__repr__(related_count),
                tail,
                _text(funnel_id),
                "," + _IN2 + '"funnel_name": ',
                _text(funnel_name),
                "," + _IN2 + '"id": ',
                encode_basestring(subject_id),
                "," + _IN2 + '"kind": ',
                encode_basestring(kind),
                "," + _IN2 + '"name": ',
                encode_basestring(name),
                place,
            )
        )
