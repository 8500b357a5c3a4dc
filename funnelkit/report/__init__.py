"""Render results for people and machines; never computes them.

`build_report` turns an audit result and its snapshot into one typed document
(`schema.AuditReport`, already in the report's language); each format renders that:

    text      summary first, findings grouped; plain lines      text.py
    json      the document itself, funnelkit.audit/1            machine.py
    csv       one row per finding, formula-safe                 machine.py
    sarif     SARIF 2.1.0 for code-scanning UIs                 sarif.py
    junit     JUnit XML, a failure per finding at --fail-on     machine.py
    markdown  a PR comment / CI step summary, < 60,000 chars    markdown.py
    html      one self-contained page with charts               html.py
"""

from __future__ import annotations

from collections.abc import Iterator

from funnelkit.model.enums import LANGS
from funnelkit.report.document import build_report
from funnelkit.report.schema import (
    FORMATS,
    REPORT_SCHEMA,
    SEVERITIES,
    AuditReport,
    report_schema,
    severity_rank,
)

__all__ = [
    "FORMATS",
    "LANGS",
    "REPORT_SCHEMA",
    "SEVERITIES",
    "AuditReport",
    "build_report",
    "only_failing",
    "render",
    "render_pieces",
    "report_schema",
]


def render(
    report: AuditReport, fmt: str, *, statistics: bool = False, details: bool = False
) -> str:
    """The report in one format, as text (in the language it was built in)."""
    if fmt == "text":
        from funnelkit.report.text import text_lines

        return "\n".join(text_lines(report, statistics=statistics, details=details)) + "\n"
    if fmt == "html":
        from funnelkit.report.html import to_html

        return to_html(report, details=details)
    if fmt == "markdown":
        from funnelkit.report.markdown import to_markdown

        return to_markdown(report, details=details)
    from funnelkit.report import machine

    writers = {
        "json": machine.to_json,
        "csv": machine.to_csv,
        "sarif": machine.to_sarif,
        "junit": machine.to_junit,
    }
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")
    return writers[fmt](report)


def render_pieces(
    report: AuditReport, fmt: str, *, statistics: bool = False, details: bool = False
) -> Iterator[str]:
    """`render` in pieces to be written as they come: json and sarif stream their findings, so
    a large report is never held whole as text; other formats are one piece."""
    if fmt == "json":
        from funnelkit.report.machine import json_pieces

        yield from json_pieces(report)
        return
    if fmt == "sarif":
        from funnelkit.report.sarif import sarif_pieces

        yield from sarif_pieces(report)
        return
    yield render(report, fmt, statistics=statistics, details=details)


def only_failing(report: AuditReport) -> AuditReport:
    """`--status fail`: the findings (and groups) at or above --fail-on only."""
    from funnelkit.report.rows import FindingList

    floor = severity_rank(report.summary.fail_on)
    found = report.findings
    return report.model_copy(
        update={
            "findings": found.where(lambda f: f.severity.rank >= floor)
            if isinstance(found, FindingList)
            else [f for f in found if severity_rank(f.severity) >= floor],
            "groups": [g for g in report.groups if severity_rank(g.severity) >= floor],
        }
    )
