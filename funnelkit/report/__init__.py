"""Render results for people and machines; never computes them.

`build_document` gathers the audit's findings, the rule texts and the metrics into
one JSON-ready document; each format renders that document:

    text      rich tables (plain when not a terminal)      text.py
    json      the document itself, funnelkit.audit/1        machine.py
    csv       one row per finding, formula-safe             machine.py
    sarif     SARIF 2.1.0 for code-scanning UIs             machine.py
    junit     JUnit XML, a test case per rule               machine.py
    markdown  a PR comment / CI step summary                markdown.py
    html      one self-contained page with charts           html.py
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from funnelkit.report.document import build_document
from funnelkit.report.schema import REPORT_SCHEMA, report_schema

FORMATS = ("text", "json", "csv", "markdown", "html", "sarif", "junit")

__all__ = ["FORMATS", "REPORT_SCHEMA", "build_document", "render", "report_schema"]


def render(doc: dict[str, Any], fmt: str, lang: str, statistics: bool = False) -> str:
    """The document in one format, as text."""
    if fmt == "text":
        from funnelkit.report.text import render_text

        buffer = io.StringIO()
        render_text(doc, lang, Console(file=buffer, width=120, no_color=True), statistics)
        return buffer.getvalue()
    if fmt == "html":
        from funnelkit.report.html import to_html

        return to_html(doc, lang)
    if fmt == "markdown":
        from funnelkit.report.markdown import to_markdown

        return to_markdown(doc, lang)
    from funnelkit.report import machine

    writers = {
        "json": machine.to_json,
        "csv": machine.to_csv,
        "sarif": machine.to_sarif,
        "junit": machine.to_junit,
    }
    return writers[fmt](doc)


def only_failing(doc: dict[str, Any]) -> dict[str, Any]:
    """`--status fail`: the findings at or above --fail-on only."""
    order = ["info", "low", "medium", "high", "critical"]
    floor = order.index(doc["summary"]["fail_on"])
    kept = [f for f in doc["findings"] if order.index(f["severity"]) >= floor]
    return {**doc, "findings": kept}
