"""An audit's findings as report rows in the reader's language, built cheaply.

A big portal yields close to a million findings, so everything that repeats across them is
worked out once: a rule's title and remedy, its message template in the language, and the
wording of evidence values (a number, a yes / no, a known English word), which recur far more
often than they differ. Rows are plain dataclasses (`schema.FindingOut`), not validated one by
one; the tests check the emitted findings against the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, overload

from funnelkit.model.phrase import Phrase
from funnelkit.report.catalog import gettext
from funnelkit.report.phrases import value
from funnelkit.report.schema import SEVERITIES, FindingOut, Severity, SubjectOut, SuppressedOut

if TYPE_CHECKING:
    from funnelkit.audit.findings import Finding
    from funnelkit.audit.findings import Severity as Level

RELATED_KEPT = 50
#: Evidence values remembered per language at most (numbers and words recur; names may not).
_VALUES_KEPT = 65536
_CACHED_TYPES = frozenset({int, float, str, bool, type(None)})


class FindingRows:
    """Turns findings into `FindingOut` rows in one language, remembering what repeats."""

    def __init__(self, lang: str, texts: dict[str, dict[str, str]]) -> None:
        self.lang = lang
        self.texts = texts
        self._templates: dict[tuple[str, str], str] = {}
        self._values: dict[tuple[str, type, object], str] = {}
        self._severities: dict[Level, Severity] = {}
        self._phrases: dict[tuple[object, ...], str] = {}

    def template(self, f: Finding) -> str:
        """The rule's message template in the language (catalog context `CODE.message`)."""
        key = (f.template, f.code)
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = gettext(f.template, self.lang, f"{f.code}.message")
        return found

    def value(self, key: str, v: object) -> str:
        """`phrases.value`, remembered for plain values and phrases of plain values."""
        kind = type(v)
        if isinstance(v, Phrase):
            return self.phrase(key, v)
        if kind not in _CACHED_TYPES or v != v:  # NaN is never equal to itself
            return value(key, v, self.lang)
        memo = (key, kind, v)
        found = self._values.get(memo)
        if found is None:
            found = value(key, v, self.lang)
            if len(self._values) < _VALUES_KEPT:
                self._values[memo] = found
        return found

    def phrase(self, key: str, p: Phrase) -> str:
        """A phrase, worded once per message id, context and values: rules build one per
        finding, but the same few recur (a stage's limit, explained the same way each time)."""
        memo = _phrase_key(p)
        if memo is None:
            return value(key, p, self.lang)
        found = self._phrases.get(memo)
        if found is None:
            found = value(key, p, self.lang)
            if len(self._phrases) < _VALUES_KEPT:
                self._phrases[memo] = found
        return found

    def message(self, f: Finding) -> str:
        """The finding's message: the rule's template filled with translated evidence."""
        s = f.subject
        args: dict[str, str] = {}
        values = self._values
        for k, x in f.evidence.items():  # `value`, its remembered case inline (most of them)
            found = values.get((k, type(x), x)) if type(x) in _CACHED_TYPES and x == x else None
            args[k] = self.value(k, x) if found is None else found
        name = s.name
        args["subject"] = self.phrase("subject", name) if isinstance(name, Phrase) else name or s.id
        args["funnel"] = s.funnel_name or ""
        if "stage" not in args:
            args["stage"] = s.stage_name or ""
        return self.template(f).format_map(args)

    def row(self, f: Finding) -> FindingOut:
        """One finding in the language."""
        s = f.subject
        meta = self.texts.get(f.code, {})
        related = f.related
        return FindingOut(
            key=f.key,
            code=f.code,
            name=f.name,
            severity=self._severity(f.severity),
            title=meta.get("title", ""),
            message=self.message(f),
            remedy=meta.get("remedy", ""),
            subject=SubjectOut(
                kind=s.kind,
                id=s.id,
                name=str(s.name),  # a phrase's English text, as a plain string
                funnel_id=s.funnel_id,
                funnel_name=s.funnel_name,
                stage_id=s.stage_id,
                stage_name=s.stage_name,
            ),
            evidence=dict(sorted(f.evidence.items())),
            related=list(related[:RELATED_KEPT]),
            related_count=len(related),
        )

    def suppressed(self, f: Finding, reason: str, entry: int) -> SuppressedOut:
        """A suppressed finding, with the reason and ignore-file entry that keep it out."""
        r = self.row(f)
        return SuppressedOut(
            key=r.key,
            code=r.code,
            name=r.name,
            severity=r.severity,
            title=r.title,
            message=r.message,
            remedy=r.remedy,
            subject=r.subject,
            evidence=r.evidence,
            related=r.related,
            related_count=r.related_count,
            reason=reason,
            entry=entry,
        )

    def title(self, code: str) -> str:
        """The rule's title in the language."""
        return self.texts.get(code, {}).get("title", "")

    def remedy(self, code: str) -> str:
        """The rule's remedy in the language."""
        return self.texts.get(code, {}).get("remedy", "")

    def severity(self, level: Level) -> Severity:
        """The severity as the report writes it."""
        return self._severity(level)

    def _severity(self, level: Level) -> Severity:
        """The severity as a plain string (the audit's is an enum member)."""
        found = self._severities.get(level)
        if found is None:
            found = self._severities[level] = SEVERITIES[level.rank]
        return found


