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
from json.encoder import encode_basestring
from typing import Any

from funnelkit.report.jsonfast import flat_encoder
from funnelkit.report.schema import FindingOut

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


class FindingJson:
    """Encodes report rows; remembers the encoded texts of rules and places."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, str, str, str], tuple[str, str, str]] = {}
        self._places: dict[tuple[str | None, str | None, str], str] = {}

    def encode(self, f: FindingOut) -> str:
        """One finding as the report's findings list holds it (no leading indentation)."""
        rule = (f.code, f.name, f.severity, f.title, f.remedy)
        parts = self._rules.get(rule)
        if parts is None:
            parts = self._rules[rule] = (
                '{\n      "code": ' + _text(f.code) + "," + _IN + '"evidence": ',
                "," + _IN + '"name": ' + _text(f.name) + "," + _IN + '"related": ',
                ","
                + _IN
                + '"remedy": '
                + _text(f.remedy)
                + ","
                + _IN
                + '"severity": '
                + _text(f.severity)
                + ","
                + _IN
                + '"subject": {'
                + _IN2
                + '"funnel_id": ',
            )
        head, middle, tail = parts
        s = f.subject
        place_key = (s.stage_id, s.stage_name, f.title)
        place = self._places.get(place_key)
        if place is None:
            place = self._places[place_key] = (
                ","
                + _IN2
                + '"stage_id": '
                + _text(s.stage_id)
                + ","
                + _IN2
                + '"stage_name": '
                + _text(s.stage_name)
                + _IN
                + "},"
                + _IN
                + '"title": '
                + _text(f.title)
                + "\n    }"
            )
        related = f.related
        return "".join(
            (
                head,
                _evidence(f.evidence),
                "," + _IN + '"key": ',
                encode_basestring(f.key),
                "," + _IN + '"message": ',
                encode_basestring(f.message),
                middle,
                "[" + _IN2 + _RELATED(related)[1:-1] + _IN + "]" if related else "[]",
                "," + _IN + '"related_count": ',
                int.__repr__(f.related_count),
                tail,
                _text(s.funnel_id),
                "," + _IN2 + '"funnel_name": ',
                _text(s.funnel_name),
                "," + _IN2 + '"id": ',
                encode_basestring(s.id),
                "," + _IN2 + '"kind": ',
                encode_basestring(s.kind),
                "," + _IN2 + '"name": ',
                encode_basestring(s.name),
                place,
            )
        )