class FindingList(Sequence[FindingOut]):
    """A report's findings: the audit's own, each worded as a row only while it is read.

    At a million findings the rows held at once would be a second copy of every finding
    (about half a gigabyte); writers that know this list (json, sarif, csv) read the audit's
    findings and the wording directly and make no row at all.
    """

    __slots__ = ("rows", "source")

    def __init__(self, source: Sequence[Finding], rows: FindingRows) -> None:
        self.source = source
        self.rows = rows

    def __len__(self) -> int:
        return len(self.source)

    def __iter__(self) -> Iterator[FindingOut]:
        return map(self.rows.row, self.source)

    @overload
    def __getitem__(self, index: int) -> FindingOut: ...
    @overload
    def __getitem__(self, index: slice) -> list[FindingOut]: ...
    def __getitem__(self, index: int | slice) -> FindingOut | list[FindingOut]:
        if isinstance(index, slice):
            return [self.rows.row(f) for f in self.source[index]]
        return self.rows.row(self.source[index])

    def where(self, keep: Callable[[Finding], bool]) -> FindingList:
        """The findings `keep` accepts, in the same wording."""
        return FindingList([f for f in self.source if keep(f)], self.rows)


class FlatRow(NamedTuple):
    """What the flat formats (csv, junit, text details) write of a finding."""

    severity: str
    code: str
    name: str
    funnel_name: str | None
    stage_name: str | None
    kind: str
    id: str
    subject_name: str
    message: str
    remedy: str
    key: str


def flat_rows(findings: Sequence[FindingOut]) -> Iterator[FlatRow]:
    """The findings as flat rows; from the audit's findings directly when they are there."""
    if isinstance(findings, FindingList):
        rows = findings.rows
        for f in findings.source:
            s, code = f.subject, f.code
            yield FlatRow(
                rows.severity(f.severity),
                code,
                f.name,
                s.funnel_name,
                s.stage_name,
                s.kind,
                s.id,
                str(s.name),
                rows.message(f),
                rows.remedy(code),
                f.key,
            )
        return
    for row in findings:
        place = row.subject
        yield FlatRow(
            row.severity,
            row.code,
            row.name,
            place.funnel_name,
            place.stage_name,
            place.kind,
            place.id,
            place.name,
            row.message,
            row.remedy,
            row.key,
        )


def _phrase_key(p: Phrase) -> tuple[object, ...] | None:
    """All a phrase's wording depends on, or None when a value is not a plain one."""
    params: list[object] = [p.msgid, p.context, p.plural, p.counter]
    for k, v in p.params.items():
        kind = type(v)
        if isinstance(v, Phrase):
            inner = _phrase_key(v)
            if inner is None:
                return None
            params.append((k, inner))
        elif kind in _CACHED_TYPES and v == v:  # the type too: 1, 1.0 and True are worded apart
            params.append((k, kind, v))
        else:
            return None
    return tuple(params)
